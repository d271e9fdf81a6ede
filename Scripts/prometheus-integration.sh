#!/usr/bin/env bash
# End-to-end check of the monitoring path: a real Prometheus, configured with a
# copy of Deploy/prometheus/ (prometheus.yml and its alert rules), scrapes a
# real `fovea serve`, and the Fovea metrics are read back through Prometheus'
# HTTP API. This is what proves that the exposition, the scrape config and the
# rules work together, which promtool checks on each file alone cannot.
#
# Usage: Scripts/prometheus-integration.sh [FOVEA_BINARY]
#   FOVEA_BINARY  default: $FOVEA_BIN, else .build/debug/fovea, else .build/release/fovea
# Environment: PROMETHEUS (default /usr/bin/prometheus), IMAGE (a JPEG to
#   classify; default shared/images/samoyed-640.jpg beside the repository).
#
# Bounded to 60 s; every process it starts is stopped on exit. Prints
# "N passed, N failed" last and exits non-zero when a check failed.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
budget_seconds=60
classify_requests=3

fovea="${1:-${FOVEA_BIN:-}}"
if [[ -z "$fovea" ]]; then
  for candidate in "$root/.build/debug/fovea" "$root/.build/release/fovea"; do
    if [[ -x "$candidate" ]]; then fovea="$candidate"; break; fi
  done
fi
prometheus="${PROMETHEUS:-/usr/bin/prometheus}"
image="${IMAGE:-}"
if [[ -z "$image" ]]; then
  for candidate in "$root/../shared/images/samoyed-640.jpg" "${FOVEA_SHARED_DIR:-/nonexistent}/images/samoyed-640.jpg"; do
    if [[ -f "$candidate" ]]; then image="$candidate"; break; fi
  done
fi

fail_setup() {
  echo "error: $*" >&2
  echo "0 passed, 1 failed"
  exit 1
}
[[ -n "$fovea" && -x "$fovea" ]] || fail_setup "no fovea binary; build it (swift build) or pass its path as the first argument"
[[ -x "$prometheus" ]] || fail_setup "$prometheus not found; \`make test\` installs Debian's prometheus package"
[[ -n "$image" && -f "$image" ]] || fail_setup "no test image; set IMAGE=path/to.jpg (default: shared/images/samoyed-640.jpg beside the repository)"
command -v curl >/dev/null || fail_setup "curl not found; \`make test\` installs it"
command -v python3 >/dev/null || fail_setup "python3 not found; \`make test\` installs it"

work="$(mktemp -d "${TMPDIR:-/tmp}/fovea-prometheus.XXXXXX")"
fovea_pid=""
prometheus_pid=""
cleanup() {
  for pid in "$prometheus_pid" "$fovea_pid"; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  for pid in "$prometheus_pid" "$fovea_pid"; do
    if [[ -n "$pid" ]]; then
      # Both stop within a few seconds of SIGTERM; SIGKILL whatever does not.
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

started=$SECONDS
remaining() { echo $((budget_seconds - (SECONDS - started))); }

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# Ends the run early: later checks depend on this step.
abort() {
  fail "$*"
  for log in "$work/fovea.log" "$work/prometheus.log"; do
    if [[ -s "$log" ]]; then echo "--- last lines of $(basename "$log") ---"; tail -n 20 "$log"; fi
  done
  echo "$passed passed, $failed failed"
  exit 1
}

# Polls `command` every 0.25 s until it succeeds or the budget runs out.
# The probes are quiet themselves, so that an `abort` inside one is heard.
wait_until() {
  local what="$1"; shift
  while ! "$@"; do
    (( $(remaining) > 0 )) || abort "timed out after ${budget_seconds}s waiting for $what"
    sleep 0.25
  done
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ---- Fovea: the shipped configuration on a port the kernel picks ----------
"$fovea" serve --config "$root/Config/fovea.yaml" --host 127.0.0.1 --port 0 >"$work/fovea.log" 2>&1 &
fovea_pid=$!
fovea_port=""
find_fovea_port() {
  kill -0 "$fovea_pid" 2>/dev/null || abort "fovea serve exited during start-up"
  fovea_port="$(sed -n 's/.*port=\([0-9][0-9]*\).*listening.*/\1/p' "$work/fovea.log" | head -n 1)"
  [[ -n "$fovea_port" ]]
}
wait_until "fovea to listen" find_fovea_port
fovea_url="http://127.0.0.1:$fovea_port"
fovea_ready() {
  kill -0 "$fovea_pid" 2>/dev/null || abort "fovea serve exited while loading models"
  [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$fovea_url/readyz")" == 200 ]]
}
wait_until "fovea /readyz" fovea_ready
pass "fovea serve is ready on port $fovea_port"

classified=0
for _ in $(seq "$classify_requests"); do
  status="$(curl -s -o "$work/classify.json" -w '%{http_code}' --max-time 20 \
    -H 'Content-Type: image/jpeg' --data-binary "@$image" "$fovea_url/classify" || true)"
  [[ "$status" == 200 ]] && classified=$((classified + 1))
done
if (( classified == classify_requests )); then
  pass "$classify_requests POST /classify requests answered 200"
else
  abort "only $classified of $classify_requests POST /classify requests answered 200 (last body: $(cat "$work/classify.json" 2>/dev/null))"
fi

# ---- Prometheus: the shipped configuration, pointed at this Fovea ---------
cp -r "$root/Deploy/prometheus" "$work/config"
sed -i "s/\"localhost:8080\"/\"127.0.0.1:$fovea_port\"/" "$work/config/prometheus.yml"
grep -q "127.0.0.1:$fovea_port" "$work/config/prometheus.yml" \
  || abort "Deploy/prometheus/prometheus.yml no longer has the target \"localhost:8080\" this script rewrites"
prometheus_port="$(free_port)"
prometheus_url="http://127.0.0.1:$prometheus_port"
"$prometheus" --config.file="$work/config/prometheus.yml" \
  --web.listen-address="127.0.0.1:$prometheus_port" \
  --storage.tsdb.path="$work/data" --log.level=warn >"$work/prometheus.log" 2>&1 &
prometheus_pid=$!
prometheus_ready() {
  kill -0 "$prometheus_pid" 2>/dev/null || abort "prometheus exited during start-up (config or port problem)"
  curl -sf -o /dev/null --max-time 2 "$prometheus_url/-/ready"
}
wait_until "prometheus /-/ready" prometheus_ready
pass "prometheus loaded the shipped configuration and listens on port $prometheus_port"

# Prints the API's JSON answer to an instant query ($1).
query() {
  curl -sf --max-time 5 --get --data-urlencode "query=$1" "$prometheus_url/api/v1/query"
}

# Checks a query result against Python expressions over `series`, the list of
# {"metric": labels, "value": [time, "number"]}; prints why it does not match.
expect_series() {
  local json="$1" condition="$2"
  python3 - "$json" "$condition" <<'PY'
import json, sys
answer = json.loads(sys.argv[1])
series = answer.get("data", {}).get("result", []) if answer.get("status") == "success" else []
value = lambda s: float(s["value"][1])
if not eval(sys.argv[2], {"series": series, "value": value}):
    print(json.dumps(answer), file=sys.stderr)
    sys.exit(1)
PY
}

target_up() {
  expect_series "$(query 'up{job="fovea"}' || echo '{}')" \
    "len(series) == 1 and value(series[0]) == 1 and series[0]['metric']['instance'] == '127.0.0.1:$fovea_port'" 2>/dev/null
}
wait_until "prometheus to scrape fovea (up{job=\"fovea\"} == 1)" target_up
pass "prometheus scrapes the fovea target (up{job=\"fovea\"} == 1)"

check() {
  local name="$1" promql="$2" condition="$3" answer
  answer="$(query "$promql" || echo '{}')"
  if expect_series "$answer" "$condition" 2>"$work/why"; then
    pass "$name"
  else
    fail "$name: $promql gave $(cat "$work/why")"
  fi
}

check "fovea_requests_total counts the /classify requests by route, method and status" \
  'fovea_requests_total{job="fovea",route="/classify"}' \
  "len(series) == 1 and series[0]['metric'].get('method') == 'POST' and series[0]['metric'].get('status') == '200' \
   and series[0]['metric'].get('instance') == '127.0.0.1:$fovea_port' and value(series[0]) >= $classify_requests"
check "fovea_images_total counts the classified images per model" \
  'fovea_images_total{job="fovea"}' \
  "len(series) == 1 and series[0]['metric'].get('model') == 'dog-breeds' and value(series[0]) >= $classify_requests"
check "fovea_model_info marks dog-breeds active" \
  'fovea_model_info{job="fovea",model="dog-breeds",active="true"}' \
  "len(series) == 1 and value(series[0]) == 1"

rules="$(curl -sf --max-time 5 "$prometheus_url/api/v1/rules" || echo '{}')"
if python3 -c '
import json, sys
answer = json.loads(sys.argv[1])
rules = [rule["name"] for group in answer.get("data", {}).get("groups", []) for rule in group["rules"]]
sys.exit(0 if "FoveaDown" in rules else 1)' "$rules"; then
  pass "prometheus loaded the alert rules of Deploy/prometheus/alerts.yml"
else
  fail "prometheus has no FoveaDown rule loaded: $rules"
fi

echo "$passed passed, $failed failed"
(( failed == 0 ))
