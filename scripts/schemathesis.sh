#!/usr/bin/env bash
# Runs schemathesis against a real `jot serve` (the debug binary of the
# workspace build) on a fresh SQLite data dir, with one registered client
# that may use every grant and the admin endpoint. schemathesis reads
# GET /openapi.json and sends generated requests, valid and malformed, to
# every operation; the run fails on any 5xx, on a status, content type or
# header the document does not list, and on a body that contradicts its
# schema.
#
#   scripts/schemathesis.sh            # EXAMPLES (default 40) per operation
#   EXAMPLES=200 SEED=1 scripts/schemathesis.sh
#
# The seed is fixed by default so CI sees the same requests every run;
# set SEED to explore further. Needs schemathesis (.ci/run installs the
# pinned version) and a built `jot` (cargo build --workspace --bins).
set -euo pipefail
cd "$(dirname "$0")/.."

jot="${JOT_BIN:-${CARGO_TARGET_DIR:-$PWD/target}/debug/jot}"
examples="${EXAMPLES:-40}"
seed="${SEED:-20261130}"
[ -x "$jot" ] || { echo "no jot binary at $jot: cargo build --workspace --bins" >&2; exit 1; }

work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Only this run's data dir: nothing from the caller's environment.
unset JOT_DATABASE JOT_KEK JOT_KEK_FILE JOT_CONFIG JOT_ISSUER JOT_TLS_CERT JOT_TLS_KEY JOT_TRUSTED_ISSUER
export JOT_DATA_DIR="$work/data"

creds="$("$jot" client add schemathesis --audience api://schemathesis --scope "read write" \
  --grant client_credentials --grant refresh_token --grant jwt-bearer --grant token-exchange \
  --admin --json 2>/dev/null)"
client_id="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["client_id"])' <<<"$creds")"
client_secret="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["client_secret"])' <<<"$creds")"

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
JOT_LISTEN="127.0.0.1:$port" "$jot" serve >"$work/serve.log" 2>&1 &
server=$!

start=$SECONDS
status=0
schemathesis --no-color run "$base/openapi.json" \
  --wait-for-schema 60 \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --max-examples "$examples" \
  --seed "$seed" \
  --workers 2 \
  --auth "$client_id:$client_secret" \
  || status=$?
echo "schemathesis: exit $status after $((SECONDS - start)) s ($examples examples per operation, seed $seed)"
if [ "$status" -ne 0 ]; then
  # The service's log names requests by method and path only, never their
  # credentials or tokens.
  echo "--- the last lines of jot serve's log:" >&2
  tail -n 40 "$work/serve.log" >&2
fi
exit "$status"
