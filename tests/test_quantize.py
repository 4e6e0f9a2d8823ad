"""quantize: bit-exact with ggml's golden bytes on every tier, round trips, random inputs, errors.

Oracles: the golden files made by ggml itself (bytes), gguf-py's numpy quantizers (bytes, for the
types it has), and per-type bounds of the reconstruction error (never our own outputs)."""
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import ggufkit
from ggufkit import GGMLType, _testing
from conftest import TIERS, load_golden, golden_types

# The types this family quantizes. The IQ grid searches and the activation / float formats are
# tested by their own families; their golden tests below still run here once their kernels exist.
OWN_TYPES = ["q4_0", "q4_1", "q5_0", "q5_1", "q2_k", "q3_k", "q4_k", "q5_k", "q6_k", "tq1_0", "tq2_0",
             "mxfp4", "nvfp4", "q1_0", "q2_0", "iq4_nl", "iq4_xs"]
# Types gguf-py (the test-only oracle) can quantize, byte for byte like ggml's reference.
GGUF_PY_TYPES = ["q4_0", "q4_1", "q5_0", "q5_1", "tq1_0", "tq2_0", "mxfp4"]

# Reconstruction error bound per type: |x - dequantize(quantize(x))| <= rel * max|x| over the
# error block (the block, the 16-value sub-block for NVFP4, the 256-value super-block for the K
# types), plus a small absolute floor for half-precision scales near their subnormal range.
# Measured worst cases on normal, uniform, sparse, mixed-magnitude and heavy-tailed data, with margin.
ERR_BOUND = {
    "q4_0": 0.35, "q4_1": 0.35, "q5_0": 0.16, "q5_1": 0.16,
    "q2_k": 1.0, "q3_k": 0.6, "q4_k": 0.3, "q5_k": 0.16, "q6_k": 0.16,
    "tq1_0": 0.501, "tq2_0": 0.501, "mxfp4": 0.26, "nvfp4": 0.6,
    "q1_0": 1.001, "q2_0": 0.501, "iq4_nl": 0.35, "iq4_xs": 0.35,
}
# Absolute floor: a half-precision scale has a resolution of 2^-24 near zero (subnormals), times the
# largest integer it multiplies (sub-block scale times quant); UE4M3 scales stop at 2^-9.
_SCALE_MULT = {"q4_0": 8, "q4_1": 15, "q5_0": 16, "q5_1": 31, "q2_k": 63, "q3_k": 128, "q4_k": 63 * 16,
               "q5_k": 63 * 32, "q6_k": 128 * 32, "tq1_0": 1, "tq2_0": 1, "mxfp4": 0, "q1_0": 1, "q2_0": 2,
               "iq4_nl": 127, "iq4_xs": 32 * 127}
ERR_FLOOR = {k: 2.0 ** -24 * v for k, v in _SCALE_MULT.items()}
ERR_FLOOR["nvfp4"] = 2 ** -9 * 3


def _has_quant(name, tier):
    return _testing.tier_kernels(tier)[name.upper()]["quantize"] is not None


def _has_dequant(name):
    return _testing.tier_kernels(TIERS[0])[name.upper()]["dequantize"] is not None


@pytest.mark.parametrize("name", OWN_TYPES)
def test_own_types_have_a_ref_kernel(name):
    assert _has_quant(name, "ref")


GOLDEN_QUANT = [n for n in golden_types() if n in OWN_TYPES or _has_quant(n, "ref")]


# ---- bit-exact with ggml ------------------------------------------------------------------------

@pytest.mark.parametrize("name", GOLDEN_QUANT)
def test_golden_quant(name, tier):
    g = load_golden(name)
    if "quant" not in g:
        pytest.skip("ggml does not quantize this type without an imatrix")
    got = _testing.kernels(tier).quantize(g["src"], name)
    assert got.dtype == np.uint8 and got.shape == g["quant"].shape
    np.testing.assert_array_equal(got, g["quant"])


@pytest.mark.parametrize("name", GOLDEN_QUANT)
def test_golden_quant_imatrix(name, tier):
    g = load_golden(name)
    if "quant_imatrix" not in g:
        pytest.skip("no imatrix golden for this type")
    got = _testing.kernels(tier).quantize(g["src"], name, imatrix=g["imatrix"])
    np.testing.assert_array_equal(got, g["quant_imatrix"])


@pytest.mark.parametrize("name", GOLDEN_QUANT)
def test_golden_round_trip(name):
    """quantize then dequantize gives ggml's dequantized values, bit for bit."""
    if not _has_dequant(name):
        pytest.skip("no dequantize kernel")
    g = load_golden(name)
    for key, imatrix in (("quant", None), ("quant_imatrix", g.get("imatrix"))):
        if key not in g or "dequant" not in g:
            continue
        q = ggufkit.quantize(g["src"], name, imatrix=imatrix)
        want = g["dequant"] if key == "quant" or "dequant_imatrix" not in g else g["dequant_imatrix"]
        got = ggufkit.dequantize(q, name, g["src"].shape)
        np.testing.assert_array_equal(got.view(np.uint32), want.view(np.uint32))


@pytest.mark.parametrize("name", OWN_TYPES)
def test_threads_and_shapes_do_not_change_bytes(name, tier):
    t = GGMLType[name.upper()]
    rng = np.random.default_rng(7)
    n = max(t.block_size, 256) * 2
    x = (rng.standard_normal((37, n)) * 10.0 ** rng.integers(-2, 3, (37, 1))).astype(np.float32)
    im = rng.uniform(0.1, 2.0, n).astype(np.float32)
    k = _testing.kernels(tier)
    for imatrix in (None, im):
        one = k.quantize(x, name, imatrix=imatrix, threads=1)
        assert one.shape == (37, t.row_bytes(n))
        np.testing.assert_array_equal(k.quantize(x, name, imatrix=imatrix, threads=2), one)
        np.testing.assert_array_equal(k.quantize(x[5], name, imatrix=imatrix), one[5])
        np.testing.assert_array_equal(k.quantize(x[:36].reshape(3, 12, n), name, imatrix=imatrix),
                                      one[:36].reshape(3, 12, -1))
        if tier != "ref":  # every SIMD tier gives the reference bytes
            np.testing.assert_array_equal(_testing.kernels("ref").quantize(x, name, imatrix=imatrix), one)


def test_large_matrix_threads():
    g = load_golden("q4_k")
    x = np.tile(g["src"], (32, 1))
    a = ggufkit.quantize(x, "Q4_K", threads=2)
    np.testing.assert_array_equal(a, np.tile(g["quant"], (32, 1)))
    np.testing.assert_array_equal(ggufkit.quantize(x, "Q4_K", imatrix=g["imatrix"], threads=2),
                                  np.tile(g["quant_imatrix"], (32, 1)))


def test_float16_input_and_types():
    g = load_golden("q4_0")
    x16 = g["src"].astype(np.float16)
    np.testing.assert_array_equal(ggufkit.quantize(x16, "q4_0"), ggufkit.quantize(x16.astype(np.float32), 2))
    np.testing.assert_array_equal(ggufkit.quantize(g["src"], GGMLType.Q4_0), g["quant"])
    # byte-swapped input
    np.testing.assert_array_equal(ggufkit.quantize(g["src"].astype(">f4"), "Q4_0"), g["quant"])
    # non-contiguous input
    xt = np.asfortranarray(g["src"])
    np.testing.assert_array_equal(ggufkit.quantize(xt, "Q4_0"), g["quant"])
    empty = ggufkit.quantize(np.zeros((0, 64), np.float32), "q4_0")
    assert empty.shape == (0, 36) and empty.dtype == np.uint8


# ---- random inputs --------------------------------------------------------------------------------

def _error_block(name):
    t = GGMLType[name.upper()]
    return 16 if name == "nvfp4" else t.block_size


def _assert_error_bound(name, x, d):
    bs = _error_block(name)
    xb = x.astype(np.float64).reshape(-1, bs)
    db = d.astype(np.float64).reshape(-1, bs)
    amax = np.abs(xb).max(axis=1, keepdims=True)
    bound = ERR_BOUND[name] * amax * (1 + 2e-3) + ERR_FLOOR.get(name, 0.0) + 1e-6 * amax.max()
    err = np.abs(xb - db)
    bad = np.argwhere(err > bound)
    assert bad.size == 0, (f"{name}: error {err[tuple(bad[0])]:.3g} > bound {bound[bad[0][0], 0]:.3g} "
                           f"in block {bad[0][0]} (block max {amax[bad[0][0], 0]:.3g})")


@st.composite
def _rows(draw, name, min_exp=-2, max_exp=3):
    t = GGMLType[name.upper()]
    nrows = draw(st.integers(1, 3))
    nblocks = draw(st.integers(1, 3 if t.block_size >= 256 else 6))
    n = nblocks * t.block_size
    seed = draw(st.integers(0, 2 ** 32 - 1))
    rng = np.random.default_rng(seed)
    kind = draw(st.sampled_from(["normal", "uniform", "positive", "zeros", "constant", "sparse", "mixed",
                                 "heavy", "blocky"]))
    scale = 10.0 ** draw(st.floats(min_exp, max_exp))
    shape = (nrows, n)
    if kind == "normal":
        x = rng.standard_normal(shape)
    elif kind == "uniform":
        x = rng.uniform(-1, 1, shape)
    elif kind == "positive":
        x = rng.uniform(0, 1, shape)
    elif kind == "zeros":
        x = np.zeros(shape)
    elif kind == "constant":
        x = np.full(shape, draw(st.sampled_from([1.0, -1.0, 0.37])))
    elif kind == "sparse":
        x = np.where(rng.uniform(size=shape) < 0.05, rng.standard_normal(shape), 0.0)
    elif kind == "mixed":
        x = rng.standard_normal(shape) * 10.0 ** rng.integers(-3, 1, shape)
    elif kind == "heavy":
        x = rng.standard_cauchy(shape)
        x /= np.abs(x).max()
    else:  # every block of its own magnitude
        x = rng.standard_normal(shape) * 10.0 ** rng.integers(-3, 1, (nrows, nblocks, 1)).repeat(
            t.block_size, axis=2).reshape(shape)
    with np.errstate(over="ignore"):  # huge scales may overflow float32: callers that draw them clamp the infinities
        return (x * scale).astype(np.float32)


HYP = settings(max_examples=int(os.environ.get("GGUFKIT_HYPOTHESIS_EXAMPLES", 25)), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", OWN_TYPES)
@HYP
@given(data=st.data())
def test_random_round_trip_error_bound(name, data):
    if not _has_dequant(name):
        pytest.skip("no dequantize kernel")
    x = data.draw(_rows(name))
    use_im = data.draw(st.booleans())
    im = None
    if use_im:
        im = np.random.default_rng(data.draw(st.integers(0, 1000))).uniform(0.05, 3.0, x.shape[1])
        im = im.astype(np.float32)
    q = ggufkit.quantize(x, name, imatrix=im)
    assert q.shape == (x.shape[0], GGMLType[name.upper()].row_bytes(x.shape[1]))
    d = ggufkit.dequantize(q, name, x.shape)
    assert np.all(np.isfinite(d))
    _assert_error_bound(name, x, d)
    if np.all(x == 0):
        assert np.all(d == 0)


@pytest.mark.parametrize("name", OWN_TYPES)
@HYP
@given(data=st.data())
def test_random_extreme_magnitudes_never_crash(name, data):
    """Huge and tiny magnitudes (where ggml's own arithmetic overflows or underflows) and zero or
    tiny imatrix weights: no crash, the right shape, the same bytes on every tier."""
    x = data.draw(_rows(name, min_exp=-40, max_exp=38))
    if data.draw(st.booleans()):  # subnormal values
        x = (x * np.float32(1e-38)).astype(np.float32)
    im = None
    if data.draw(st.booleans()):
        im = np.random.default_rng(data.draw(st.integers(0, 1000))).uniform(0, 1, x.shape[1])
        im[::3] = 0
        im = im.astype(np.float32)
    with np.errstate(over="ignore"):
        x = np.nan_to_num(x, posinf=3e38, neginf=-3e38).astype(np.float32)
    ref = _testing.kernels("ref").quantize(x, name, imatrix=im)
    assert ref.shape == (x.shape[0], GGMLType[name.upper()].row_bytes(x.shape[1]))
    for tier in TIERS[1:]:
        np.testing.assert_array_equal(_testing.kernels(tier).quantize(x, name, imatrix=im), ref)


@pytest.mark.parametrize("name", GGUF_PY_TYPES)
@HYP
@given(data=st.data())
def test_random_matches_gguf_py(name, data):
    gq = pytest.importorskip("gguf.quants")
    import gguf
    x = data.draw(_rows(name, min_exp=-20, max_exp=20))
    with np.errstate(all="ignore"):
        want = gq.quantize(x, gguf.GGMLQuantizationType[name.upper()])
    np.testing.assert_array_equal(ggufkit.quantize(x, name), want)


# ---- errors ---------------------------------------------------------------------------------------

REQUIRES_IMATRIX = [t.name for t in GGMLType if t.requires_imatrix]


def test_requires_imatrix_exactly_like_ggml():
    assert sorted(REQUIRES_IMATRIX) == ["IQ1_S", "IQ2_XS", "IQ2_XXS"]
    x = np.ones((1, 256), np.float32)
    for name in REQUIRES_IMATRIX:
        with pytest.raises(ValueError, match="importance matrix"):
            ggufkit.quantize(x, name)
    for name in OWN_TYPES:  # none of these needs one
        ggufkit.quantize(np.ones((1, 256), np.float32), name)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nonfinite_row_is_named(bad, tier):
    x = np.ones((5, 256), np.float32)
    x[3, 17] = bad
    x[4, 0] = bad
    with pytest.raises(ValueError, match=r"row 3\b"):
        _testing.kernels(tier).quantize(x, "q4_K", threads=2)
    x3 = np.ones((2, 3, 64), np.float32)
    x3[1, 2, 5] = bad
    with pytest.raises(ValueError, match=r"row 5 \(index \(1, 2\)\)"):
        ggufkit.quantize(x3, "q4_0")
    big = np.ones((4096, 64), np.float32)
    big[4000, 1] = bad
    big[3000:3002, 63] = bad
    with pytest.raises(ValueError, match=r"row 3000\b"):
        ggufkit.quantize(big, "q4_0", threads=2)


def test_bad_arguments():
    x = np.ones((2, 256), np.float32)
    with pytest.raises(ValueError, match="multiple of the Q4_K block size 256"):
        ggufkit.quantize(np.ones((2, 128), np.float32), "q4_K")
    with pytest.raises(ValueError, match="imatrix must have shape"):
        ggufkit.quantize(x, "q4_K", imatrix=np.ones(128, np.float32))
    with pytest.raises(ValueError, match="imatrix must have shape"):
        ggufkit.quantize(x, "q4_K", imatrix=np.ones((2, 256), np.float32))
    with pytest.raises(ValueError, match="imatrix must hold finite non-negative"):
        ggufkit.quantize(x, "q4_K", imatrix=np.full(256, -1.0, np.float32))
    with pytest.raises(ValueError, match="imatrix must hold finite non-negative"):
        ggufkit.quantize(x, "q4_K", imatrix=np.full(256, np.nan, np.float32))
    with pytest.raises(TypeError, match="imatrix must be a float array"):
        ggufkit.quantize(x, "q4_K", imatrix=np.ones(256, np.int32))
    with pytest.raises(TypeError, match="x must be a float32"):
        ggufkit.quantize(x.astype(np.float64), "q4_K")
    with pytest.raises(TypeError, match="x must be a float32"):
        ggufkit.quantize(x.astype(np.int32), "q4_K")
    with pytest.raises(TypeError, match="x must be a float32"):
        ggufkit.quantize(np.array([None] * 32), "q4_0")
    with pytest.raises(ValueError, match="at least one dimension"):
        ggufkit.quantize(np.float32(1.0), "q4_0")
    with pytest.raises(ValueError, match="unknown ggml type"):
        ggufkit.quantize(x, "Q9_9")
    with pytest.raises(ValueError, match="removed"):
        ggufkit.quantize(x, 4)
    with pytest.raises(ValueError, match="threads"):
        ggufkit.quantize(x, "q4_0", threads=0)
    with pytest.raises(ValueError, match="unknown ISA"):
        ggufkit.quantize(x, "q4_0", _isa="sse9")


def test_nonfinite_found_at_every_position():
    for pos in range(96):
        x = np.ones((2, 96), np.float32)
        x[1, pos] = [np.nan, np.inf, -np.inf][pos % 3]
        with pytest.raises(ValueError, match=r"row 1\b"):
            ggufkit.quantize(x, "q4_0")
    # the largest finite values and subnormals are fine
    x = np.full((1, 64), np.finfo(np.float32).max, np.float32)
    x[0, 1::2] = np.float32(1e-45)
    ggufkit.quantize(x, "q4_0")


@pytest.mark.parametrize("name", OWN_TYPES)
def test_ties_and_signed_zeros_same_bytes_on_every_tier(name):
    """Data made of ties (+a and -a, repeated maxima, small integers), zeros of both signs and
    all-zero blocks: where a SIMD reduction could pick another element than ggml's scan."""
    t = GGMLType[name.upper()]
    n = max(t.block_size, 256) * 2
    rng = np.random.default_rng(3)
    cases = []
    x = np.round(rng.standard_normal((8, n)) * 2).astype(np.float32)
    x[:, 7::11] = -x[:, 6::11][:, : x[:, 7::11].shape[1]]
    cases.append(x)
    z = np.zeros((4, n), np.float32)
    z[1, ::3] = -0.0
    z[2] = -0.0
    z[3, ::7] = 1.0
    cases.append(z)
    cases.append(-np.abs(rng.standard_normal((4, n))).astype(np.float32))
    cases.append(np.abs(rng.standard_normal((4, n))).astype(np.float32) * np.float32(1e-3))
    # beyond a scale's range (NVFP4's UE4M3 saturates at 448, or underflows to 0), mixed magnitudes
    big = rng.standard_normal((4, n)).astype(np.float32)
    big[0] *= 1e6
    big[1] *= 1e-5
    big[2] *= np.where(rng.uniform(size=n) < 0.1, 1e7, 1.0).astype(np.float32)
    big[3] = (np.round(big[3] * 8) / 4).astype(np.float32)  # exact midpoints of the FP4 grids
    cases.append(big)
    im = rng.uniform(0.5, 1.5, n).astype(np.float32)
    for x in cases:
        for imatrix in (None, im):
            ref = _testing.kernels("ref").quantize(x, name, imatrix=imatrix)
            for tier in TIERS[1:]:
                np.testing.assert_array_equal(_testing.kernels(tier).quantize(x, name, imatrix=imatrix), ref)


def test_bfloat16_input():
    ml_dtypes = pytest.importorskip("ml_dtypes")
    g = load_golden("q4_k")
    xb = g["src"].astype(ml_dtypes.bfloat16)
    np.testing.assert_array_equal(ggufkit.quantize(xb, "q4_K"), ggufkit.quantize(xb.astype(np.float32), "q4_K"))


@pytest.mark.parametrize("name", ["q4_0", "q4_1", "q5_0", "q5_1", "iq4_nl", "q2_k", "q3_k", "q4_k", "q5_k", "q6_k"])
def test_block_counts_grouped_differently_by_simd(name):
    """SIMD kernels group 8 or 16 blocks (or 2 super-blocks) per step: odd counts use the remainders."""
    t = GGMLType[name.upper()]
    rng = np.random.default_rng(11)
    for nblocks in ((1, 2, 3, 5) if t.block_size == 256 else (1, 7, 8, 9, 15, 17, 25)):
        n = t.block_size * nblocks
        x = rng.standard_normal((3, n)).astype(np.float32)
        im = rng.uniform(0.1, 2.0, n).astype(np.float32)
        for imatrix in (None, im):
            ref = _testing.kernels("ref").quantize(x, name, imatrix=imatrix)
            for tier in TIERS[1:]:
                np.testing.assert_array_equal(_testing.kernels(tier).quantize(x, name, imatrix=imatrix), ref)
