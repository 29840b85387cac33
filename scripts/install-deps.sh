#!/usr/bin/env bash
# Installs the Debian packages atomkv builds and tests with, when any is missing.
set -euo pipefail

packages=(
  g++ cmake make pkg-config clang-format
  libboost-dev libhiredis-dev libuv1-dev libsqlite3-dev catch2
  redis-server redis-tools python3 python3-redis
  clang libclang-rt-14-dev
)

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
