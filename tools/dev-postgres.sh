#!/usr/bin/env bash
# Starts the machine's PostgreSQL 15 (Debian cluster "15 main") for development and tests, creates the
# RepairNetwork role and database if missing, and prints the connection string on stdout.
# Idempotent: safe to run any number of times. Needs root (it acts as the postgres user).
#   usage: tools/dev-postgres.sh            -> prints e.g. Host=127.0.0.1;Port=5432;...
#   env:   RN_PG_DB (default repairnetwork), RN_PG_USER (repairnetwork), RN_PG_PASSWORD (repairnetwork)
set -euo pipefail

db="${RN_PG_DB:-repairnetwork}"
user="${RN_PG_USER:-repairnetwork}"
password="${RN_PG_PASSWORD:-repairnetwork}"
port="${RN_PG_PORT:-5432}"

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else su postgres -s /bin/bash -c "$(printf '%q ' "$@")"; fi
}

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "PostgreSQL server tools not found; install them with: apt-get install -y postgresql-15" >&2
  exit 1
fi

if ! pg_lsclusters -h 2>/dev/null | awk '$1=="15" && $2=="main"' | grep -q online; then
  pg_ctlcluster 15 main start >&2
fi

for _ in $(seq 1 30); do
  as_postgres psql -p "$port" -qtAc "select 1" >/dev/null 2>&1 && break
  sleep 1
done

# Role with CREATEDB so that tests can create throw-away databases of their own, and CREATEROLE so
# they can create a runtime role without DDL rights (the separate migration role test).
as_postgres psql -p "$port" -v ON_ERROR_STOP=1 -qtA >/dev/null <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$user') THEN
    CREATE ROLE "$user" LOGIN CREATEDB CREATEROLE PASSWORD '$password';
  ELSE
    ALTER ROLE "$user" CREATEROLE;
  END IF;
END
\$\$;
SQL
if ! as_postgres psql -p "$port" -qtAc "select 1 from pg_database where datname = '$db'" | grep -q 1; then
  as_postgres createdb -p "$port" -O "$user" "$db"
fi

# Loopback: TLS would only cost CPU on both ends.
echo "Host=127.0.0.1;Port=$port;Database=$db;Username=$user;Password=$password;SSL Mode=Disable"
