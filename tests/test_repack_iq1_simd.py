"""The SIMD kernels for repacked IQ1 rows (gk_block_iq1_rp) on the field values at their ends, built byte by
byte (not by the packer): every code at 0, 1 or 2 (alone and one value per 2-bit field), every delta bit
set or clear, the smallest and largest scales, activations at +-127 and -128, and 1, 3 and 17 blocks.
Every tier is compared with the ref tier (the integer sums are exact: within 1e-6 of sum|w * a|) and with
float64 over weights decoded here from the layout's description. The AVX-512 kernel's form without GFNI
(the tier picks it only on CPUs without GFNI) is called directly too."""
import ctypes

import numpy as np
import pytest

from conftest import TIERS
from matmul_helpers import q8k_row
from ggufkit import GGMLType, _core

RP = 76          # bytes per gk_block_iq1_rp


def make_block(q2, delta, ls, d):
    """One repacked block: q2 (64 bytes), delta (4 bytes), ls (16 3-bit scales), d (float, stored as fp16
    in the top nibbles of the 4 scales words)."""
    dbits = int(np.array([d], np.float16).view(np.uint16)[0])
    words = np.zeros(4, np.uint16)
    for h in range(16):
        words[h // 4] |= np.uint16((int(ls[h]) & 7) << (3 * (h % 4)))
    for w in range(4):
        words[w] |= np.uint16(((dbits >> (4 * w)) & 0xF) << 12)
    return np.concatenate([np.asarray(q2, np.uint8), np.asarray(delta, np.uint8), words.view(np.uint8)])


def decode(row):
    """float64 weights of a repacked row: weight 64c + j = d * (2 ls + 1) * (u - 1 +- 1/8), u = bits 2c..2c+1
    of q2[j], delta -1/8 where bit e % 8 of delta[e / 8] is set (e = weight / 8)."""
    out = []
    for b in row.reshape(-1, RP):
        q2, dl, words = b[:64], b[64:68], b[68:76].copy().view("<u2").astype(np.int64)
        u = np.array([(q2[i % 64] >> (2 * (i // 64))) & 3 for i in range(256)], np.float64)
        neg = np.array([(dl[(i // 8) // 8] >> ((i // 8) % 8)) & 1 for i in range(256)])
        ls = np.array([2 * ((words[(i // 16) // 4] >> (3 * ((i // 16) % 4))) & 7) + 1 for i in range(256)], np.float64)
        d = np.array([sum(((int(words[w]) >> 12) & 0xF) << (4 * w) for w in range(4))], np.uint16).view(np.float16)[0]
        out.append(float(d) * ls * (u - 1 + np.where(neg == 1, -0.125, 0.125)))
    return np.concatenate(out)


def rp_dot(wr, a, k, tier, name="IQ1_S"):
    return _core.vec_dot_repacked(int(GGMLType[name]), np.ascontiguousarray(wr), np.ascontiguousarray(a), k, tier)


def _q2_patterns(rng):
    """64-byte code vectors: every code one value; one value per 2-bit field (so a kernel that takes a
    field from the wrong bits fails); random valid codes."""
    pats = [np.full(64, v, np.uint8) for v in (0x00, 0x55, 0xAA)]
    for f in ((0, 1, 2, 0), (2, 0, 1, 2), (1, 2, 0, 1), (2, 2, 0, 0), (0, 0, 2, 2)):
        pats.append(np.full(64, f[0] | f[1] << 2 | f[2] << 4 | f[3] << 6, np.uint8))
    u = rng.integers(0, 3, size=(64, 4))
    pats.append((u[:, 0] | u[:, 1] << 2 | u[:, 2] << 4 | u[:, 3] << 6).astype(np.uint8))
    return pats


def _blocks(rng, nb):
    """nb blocks cycling through the extreme code, delta and scale patterns (plus random ones)."""
    q2s = _q2_patterns(rng)
    deltas = [np.full(4, 0xFF, np.uint8), np.zeros(4, np.uint8), np.array([0x0F, 0xF0, 0x55, 0xAA], np.uint8),
              rng.integers(0, 256, 4).astype(np.uint8)]
    scales = [np.full(16, 7), np.zeros(16, int), np.arange(16) % 8, rng.integers(0, 8, 16)]
    out = []
    for i in range(nb):
        j = int(rng.integers(0, 1 << 20))
        d = float(rng.choice([1.0, -0.5, 2.0 ** -10, 3.5]))
        out.append(make_block(q2s[(i + j) % len(q2s)], deltas[(i + j // 7) % len(deltas)], scales[(i + j // 11) % len(scales)], d))
    return np.concatenate(out)


def _acts(rng, nb):
    """activation rows: all +127, all -128, alternating +-127, random in [-128, 127], and blocks of each."""
    n = 256 * nb
    rows = [np.full(n, 127), np.full(n, -128), np.where(np.arange(n) % 2 == 0, 127, -127),
            rng.integers(-128, 128, n)]
    mixed = np.concatenate([rows[i % 4][:256] for i in range(nb)])
    rows.append(mixed)
    return [q8k_row(r, rng.uniform(0.001, 2.0, nb).astype(np.float32)) for r in rows]


def _check(got, ref, f64, l1, what):
    assert abs(got - ref) <= 1e-6 * l1 + 1e-30, (what, got, ref)
    assert abs(got - f64) <= 1e-5 * l1 + 1e-30, (what, got, f64)


@pytest.mark.parametrize("nb", [1, 3, 17])
def test_extreme_fields_every_tier_against_ref_and_float64(tier, nb):
    rng = np.random.default_rng(1000 + nb)
    k = 256 * nb
    for _ in range(4):
        wr = _blocks(rng, nb)
        wd = decode(wr)
        for a, ad in _acts(rng, nb):
            ad = ad.reshape(-1)
            l1 = float(np.sum(np.abs(wd * ad)))
            f64 = float(np.dot(wd, ad))
            for name in ("IQ1_S", "IQ1_M"):  # one kernel serves both source types
                _check(rp_dot(wr, a, k, tier, name), rp_dot(wr, a, k, "ref", name), f64, l1, (tier, name, nb))


def test_every_field_position_alone(tier):
    """One weight at a time nonzero in the activations: each of the 256 weight positions, with its own
    code, delta and scale, must reach the result (catches a field or a delta bit read for the wrong weight)."""
    rng = np.random.default_rng(7)
    wr = _blocks(rng, 1)
    u = rng.integers(0, 3, size=(64, 4))
    wr[:64] = (u[:, 0] | u[:, 1] << 2 | u[:, 2] << 4 | u[:, 3] << 6).astype(np.uint8)
    wr[64:68] = rng.integers(0, 256, 4).astype(np.uint8)
    wd = decode(wr)
    for i in range(256):
        q = np.zeros(256, np.int64)
        q[i] = -128 if i % 2 else 127
        a, ad = q8k_row(q, np.array([0.25], np.float32))
        f64 = float(np.dot(wd, ad.reshape(-1)))
        assert abs(rp_dot(wr, a, 256, tier) - f64) <= 1e-6 * abs(f64) + 1e-30, (tier, i)


@pytest.mark.skipif("avx512_vnni" not in TIERS, reason="avx512_vnni does not run here")
def test_avx512_form_without_gfni():
    """gk_vecdot_rp_iq1_q8_K_avx512_vnni_shifts (the tier's choice on CPUs without GFNI) against ref."""
    lib = ctypes.CDLL(_core.__file__)
    fn = lib.gk_vecdot_rp_iq1_q8_K_avx512_vnni_shifts
    fn.argtypes = [ctypes.c_int64, ctypes.POINTER(ctypes.c_float), ctypes.c_void_p, ctypes.c_void_p]
    fn.restype = None
    rng = np.random.default_rng(11)
    for nb in (1, 3, 17):
        k = 256 * nb
        wr = np.ascontiguousarray(_blocks(rng, nb))
        wd = decode(wr)
        for a, ad in _acts(rng, nb):
            a = np.ascontiguousarray(a)
            out = ctypes.c_float(0)
            fn(k, ctypes.byref(out), wr.ctypes.data, a.ctypes.data)
            ad = ad.reshape(-1)
            _check(out.value, rp_dot(wr, a, k, "ref"), float(np.dot(wd, ad)), float(np.sum(np.abs(wd * ad))), nb)
