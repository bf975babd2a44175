#!/bin/sh
# Creates the klagesag namespace and registers klagesag's search attributes; safe to run again.
# Runs in temporalio/admin-tools (the `temporal` CLI) once the server is healthy.
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

# NAME:TYPE, exactly workflows/search_attributes.py (tests/deploy compares them).
ATTRIBUTES="KlagesagKommune:Keyword KlagesagPhase:Keyword KlagesagNextDeadline:Datetime"
ATTRIBUTES="$ATTRIBUTES KlagesagOverdue:Bool KlagesagRound:Int"

# One attribute per call: with several --name and one --type, CLI 1.9.1 registers only the first name
# and still reports success (seen on the dev server).
for pair in $ATTRIBUTES; do
  retry 30 temporal operator search-attribute create --namespace "$ns" --name "${pair%%:*}" --type "${pair#*:}"
done

# Check names and types, rather than trust the exit codes above.
listed=$(temporal operator search-attribute list --namespace "$ns")
for pair in $ATTRIBUTES; do
  if ! printf '%s\n' "$listed" | grep -q "^ *${pair%%:*}  *${pair#*:} *$"; then
    echo "search attribute ${pair%%:*} of type ${pair#*:} is missing after registration" >&2
    exit 1
  fi
done
echo "namespace $ns ready with klagesag's search attributes"
