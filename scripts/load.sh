#!/usr/bin/env bash
# Load figures for `jot serve` (issue 14 §4): starts the release binary on a
# fresh store, drives it over loopback with wrk, and prints a Markdown table
# (also written to target/load/<backend>.md) for BENCHMARKS.md.
#
#   scripts/load.sh [sqlite] [postgres]      (default: both)
#
# Client and server share this machine's cores, as the issue's targets
# assume. Settings (environment):
#   LOAD_DURATION     seconds per throughput row (default 10)
#   LOAD_CONNECTIONS  wrk connections (default 32), LOAD_THREADS wrk threads
#                     (default: the core count)
#   LOAD_TOKENS       access tokens issued before RSS is read (default 1000000)
#   LOAD_FAMILIES     refresh families started before RSS is read (default 100000)
#   LOAD_JOT          use this jot binary instead of building the release one
#   LOAD_PROFILE      use this jot-bench `profile` binary (it times the ES256
#                     verify the distinct-token target is computed from)
#   LOAD_PIPELINE     requests a connection writes at once in the pipelined
#                     distinct-token row (default 8)
#   JOT_TEST_DATABASE_URL  a PostgreSQL server where a scratch database is
#                     created and dropped (default postgres://postgres@127.0.0.1:5432/test)
# Needs wrk (Debian package `wrk`), curl, python3 and, for PostgreSQL, psql.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

backends=("$@")
[ ${#backends[@]} -eq 0 ] && backends=(sqlite postgres)
duration=${LOAD_DURATION:-10}
connections=${LOAD_CONNECTIONS:-32}
cores=$(nproc)
threads=${LOAD_THREADS:-$cores}
pipeline=${LOAD_PIPELINE:-8}
tokens=${LOAD_TOKENS:-1000000}
families=${LOAD_FAMILIES:-100000}
pg_url=${JOT_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
lua=$root/scripts/load/wrk.lua

for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "load.sh needs $tool" >&2; exit 1; }
done

if [ -n "${LOAD_JOT:-}" ]; then
  jot=$LOAD_JOT # a binary already built (a smoke run of this script)
else
  cargo build --release -p jot-cli
  jot="${CARGO_TARGET_DIR:-$root/target}/release/jot"
fi
if [ -n "${LOAD_PROFILE:-}" ]; then
  profile=$LOAD_PROFILE
else
  cargo build --release -p jot-bench --bin profile
  profile="${CARGO_TARGET_DIR:-$root/target}/release/profile"
fi
mkdir -p "$root/target/load"

# One ES256 verify+validate on this machine, now, with nothing else running:
# the best of three runs of 20 000 (jot-bench's profile binary; its key
# generation and start are under 1 % of a run). The distinct-token target
# is 70 % of the cores divided by it.
verify_us=$(python3 - "$profile" <<'EOF'
import subprocess, sys, time
best = None
for _ in range(3):
    t = time.perf_counter()
    subprocess.run([sys.argv[1], "ES256", "verify", "20000"], check=True)
    us = (time.perf_counter() - t) / 20000 * 1e6
    best = us if best is None else min(best, us)
print(f"{best:.1f}")
EOF
)
distinct_target=$(python3 -c "print(round(0.7 * $cores / ($verify_us / 1e6)))")

work=$(mktemp -d)
server_pid=
scratch_db=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [ -n "$scratch_db" ] && psql "$pg_url" -qc "DROP DATABASE IF EXISTS $scratch_db WITH (FORCE)" >/dev/null 2>&1
  [ -n "${LOAD_KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# The login service trusted for the jwt-bearer grant, which starts refresh
# families (as a login system hands its users to jot).
"$jot" key generate --alg ES256 --kid login --out "$work/login.jwk" --public-out "$work/login.pub.jwk"
login=https://login.example

# wrk ROW PATH [wrk args...]: runs one row with the LOAD_* variables the
# caller exported, prints "requests/s p50 p99 requests non2xx errors".
run_wrk() {
  local path=$1; shift
  local line
  line=$(wrk --latency -t "$threads" -c "$connections" -s "$lua" "$@" "$base$path" | grep '^RESULT')
  python3 - "$line" <<'EOF'
import sys
f = dict(kv.split("=") for kv in sys.argv[1].split()[1:])
n, us = int(f["requests"]), int(f["duration_us"])
print(f'{n / (us / 1e6):.0f} {int(f["p50_us"]) / 1000:.2f} {int(f["p99_us"]) / 1000:.2f} {n} {f["non2xx"]} {f["socket_errors"]}')
EOF
}

# run_until N PATH: wrk runs of 20 s until N requests succeeded; prints how
# many did.
run_until() {
  local goal=$1 path=$2 done=0 r ok
  while [ "$done" -lt "$goal" ]; do
    r=$(run_wrk "$path" -d 20s)
    ok=$(echo "$r" | awk '{print $4 - $5}')
    # A run where nothing succeeded would loop for ever: stop and show why.
    if [ "$ok" -le 0 ]; then
      echo "no request succeeded in 20 s ($path); the server log ends:" >&2
      tail -5 "$work/serve.log" >&2
      exit 1
    fi
    done=$((done + ok))
  done
  echo "$done"
}

start_server() {
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  base=http://127.0.0.1:$port
  # Rate limits off: they would measure the limiter. Logs as operators run
  # them (one line per request), into a file.
  "$jot" serve "${store_args[@]}" --listen "127.0.0.1:$port" --issuer "$base" \
    --trusted-issuer "$login=$work/login.pub.jwk" \
    --rate-limit-address 0 --rate-limit-client 0 "$@" \
    >"$work/serve.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do
    curl -fs "$base/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "jot serve did not become ready:" >&2; tail -20 "$work/serve.log" >&2; exit 1
}

stop_server() {
  kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=
}

# Bytes the store holds (data, indexes, dead rows not yet reused).
store_bytes() {
  case $backend in
    sqlite) python3 - "$work/data/jot.db" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
page = c.execute("PRAGMA page_size").fetchone()[0]
used = c.execute("PRAGMA page_count").fetchone()[0] - c.execute("PRAGMA freelist_count").fetchone()[0]
print(used * page)
EOF
    ;;
    postgres) psql "$store_url" -Atc "SELECT pg_database_size(current_database())" ;;
  esac
}

rss_kib() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$server_pid/status"; }

for backend in "${backends[@]}"; do
  rm -rf "$work/data" "$work"/pool.* "$work"/families.*
  store_args=(--data-dir "$work/data")
  case $backend in
    sqlite) store_url= ;;
    postgres)
      scratch_db=jot_load_$$
      psql "$pg_url" -qc "CREATE DATABASE $scratch_db" >/dev/null
      store_url="${pg_url%/*}/$scratch_db"
      store_args+=(--database "$store_url")
      ;;
    *) echo "unknown backend $backend (sqlite, postgres)" >&2; exit 2 ;;
  esac

  secret=$("$jot" client add app "${store_args[@]}" --audience api \
    --grant client_credentials --grant jwt-bearer --grant refresh_token --json | json_field client_secret)
  basic="Basic $(printf 'app:%s' "$secret" | base64 -w0)"
  start_server
  assertion=$("$jot" sign --key "$work/login.jwk" --iss "$login" --sub user-1 --aud "$base" --exp 1d)
  cc_body="grant_type=client_credentials"
  family_body="grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=$assertion"

  rows=()
  row() { rows+=("| $1 | $2 | $(echo "$3" | awk '{printf "%s | %s | %s | %s", $1, $2, $3, ($5 + $6 == 0 ? "0" : $5 "+" $6)}') |"); }
  echo "== $backend: throughput rows, ${duration}s each, $connections connections, $threads threads" >&2

  unset LOAD_METHOD LOAD_BODY LOAD_AUTH LOAD_MODE LOAD_POOL LOAD_CAPTURE

  healthz=$(run_wrk /healthz -d "${duration}s")
  row "\`/healthz\` (reference)" "—" "$healthz"

  cc=$(LOAD_METHOD=POST LOAD_BODY=$cc_body LOAD_AUTH=$basic run_wrk /oauth2/token -d "${duration}s")
  row "\`client_credentials\` issuance (ES256)" "≥ 10 000/s" "$cc"

  # One family per connection, split over the threads as wrk splits the
  # connections, and two more per thread: wrk asks a thread for one request
  # more than it has connections before the first answer comes. Each
  # rotation consumes one token and returns the next.
  per_thread=$((connections / threads + 2))
  for t in $(seq 0 $((threads - 1))); do
    for _ in $(seq 1 "$per_thread"); do
      curl -fs -H "Authorization: $basic" -d "$family_body" "$base/oauth2/token" \
        | json_field refresh_token >>"$work/families.$t"
    done
  done
  before=$(store_bytes)
  rotate=$(LOAD_METHOD=POST LOAD_BODY=x LOAD_AUTH=$basic LOAD_MODE=rotate LOAD_POOL=$work/families \
    run_wrk /oauth2/token -d "${duration}s")
  after=$(store_bytes)
  rotations=$(echo "$rotate" | awk '{print $4}')
  row "\`refresh_token\` rotation (one committed write each)" "≥ 1 000/s" "$rotate"

  token=$(curl -fs -H "Authorization: $basic" -d "$cc_body" "$base/oauth2/token" | json_field access_token)
  intro=$(LOAD_METHOD=POST LOAD_BODY="token=$token" LOAD_AUTH=$basic run_wrk /oauth2/introspect -d "${duration}s")
  row "introspection of an access token" "≥ 10 000/s" "$intro"

  same=$(LOAD_AUTH="Bearer $token" run_wrk "/auth?aud=api" -d "${duration}s")
  row "\`/auth\`, one token repeated" "≥ 50 % of \`/healthz\`" "$same"

  # Distinct tokens: a pool issued first (twice as long as the row runs),
  # each sent once while the pool lasts. The pipelined row gets a pool of
  # its own: a token the first row sent is in the cache.
  for p in pool pool_p; do
    LOAD_METHOD=POST LOAD_BODY=$cc_body LOAD_AUTH=$basic LOAD_CAPTURE=$work/$p \
      run_wrk /oauth2/token -d "$((2 * duration))s" >/dev/null
  done
  pool=$(cat "$work"/pool.* | wc -l)
  distinct=$(LOAD_MODE=bearer LOAD_POOL=$work/pool run_wrk "/auth?aud=api" -d "${duration}s")
  sent=$(echo "$distinct" | awk '{print $4}')
  target="≥ 70 % × $cores cores ÷ $verify_us µs = $distinct_target/s"
  row "\`/auth\`, every token distinct (ES256; pool $pool, sent $sent)" "$target" "$distinct"
  pool=$(cat "$work"/pool_p.* | wc -l)
  distinct_p=$(LOAD_MODE=bearer LOAD_POOL=$work/pool_p LOAD_PIPELINE=$pipeline \
    run_wrk "/auth?aud=api" -d "${duration}s")
  sent=$(echo "$distinct_p" | awk '{print $4}')
  row "the same, $pipeline requests pipelined per connection (pool $pool, sent $sent)" "$target" "$distinct_p"
  # What the row could reach if the server spent nothing on a request but
  # the verify and what /healthz costs all in (server, wrk, loopback).
  ceiling=$(python3 -c "h = float('$healthz'.split()[0]); print(round($cores / ($cores / h + $verify_us / 1e6)))")

  # Memory: RSS after LOAD_TOKENS issued tokens and LOAD_FAMILIES live
  # families. wrk runs for a time, not a count: 20 s runs until enough
  # requests succeeded.
  echo "== $backend: issuing $tokens tokens and starting $families families" >&2
  issued=$(LOAD_METHOD=POST LOAD_BODY=$cc_body LOAD_AUTH=$basic run_until "$tokens" /oauth2/token)
  families_before=$(store_bytes)
  started=$(LOAD_METHOD=POST LOAD_BODY=$family_body LOAD_AUTH=$basic run_until "$families" /oauth2/token)
  families_after=$(store_bytes)
  rss=$(rss_kib VmRSS); hwm=$(rss_kib VmHWM)
  stop_server

  {
    echo "### $backend ($cores cores, client and server on the same machine; $(date -u +%Y-%m-%d))"
    echo
    echo "| row | target | requests/s | p50 ms | p99 ms | non-2xx + socket errors |"
    echo "|---|---|---:|---:|---:|---:|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "- ES256 verify+validate on this machine: $verify_us µs, so 70 % of $cores cores ÷ it is $distinct_target/s. With wrk on the same cores, one verify added to everything \`/healthz\` costs caps the distinct row at $cores ÷ ($cores ÷ healthz + verify) = $ceiling/s."
    echo "- RSS after $issued more issued tokens and $started new live refresh families: $((rss / 1024)) MB (peak $((hwm / 1024)) MB); target ≤ 200 MB."
    echo "- Store growth per new refresh family: $(( (families_after - families_before) / started )) bytes ($families_before → $families_after bytes)."
    echo "- Store growth per rotation: $(( (after - before) / (rotations > 0 ? rotations : 1) )) bytes over $rotations rotations (the consumed token is kept for reuse detection until the family expires)."
  } | tee "$root/target/load/$backend.md"

  if [ "$backend" = postgres ]; then
    psql "$pg_url" -qc "DROP DATABASE IF EXISTS $scratch_db WITH (FORCE)" >/dev/null; scratch_db=
  fi
done
