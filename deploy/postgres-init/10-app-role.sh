#!/usr/bin/env bash
# Runs once, when the postgres container initialises an empty data directory: creates the role the
# silos log in as. It gets no rights here; `RepairNetwork.Server migrate` grants it exactly
# SELECT/INSERT/UPDATE/DELETE on the tables, USAGE on the sequences and EXECUTE on the functions.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -v app_password="$REPAIRNETWORK_APP_PASSWORD" \
  --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE repairnetwork_app LOGIN PASSWORD :'app_password';
SQL
