# Shared by the bench/ scripts (sourced, not run): the release build, fresh
# databases, servers on loopback that stop when the script exits, timing.
# The caller has `set -euo pipefail` and has cd'd to the repository root.

bin=target/release/district-indicators
bench_work=target/bench
mkdir -p "$bench_work"

# Builds the release binary (no database needed: SQLX_OFFLINE).
build_release() {
    SQLX_OFFLINE=true cargo build --release --locked --quiet --bin district-indicators
}

# fresh_database URL: drops the database of URL (connections forced out),
# then creates it and applies the migrations with the release binary.
fresh_database() {
    local url=$1
    psql "${url%/*}/postgres" -q -c "set client_min_messages = warning" -c "drop database if exists ${url##*/} with (force)"
    DATABASE_URL=$url "$bin" migrate 2>/dev/null
}

# Processes started by start_background, stopped by stop_background at exit.
background_pids=()
stop_background() {
    local pid
    for pid in "${background_pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${background_pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap stop_background EXIT

# port_free PORT: fails unless nothing listens on 127.0.0.1:PORT, so that a
# server of someone else's is never measured in place of ours.
port_free() {
    if [ -n "$(ss -Htln "sport = :$1")" ]; then
        echo "error: port $1 is in use by another process; choose another with BENCH_PORT" >&2
        exit 1
    fi
}

# start_background LOG COMMAND...: runs COMMAND with stdout and stderr to LOG.
start_background() {
    local log=$1
    shift
    "$@" >"$log" 2>&1 &
    background_pids+=("$!")
}

# serve_release URL PORT LOG: the release binary serving database URL on
# 127.0.0.1:PORT, ready when this returns. Extra settings come from the
# caller's environment.
serve_release() {
    local url=$1 port=$2 log=$3
    port_free "$port"
    DATABASE_URL=$url HOST=127.0.0.1 PORT=$port start_background "$log" "$bin" serve
    wait_for_http "http://127.0.0.1:$port/readyz" "$log"
}

# wait_for_http URL LOG [CURL_ARGS...]: waits up to 60 s for URL to answer
# 2xx (to a GET, or to the request CURL_ARGS make).
wait_for_http() {
    local url=$1 log=$2
    shift 2
    for _ in $(seq 1 120); do
        curl -fsS -o /dev/null "$@" "$url" 2>/dev/null && return 0
        sleep 0.5
    done
    echo "error: $url did not answer within 60 s; see $log" >&2
    exit 1
}

# A clock in seconds with fractions, and the time since a reading of it.
clock() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(clock)" 'BEGIN { printf "%.1f s", b - a }'; }

# One line describing the machine and the commit, for result tables.
machine_line() {
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $(psql -h 127.0.0.1 -U postgres -d postgres -Atc 'show server_version' | cut -d' ' -f1 | sed 's/^/PostgreSQL /'); commit $(git rev-parse --short HEAD); load average $(cut -d" " -f1-3 /proc/loadavg)"
}
