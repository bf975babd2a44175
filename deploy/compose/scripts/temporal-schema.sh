#!/bin/sh
# Brings Temporal's two PostgreSQL databases (persistence and SQL visibility) to the schema version of
# the admin-tools image. Runs in temporalio/admin-tools before the server starts; safe to run again:
# setup-schema only records version 0.0 where no version is recorded, and update-schema applies only
# the versions a database does not have yet. The databases themselves are created by
# postgres-init/10-databases.sh when the PostgreSQL volume is first initialised.
set -eu

: "${POSTGRES_SEEDS:=postgresql}"
: "${DB_PORT:=5432}"
: "${POSTGRES_USER:=temporal}"
: "${DBNAME:=temporal}"
: "${VISIBILITY_DBNAME:=temporal_visibility}"
: "${SCHEMA_ROOT:=/etc/temporal/schema/postgresql/v12}"

# temporal-sql-tool reads the password from SQL_PASSWORD; it comes from a compose secret, not the env file.
SQL_PASSWORD=$(cat /run/secrets/temporal_db_password)
export SQL_PASSWORD

for pair in "$DBNAME:temporal" "$VISIBILITY_DBNAME:visibility"; do
  db=${pair%%:*}
  schema=${pair#*:}
  echo "schema of $db ($schema)"
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" --db "$db" \
    setup-schema -v 0.0
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" --db "$db" \
    update-schema -d "$SCHEMA_ROOT/$schema/versioned"
done
echo "Temporal schema up to date"
