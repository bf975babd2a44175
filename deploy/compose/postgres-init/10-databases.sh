#!/bin/sh
# Runs once, as the PostgreSQL superuser, when the data volume is initialised (docker-entrypoint-initdb.d).
# The superuser and its database "temporal" come from POSTGRES_USER/POSTGRES_DB; this adds Temporal's
# visibility database and klagesag's own role and database, so klagesag never uses Temporal's credentials.
set -eu

klagesag_password=$(cat "${KLAGESAG_DB_PASSWORD_FILE:-/run/secrets/klagesag_db_password}")

# psql substitutes :'name' as a quoted literal, so the password needs no escaping here.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v klagesag_password="$klagesag_password" <<'SQL'
CREATE DATABASE temporal_visibility;
CREATE ROLE klagesag LOGIN PASSWORD :'klagesag_password';
CREATE DATABASE klagesag OWNER klagesag;
SQL
