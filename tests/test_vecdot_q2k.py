"""The Q2_K vec_dot kernels on the field values at their ends, built byte by byte: every 2-bit code at 0 or 3
(alone and one value per field position), scales and mins at 0 and 15, activations at +-127 and -128, and
1, 2, 3 and 17 blocks (the avx512_vnni kernel takes two blocks per step, then a single one). Every tier is
compared with the ref tier (the integer sums are exact: within 1e-6 of sum|w * a|) and with float64 over
weights dequantized by gguf-py."""
import gguf
import gguf.quants
import numpy as np
import pytest

from ggufkit import GGMLType, _core

Q2K = 84         # bytes per Q2_K block: scales[16], qs[64], d, dmin
Q8K = 292        # bytes per Q8_K block: float d, int8 qs[256], int16 bsums[16]


def make_block(scales, qs, d, dmin):
    return np.concatenate([np.asarray(scales, np.uint8), np.asarray(qs, np.uint8),
                           np.array([d, dmin], np.float16).view(np.uint8)])


def make_act(qs, d):
    """Q8_K row from int8 values and one float scale per block; bsums computed."""
    qs = np.asarray(qs, np.int8).reshape(-1, 256)
    out = []
    for b, q in enumerate(qs):
        bs = q.astype(np.int16).reshape(16, 16).sum(axis=1).astype(np.int16)
        out.append(np.concatenate([np.array([d[b]], np.float32).view(np.uint8), q.view(np.uint8), bs.view(np.uint8)]))
    return np.concatenate(out), qs.astype(np.float64) * np.asarray(d, np.float64)[:, None]


def _blocks(rng, nb):
    codes = [np.full(64, 0xFF, np.uint8), np.zeros(64, np.uint8)]
    for f in range(4):  # one 2-bit field at 3, the others 0 (a field read from the wrong bits fails)
        codes.append(np.full(64, 3 << (2 * f), np.uint8))
    codes.append(rng.integers(0, 256, 64).astype(np.uint8))
    scales = [np.full(16, 0xFF, np.uint8), np.full(16, 0x0F, np.uint8), np.full(16, 0xF0, np.uint8),
              (np.arange(16) * 17).astype(np.uint8), rng.integers(0, 256, 16).astype(np.uint8)]
    out = []
    for i in range(nb):
        j = int(rng.integers(0, 1 << 20))
        d, dmin = rng.choice([1.0, -0.5, 2.0 ** -10, 3.5], 2)
        out.append(make_block(scales[(i + j // 7) % len(scales)], codes[(i + j) % len(codes)], d, dmin))
    return np.concatenate(out)


def _acts(rng, nb):
    n = 256 * nb
    rows = [np.full(n, 127), np.full(n, -128), np.where(np.arange(n) % 2 == 0, 127, -127), rng.integers(-128, 128, n)]
    rows.append(np.concatenate([rows[i % 4][:256] for i in range(nb)]))
    return [make_act(r, rng.uniform(0.001, 2.0, nb).astype(np.float32)) for r in rows]


def vec_dot(w, a, k, tier):
    return _core.vec_dot(int(GGMLType["Q2_K"]), np.ascontiguousarray(w), np.ascontiguousarray(a), k, tier)


@pytest.mark.parametrize("nb", [1, 2, 3, 17])
def test_extreme_fields_every_tier_against_ref_and_float64(tier, nb):
    rng = np.random.default_rng(2000 + nb)
    k = 256 * nb
    for _ in range(6):
        w = _blocks(rng, nb)
        wd = gguf.quants.dequantize(w.reshape(nb, Q2K), gguf.GGMLQuantizationType.Q2_K).astype(np.float64).reshape(-1)
        for a, ad in _acts(rng, nb):
            ad = ad.reshape(-1)
            l1 = float(np.sum(np.abs(wd * ad)))
            got, ref, f64 = vec_dot(w, a, k, tier), vec_dot(w, a, k, "ref"), float(np.dot(wd, ad))
            assert abs(got - ref) <= 1e-6 * l1 + 1e-30, (tier, nb, got, ref)
            assert abs(got - f64) <= 1e-5 * l1 + 1e-30, (tier, nb, got, f64)


def test_every_weight_position_alone(tier):
    """One activation at a time nonzero, in the second of 3 blocks: each of the 256 positions, with its
    own code, scale and min, must reach the result."""
    rng = np.random.default_rng(9)
    w = np.concatenate([make_block(rng.integers(0, 256, 16), rng.integers(0, 256, 64), 0.75, -0.25) for _ in range(3)])
    wd = gguf.quants.dequantize(w.reshape(3, Q2K), gguf.GGMLQuantizationType.Q2_K).astype(np.float64).reshape(-1)
    for i in range(256):
        q = np.zeros(768, np.int64)
        q[256 + i] = -128 if i % 2 else 127
        a, ad = make_act(q, np.array([0.5, 0.25, 2.0], np.float32))
        f64 = float(np.dot(wd, ad.reshape(-1)))
        assert abs(vec_dot(w, a, 768, tier) - f64) <= 1e-6 * abs(f64) + 1e-30, (tier, i)
