"""Every SIMD tier against the scalar reference tier, on the same random inputs: every type, odd row
counts, one-block rows, rows longer than a thread's chunk, and fully random bytes (any scale)."""
from __future__ import annotations

import numpy as np
import pytest

from ggufkit import GGMLType, _testing
from conftest import TIERS
from dequant_blocks import random_blocks
from test_dequantize import same_bits

SIMD_TIERS = [t for t in TIERS if t != "ref"]
ALL_TYPES = list(GGMLType)

# (rows, blocks per row): one block, odd counts, long rows (one split over several thread chunks:
# chunks are >= 64K elements), many short rows
SHAPES = [(1, 1), (3, 1), (7, 5), (1, 700), (1, 3000), (129, 3)]


def ncols_for(t, nblocks):
    return nblocks * t.block_size * (1 if t.block_size > 1 else 37)  # plain types: odd lengths too


@pytest.fixture(params=SIMD_TIERS or [pytest.param(None, marks=pytest.mark.skip("no SIMD tier here"))])
def simd_tier(request):
    return request.param


@pytest.mark.parametrize("t", ALL_TYPES, ids=lambda t: t.name)
def test_tier_matches_ref(t, simd_tier):
    ref, simd = _testing.kernels("ref"), _testing.kernels(simd_tier)
    rng = np.random.default_rng(1000 + int(t))
    for nrows, nblocks in SHAPES:
        ncols = ncols_for(t, nblocks)
        for scale in (1e-3, 1.0, 300.0):
            data = random_blocks(t, nrows, ncols, rng, scale=scale)
            want = ref.dequantize(data, t, (nrows, ncols), threads=1)
            for threads in (1, 2):
                same_bits(simd.dequantize(data, t, (nrows, ncols), threads=threads), want)


@pytest.mark.parametrize("t", ALL_TYPES, ids=lambda t: t.name)
def test_tier_matches_ref_any_bytes(t, simd_tier):
    """Arbitrary bytes (infinite and NaN scales included): the same values, NaN for NaN."""
    ref, simd = _testing.kernels("ref"), _testing.kernels(simd_tier)
    rng = np.random.default_rng(2000 + int(t))
    ncols = ncols_for(t, 40)
    data = rng.integers(0, 256, (5, t.row_bytes(ncols)), dtype=np.uint8)
    with np.errstate(all="ignore"):
        want = ref.dequantize(data, t, (5, ncols))
        got = simd.dequantize(data, t, (5, ncols))
    both_nan = np.isnan(want) & np.isnan(got)
    same_bits(np.where(both_nan, 0, got), np.where(both_nan, 0, want))


def test_tier_serves_its_kernels(simd_tier):
    """The tier really serves the types it has kernels for (else the tests above compare ref with ref)."""
    served = _testing.tier_kernels(simd_tier)
    for name in ("F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"):
        assert served[name]["dequantize"] != "ref", name


@pytest.mark.parametrize("name", ["F32", "F16", "BF16", "Q4_0", "Q8_0", "Q4_K"])
def test_tier_matches_ref_large_calls(name, simd_tier):
    """Calls large enough for the streaming-store paths (>= 2M floats in one call), into an aligned
    output and into one that starts 4 bytes past a 64-byte boundary."""
    t = GGMLType[name]
    ref, simd = _testing.kernels("ref"), _testing.kernels(simd_tier)
    rng = np.random.default_rng(3000 + int(t))
    ncols = (2 ** 21 // t.block_size + 3) * t.block_size + (5 if t.block_size == 1 else 0)
    data = random_blocks(t, 1, ncols, rng)
    want = ref.dequantize(data, t, (1, ncols), threads=1)
    same_bits(simd.dequantize(data, t, (1, ncols), threads=1), want)
    buf = np.empty(ncols + 32, np.float32)
    start = (-buf.ctypes.data % 64) // 4 + 1
    out = buf[start:start + ncols].reshape(1, ncols)
    simd.dequantize(data, t, (1, ncols), out=out, threads=1)
    same_bits(out, want)
