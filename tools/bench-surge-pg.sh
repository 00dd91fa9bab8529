#!/usr/bin/env bash
# Surge benchmark on PostgreSQL (issue 14), as docs/benchmarks.md reports it: a fresh database, a
# Release server on it (optionally a second silo of the same cluster, which can be killed half way),
# then `rn bench surge`: 20 outlets of capacity 3 around one city and CreateRepairOrder there at a
# steady rate with a 5 s deadline, reported per interval; at the end, the size of the unassigned
# queue's grain-state rows. Needs root (it creates the database through tools/dev-postgres.sh) and a
# Release build. Loopback only; the servers are stopped on exit.
#   dotnet build -c Release && tools/bench-surge-pg.sh [rate=150] [seconds=300] [interval=60]
# env: RN_SILOS (1 or 2), RN_KILL_SILO (1: kill -9 the second silo at half time), RN_BENCH_DB
#      (rn_bench_surge), RN_BENCH_PORT (5191), RN_SERVER_DIR (the server's Release output; another
#      build's to measure it with this client), RN_CLI (the rn binary), RN_LOGS (keep the silos' logs here),
#      RN_SERVER_ARGS (more server settings, e.g. --Overload:MaxConcurrentCalls=64)
set -euo pipefail
cd "$(dirname "$0")/.."

rate="${1:-150}"; seconds="${2:-300}"; interval="${3:-60}"
silos="${RN_SILOS:-1}"; kill_silo="${RN_KILL_SILO:-0}"
db="${RN_BENCH_DB:-rn_bench_surge}"
port="${RN_BENCH_PORT:-5191}"
server_dir="${RN_SERVER_DIR:-src/RepairNetwork.Server/bin/Release/net10.0}"
rn="${RN_CLI:-tools/RepairNetwork.Cli/bin/Release/net10.0/rn}"
[ -x "$rn" ] && [ -f "$server_dir/RepairNetwork.Server.dll" ] || { echo "build first: dotnet build -c Release" >&2; exit 1; }
[ "$silos" = 1 ] || [ "$silos" = 2 ] || { echo "RN_SILOS must be 1 or 2" >&2; exit 1; }
[ "$kill_silo" = 0 ] || [ "$silos" = 2 ] || { echo "RN_KILL_SILO needs RN_SILOS=2" >&2; exit 1; }

su postgres -c "psql -qc 'DROP DATABASE IF EXISTS $db'" >/dev/null 2>&1 || true
base="$(RN_PG_DB="$db" tools/dev-postgres.sh)"
# A bounded pool per silo: two silos stay under PostgreSQL's max_connections (see README).
cs="$base;Maximum Pool Size=24;Minimum Pool Size=4;Timeout=30"
logs="${RN_LOGS:-$(mktemp -d)}"; mkdir -p "$logs"
# A key for this run only: the server refuses the published development key outside Development.
key="$(openssl rand -base64 32)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; [ -n "${RN_LOGS:-}" ] || rm -rf "$logs"; }
trap cleanup EXIT

start_silo() {
  local i=$1
  (cd "$server_dir" && exec dotnet RepairNetwork.Server.dll \
    --Storage:Mode=postgres "--ConnectionStrings:RepairNetwork=$cs" \
    --Auth:SigningKeys:0:KeyId=bench "--Auth:SigningKeys:0:Secret=$key" \
    --Kestrel:Endpoints:Grpc:Url=http://localhost:$((port + i)) --Orleans:SiloPort=$((port + 6000 + i)) \
    --RateLimit:Roles:hq:PermitsPerSecond=1000000 --RateLimit:Roles:hq:Burst=1000000 ${RN_SERVER_ARGS:-}) >"$logs/silo$i.log" 2>&1 &
  pids[$i]=$!
  # Up once its gRPC port accepts connections (bounded: 3 minutes).
  for _ in $(seq 1 180); do
    (exec 3<>"/dev/tcp/127.0.0.1/$((port + i))") 2>/dev/null && return 0
    kill -0 "${pids[$i]}" 2>/dev/null || { cat "$logs/silo$i.log" >&2; exit 1; }
    sleep 1
  done
  echo "silo $i did not start" >&2; exit 1
}

start_silo 0
[ "$silos" = 2 ] && start_silo 1
sleep 3
echo "== surge: $rate orders/s for $seconds s, $silos silo(s)$([ "$kill_silo" = 1 ] && echo ", the second killed at $((seconds / 2)) s"); load average $(cut -d' ' -f1 /proc/loadavg), $(nproc) cores shared with the client"

if [ "$kill_silo" = 1 ]; then
  # The client talks to silo 0; silo 1 hosts about half of the grains and dies without warning.
  (sleep $((seconds / 2)); kill -9 "${pids[1]}" 2>/dev/null && echo "-- killed silo 1 (pid ${pids[1]}) at ~$((seconds / 2)) s") &
fi

export REPAIRNETWORK_TOKEN="$("$rn" token --role hq --key "$key" --key-id bench)"
status=0
timeout $((seconds + 120)) "$rn" --server "http://localhost:$port" bench surge --rate "$rate" --duration "$seconds" --interval "$interval" --deadline 5 || status=$?

echo "== unassigned queue rows in orleans_grain_state (state_name: rows, avg / max payload bytes)"
su postgres -c "psql -d $db -tAc \"SELECT state_name, count(*), round(avg(length(payload))), max(length(payload)) FROM orleans_grain_state WHERE state_name ILIKE '%unassigned%' GROUP BY state_name ORDER BY state_name\""
echo "== grain-state table: $(su postgres -c "psql -d $db -tAc \"SELECT pg_size_pretty(pg_total_relation_size('orleans_grain_state'))\""), reminders: $(su postgres -c "psql -d $db -tAc \"SELECT count(*) FROM orleans_reminder\"" 2>/dev/null || echo '?')"
exit $status
