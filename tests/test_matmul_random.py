"""matmul on random weights of every type (blocks drawn from ggml's golden quantization, values from
ggml's golden dequantization) against float64 numpy; gemm (m > 1) against the m = 1 path; thread
independence; the float-activation path."""
import numpy as np
import pytest

import ggufkit
from ggufkit import GGMLType
from matmul_helpers import act_dequant, dot_types, k_multiple, random_weight

TYPES = dot_types()
# ggml tests/test-quantize-fns.cpp: MAX_DOT_PRODUCT_ERROR 0.02, 0.04 for the low-bit types.
LOWBIT = {"Q2_K", "IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ3_XXS", "IQ3_S", "IQ1_S", "IQ1_M", "TQ1_0", "TQ2_0"}


def _ks(name):
    km = k_multiple(name)
    return sorted({km, 3 * km if km < 256 else 2 * km, 1024 if km <= 1024 else km})


@pytest.mark.parametrize("name", TYPES)
def test_random_against_float64(name, tier):
    rng = np.random.default_rng(abs(hash((name, tier))) % 2**32)
    thr = 0.04 if name in LOWBIT else 0.02
    for k in _ks(name):
        for n in (1, 7, 33):
            w, wd = random_weight(name, n, k, rng)
            for m in (1, 3, 32, 100):
                x = rng.standard_normal((m, k)).astype(np.float32)
                y = ggufkit.matmul(x, w, type=name, shape=(n, k), _isa=tier)
                ref = x.astype(np.float64) @ wd.T
                # ggml's normalized error |result - exact| / k (its test data has unit scale), made
                # scale-free: divided by rms(x row) * rms(w row). Activation quantization gives ~1e-4.
                rx = np.sqrt(np.mean(x.astype(np.float64) ** 2, axis=1))[:, None]
                rw = np.sqrt(np.mean(wd ** 2, axis=1))[None, :]
                err = np.max(np.abs(y - ref) / (k * np.maximum(rx * rw, 1e-300)))
                assert err < thr, (name, k, n, m, err)


@pytest.mark.parametrize("name", TYPES)
def test_gemm_equals_vector_path_and_threads(name, tier):
    """Rows of an m > 1 product equal the m = 1 products (within 1e-6 of L1); thread counts give
    identical bytes."""
    rng = np.random.default_rng(11)
    k = 2 * k_multiple(name) if k_multiple(name) >= 256 else 512
    n = 37
    w, wd = random_weight(name, n, k, rng)
    x = rng.standard_normal((13, k)).astype(np.float32)
    y = ggufkit.matmul(x, w, type=name, shape=(n, k), threads=1, _isa=tier)
    l1 = np.abs(x.astype(np.float64)) @ np.abs(wd).T
    for i in (0, 5, 12):
        yi = ggufkit.matmul(x[i], w, type=name, shape=(n, k), threads=1, _isa=tier)
        assert np.all(np.abs(yi - y[i]) <= 1e-6 * l1[i] + 1e-30), name
    y2 = ggufkit.matmul(x, w, type=name, shape=(n, k), threads=2, _isa=tier)
    np.testing.assert_array_equal(y, y2)
    big_n = 300
    w3, _ = random_weight(name, big_n, k, rng)
    a = ggufkit.matmul(x, w3, type=name, shape=(big_n, k), threads=1, _isa=tier)
    b = ggufkit.matmul(x, w3, type=name, shape=(big_n, k), threads=2, _isa=tier)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", TYPES)
def test_float_activations(name, tier):
    rng = np.random.default_rng(5)
    k = 512
    w, wd = random_weight(name, 9, k, rng)
    x = rng.standard_normal((3, k)).astype(np.float32)
    try:
        y = ggufkit.matmul(x, w, type=name, shape=(9, k), activations="float", _isa=tier)
        y1 = ggufkit.matmul(x[1], w, type=name, shape=(9, k), activations="float", _isa=tier)
    except NotImplementedError:
        pytest.skip("no dequantize kernel for this type yet (dequant family not merged)")
    ref = x.astype(np.float64) @ wd.T
    l1 = np.abs(x.astype(np.float64)) @ np.abs(wd).T
    # float32 products of exactly dequantized weights: only float32 summation error remains
    assert np.all(np.abs(y - ref) <= 1e-5 * l1)
    assert np.all(np.abs(y1 - ref[1]) <= 1e-5 * l1[1])


@pytest.mark.parametrize("name", ["Q4_0", "Q6_K", "IQ2_XS", "F16", "BF16", "F32"])
def test_gemm_many_rows_and_tiles(name, tier):
    """m > 64 and n > 512: the gemm's blocking over x rows and groups of weight tiles; each row equals
    its m = 1 product within 1e-6 of L1, and threads do not change a byte."""
    rng = np.random.default_rng(21)
    k = 256
    n, m = 600, 70
    w, wd = random_weight(name, n, k, rng)
    x = rng.standard_normal((m, k)).astype(np.float32)
    y1 = ggufkit.matmul(x, w, type=name, shape=(n, k), threads=1, _isa=tier)
    y2 = ggufkit.matmul(x, w, type=name, shape=(n, k), threads=2, _isa=tier)
    np.testing.assert_array_equal(y1, y2)
    l1 = np.abs(x.astype(np.float64)) @ np.abs(wd).T
    for i in (0, 63, 64, 69):
        yi = ggufkit.matmul(x[i], w, type=name, shape=(n, k), _isa=tier)
        assert np.all(np.abs(yi - y1[i]) <= 1e-6 * l1[i] + 1e-30)


@pytest.mark.parametrize("name", ["F16", "BF16", "F32"])
@pytest.mark.parametrize("k", [1, 31, 33, 67, 200])
def test_float_gemm_odd_k(name, k, tier):
    """The float gemm kernels pack k in chunks of 16 or 32 values (pairs for BF16): every k tail, odd k
    included, gives each row its m = 1 product (within 1e-6 of L1) and the float64 product."""
    rng = np.random.default_rng(k)
    n, m = 45, 8
    w, wd = random_weight(name, n, k, rng)
    x = rng.standard_normal((m, k)).astype(np.float32)
    y = ggufkit.matmul(x, w, type=name, shape=(n, k), _isa=tier)
    l1 = np.abs(x.astype(np.float64)) @ np.abs(wd).T
    for i in range(m):
        yi = ggufkit.matmul(x[i], w, type=name, shape=(n, k), _isa=tier)
        assert np.all(np.abs(yi - y[i]) <= 1e-6 * l1[i] + 1e-30), (name, k, i)
    # activations rounded to the weight type (F16/BF16) as ggml does: 2^-8 relative per BF16 value
    assert np.all(np.abs(y - x.astype(np.float64) @ wd.T) <= 2 ** -8 * l1 + 1e-30)


def _extreme_weight(name, n, k):
    """Weights at the most negative code everywhere (Q8_0: -128; IQ4_NL/IQ4_XS: table entry -127 at the
    largest sub-block scale), scale 1, so that every pair of products is as large as int8 allows; the
    2-, 3- and 6-bit types at their largest unsigned code (TQ2_0: 3, Q2_K: 3 at scale and min 15, Q3_K: 7
    at scale -32, Q6_K: 63 at sub-block scale -128), the largest operand their maddubs kernels see."""
    t = GGMLType[name]
    nb = k // t.block_size
    blocks = np.zeros((n * nb, t.type_size), np.uint8)
    one = np.array([1.0], np.float16).view(np.uint8)
    blocks[:, 0:2] = one
    if name == "TQ2_0":  # qs[64], d
        blocks[:, 0:64] = 0xFF
        blocks[:, 64:66] = one
    if name == "Q2_K":  # scales[16], qs[64], d, dmin
        blocks[:, 0:80] = 0xFF
        blocks[:, 80:82] = one
        blocks[:, 82:84] = one
    if name == "Q3_K":  # hmask[32], qs[64], scales[12] (all 0: every 6-bit scale is 0 - 32), d
        blocks[:, 0:96] = 0xFF
        blocks[:, 96:108] = 0
        blocks[:, 108:110] = one
    if name == "Q6_K":  # ql[128], qh[64], scales[16], d
        blocks[:, 0:192] = 0xFF
        blocks[:, 192:208] = 0x80
        blocks[:, 208:210] = one
    if name == "Q8_0":
        blocks[:, 2:] = 0x80
    if name == "IQ4_XS":  # scales_h (2 bytes) and scales_l (4 bytes): 6-bit scale 63 for all 8 sub-blocks
        blocks[:, 2:4] = 0xFF
        blocks[:, 4:8] = 0xFF
    w = blocks.reshape(n, nb * t.type_size)
    return w, ggufkit.dequantize(w, name, (n, k)).astype(np.float64)


@pytest.mark.parametrize("name", ["Q8_0", "IQ4_NL", "IQ4_XS", "TQ2_0", "Q2_K", "Q3_K", "Q6_K"])
def test_gemm_extreme_codes(name, tier):
    """Codes of +-128 against activations of +-127 in every row: the integer pair sums must not
    saturate in any kernel (the gemm and the m = 1 path agree with float64)."""
    k, n = 512, 40
    w, wd = _extreme_weight(name, n, k)
    # 16 rows: more than any type's small-m crossover (up to 12 on AVX2), so `y` takes the packed gemm
    signs = np.ones((16, k), np.float32)
    signs[1] = -1
    signs[2, ::2] = -1
    signs[3, 1::2] = -1
    signs[4:] = np.random.default_rng(3).choice([-1.0, 1.0], size=(12, k))
    y = ggufkit.matmul(signs, w, type=name, shape=(n, k), _isa=tier)
    y1 = np.stack([ggufkit.matmul(s, w, type=name, shape=(n, k), _isa=tier) for s in signs])
    vdt = GGMLType[name].vec_dot_type  # +-1 activations quantize to +-127 and one scale per block
    a = np.stack([act_dequant(vdt, ggufkit.quantize(s, vdt)) for s in signs])
    assert np.ptp(np.abs(a)) == 0  # every activation at the same magnitude: the code 127
    ref = a @ wd.T
    l1 = np.abs(a) @ np.abs(wd).T
    assert np.all(np.abs(y - ref) <= 1e-6 * l1), name
    assert np.all(np.abs(y1 - ref) <= 1e-6 * l1), name


@pytest.mark.parametrize("name", ["IQ4_NL", "MXFP4", "Q1_0"])
def test_vector_block_tails(name, tier):
    """m = 1 kernels that fold several activation blocks per step (IQ4_NL / MXFP4: 4 blocks of 32, then
    one at a time; Q1_0: 4 Q8_0 blocks per weight block) at block counts with and without a tail: the
    product of the quantized activation row with the weights, in float64, within 1e-6 of L1."""
    rng = np.random.default_rng(5)
    km = k_multiple(name)
    vdt = GGMLType[name].vec_dot_type
    for nblk in (1, 3, 5, 6, 7, 9):
        k = nblk * km
        w, wd = random_weight(name, 9, k, rng)
        x = rng.standard_normal(k).astype(np.float32)
        y = ggufkit.matmul(x, w, type=name, shape=(9, k), _isa=tier)
        a = act_dequant(vdt, ggufkit.quantize(x, vdt))
        ref, l1 = wd @ a, np.abs(wd) @ np.abs(a)
        assert np.all(np.abs(y - ref) <= 1e-6 * l1 + 1e-30), (name, k)
