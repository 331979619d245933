#!/usr/bin/env bash
# Fetches the arm64 / armhf builds of the libraries libtern will link for SIMD and threads (XNNPACK,
# pthreadpool, cpuinfo) from Debian and unpacks them into a sysroot folder for the cross builds; nothing is
# installed into the host system (apt-get download + dpkg -x, not apt-get install).
#   scripts/arm_sysroot.sh aarch64|armhf [SYSROOT_DIR]      (default: build-sysroot-<arch>)
# then: TERN_SYSROOT=$PWD/build-sysroot-aarch64 scripts/cross_build.sh aarch64
# Needs root once for `dpkg --add-architecture` + `apt-get update` (the foreign architecture's package lists).
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  aarch64) debarch=arm64 ;;
  armhf) debarch=armhf ;;
  *) echo "usage: $0 aarch64|armhf [SYSROOT_DIR]" >&2; exit 2 ;;
esac
sysroot="$(mkdir -p "${2:-build-sysroot-$1}" && cd "${2:-build-sysroot-$1}" && pwd)"
packages=(libxnnpack-dev libxnnpack0 libpthreadpool-dev libpthreadpool0 libcpuinfo-dev libcpuinfo0)

if ! dpkg --print-foreign-architectures | grep -qx "$debarch"; then
  echo "== dpkg --add-architecture $debarch; apt-get update"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO dpkg --add-architecture "$debarch"
  # A mirror mid-sync fails one list now and then; the download below says whether what we need is there.
  $SUDO apt-get update -qq || echo "arm_sysroot: apt-get update reported errors; trying the download anyway" >&2
fi
debs="$sysroot/debs"
mkdir -p "$debs"
echo "== apt-get download ${packages[*]/%/:$debarch}"
(cd "$debs" && apt-get download -qq "${packages[@]/%/:$debarch}")
for deb in "$debs"/*.deb; do
  dpkg -x "$deb" "$sysroot"
done
triplet=$([ "$debarch" = arm64 ] && echo aarch64-linux-gnu || echo arm-linux-gnueabihf)
# The .so links of -dev packages point to the runtime packages' files: check both landed.
for lib in libXNNPACK libpthreadpool libcpuinfo; do
  found=$(ls "$sysroot/usr/lib/$triplet/$lib".so* 2>/dev/null | head -n 1 || true)
  [ -n "$found" ] || { echo "arm_sysroot: $lib missing under $sysroot/usr/lib/$triplet" >&2; exit 1; }
done
echo "sysroot: $sysroot ($(ls "$debs" | wc -l) packages; headers in usr/include, libraries in usr/lib/$triplet)"
