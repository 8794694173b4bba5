# Sourced by scripts/bench and scripts/lighthouse: builds the release and runs it on a fresh
# SQLite file with the in-process sandboxes (provider and Stripe), stopping it when the script exits.
#
#   source scripts/lib/release-server.sh
#   release_build                 # scripts/setup + cargo leptos build --release --precompress; TERN_SKIP_BUILD=1 skips both
#   release_server_start 3200     # sets RELEASE_SERVER_URL and RELEASE_SERVER_PID, returns once /readyz answers
#
# The server's own output goes to target/bench/tern-<port>.log. Its rate limits for checkouts and
# sign-ins are raised far above what a measurement makes, as scripts/e2e-server does, since every
# purchase and sign-in comes from 127.0.0.1. Expects the working directory to be the repository root.

release_build() {
  if [[ ${TERN_SKIP_BUILD:-} == 1 ]]; then
    echo "TERN_SKIP_BUILD=1: using the release already in target/" >&2
  else
    scripts/setup
    cargo leptos build --release --precompress
  fi
  [[ -x target/release/tern ]] || { echo "no target/release/tern: build it first (unset TERN_SKIP_BUILD)" >&2; return 1; }
}

release_server_stop() {
  if [[ -n ${RELEASE_SERVER_PID:-} ]]; then
    kill "$RELEASE_SERVER_PID" 2>/dev/null || true
    wait "$RELEASE_SERVER_PID" 2>/dev/null || true
    RELEASE_SERVER_PID=
  fi
}

release_server_start() {
  local port=${1:?release_server_start needs a port}
  local dir=target/bench
  local db="$dir/tern-$port.db" outbox="$dir/outbox-$port" log="$dir/tern-$port.log"
  mkdir -p "$dir"
  rm -rf "$db" "$db"-* "$outbox"
  if curl -fs -o /dev/null "http://127.0.0.1:$port/healthz"; then
    echo "something already listens on 127.0.0.1:$port" >&2
    return 1
  fi
  env DATABASE_URL="sqlite://$db?mode=rwc" \
    LEPTOS_OUTPUT_NAME=tern LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg \
    LEPTOS_SITE_ADDR="127.0.0.1:$port" RUST_LOG="${RUST_LOG:-warn}" \
    TERN_OUTBOX_DIR="$outbox" \
    TERN_CHECKOUTS_PER_MINUTE=100000 TERN_SIGN_INS_PER_MINUTE=100000 TERN_ADMIN_SIGN_INS_PER_MINUTE=100000 \
    target/release/tern >"$log" 2>&1 &
  RELEASE_SERVER_PID=$!
  RELEASE_SERVER_URL="http://127.0.0.1:$port"
  trap release_server_stop EXIT
  trap 'exit 130' INT TERM
  local _
  for _ in $(seq 1 240); do
    curl -fs -o /dev/null "$RELEASE_SERVER_URL/readyz" && return 0
    kill -0 "$RELEASE_SERVER_PID" 2>/dev/null || break
    sleep 0.5
  done
  echo "the release server did not become ready on $RELEASE_SERVER_URL; the end of $log:" >&2
  tail -n 20 "$log" >&2
  return 1
}
