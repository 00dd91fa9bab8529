#!/usr/bin/env bash
# Links the .proto files of the Google.Api.CommonProtos NuGet package (google/api/annotations.proto,
# http.proto: the REST mapping our protos import) to .buf-deps/, where buf.yaml looks for them. buf has
# no network here, and the files are another project's, so they are not copied into the repository.
# Needs a restored solution (`dotnet restore RepairNetwork.sln`). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
version="$(sed -n 's/.*PackageVersion Include="Google.Api.CommonProtos" Version="\([^"]*\)".*/\1/p' Directory.Packages.props)"
packages="${NUGET_PACKAGES:-$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')}"
source="${packages%/}/google.api.commonprotos/$version/content/protos"
if [[ ! -f "$source/google/api/annotations.proto" ]]; then
  echo "link-buf-deps: $source/google/api/annotations.proto not found; run dotnet restore RepairNetwork.sln first" >&2
  exit 1
fi
mkdir -p .buf-deps
ln -sfn "$source" .buf-deps/google-api-commonprotos
