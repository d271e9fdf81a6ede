#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Fovea needs, and only those that are missing.
#
# Usage: Scripts/ensure-system-packages.sh build|test|bench
#   build  native libraries to compile and run Fovea
#   test   build + the reference tools the test suite drives (PyTorch for
#          exporting test models, Prometheus' promtool, curl, openssl)
#   bench  test + the load generator of the benchmark and reliability
#          scripts (wrk)
set -euo pipefail

profile="${1:-build}"

build_packages=(pkg-config libdnnl-dev libjpeg62-turbo-dev libpng-dev libssl-dev curl)
test_packages=(python3 python3-venv python3-pip python3-torchvision prometheus openssl)
bench_packages=(wrk)

case "$profile" in
  build) wanted=("${build_packages[@]}") ;;
  test)  wanted=("${build_packages[@]}" "${test_packages[@]}") ;;
  bench) wanted=("${build_packages[@]}" "${test_packages[@]}" "${bench_packages[@]}") ;;
  *) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "error: this script installs packages with apt-get (Debian/Ubuntu)." >&2
  echo "On another system install the equivalents of: ${wanted[*]}" >&2
  echo "(oneDNN 2.x with dnnl.h, libjpeg-turbo, libpng 1.6, OpenSSL 3 headers)." >&2
  exit 1
fi

missing=()
for pkg in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "Installing missing system packages: ${missing[*]}"
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "error: not root and sudo is not available; install as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
