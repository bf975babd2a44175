#!/bin/sh
# Creates the klagesag namespace and registers klagesag's search attributes; safe to run again.
# Runs in temporalio/admin-tools (the `temporal` CLI) once the server is healthy.
# The names and types must equal workflows/search_attributes.py (tests/deploy checks it).
set -eu

: "${TEMPORAL_ADDRESS:=temporal:7233}"
: "${TEMPORAL_NAMESPACE:=klagesag}"
# Closed workflows are kept this long for inspection; the case itself lives on in PostgreSQL.
: "${NAMESPACE_RETENTION:=30d}"
# The CLI reads the address from the environment; the namespace is passed explicitly, because the
# namespace commands do not take it from TEMPORAL_NAMESPACE.
export TEMPORAL_ADDRESS
ns="$TEMPORAL_NAMESPACE"
unset TEMPORAL_NAMESPACE

# retry N COMMAND...: a new namespace takes some seconds to reach every frontend's cache, and until
# then search-attribute calls answer "namespace not found".
retry() {
  tries=$1
  shift
  n=1
  until "$@"; do
    if [ "$n" -ge "$tries" ]; then
      echo "giving up after $n attempts: $*" >&2
      return 1
    fi
    n=$((n + 1))
    sleep 2
  done
}

retry 30 temporal operator cluster health

if temporal operator namespace describe --namespace "$ns" >/dev/null 2>&1; then
  echo "namespace $ns exists"
else
  temporal operator namespace create --namespace "$ns" --retention "$NAMESPACE_RETENTION"
fi

# One attribute per call: with several --name and one --type, CLI 1.9.1 registers only the first name
# and still reports success (seen on the dev server).
register() {
  retry 30 temporal operator search-attribute create --namespace "$ns" --name "$1" --type "$2"
}
register KlagesagKommune Keyword
register KlagesagPhase Keyword
register KlagesagNextDeadline Datetime
register KlagesagOverdue Bool
register KlagesagRound Int

# Check, rather than trust the exit codes above.
listed=$(temporal operator search-attribute list --namespace "$ns")
for name in KlagesagKommune KlagesagPhase KlagesagNextDeadline KlagesagOverdue KlagesagRound; do
  if ! printf '%s\n' "$listed" | grep -q "^ *$name "; then
    echo "search attribute $name is missing after registration" >&2
    exit 1
  fi
done
echo "namespace $ns ready with klagesag's search attributes"
