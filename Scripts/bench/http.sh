#!/usr/bin/env bash
# Side-by-side HTTP benchmark: GET /healthz on FoveaHTTP and on a minimal
# Hummingbird 2 server (built from the local package copy; benchmark-only),
# measured in one run with wrk, then the idle keep-alive connection check.
#
#   Scripts/bench/http.sh                 # wrk -t1 -c64 -d10s, 5000 idle connections
#   DURATION=30s CONNECTIONS=128 IDLE=2000 Scripts/bench/http.sh
#
# wrk shares the machine's cores with the server, as in the issue's reference
# numbers (Hummingbird 2 ~40k req/s, nginx ~122k req/s on this machine).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
package="$root/Scripts/bench/http"
scratch="$root/.build/bench"
duration="${DURATION:-10s}"
connections="${CONNECTIONS:-64}"
idle="${IDLE:-5000}"
fovea_port="${FOVEA_PORT:-18081}"
hummingbird_port="${HUMMINGBIRD_PORT:-18082}"

"$(dirname "$0")/../ensure-system-packages.sh" bench
swift build -c release --package-path "$package" --scratch-path "$scratch"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

"$scratch/release/FoveaHealthzServer" "$fovea_port" >/dev/null 2>&1 & pids+=($!); fovea_pid=$!
"$scratch/release/HummingbirdHealthzServer" "$hummingbird_port" >/dev/null 2>&1 & pids+=($!)
for port in "$fovea_port" "$hummingbird_port"; do
    for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
done

run() {
    local name=$1 port=$2 output
    output=$(wrk -t1 -c"$connections" -d"$duration" --latency "http://127.0.0.1:$port/healthz")
    printf '%-12s %12s req/s   p50 %8s   p99 %8s\n' "$name" \
        "$(awk '/Requests\/sec/ {print $2}' <<<"$output")" \
        "$(awk '$1 == "50%" {print $2}' <<<"$output")" \
        "$(awk '$1 == "99%" {print $2}' <<<"$output")"
}

echo "== wrk -t1 -c$connections -d$duration GET /healthz (keep-alive), two rounds interleaved"
for round in 1 2; do
    run "FoveaHTTP" "$fovea_port"
    run "Hummingbird" "$hummingbird_port"
done

echo "== $idle idle keep-alive connections on FoveaHTTP"
ulimit -n "$(( idle + 1024 ))" 2>/dev/null || true
/usr/bin/python3 "$package/idle_connections.py" "$fovea_pid" "$fovea_port" "$idle"
