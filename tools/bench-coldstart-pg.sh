#!/usr/bin/env bash
# Cold-start benchmark on PostgreSQL (issue 18, item 6): a fresh server process on a database that already
# holds the demo network (as a new silo in a rolling deployment finds it), started straight into
# `rn bench dispatch` at RATE orders/s for SECONDS as soon as it reports SERVING (no client warm-up).
# Prints the time to SERVING, the server's warm-up log line, p50/p99 per 5 s and over the whole run.
#   dotnet build RepairNetwork.sln -c Release && tools/bench-coldstart-pg.sh [rate] [seconds]
# env: RN_BENCH_DB (rn_bench_coldstart), RN_BENCH_PORT (5191), RN_SERVER_DIR (the server's Release output),
#      RN_SERVER_ARGS (extra server arguments, e.g. --Warmup:Budget=00:00:00 to report SERVING with no warm-up),
#      RN_BENCH_RESEED (1: seed afresh, the default; template: start from a copy of the last seeded database,
#      without the orders and reminders of the runs since; 0: reuse the database as the last run left it), RN_BENCH_LOG (keep the server log in this file),
#      RN_BENCH_REPORT_EVERY (seconds per progress line, 5), RN_SERVER_ENV (environment for the measured server process only,
#      e.g. "DOTNET_TC_CallCountThreshold=30" to compare a runtime setting side by side; the client keeps its own),
#      RN_BENCH_PRELOAD ("RATE SECONDS": real orders sent after SERVING and before the measured run, at other points;
#      no longer a cold start: it shows what running the booking path before SERVING would give)
set -euo pipefail
cd "$(dirname "$0")/.."

rate="${1:-400}"
seconds="${2:-60}"
db="${RN_BENCH_DB:-rn_bench_coldstart}"
port="${RN_BENCH_PORT:-5191}"
mgmt=$((port + 1))
server_dir="${RN_SERVER_DIR:-src/RepairNetwork.Server/bin/Release/net10.0}"
rn="tools/RepairNetwork.Cli/bin/Release/net10.0/rn"
cities="$(pwd)/tools/demo-data/cities-cn.csv"
[ -x "$rn" ] && [ -f "$server_dir/RepairNetwork.Server.dll" ] || { echo "build first: dotnet build -c Release" >&2; exit 1; }
if [ -n "${RN_BENCH_PRELOAD:-}" ]; then
  read -r pre_rate pre_seconds _ <<<"$RN_BENCH_PRELOAD"
  [[ "$pre_rate" =~ ^[0-9]+$ && "${pre_seconds:-}" =~ ^[0-9]+$ ]] || { echo "RN_BENCH_PRELOAD must be \"RATE SECONDS\", e.g. \"100 20\"" >&2; exit 1; }
fi

cs="$(RN_PG_DB="$db" tools/dev-postgres.sh)"   # the server's own pool defaults, as the README runs it
owner="$(sed -n 's/.*Username=\([^;]*\).*/\1/p' <<<"$cs")"
reseed="${RN_BENCH_RESEED:-1}"
psql_() { su postgres -c "psql -qc '$1'" >/dev/null 2>&1; }
if [ "$reseed" = template ] && su postgres -c "psql -Atc \"select 1 from pg_database where datname = '${db}_seed'\"" | grep -q 1; then
  psql_ "DROP DATABASE IF EXISTS $db WITH (FORCE)"; psql_ "CREATE DATABASE $db TEMPLATE ${db}_seed OWNER $owner"; reseed=0
elif [ "$reseed" != 0 ]; then
  psql_ "DROP DATABASE IF EXISTS $db WITH (FORCE)"; psql_ "CREATE DATABASE $db OWNER $owner"
fi
key="$(openssl rand -base64 32)"               # this run's key: the development key is refused outside Development
log="${RN_BENCH_LOG:-$(mktemp)}"
server=""
server_env=""                                  # RN_SERVER_ENV, for the measured server only (not the one that seeds)
trap '[ -n "$server" ] && kill $server 2>/dev/null; [ -n "${RN_BENCH_LOG:-}" ] || rm -f "$log"' EXIT

start_server() { # extra args...
  # server_env is split into NAME=value words on purpose (values cannot contain spaces).
  # shellcheck disable=SC2086
  (cd "$server_dir" && exec env $server_env dotnet RepairNetwork.Server.dll \
    --Storage:Mode=postgres "--ConnectionStrings:RepairNetwork=$cs" \
    --Auth:SigningKeys:0:KeyId=bench "--Auth:SigningKeys:0:Secret=$key" \
    --Kestrel:Endpoints:Grpc:Url=http://localhost:$port \
    --Kestrel:Endpoints:Management:Url=http://localhost:$mgmt --Kestrel:Endpoints:Management:Protocols=Http1 \
    --Orleans:SiloPort=$((port + 6000)) --Shutdown:DrainDelay=00:00:00 "$@") >"$log" 2>&1 &
  server=$!
}
wait_ready() { # seconds; prints the seconds it took
  local t0; t0=$(date +%s.%N)
  for _ in $(seq 1 $(( $1 * 10 ))); do
    curl -sf "http://localhost:$mgmt/healthz/ready" >/dev/null 2>&1 && { echo "$(date +%s.%N) - $t0" | bc; return 0; }
    kill -0 $server 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  echo "not ready within $1 s" >&2; tail -20 "$log" >&2; exit 1
}

if [ "$reseed" != 0 ]; then
  echo "== seeding: the demo network into $db (a server with --demo, then stopped)"
  start_server --demo
  wait_ready 300 >/dev/null
  grep -o "Demo network loaded[^\"]*" "$log" | head -1
  kill -TERM $server; wait $server || true
  # A copy to start later runs from (RN_BENCH_RESEED=template): the same network without seeding again.
  psql_ "DROP DATABASE IF EXISTS ${db}_seed"; psql_ "CREATE DATABASE ${db}_seed TEMPLATE $db" || true
fi
# The database as a new silo finds it in production: statistics current and nothing left to flush.
# Straight after the bulk load (or the copy), autovacuum and the checkpoint of those writes would run
# during the measurement and take the CPU the cold server is being measured on.
su postgres -c "psql -q -d $db -c 'VACUUM ANALYZE'" >/dev/null 2>&1 || true
psql_ "CHECKPOINT" || true

echo "== cold start: a fresh server process${RN_SERVER_ARGS:+ with $RN_SERVER_ARGS} (load average $(cut -d' ' -f1 /proc/loadavg))"
server_env="${RN_SERVER_ENV:-}"
# shellcheck disable=SC2086
start_server ${RN_SERVER_ARGS:-}
ready_after="$(wait_ready 180)"
echo "SERVING after ${ready_after} s"
grep -o "Warm-up finished[^\"]*" "$log" | head -1 || true
export REPAIRNETWORK_TOKEN="$("$rn" token --role hq --key "$key" --key-id bench)"
if [ -n "${RN_BENCH_PRELOAD:-}" ]; then
  echo "== pre-load (not a cold start): $pre_rate real orders/s for $pre_seconds s"
  "$rn" --server "http://localhost:$port" bench dispatch --cities "$cities" --seed 7 --rate "$pre_rate" --duration "$pre_seconds" --warm-up 0 \
    --max-in-flight 4000 | grep -E "latency p99|errors" || true
fi
# rn exits non-zero when its own (warm, issue 7) target is missed; the figures are what counts here.
"$rn" --server "http://localhost:$port" bench dispatch --cities "$cities" --rate "$rate" --duration "$seconds" --warm-up 0 --max-in-flight 4000 --report-every "${RN_BENCH_REPORT_EVERY:-5}" || true
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
