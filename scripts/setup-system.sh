#!/usr/bin/env bash
# Installs the Debian packages the tests need (only those missing). Needs root or sudo;
# without either it prints what to install and goes on (those tests then skip or fail
# with a clear message).
set -euo pipefail
packages=(python3-venv cmake g++ make libgtest-dev nlohmann-json3-dev clang libclang-rt-14-dev
  socat chromium iproute2 iputils-ping git)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "setup-system: please install: ${missing[*]}" >&2; exit 0; fi
echo "setup-system: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
