"""The kernels of the repacked IQ3 layout (gk_block_iq3_rp, from IQ3_XXS and IQ3_S) on hand-built rows that
reach the ends of every field: every tier against the ref tier (within 1e-6 of sum|w * a|) and against float64
(within 1e-5).

The rows are written byte by byte from the layout's description (blocks.h), not by the packer, so they reach
what random source blocks rarely do: every product at its largest with the same sign (magnitude code 7 and
scale 15 everywhere against activations of +-127 whose signs match, or oppose, the weights': the largest
4-weight sums the AVX-512 kernel packs to int16 and the largest maddubs pairs of the AVX2 kernel, whose
biased weights 32 + w reach 63), every sign pattern of every 8 weights, every nibble at every position, a
distinct scale per 32-weight group and a distinct code per group (a group, chunk or nibble mix-up changes the
result: checked below by a swapped copy that must miss), 1, 3 and 17 blocks."""
import numpy as np
import pytest

from conftest import TIERS
from matmul_helpers import q8k_row
from ggufkit import GGMLType, _core

SIZE = 134  # gk_block_iq3_rp: q4[128], scales[4], d (fp16)
TYPES = ["IQ3_XXS", "IQ3_S"]
MAG = {"IQ3_XXS": np.array([4.0, 12, 20, 28, 36, 44, 52, 62]), "IQ3_S": np.arange(1.0, 16.0, 2)}


def make_blocks(nib, scales, d):
    """Repacked blocks from per-weight nibbles (nb, 256) in 0..15 (magnitude code | sign << 3), per-group
    scales (nb, 8) in 0..15 and float d (nb,)."""
    nb = nib.shape[0]
    n = nib.astype(np.uint8)
    b = np.zeros((nb, SIZE), np.uint8)
    b[:, :128] = n[:, :128] | (n[:, 128:] << 4)  # weight j: low nibble of byte j, weight 128 + j: high
    s = scales.astype(np.uint8).reshape(nb, 4, 2)
    b[:, 128:132] = s[:, :, 0] | (s[:, :, 1] << 4)
    b[:, 132:134] = np.asarray(d, np.float16).reshape(nb, 1).view(np.uint8)
    return b


def weights(name, nib, scales, d):
    nb = nib.shape[0]
    s = scales.astype(np.float64)
    mul = (2 * s + 1) / 4 if name == "IQ3_XXS" else 2 * s + 1
    w = MAG[name][nib & 7] * np.where(nib & 8, -1.0, 1.0) * mul.repeat(32, axis=1)
    return (np.asarray(d, np.float16).astype(np.float64)[:, None] * w).reshape(nb * 256)


def dot(name, wr, a, k, tier):
    return _core.vec_dot_repacked(int(GGMLType[name]), np.ascontiguousarray(wr).reshape(-1),
                                  np.ascontiguousarray(a).reshape(-1), k, tier)


def check(name, nib, scales, dw, q, da, tier):
    nb = nib.shape[0]
    k = 256 * nb
    wr = make_blocks(nib, scales, dw)
    a, ad = q8k_row(q, da)
    wd = weights(name, nib, scales, dw)
    l1 = float(np.sum(np.abs(wd * ad)))
    got, ref = dot(name, wr, a, k, tier), dot(name, wr, a, k, "ref")
    exact = float(np.dot(wd, ad))
    assert abs(got - ref) <= 1e-6 * l1 + 1e-30, (name, tier, nb, got, ref, l1)
    assert abs(got - exact) <= 1e-5 * l1 + 1e-30, (name, tier, nb, got, exact, l1)
    return got, exact, l1


@pytest.mark.parametrize("nb", [1, 3, 17])
@pytest.mark.parametrize("name", TYPES)
def test_largest_products_of_one_sign(name, tier, nb):
    """Magnitude code 7 and scale 15 everywhere, activations +-127 (and -128, beyond Q8_K's range but a
    valid int8): with the activation signs matching the weight signs every product is the largest
    positive, opposing them the most negative; all signs set, all clear, and mixed."""
    rng = np.random.default_rng(nb)
    scales = np.full((nb, 8), 15)
    dw = np.ones(nb)
    da = np.ones(nb, np.float32)
    for neg in (np.ones((nb, 256), bool), np.zeros((nb, 256), bool), rng.random((nb, 256)) < 0.5):
        nib = 7 | (neg.astype(int) << 3)
        for q in (np.where(neg, -127, 127), np.where(neg, 127, -127), np.where(neg, -128, 127), np.where(neg, 127, -128)):
            got, exact, l1 = check(name, nib, scales, dw, q.astype(np.int8), da, tier)
            assert abs(exact) == pytest.approx(l1)  # every product of one sign: the sums are at their ends


@pytest.mark.parametrize("nb", [1, 3, 17])
@pytest.mark.parametrize("name", TYPES)
def test_every_sign_pattern_and_nibble(name, tier, nb):
    """Sign patterns 0..255 over the 8-weight groups (every one within 8 blocks: 17 blocks cover each at
    least twice), every magnitude code at every position across blocks, distinct scales per group, random
    and extreme activations, varied d."""
    rng = np.random.default_rng(100 + nb)
    e = np.arange(nb * 32).reshape(nb, 32)                                # 8-weight group index over the row
    pattern = (e * 37 + 11) % 256                                         # a bijection of 0..255 over 256 groups
    sign = ((pattern[:, :, None] >> np.arange(8)) & 1).reshape(nb, 256)
    code = (np.arange(256)[None, :] + 3 * np.arange(nb)[:, None]) % 8
    nib = code | (sign << 3)
    scales = np.stack([rng.permutation(16)[:8] for _ in range(nb)])       # distinct per group
    dw = (rng.uniform(0.5, 1.0, nb) * 2.0 ** rng.integers(-8, 4, nb) * rng.choice([-1, 1], nb))
    da = rng.uniform(0.001, 0.1, nb).astype(np.float32)
    for q in (rng.integers(-127, 128, (nb, 256)), np.full((nb, 256), 127), rng.choice([-127, 127], (nb, 256))):
        check(name, nib, scales, dw, q.astype(np.int8), da, tier)


@pytest.mark.parametrize("nb", [1, 3, 17])
@pytest.mark.parametrize("name", TYPES)
def test_distinct_groups_catch_mixups(name, tier, nb):
    """Each 32-weight group of a block has its own scale and magnitude code, and the activations are all
    +127 so nothing cancels: the kernels must put each scale on its own group. The same check on copies
    with two scales swapped, or the nibble halves swapped, must miss (so the check can fail)."""
    rng = np.random.default_rng(200 + nb)
    scales = np.stack([rng.permutation(16)[:8] for _ in range(nb)])
    code = np.stack([rng.permutation(8) for _ in range(nb)]).repeat(32, axis=1)
    nib = code | ((rng.random((nb, 256)) < 0.2).astype(int) << 3)
    dw = np.ones(nb)
    da = np.ones(nb, np.float32)
    q = np.full((nb, 256), 127, np.int8)
    got, exact, l1 = check(name, nib, scales, dw, q, da, tier)
    swapped_scales = scales.copy()
    swapped_scales[:, [0, 5]] = swapped_scales[:, [5, 0]]
    swapped_nib = np.concatenate([nib[:, 128:], nib[:, :128]], axis=1)
    for wrong in (weights(name, nib, swapped_scales, dw), weights(name, swapped_nib, scales, dw)):
        assert abs(got - float(np.dot(wrong, 127.0 * np.ones(256 * nb)))) > 1e-5 * l1


@pytest.mark.parametrize("name", TYPES)
def test_zero_scale_and_zero_d(name, tier):
    """Scale 0 (2 s + 1 = 1) everywhere, and a block with d = 0 next to blocks with d != 0."""
    rng = np.random.default_rng(7)
    nb = 3
    nib = rng.integers(0, 16, (nb, 256))
    q = rng.integers(-127, 128, (nb, 256)).astype(np.int8)
    check(name, nib, np.zeros((nb, 8), int), np.ones(nb), q, np.ones(nb, np.float32), tier)
    check(name, nib, rng.integers(0, 16, (nb, 8)), np.array([1.0, 0.0, -2.0]), q, np.ones(nb, np.float32), tier)
