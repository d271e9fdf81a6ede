#!/usr/bin/env bash
# Validates everything under Deploy/ and the Dockerfile, offline:
#   - YAML syntax and duplicate keys (yamllint)
#   - Kubernetes manifests against the API schemas shipped with
#     kubernetes-validate, strictly (unknown fields are errors), for the oldest
#     and newest Kubernetes minor we support; CRD kinds it has no schema for
#     (ServiceMonitor) are checked structurally instead
#   - consistency between the manifests: selectors, ports, probe paths, grace
#     period against drain time, ConfigMap against Config/fovea.yaml
#   - the Kustomize build, with and without the queue-depth component (when
#     kubectl is installed; it carries Kustomize)
#   - Prometheus config and rules (promtool check config/rules), and the rules'
#     unit tests (promtool test rules)
#   - the Dockerfile (hadolint)
#   - the Grafana dashboard: JSON, structure, and every query's PromQL syntax
#
# Tools: promtool from Debian's `prometheus` package (installed with apt-get
# when missing), the rest from PyPI into .build/lint-venv.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

oldest_kubernetes=1.29.0
venv="$root/.build/lint-venv"
requirements="$root/Scripts/requirements-lint.txt"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# --- tools -------------------------------------------------------------------

install_debian_packages() {
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: $* missing and apt-get is not available; install it by hand." >&2
    exit 1
  fi
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "error: not root and sudo is not available; as root run: apt-get install $*" >&2
      exit 1
    fi
    sudo=(sudo)
  fi
  echo "Installing missing system packages: $*"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@"
}

command -v promtool >/dev/null 2>&1 || install_debian_packages prometheus

python=/usr/bin/python3
[[ -x "$python" ]] || python="$(command -v python3)"
if [[ ! -x "$venv/bin/python" ]]; then
  mkdir -p "$root/.build"
  if ! "$python" -m venv "$venv" 2>/dev/null; then
    rm -rf "$venv"
    install_debian_packages python3-venv
    "$python" -m venv "$venv"
  fi
fi
stamp="$venv/.requirements.sha256"
want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
  echo "$want" > "$stamp"
fi
py="$venv/bin/python"

# --- bookkeeping -------------------------------------------------------------

passed=0
failed=0
failures=()

# check NAME COMMAND...: runs one check, shows its output, records the result.
# The command runs in an `if`, where `set -e` does not apply: the functions
# below stop on the first failing step with `|| return 1`.
check() {
  local name="$1"
  shift
  printf '\n== %s\n' "$name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "-- FAILED: $name"
  fi
}

mapfile -t kubernetes_files < <(find Deploy/kubernetes -name '*.yaml' | sort)
mapfile -t yaml_files < <(find Deploy -name '*.yaml' -o -name '*.yml' | sort)

# --- YAML --------------------------------------------------------------------

yamllint_config='{extends: default, rules: {line-length: {max: 160}, document-start: disable,
  comments: {min-spaces-from-content: 1}, truthy: {check-keys: false}}}'
yaml_syntax() {
  "$venv/bin/yamllint" --strict -d "$yamllint_config" "${yaml_files[@]}" && echo "no findings"
}
check "yamllint: ${#yaml_files[@]} files under Deploy/" yaml_syntax

# --- Kubernetes --------------------------------------------------------------

# Schema validation of every manifest, structural checks of CRD kinds and
# kustomization files, and the cross-file consistency rules.
kubernetes_checks() {
  "$py" - "$oldest_kubernetes" "${kubernetes_files[@]}" <<'PY'
import os
import sys

import yaml
import kubernetes_validate.utils as kv

oldest, files = sys.argv[1], sys.argv[2:]
versions = [oldest, kv.latest_version()]
errors = []

def fail(message):
    errors.append(message)
    print("ERROR " + message)

documents = []  # (file, resource)
for path in files:
    with open(path) as f:
        for doc in yaml.safe_load_all(f):
            if doc is not None:
                documents.append((path, doc))

# Kinds without a schema in kubernetes-validate, checked by hand below.
kustomize_kinds = {"Kustomization", "Component"}
custom_kinds = {("monitoring.coreos.com/v1", "ServiceMonitor")}

by_kind = {}
for path, doc in documents:
    if isinstance(doc, list):
        # A JSON 6902 patch, referenced by a kustomization: checked when rendered.
        continue
    kind, api = doc.get("kind"), doc.get("apiVersion")
    if kind in kustomize_kinds:
        continue
    by_kind.setdefault(kind, []).append((path, doc))
    if (api, kind) in custom_kinds:
        continue
    for version in versions:
        try:
            kv.validate(doc, version, strict=True)
        except kv.ValidationError as e:
            where = ".".join(str(p) for p in e.path)
            fail(f"{path}: {kind}/{doc['metadata']['name']} (Kubernetes {e.version}): {where}: {e.message}")
        except kv.SchemaNotFoundError as e:
            fail(f"{path}: {e.message}")
print(f"schemas: {sum(len(v) for v in by_kind.values())} resources against Kubernetes {' and '.join(versions)}")

def one(kind):
    items = by_kind.get(kind, [])
    if len(items) != 1:
        fail(f"expected exactly one {kind}, found {len(items)}")
        return {}
    return items[0][1]

def matches(selector, labels):
    return all(labels.get(k) == v for k, v in (selector or {}).items())

# Structural check of the ServiceMonitor: the fields Prometheus Operator needs.
for path, sm in by_kind.get("ServiceMonitor", []):
    spec = sm.get("spec", {})
    allowed = {"endpoints", "selector", "namespaceSelector", "jobLabel", "targetLabels",
               "podTargetLabels", "sampleLimit", "targetLimit", "labelLimit", "attachMetadata"}
    for key in set(spec) - allowed:
        fail(f"{path}: ServiceMonitor spec has unknown field '{key}'")
    if not spec.get("selector", {}).get("matchLabels"):
        fail(f"{path}: ServiceMonitor needs spec.selector.matchLabels")
    endpoint_fields = {"port", "targetPort", "path", "scheme", "interval", "scrapeTimeout",
                       "honorLabels", "honorTimestamps", "relabelings", "metricRelabelings",
                       "tlsConfig", "authorization", "params", "followRedirects", "enableHttp2"}
    endpoints = spec.get("endpoints") or []
    if not endpoints:
        fail(f"{path}: ServiceMonitor needs at least one endpoint")
    for i, ep in enumerate(endpoints):
        for key in set(ep) - endpoint_fields:
            fail(f"{path}: ServiceMonitor endpoints[{i}] has unknown field '{key}'")
    print(f"structure: {path} (no schema for ServiceMonitor in kubernetes-validate; checked by hand)")

# Kustomization files: every referenced file exists; every manifest beside
# them is either listed or deliberately left out.
left_out_on_purpose = {"secret.example.yaml", "servicemonitor.yaml"}
for path, doc in documents:
    if not isinstance(doc, dict) or doc.get("kind") not in kustomize_kinds:
        continue
    base = os.path.dirname(path)
    referenced = list(doc.get("resources", [])) + list(doc.get("components", []))
    referenced += [p["path"] for p in doc.get("patches", []) if "path" in p]
    for ref in referenced:
        if not os.path.exists(os.path.join(base, ref)):
            fail(f"{path}: references missing '{ref}'")
    if doc.get("kind") == "Kustomization":
        listed = set(doc.get("resources", []))
        for name in sorted(os.listdir(base)):
            if name.endswith(".yaml") and name != "kustomization.yaml" and name not in listed \
                    and name not in left_out_on_purpose:
                fail(f"{path}: {name} is neither in resources nor known as optional")
        for name in left_out_on_purpose & listed:
            fail(f"{path}: {name} must not be in resources (see its header)")

deployment, service = one("Deployment"), one("Service")
configmap, hpa, pdb = one("ConfigMap"), one("HorizontalPodAutoscaler"), one("PodDisruptionBudget")
if errors:
    sys.exit(1)

pod = deployment["spec"]["template"]
pod_labels = pod["metadata"]["labels"]
pod_spec = pod["spec"]
container = pod_spec["containers"][0]
ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}

if not matches(deployment["spec"]["selector"]["matchLabels"], pod_labels):
    fail("Deployment selector does not match its pod template labels")
if not matches(service["spec"]["selector"], pod_labels):
    fail("Service selector does not match the pod labels")
if not matches(pdb["spec"]["selector"]["matchLabels"], pod_labels):
    fail("PodDisruptionBudget selector does not match the pod labels")
target = hpa["spec"]["scaleTargetRef"]
if (target["kind"], target["name"]) != ("Deployment", deployment["metadata"]["name"]):
    fail("HorizontalPodAutoscaler does not target the Deployment")
if "replicas" in deployment["spec"]:
    fail("Deployment sets replicas although the HPA owns them (apply would reset the count)")
for p in service["spec"]["ports"]:
    if isinstance(p["targetPort"], str) and p["targetPort"] not in ports:
        fail(f"Service targetPort '{p['targetPort']}' is not a container port name")
for _, sm in by_kind.get("ServiceMonitor", []):
    if not matches(sm["spec"]["selector"]["matchLabels"], service["metadata"].get("labels", {})):
        fail("ServiceMonitor selector does not match the Service labels")
    service_port_names = {p.get("name") for p in service["spec"]["ports"]}
    for ep in sm["spec"]["endpoints"]:
        if "port" in ep and ep["port"] not in service_port_names:
            fail(f"ServiceMonitor port '{ep['port']}' is not a Service port name")

# Kubernetes injects <SERVICE>_PORT=tcp://... for every Service; for a Service
# named "fovea" that collides with Fovea's own FOVEA_PORT override.
if service["metadata"]["name"].upper().replace("-", "_") == "FOVEA" and pod_spec.get("enableServiceLinks", True):
    fail("pod spec must set enableServiceLinks: false (FOVEA_PORT would be set to tcp://...)")

# One port everywhere: fovea.yaml, FOVEA_PORT, the container port, the scrape annotation.
config_text = configmap["data"]["fovea.yaml"]
config = yaml.safe_load(config_text) or {}
env = {e["name"]: e for e in container.get("env", [])}
http_port = ports.get("http")
port_sources = {
    "containerPort http": http_port,
    "fovea.yaml server.port": config.get("server", {}).get("port", 8080),
    "env FOVEA_PORT": int(env["FOVEA_PORT"]["value"]) if "FOVEA_PORT" in env else None,
    "annotation prometheus.io/port": int(pod["metadata"].get("annotations", {}).get("prometheus.io/port", http_port)),
}
if len({v for v in port_sources.values() if v is not None}) != 1:
    fail(f"ports disagree: {port_sources}")

# Probes point at the endpoints that mean what they are used for.
expected_probe_paths = {"startupProbe": "/readyz", "readinessProbe": "/readyz", "livenessProbe": "/healthz"}
for probe, path in expected_probe_paths.items():
    got = container.get(probe, {}).get("httpGet", {}).get("path")
    if got != path:
        fail(f"{probe} should GET {path}, it GETs {got}")

# Grace period covers the preStop sleep plus Fovea's drain.
drain = float(config.get("server", {}).get("timeouts", {}).get("drain", 25))
pre_stop = container.get("lifecycle", {}).get("preStop", {})
sleep = 0.0
if "exec" in pre_stop:
    command = pre_stop["exec"]["command"]
    if os.path.basename(command[0]) == "sleep":
        sleep = float(command[1])
elif "sleep" in pre_stop:
    sleep = float(pre_stop["sleep"]["seconds"])
grace = pod_spec.get("terminationGracePeriodSeconds", 30)
if sleep <= 0:
    fail("container needs a preStop sleep so endpoints deregister before SIGTERM")
if grace <= sleep + drain:
    fail(f"terminationGracePeriodSeconds {grace} must exceed preStop {sleep:g} s + drain {drain:g} s")

# Thread count follows the CPU limit.
threads = env.get("FOVEA_THREADS", {}).get("valueFrom", {}).get("resourceFieldRef", {})
if threads.get("resource") != "limits.cpu":
    fail("FOVEA_THREADS should come from resourceFieldRef limits.cpu")

# The admin token comes from the Secret, never from the ConfigMap.
if (config.get("admin") or {}).get("token"):
    fail("the ConfigMap sets admin.token: use the fovea-admin Secret")
token_ref = env.get("FOVEA_ADMIN_TOKEN", {}).get("valueFrom", {}).get("secretKeyRef", {})
for path, secret in by_kind.get("Secret", []):
    if secret["metadata"]["name"] == token_ref.get("name"):
        if token_ref.get("key") not in secret.get("stringData", {}):
            fail(f"{path}: has no key '{token_ref.get('key')}' that the Deployment reads")

# Everything but the `server` section must match the image's Config/fovea.yaml:
# the models listed there are the ones baked into the image.
with open("Config/fovea.yaml") as f:
    image_config = yaml.safe_load(f) or {}
for key in sorted(set(image_config) | set(config)):
    if key in ("server", "admin"):
        continue
    if image_config.get(key) != config.get(key):
        fail(f"ConfigMap fovea.yaml '{key}' differs from Config/fovea.yaml: copy that section over")

print(f"consistency: {'failed' if errors else 'ok'} (selectors, ports, probes, grace period, secrets, ConfigMap vs Config/fovea.yaml)")
sys.exit(1 if errors else 0)
PY
}
check "kubernetes-validate and consistency: ${#kubernetes_files[@]} files under Deploy/kubernetes" kubernetes_checks

# Renders the Kustomize build (base, then with the queue-depth component
# switched on in a scratch copy) and validates what comes out.
kustomize_builds() {
  if ! command -v kubectl >/dev/null 2>&1; then
    echo "note: kubectl not installed; Kustomize rendering skipped (files were validated one by one)"
    return 0
  fi
  kubectl kustomize Deploy/kubernetes > "$work/base.yaml" || return 1
  cp -r Deploy/kubernetes "$work/with-queue-depth" || return 1
  sed -i -e 's/^# components:/components:/' -e 's/^#   - queue-depth/  - queue-depth/' \
    "$work/with-queue-depth/kustomization.yaml" || return 1
  grep -q '^components:' "$work/with-queue-depth/kustomization.yaml" || {
    echo "error: could not switch on the queue-depth component in kustomization.yaml"
    return 1
  }
  kubectl kustomize "$work/with-queue-depth" > "$work/queue-depth.yaml" || return 1
  grep -q 'name: fovea_queue_depth' "$work/queue-depth.yaml" || {
    echo "error: the queue-depth component did not add its metric to the HPA"
    return 1
  }
  "$venv/bin/kubernetes-validate" --strict --quiet -k "$oldest_kubernetes" \
    "$work/base.yaml" "$work/queue-depth.yaml" || return 1
  echo "rendered and validated: base ($(grep -c '^kind:' "$work/base.yaml") resources), base + queue-depth component"
}
check "kustomize build" kustomize_builds

# --- Prometheus --------------------------------------------------------------

check "promtool check config Deploy/prometheus/prometheus.yml" \
  promtool check config Deploy/prometheus/prometheus.yml
check "promtool check rules Deploy/prometheus/alerts.yml" \
  promtool check rules Deploy/prometheus/alerts.yml
check "promtool test rules Deploy/prometheus/alerts.test.yml" \
  promtool test rules Deploy/prometheus/alerts.test.yml

# Debian's Prometheus is built without Kubernetes service discovery, so its
# promtool rejects kubernetes_sd_configs outright. Then the file is checked
# with that one block swapped for a static target: everything else (relabel
# rules, regexes, rule files) still goes through promtool.
kubernetes_prometheus_config() {
  local config=Deploy/prometheus/prometheus-kubernetes.yml output
  if output=$(promtool check config "$config" 2>&1); then
    echo "$output"
    return 0
  fi
  if ! grep -q 'field kubernetes_sd_configs not found' <<<"$output"; then
    echo "$output"
    return 1
  fi
  echo "note: this promtool has no Kubernetes service discovery; checking the rest of $config"
  "$py" - "$config" "$work/prometheus-kubernetes.yml" <<'PY' || return 1
import sys
import yaml

source, target = sys.argv[1], sys.argv[2]
with open(source) as f:
    config = yaml.safe_load(f)
roles = {"node", "service", "pod", "endpoints", "endpointslice", "ingress"}
for job in config["scrape_configs"]:
    for sd in job.pop("kubernetes_sd_configs", []):
        if sd.get("role") not in roles:
            sys.exit(f"{source}: job {job['job_name']}: kubernetes_sd_configs role must be one of {sorted(roles)}")
        unknown = set(sd) - {"role", "namespaces", "selectors", "api_server", "kubeconfig_file", "attach_metadata"}
        if unknown:
            sys.exit(f"{source}: job {job['job_name']}: unknown kubernetes_sd_configs fields {sorted(unknown)}")
        job.setdefault("static_configs", []).append({"targets": ["placeholder.invalid:8080"]})
with open(target, "w") as f:
    yaml.safe_dump(config, f)
PY
  cp Deploy/prometheus/alerts.yml "$work/alerts.yml" || return 1
  promtool check config "$work/prometheus-kubernetes.yml"
}
check "promtool check config Deploy/prometheus/prometheus-kubernetes.yml" kubernetes_prometheus_config

# --- Dockerfile --------------------------------------------------------------

dockerfile_lint() {
  "$venv/bin/hadolint" --no-color Dockerfile && echo "no findings"
}
check "hadolint Dockerfile" dockerfile_lint

# --- Grafana -----------------------------------------------------------------

dashboard=Deploy/grafana/fovea-dashboard.json
check "python -m json.tool $dashboard" \
  bash -c '"$1" -m json.tool "$2" > /dev/null && echo "valid JSON"' _ "$py" "$dashboard"

# Panels, datasource references and variables, then every query's PromQL
# (Grafana variables replaced by sample values) through promtool as rules.
dashboard_checks() {
  "$py" - "$dashboard" "$work/dashboard-queries.yml" <<'PY' || return 1
import json
import re
import sys

path, rules_path = sys.argv[1], sys.argv[2]
with open(path) as f:
    dashboard = json.load(f)
errors = []

def fail(message):
    errors.append(message)
    print("ERROR " + message)

variables = {v["name"] for v in dashboard.get("templating", {}).get("list", [])}
if "DS_PROMETHEUS" not in variables and not any(i.get("name") == "DS_PROMETHEUS" for i in dashboard.get("__inputs", [])):
    fail("no DS_PROMETHEUS input or variable")
ids, queries = set(), []
for panel in dashboard.get("panels", []):
    title = panel.get("title", "?")
    if panel.get("id") in ids:
        fail(f"panel '{title}': duplicate id {panel.get('id')}")
    ids.add(panel.get("id"))
    grid = panel.get("gridPos", {})
    if not all(k in grid for k in "hwxy") or grid["x"] + grid["w"] > 24:
        fail(f"panel '{title}': gridPos missing or wider than 24 columns")
    if panel.get("type") == "row":
        continue
    if panel.get("datasource", {}).get("uid") != "${DS_PROMETHEUS}":
        fail(f"panel '{title}': datasource is not ${{DS_PROMETHEUS}}")
    if not panel.get("targets"):
        fail(f"panel '{title}': no queries")
    for target in panel.get("targets", []):
        if target.get("datasource", {}).get("uid") != "${DS_PROMETHEUS}":
            fail(f"panel '{title}' query {target.get('refId')}: datasource is not ${{DS_PROMETHEUS}}")
        queries.append((title, target["expr"]))

samples = {"__rate_interval": "5m", "__interval": "1m", "__range": "1h", "job": "fovea",
           "instance": ".*", "model": ".*", "route": "/classify"}
def substitute(expr):
    def value(match):
        name = match.group(1) or match.group(2)
        if name not in samples:
            fail(f"query uses unknown variable ${name}: {expr}")
            return "x"
        return samples[name]
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", value, expr)

rules = []
for i, (title, expr) in enumerate(queries):
    for name in re.findall(r"\$\{?(\w+)", expr):
        if name not in variables and not name.startswith("__"):
            fail(f"panel '{title}': ${name} is not a dashboard variable")
    rules.append({"record": f"dashboard:query_{i}", "expr": substitute(expr)})
with open(rules_path, "w") as f:
    json.dump({"groups": [{"name": "dashboard", "rules": rules}]}, f, indent=1)
print(f"{len(ids)} panels, {len(rules)} queries, variables {sorted(variables)}")
sys.exit(1 if errors else 0)
PY
  promtool check rules "$work/dashboard-queries.yml"
}
check "Grafana dashboard structure and PromQL" dashboard_checks

# --- summary -----------------------------------------------------------------

echo
if [[ $failed -gt 0 ]]; then
  printf 'failed: %s\n' "${failures[@]}"
fi
echo "lint: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
