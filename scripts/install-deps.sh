#!/usr/bin/env bash
# Installs the Debian packages atomkv builds and tests with, when any is missing.
#   scripts/install-deps.sh              build, test and dev: everything scripts/test.sh needs
#   scripts/install-deps.sh GROUP...     only those groups (the container image uses this)
# Groups: build (compile atomkv and atomkv-proxy), test (the test suite and its real servers),
# dev (formatting, sanitizers, fuzzing), runtime (what atomkv-proxy links to at run time),
# compose-check (CI's check of compose.yaml without a Docker engine).
set -euo pipefail

packages_of() {
  case "$1" in
    build) echo g++ cmake make pkg-config libboost-dev libhiredis-dev libuv1-dev libsqlite3-dev ;;
    test) echo catch2 redis-server redis-tools python3 python3-redis ;;
    dev) echo clang-format clang libclang-rt-14-dev ;;
    runtime) echo libhiredis0.14 libuv1 libsqlite3-0 ;;
    compose-check) echo docker-compose ;;
    *) echo "unknown group '$1' (build, test, dev, runtime, compose-check)" >&2; return 1 ;;
  esac
}

groups=("$@")
[ ${#groups[@]} -eq 0 ] && groups=(build test dev)
packages=()
for g in "${groups[@]}"; do
  list=$(packages_of "$g")
  read -r -a more <<<"$list"
  packages+=("${more[@]}")
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
