"""The SIMD kernels of the repacked IQ2 layout (gk_block_iq2_rp) on hand-built rows that reach the ends of
every field: every tier against the ref tier and against float64, within 1e-6 of sum|w * a|.

The rows are written byte by byte from the layout's description (blocks.h), not by the packer, so they
reach what random source blocks rarely do: every product at its largest with the same sign (every
magnitude 43 and every scale 15 against activations of +-127 whose signs match, or oppose, the weights':
the largest int32 sums of 4 and of 2 products the kernels pack to int16), a distinct scale per 16-weight
group and a distinct code per 64-weight chunk (a group or chunk mix-up changes the result), and odd
block counts."""
import numpy as np
import pytest

from conftest import TIERS
from matmul_helpers import q8k_row
from ggufkit import GGMLType, _core

SIZE = 106  # gk_block_iq2_rp: q2[64], signs[32], scales[8], d (fp16)
MAG = np.array([8.0, 25.0, 43.0])


def make_blocks(codes, neg, scales, d):
    """Repacked blocks from per-weight codes (nb, 256) in 0..2, sign bits (nb, 256), per-group scales
    (nb, 16) in 0..15 and float d (nb,)."""
    nb = codes.shape[0]
    b = np.zeros((nb, SIZE), np.uint8)
    c = codes.reshape(nb, 4, 64).astype(np.uint8)  # weight 64c + j
    b[:, :64] = c[:, 0] | (c[:, 1] << 2) | (c[:, 2] << 4) | (c[:, 3] << 6)
    b[:, 64:96] = np.packbits(neg.astype(np.uint8), axis=1, bitorder="little")
    s = scales.astype(np.uint8).reshape(nb, 8, 2)
    b[:, 96:104] = s[:, :, 0] | (s[:, :, 1] << 4)
    b[:, 104:106] = np.asarray(d, np.float16).reshape(nb, 1).view(np.uint8)
    return b


def weights(codes, neg, scales, d):
    nb = codes.shape[0]
    w = MAG[codes] * np.where(neg, -1.0, 1.0) * ((2 * scales.astype(np.float64) + 1) / 8).repeat(16, axis=1)
    return (np.asarray(d, np.float16).astype(np.float64)[:, None] * w).reshape(nb * 256)


def dot(wr, a, k, tier):
    return _core.vec_dot_repacked(int(GGMLType.IQ2_XS), np.ascontiguousarray(wr).reshape(-1), np.ascontiguousarray(a).reshape(-1), k, tier)


def check(codes, neg, scales, dw, q, da, tier):
    nb = codes.shape[0]
    k = 256 * nb
    wr = make_blocks(codes, neg, scales, dw)
    a, ad = q8k_row(q, da)
    wd = weights(codes, neg, scales, dw)
    l1 = float(np.sum(np.abs(wd * ad)))
    got, ref = dot(wr, a, k, tier), dot(wr, a, k, "ref")
    exact = float(np.dot(wd, ad))
    assert abs(got - ref) <= 1e-6 * l1 + 1e-30, (tier, nb, got, ref, l1)
    assert abs(got - exact) <= 1e-5 * l1 + 1e-30, (tier, nb, got, exact, l1)
    return got


@pytest.mark.parametrize("nb", [1, 3, 17])
def test_largest_products_of_one_sign(tier, nb):
    """Every magnitude 43, every scale 15, activations +-127: with the activation signs matching the weight
    signs every product is +43 * 127 * 31 (the largest sums the kernels pack to int16: 4 * 43 * 127 per
    dword, 2 * 43 * 127 per maddubs pair), opposing them every product is the most negative; all signs set,
    all clear, and mixed."""
    rng = np.random.default_rng(nb)
    codes = np.full((nb, 256), 2)
    scales = np.full((nb, 16), 15)
    dw = np.ones(nb)
    da = np.ones(nb, np.float32)
    for neg in (np.ones((nb, 256), bool), np.zeros((nb, 256), bool), rng.random((nb, 256)) < 0.5):
        for same in (True, False):
            q = np.where(neg == same, -127, 127).astype(np.int8)
            got = check(codes, neg, scales, dw, q, da, tier)
            want = (1 if same else -1) * 43 * 127 * 31 / 8 * 256 * nb
            assert abs(got - want) <= 1e-6 * abs(want), (tier, nb, got, want)


@pytest.mark.parametrize("nb", [1, 3, 17])
def test_fields_cannot_be_mixed_up(tier, nb):
    """A distinct scale per 16-weight group (scale h for group h, and reversed), one code per 64-weight
    chunk (every permutation-like pattern of 0, 1, 2), activations all +127 or all -127, or
    a ramp: a mix-up of groups, chunks or code positions changes the result."""
    groups = np.arange(16)
    for scales1 in (groups, 15 - groups):
        for chunk_codes in ((0, 1, 2, 2), (2, 1, 0, 1), (1, 2, 2, 0), (2, 0, 1, 2)):
            codes = np.repeat(np.array(chunk_codes), 64)[None, :].repeat(nb, axis=0)
            scales = scales1[None, :].repeat(nb, axis=0)
            neg = (np.arange(256)[None, :] * 7 + np.arange(nb)[:, None]) % 5 == 0
            for q1 in (np.full(256, 127), np.full(256, -127), (np.arange(256) % 255) - 127):
                q = q1[None, :].repeat(nb, axis=0).astype(np.int8)
                check(codes, neg, scales, np.linspace(0.5, 2.0, nb), q, np.linspace(1.0, 0.25, nb).astype(np.float32), tier)


@pytest.mark.parametrize("nb", [1, 2, 3, 17])
def test_random_fields(tier, nb):
    """Random codes, signs, scales, d of both signs and any exponent, activations over the whole
    [-127, 127] range."""
    rng = np.random.default_rng(100 + nb)
    for _ in range(4):
        codes = rng.integers(0, 3, (nb, 256))
        neg = rng.random((nb, 256)) < 0.5
        scales = rng.integers(0, 16, (nb, 16))
        dw = rng.choice([-1.0, 1.0], nb) * 2.0 ** rng.integers(-14, 8, nb) * rng.uniform(1, 2, nb)
        q = rng.integers(-127, 128, (nb, 256)).astype(np.int8)
        da = (rng.uniform(0.001, 1.0, nb)).astype(np.float32)
        check(codes, neg, scales, dw, q, da, tier)


def test_every_simd_tier_has_its_own_kernel():
    from ggufkit import _testing
    for tier in TIERS:
        if tier in ("avx2", "avx512", "avx512_vnni"):
            for name in ("IQ2_XXS", "IQ2_XS", "IQ2_S"):
                assert _testing.tier_kernels(tier)[name]["vec_dot_repacked"] == tier, (tier, name)
