"""SIMD dequantizers of the IQ, ternary, FP4 and Q1_0/Q2_0 types (csrc/kernels/<isa>/dequant_{iq,tq,fp4,q1q2}_*.c):
bit-exact with ggml's golden to_float and with the scalar reference tier, on every tier this CPU runs."""
from __future__ import annotations

import numpy as np
import pytest

from ggufkit import GGMLType, _testing
from conftest import TIERS, load_golden
from dequant_blocks import random_blocks

SIMD_TYPES = ["IQ1_S", "IQ1_M", "IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ3_XXS", "IQ3_S", "IQ4_NL", "IQ4_XS",
              "TQ1_0", "TQ2_0", "MXFP4", "NVFP4", "Q1_0", "Q2_0"]
# Tiers of this CPU's architecture, lowest first (the x86-64 or the aarch64 family).
TIER_ORDER = (["ref", "neon", "neon_dotprod"] if any(t.startswith("neon") for t in TIERS)
              else ["ref", "avx2", "avx512", "avx512_vnni"])
VBMI_TYPES = ["IQ3_XXS", "IQ3_S"]  # own kernels in the avx512_vnni tier (vpermi2b lookups)

# (rows, blocks per row): one-block rows, odd row counts, several rows of several blocks
SHAPES = [(1, 1), (3, 1), (5, 3), (2, 17), (31, 2)]


def same_bits(got, want):
    got, want = np.ascontiguousarray(got), np.ascontiguousarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype == np.float32
    bad = np.nonzero(got.view(np.uint32) != want.view(np.uint32))
    if bad[0].size:
        i = tuple(b[0] for b in bad)
        raise AssertionError(f"{bad[0].size} of {got.size} values differ; first at {i}: {got[i]!r} != {want[i]!r}")


def served_by(tier, name):
    return _testing.tier_kernels(tier)[name]["dequantize"]


@pytest.mark.parametrize("name", SIMD_TYPES)
def test_tier_serves_type(name, tier):
    """Each SIMD tier serves these types with its own kernel or one of a SIMD tier below (never ref), so the
    comparisons below really exercise SIMD code."""
    if tier == "ref":
        assert served_by(tier, name) == "ref"
        return
    by = served_by(tier, name)
    assert by != "ref", f"{name} on {tier} falls back to the scalar reference"
    assert 1 <= TIER_ORDER.index(by) <= TIER_ORDER.index(tier), f"{name} on {tier} is served by {by}"
    if tier in ("avx2", "avx512", "neon") or (tier == "avx512_vnni" and name in VBMI_TYPES):
        assert by == tier, f"{name} on {tier} is served by {by}"


@pytest.mark.parametrize("key", ["dequant", "dequant_imatrix"])
@pytest.mark.parametrize("name", SIMD_TYPES)
def test_golden(name, key, tier):
    g = load_golden(name.lower())
    if key not in g:
        pytest.skip(f"no {key} for {name}")
    q = g["quant_imatrix"] if key == "dequant_imatrix" or "quant" not in g else g["quant"]
    k = _testing.kernels(tier)
    same_bits(k.dequantize(q, GGMLType[name], g[key].shape, threads=1), g[key])
    # one row at a time: no state carried across rows
    for r in range(q.shape[0]):
        same_bits(k.dequantize(q[r:r + 1], GGMLType[name], (1, g[key].shape[1]), threads=1), g[key][r:r + 1])


@pytest.mark.parametrize("name", SIMD_TYPES)
def test_matches_ref_random_blocks(name, tier):
    if tier == "ref":
        pytest.skip("ref is the oracle")
    t = GGMLType[name]
    ref, simd = _testing.kernels("ref"), _testing.kernels(tier)
    rng = np.random.default_rng(4242 + int(t))
    for nrows, nblocks in SHAPES:
        ncols = nblocks * t.block_size
        for scale in (1e-5, 1.0, 2000.0):  # tiny (subnormal halves), ordinary and large scales
            data = random_blocks(t, nrows, ncols, rng, scale=scale)
            want = ref.dequantize(data, t, (nrows, ncols), threads=1)
            same_bits(simd.dequantize(data, t, (nrows, ncols), threads=1), want)


@pytest.mark.parametrize("name", ["MXFP4", "NVFP4"])
def test_fp4_every_scale_byte(name, tier):
    """Every value of the 8-bit scale field (E8M0 for MXFP4 incl. its subnormal codes 0 and 1; UE4M3 for NVFP4
    incl. subnormals, 0x7f = zero and the ignored bit 7) with every 4-bit code."""
    t = GGMLType[name]
    rng = np.random.default_rng(7)
    nb = 256
    blocks = rng.integers(0, 256, (nb, t.type_size), dtype=np.uint8)
    if name == "MXFP4":
        blocks[:, 0] = np.arange(256)
        blocks[:, 1:17] = np.arange(256, dtype=np.uint8)[None, :16] * 0x11  # codes 0..15, both nibbles
    else:
        for s in range(4):
            blocks[:, s] = (np.arange(256) + 64 * s) % 256
        blocks[:, 4:36] = (np.arange(32, dtype=np.uint8) % 16 * 0x11)[None, :]
    data = blocks.reshape(1, -1)
    ncols = nb * t.block_size
    want = _testing.kernels("ref").dequantize(data, t, (1, ncols), threads=1)
    same_bits(_testing.kernels(tier).dequantize(data, t, (1, ncols), threads=1), want)


@pytest.mark.parametrize("name", ["TQ1_0", "TQ2_0", "Q1_0", "Q2_0", "IQ4_NL"])
def test_signed_zero_scales(name, tier):
    """A scale of -0.0 or +0.0: zero products keep the reference's sign ((q - 1) * d, bit ? d : -d, ...)."""
    t = GGMLType[name]
    rng = np.random.default_rng(11)
    data = random_blocks(t, 2, 4 * t.block_size, rng)
    off = {"TQ1_0": 52, "TQ2_0": 64}.get(name, 0)
    blocks = data.reshape(-1, t.type_size)
    blocks[0::2, off:off + 2] = np.array([0x8000], dtype=np.uint16).view(np.uint8)
    blocks[1::2, off:off + 2] = 0
    want = _testing.kernels("ref").dequantize(data, t, (2, 4 * t.block_size), threads=1)
    same_bits(_testing.kernels(tier).dequantize(data, t, (2, 4 * t.block_size), threads=1), want)
