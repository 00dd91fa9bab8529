#!/usr/bin/env bash
# Dispatch benchmark on PostgreSQL, as docs/benchmarks.md reports it: a fresh database, a Release
# server on it with the demo network, then `rn bench dispatch` at each rate given (open loop, 15 s
# measured after 3 s of warm-up), with the rows the database wrote and the server's CPU per run.
# Needs root (it creates the database through tools/dev-postgres.sh) and a Release build:
#   dotnet build -c Release && tools/bench-dispatch-pg.sh 200 400 600
# env: RN_BENCH_DB (rn_bench_dispatch), RN_BENCH_PORT (5181), RN_SERVER_DIR (the server's Release output)
set -euo pipefail
cd "$(dirname "$0")/.."

db="${RN_BENCH_DB:-rn_bench_dispatch}"
port="${RN_BENCH_PORT:-5181}"
server_dir="${RN_SERVER_DIR:-src/RepairNetwork.Server/bin/Release/net10.0}"
rn="tools/RepairNetwork.Cli/bin/Release/net10.0/rn"
cities="$(pwd)/tools/demo-data/cities-cn.csv"
[ $# -gt 0 ] || set -- 200 400
[ -x "$rn" ] && [ -f "$server_dir/RepairNetwork.Server.dll" ] || { echo "build first: dotnet build -c Release" >&2; exit 1; }

su postgres -c "psql -qc 'DROP DATABASE IF EXISTS $db'" >/dev/null 2>&1 || true
base="$(RN_PG_DB="$db" tools/dev-postgres.sh)"
# A bounded pool: Npgsql's default of 100 equals PostgreSQL's max_connections (see README).
cs="$base;Maximum Pool Size=24;Minimum Pool Size=8;Timeout=30"
log="$(mktemp)"
# A key for this run only: the server refuses the published development key outside Development.
key="$(openssl rand -base64 32)"
(cd "$server_dir" && exec dotnet RepairNetwork.Server.dll --demo \
  --Storage:Mode=postgres "--ConnectionStrings:RepairNetwork=$cs" \
  --Auth:SigningKeys:0:KeyId=bench "--Auth:SigningKeys:0:Secret=$key" \
  --Kestrel:Endpoints:Grpc:Url=http://localhost:$port --Orleans:SiloPort=$((port + 6000)) \
  --RateLimit:Roles:hq:PermitsPerSecond=1000000 --RateLimit:Roles:hq:Burst=1000000) >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 180); do grep -q "Demo network loaded" "$log" && break; kill -0 $server || { cat "$log" >&2; exit 1; }; sleep 1; done
sleep 3

export REPAIRNETWORK_TOKEN="$("$rn" token --role hq --key "$key" --key-id bench)"
pid="$(pgrep -f "SiloPort=$((port + 6000))" | head -1)"
rows() { su postgres -c "psql -d $db -tAc \"SELECT coalesce(sum(n_tup_ins + n_tup_upd), 0) FROM pg_stat_user_tables\""; }
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
for rate in "$@"; do
  echo "== $rate orders/s (load average $(cut -d' ' -f1 /proc/loadavg))"
  rows0=$(rows); cpu0=$(cpu)
  "$rn" --server "http://localhost:$port" bench dispatch --cities "$cities" --rate "$rate" --duration 15 --warm-up 3 --max-in-flight 2000 | tail -14
  sleep 1
  echo "rows written by the database: $(( $(rows) - rows0 )); server CPU: $(( ($(cpu) - cpu0) / 100 )) s"
done
