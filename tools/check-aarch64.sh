#!/bin/sh
# Cross-compile the C core and every aarch64 kernel tier (neon, neon_dotprod), then run the C harness
# (csrc/tests: every tier against the scalar reference) under qemu-aarch64.
# Needs: cmake, gcc-aarch64-linux-gnu, qemu-user (Debian: apt-get install gcc-aarch64-linux-gnu qemu-user).
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/aarch64-check}
for tool in cmake aarch64-linux-gnu-gcc qemu-aarch64; do
    command -v "$tool" >/dev/null || { echo "check-aarch64: $tool not found" >&2; exit 2; }
done
cmake -S . -B "$BUILD" -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake \
      -DGK_PYTHON_MODULE=OFF -DGK_BUILD_C_TESTS=ON -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j "${JOBS:-2}"
echo "== running the C harness under qemu-aarch64"
qemu-aarch64 -L /usr/aarch64-linux-gnu "$BUILD/gk_ctests"
