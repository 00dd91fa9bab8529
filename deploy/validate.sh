#!/usr/bin/env bash
# Static checks of the deployment files, for a machine without a container engine or a Kubernetes
# cluster: YAML syntax, the compose file against the Compose specification's schema (dclint), the
# Kubernetes manifests as kustomize renders them against the Kubernetes API schemas
# (kubernetes-models), and the shell scripts' syntax. It does not build the image, start anything or
# check the Envoy configuration beyond YAML syntax. Tools come from npm into a temporary directory.
set -euo pipefail
cd "$(dirname "$0")"

tools="$(mktemp -d)"
trap 'rm -rf "$tools"' EXIT
npm install --prefix "$tools" --no-save --no-audit --no-fund --loglevel=error \
  dclint@3.1.0 kubernetes-models@4.5.1 yaml@2 >/dev/null
cp validate/k8s-schema.mjs "$tools/"

echo "== YAML syntax"
for f in compose.yaml envoy.yaml k8s/*.yaml; do
  NODE_PATH="$tools/node_modules" node -e '
    const { parseAllDocuments } = require("yaml");
    const docs = parseAllDocuments(require("fs").readFileSync(process.argv[1], "utf8"));
    const errors = docs.flatMap(d => d.errors);
    if (errors.length) { console.error(process.argv[1], errors.map(e => e.message).join("\n")); process.exit(1); }
    console.log("ok  ", process.argv[1]);' "$f"
done

echo "== compose.yaml against the Compose schema (errors only)"
REPAIRNETWORK_SIGNING_KEY=x "$tools/node_modules/.bin/dclint" compose.yaml --quiet

echo "== Kubernetes manifests against the API schemas"
rendered="$tools/rendered.yaml"
if command -v kubectl >/dev/null 2>&1; then
  kubectl kustomize k8s > "$rendered"
  node "$tools/k8s-schema.mjs" "$rendered" k8s/migrate-job.yaml k8s/secret.example.yaml
else
  echo "(kubectl not found: checking the files as written, without kustomize)"
  node "$tools/k8s-schema.mjs" k8s/namespace.yaml k8s/rbac.yaml k8s/deployment.yaml k8s/service.yaml \
    k8s/pdb.yaml k8s/networkpolicy.yaml k8s/migrate-job.yaml k8s/secret.example.yaml
fi

echo "== shell syntax"
bash -n postgres-init/10-app-role.sh && echo "ok   postgres-init/10-app-role.sh"
echo "deploy files valid"
