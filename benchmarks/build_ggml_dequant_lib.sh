#!/bin/sh
# Build a shared library of ggml's scalar dequantizers (dequantize_row_<type> from ggml-quants.c, as its
# CPU backend uses them for to_float) for the side-by-side column of benchmarks/table_dequantize.py:
#   benchmarks/build_ggml_dequant_lib.sh /path/to/ggml /tmp/libggml_dequant.so
#   GGUFKIT_GGML_LIB=/tmp/libggml_dequant.so python benchmarks/table_dequantize.py
# Compiled as ggml builds it natively (-O3 -march=native). Nothing of ggml is copied into this repository:
# the source is read from the given ggml checkout; the few ggml.c helpers it references are stubbed.
set -eu
GGML=${1:?usage: $0 GGML_SOURCE_DIR [OUT.so]}
OUT=${2:-/tmp/libggml_dequant.so}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cat > "$TMP/stubs.c" <<'STUBS'
#include <stddef.h>
#include <stdlib.h>
/* referenced by the quantizers in ggml-quants.c, never by the dequantizers timed here */
const char *ggml_type_name(int t) { (void)t; return ""; }
void ggml_abort(const char *file, int line, const char *fmt, ...) { (void)file; (void)line; (void)fmt; abort(); }
size_t ggml_row_size(int t, long long n) { (void)t; (void)n; return 0; }
size_t ggml_type_size(int t) { (void)t; return 1; }
STUBS
${CC:-cc} -O3 -march=native -fPIC -shared -I"$GGML/include" -I"$GGML/src" "$GGML/src/ggml-quants.c" \
    "$TMP/stubs.c" -o "$OUT" -lm
echo "$OUT"
