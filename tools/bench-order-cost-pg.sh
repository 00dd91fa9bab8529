#!/usr/bin/env bash
# What one order costs in CPU at a steady rate on PostgreSQL. Runs tools/bench-coldstart-pg.sh (a fresh server on the
# seeded database, then `rn bench dispatch` at RATE orders/s) and, from WARM to WARM+WINDOW seconds after the server
# reports SERVING, reads the CPU time of the server process and of all PostgreSQL processes (/proc), the orders stored
# and PostgreSQL's committed transactions; prints CPU-ms per order for the server and for PostgreSQL.
#   dotnet build RepairNetwork.sln -c Release && tools/bench-order-cost-pg.sh [rate] [warm seconds] [window seconds]
# env: what tools/bench-coldstart-pg.sh takes (RN_SERVER_ENV to compare a runtime setting, RN_SERVER_DIR, RN_BENCH_RESEED,
#      RN_BENCH_DB ...). Compare settings side by side in one session: the machine's speed varies from day to day.
set -euo pipefail
cd "$(dirname "$0")/.."

rate="${1:-400}"
warm="${2:-25}"
window="${3:-35}"
db="${RN_BENCH_DB:-rn_bench_coldstart}"
port="${RN_BENCH_PORT:-5191}"
out="$(mktemp)"
bench=""
trap '[ -n "$bench" ] && kill $bench 2>/dev/null; rm -f "$out"' EXIT

tools/bench-coldstart-pg.sh "$rate" $((warm + window + 10)) >"$out" 2>&1 &
bench=$!
# "SERVING after" is printed for the measured server only (not for the one that seeds the database).
for _ in $(seq 1 6000); do
  grep -q "^SERVING after" "$out" && break
  kill -0 $bench 2>/dev/null || { cat "$out" >&2; exit 1; }
  sleep 0.1
done
grep -q "^SERVING after" "$out" || { echo "the server did not report SERVING within 10 minutes" >&2; cat "$out" >&2; exit 1; }
server="$(pgrep -nf "RepairNetwork.Server.dll.*localhost:$port")"
sleep "$warm"

sql() { su postgres -c "psql -d $db -Atc \"$1\""; }
snapshot() { # server ticks, postgres ticks, orders, transactions, uptime
  local pg=0 p
  for p in $(pgrep -u postgres); do pg=$((pg + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done
  echo "$(awk '{print $14 + $15}' "/proc/$server/stat") $pg $(sql "select count(*) from orleans_grain_state where state_name = 'repair-order'") \
$(sql "select xact_commit from pg_stat_database where datname = current_database()") $(cut -d' ' -f1 /proc/uptime)"
}
read -r s0 p0 o0 x0 t0 <<<"$(snapshot)"
sleep "$window"
read -r s1 p1 o1 x1 t1 <<<"$(snapshot)"
wait $bench || true
bench=""

hz="$(getconf CLK_TCK)"
orders=$((o1 - o0))
[ "$orders" -gt 0 ] || { echo "no orders were stored in the window" >&2; cat "$out" >&2; exit 1; }
awk -v s=$((s1 - s0)) -v p=$((p1 - p0)) -v o="$orders" -v x=$((x1 - x0)) -v t="$(echo "$t1 - $t0" | bc)" -v hz="$hz" 'BEGIN {
  printf "orders stored %d in %.1f s (%.0f/s)\n", o, t, o / t
  printf "server     %.2f CPU-ms per order (%.0f%% of a core)\n", 1000 * s / hz / o, 100 * s / hz / t
  printf "PostgreSQL %.2f CPU-ms per order (%.0f%% of a core), %.2f transactions per order\n", 1000 * p / hz / o, 100 * p / hz / t, x / o
}'
grep -E "SERVING after|latency p99|│ errors" "$out" | tr -s ' '
