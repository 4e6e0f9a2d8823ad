#!/bin/sh
# Run the Python test suite (tests/) on aarch64 under qemu-user, so the neon and neon_dotprod tiers are
# checked end to end against ggml's golden vectors, gguf-py and the real files, like on x86-64.
#
#  1. An arm64 Debian bookworm userland in $ROOT (default /work/aarch64-root, outside the repository;
#     skipped when already complete): `debootstrap --foreign` (stage 1 runs no arm64 code) downloads
#     python3, python3-dev, numpy, pytest, hypothesis (+ yaml/tqdm that gguf-py imports); every .deb is
#     then unpacked with dpkg-deb -x, because stage 2 would have to run arm64 binaries in a chroot. The
#     BLAS/LAPACK links that numpy needs (made by update-alternatives in a real install) are made by
#     hand. gguf-py (pure Python, PyPI `gguf`) is fetched with the host pip and unzipped into the root's
#     /usr/local site-packages. $ROOT/usr/bin/python3-qemu is a host shell launcher for the root's
#     python: it passes itself as argv[0] (qemu -0), so sys.executable is the launcher and tests that
#     start `sys.executable` subprocesses work without binfmt_misc.
#  2. Cross-compile the `_core` module with cmake/aarch64-linux-gnu.cmake against the root's Python
#     headers (Cython runs on the host: the generated C is portable) into $BUILD, and assemble an
#     importable package in $BUILD/pkg/ggufkit (src/ggufkit + _core.<aarch64 EXT_SUFFIX>).
#  3. Run pytest under qemu (nice -n 19, one kernel thread by default). Extra arguments go to pytest,
#     e.g. `tools/check-aarch64-python.sh tests/test_vecdot_simd.py -k q4_K`; default: tests -q.
#
# Needs (Debian): debootstrap qemu-user gcc-aarch64-linux-gnu cmake, host python3 with cython (>= 3.0.8)
# and pip, network access to the Debian archive and PyPI (first run only). Does not need root for steps
# 2-3; step 1 (debootstrap) does. Measured on the 2-core x86-64 dev VM: rootfs ~1 min, cross build ~20 s,
# the whole suite ~13 min under emulation (most of it in the gguf-py oracle of test_reader*.py).
# Environment: ROOT, BUILD (default build/aarch64-py), GGUF_VERSION (default 0.19.0), MIRROR (Debian
# mirror for debootstrap; default: debootstrap's own), GGUFKIT_NUM_THREADS (default 1), JOBS (default 1).
set -eu
cd "$(dirname "$0")/.."
REPO=$(pwd)
ROOT=${ROOT:-/work/aarch64-root}
BUILD=${BUILD:-build/aarch64-py}
case $BUILD in /*) ;; *) BUILD=$REPO/$BUILD ;; esac
GGUF_VERSION=${GGUF_VERSION:-0.19.0}
PYVER=3.11   # bookworm's python3
HOSTPY=$(command -v python3)
STAMP=$ROOT/.ggufkit-rootfs-complete

for tool in cmake aarch64-linux-gnu-gcc qemu-aarch64 python3; do
    command -v "$tool" >/dev/null || { echo "check-aarch64-python: $tool not found" >&2; exit 2; }
done

# ---- 1. the arm64 userland
if [ ! -f "$STAMP" ]; then
    command -v debootstrap >/dev/null || { echo "check-aarch64-python: debootstrap not found" >&2; exit 2; }
    if [ -e "$ROOT" ] && [ -n "$(ls -A "$ROOT" 2>/dev/null)" ]; then
        echo "check-aarch64-python: $ROOT exists but is incomplete (no $STAMP); remove it first" >&2
        exit 2
    fi
    echo "== debootstrap (stage 1) arm64 bookworm into $ROOT"
    debootstrap --arch=arm64 --foreign --variant=minbase \
        --include=python3,python3-dev,python3-numpy,python3-pytest,python3-hypothesis,python3-venv,python3-yaml,python3-tqdm \
        bookworm "$ROOT" ${MIRROR:-} >"$ROOT.debootstrap.log" 2>&1 \
        || { echo "check-aarch64-python: debootstrap failed, see $ROOT.debootstrap.log" >&2; exit 1; }
    echo "== unpacking $(ls "$ROOT"/var/cache/apt/archives/*.deb | wc -l) packages (no stage 2: it would run arm64 code)"
    for deb in "$ROOT"/var/cache/apt/archives/*.deb; do
        dpkg-deb -x "$deb" "$ROOT"
    done
    # update-alternatives links that numpy's libblas/liblapack need
    (cd "$ROOT/usr/lib/aarch64-linux-gnu" && ln -sf blas/libblas.so.3 libblas.so.3 && ln -sf lapack/liblapack.so.3 liblapack.so.3)
    echo "== gguf-py $GGUF_VERSION into the root's site-packages"
    site=$ROOT/usr/local/lib/python$PYVER/dist-packages
    tmp=$(mktemp -d)
    "$HOSTPY" -m pip download -q --no-deps --only-binary=:all: -d "$tmp" "gguf==$GGUF_VERSION"
    mkdir -p "$site"
    "$HOSTPY" -m zipfile -e "$tmp"/gguf-*.whl "$site"
    rm -rf "$tmp"
    cat >"$ROOT/usr/bin/python3-qemu" <<EOF
#!/bin/sh
# x86-64 launcher for this aarch64 root's python3 (no binfmt_misc here): argv[0] is this script, so
# sys.executable points back at it and subprocesses started with sys.executable run under qemu too.
exec qemu-aarch64 -L $ROOT -0 "\$0" $ROOT/usr/bin/python$PYVER "\$@"
EOF
    chmod +x "$ROOT/usr/bin/python3-qemu"
    touch "$STAMP"
fi
PY=$ROOT/usr/bin/python3-qemu
"$PY" -c "import numpy, gguf, pytest, hypothesis" || { echo "check-aarch64-python: $ROOT is broken" >&2; exit 1; }
EXT_SUFFIX=$("$PY" -c "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))")

# ---- 2. cross-compile _core and assemble the package
# Debian's pyconfig.h includes <aarch64-linux-gnu/python3.11/pyconfig.h>: expose only that directory
# of the root (not its libc headers, which come from the cross toolchain's sysroot).
mkdir -p "$BUILD/pyinc/aarch64-linux-gnu"
ln -sfn "$ROOT/usr/include/aarch64-linux-gnu/python$PYVER" "$BUILD/pyinc/aarch64-linux-gnu/python$PYVER"
TOOLCHAIN=-DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
[ ! -f "$BUILD/CMakeCache.txt" ] || TOOLCHAIN=   # only read on the first configure (else: "unused" warning)
cmake -S . -B "$BUILD" $TOOLCHAIN -DCMAKE_BUILD_TYPE=Release \
      -DGK_PYTHON_MODULE=ON -DPython_EXECUTABLE="$("$HOSTPY" -c 'import sys; print(sys.executable)')" \
      -DPython_INCLUDE_DIR="$ROOT/usr/include/python$PYVER" -DCMAKE_C_FLAGS="-I$BUILD/pyinc" >/dev/null
nice -n 19 cmake --build "$BUILD" -j "${JOBS:-1}"
rm -rf "$BUILD/pkg"
mkdir -p "$BUILD/pkg"
cp -r src/ggufkit "$BUILD/pkg/ggufkit"
find "$BUILD/pkg/ggufkit" \( -name '*.so' -o -name __pycache__ \) -prune -exec rm -rf {} +
cp "$BUILD/_core.so" "$BUILD/pkg/ggufkit/_core$EXT_SUFFIX"

# ---- 3. the tests under qemu
echo "== pytest under qemu-aarch64 ($("$PY" -c 'import platform; print(platform.machine())'))"
export PYTHONPATH=$BUILD/pkg
export PYTHONPYCACHEPREFIX=$BUILD/pycache   # keep .pyc out of the root and the source tree
export GGUFKIT_NUM_THREADS=${GGUFKIT_NUM_THREADS:-1}
"$PY" -c "import ggufkit; i = ggufkit.cpu_info(); print('ggufkit', ggufkit.__file__, 'runnable', i['runnable'], 'active', i['active'], 'features', i['features'])"
[ $# -gt 0 ] || set -- tests -q
exec nice -n 19 "$PY" -m pytest -p no:cacheprovider "$@"
