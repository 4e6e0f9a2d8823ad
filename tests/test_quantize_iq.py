"""quantize for the grid-search IQ types (IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ1_S, IQ1_M).

Oracles: ggml's golden bytes (with and without an importance matrix), float64 numpy for the round-trip
error, the ref tier for the SIMD tiers. ggml's IQ quantizers are slow, so inputs stay small.
"""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import ggufkit
from ggufkit import GGMLType, _testing
from conftest import TIERS, load_golden

IQ_TYPES = ["iq2_xxs", "iq2_xs", "iq2_s", "iq3_xxs", "iq3_s", "iq1_s", "iq1_m"]
NEEDS_IMATRIX = {"iq2_xxs", "iq2_xs", "iq1_s"}

# Relative RMSE of the round trip on normal data is about 0.40 / 0.35 / 0.29 / 0.23 / 0.16 / 0.58 / 0.54
# (with an imatrix, whole 4096-rows); these bounds leave room for small random inputs.
RMSE_BOUND = {"iq2_xxs": 0.65, "iq2_xs": 0.6, "iq2_s": 0.5, "iq3_xxs": 0.4, "iq3_s": 0.3,
              "iq1_s": 0.85, "iq1_m": 0.8}


@pytest.mark.parametrize("name", IQ_TYPES)
def test_requires_imatrix_flag(name):
    assert GGMLType.coerce(name.upper()).requires_imatrix == (name in NEEDS_IMATRIX)


@pytest.mark.parametrize("name", IQ_TYPES)
def test_golden_quant_imatrix(name, tier):
    g = load_golden(name)
    got = _testing.kernels(tier).quantize(g["src"], name.upper(), imatrix=g["imatrix"], threads=1)
    assert got.dtype == np.uint8 and got.shape == g["quant_imatrix"].shape
    np.testing.assert_array_equal(got, g["quant_imatrix"])


@pytest.mark.parametrize("name", sorted(set(IQ_TYPES) - NEEDS_IMATRIX))
def test_golden_quant_no_imatrix(name, tier):
    g = load_golden(name)
    got = _testing.kernels(tier).quantize(g["src"], name.upper(), threads=1)
    np.testing.assert_array_equal(got, g["quant"])


@pytest.mark.parametrize("name", sorted(NEEDS_IMATRIX))
def test_missing_imatrix_is_a_clear_error(name, tier):
    g = load_golden(name)
    assert "quant" not in g  # ggml itself refuses
    with pytest.raises(ValueError, match="imatrix"):
        _testing.kernels(tier).quantize(g["src"][:1], name.upper())


@pytest.mark.parametrize("name", IQ_TYPES)
def test_threads_do_not_change_the_bytes(name):
    # 32 rows of 4096: enough for the driver to split the rows over 2 threads.
    g = load_golden(name)
    x = np.tile(g["src"], (8, 1))
    expect = np.tile(g["quant_imatrix"], (8, 1))
    for threads in (2, 1):
        got = ggufkit.quantize(x, name.upper(), imatrix=g["imatrix"], threads=threads)
        np.testing.assert_array_equal(got, expect)


def test_rows_are_independent_and_shapes_kept():
    g = load_golden("iq3_s")
    got = ggufkit.quantize(g["src"].reshape(2, 2, 4096), "IQ3_S")
    assert got.shape == (2, 2, g["quant"].shape[1])
    np.testing.assert_array_equal(got.reshape(4, -1), g["quant"])
    np.testing.assert_array_equal(ggufkit.quantize(g["src"][2], "IQ3_S"), g["quant"][2])


def test_zero_rows():
    for name in IQ_TYPES:
        t = GGMLType.coerce(name.upper())
        got = ggufkit.quantize(np.zeros((2, 512), np.float32), t, imatrix=np.ones(512, np.float32))
        back = ggufkit.dequantize(got, t, (2, 512))
        assert not np.any(back), name


def _rel_rmse(x, y):
    x = x.astype(np.float64)
    return np.sqrt(np.mean((y.astype(np.float64) - x) ** 2)) / np.sqrt(np.mean(x ** 2))


@pytest.mark.parametrize("name", IQ_TYPES)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), rows=st.integers(1, 2), blocks=st.integers(1, 2),
       scale=st.floats(1e-2, 1e2), use_imatrix=st.booleans())
def test_round_trip_error(name, seed, rows, blocks, scale, use_imatrix):
    if name in NEEDS_IMATRIX:
        use_imatrix = True
    rng = np.random.default_rng(seed)
    n = 256 * blocks
    x = (rng.standard_normal((rows, n)) * scale).astype(np.float32)
    im = (rng.standard_normal(n) ** 2 + 0.1).astype(np.float32) if use_imatrix else None
    t = name.upper()
    q = ggufkit.quantize(x, t, imatrix=im, threads=1)
    assert q.shape == (rows, GGMLType.coerce(t).row_bytes(n))
    back = ggufkit.dequantize(q, t, x.shape)
    assert _rel_rmse(x, back) < RMSE_BOUND[name]


_finite = st.floats(-2.0**100, 2.0**100, allow_nan=False, allow_infinity=False, width=32)


@pytest.mark.parametrize("name", IQ_TYPES)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pool=st.lists(_finite, min_size=1, max_size=8), seed=st.integers(0, 2**32 - 1),
       rows=st.integers(1, 2), blocks=st.integers(1, 2), noise=st.sampled_from([0.0, 1e-6, 1.0]),
       imatrix_kind=st.sampled_from(["none", "random", "sparse", "zeros"]))
def test_random_inputs_never_crash_and_agree_across_tiers(name, pool, seed, rows, blocks, noise, imatrix_kind):
    # Arbitrary finite values drawn from a small pool (zeros, repeats, ties, huge and tiny magnitudes) and
    # imatrix zeros: ggml's outcome may be poor for the extremes, ours must be the same bytes on every tier
    # and never crash.
    rng = np.random.default_rng(seed)
    n = 256 * blocks
    x = np.asarray(pool, np.float32)[rng.integers(0, len(pool), (rows, n))]
    x = x + (rng.standard_normal(x.shape) * noise).astype(np.float32)
    if name in NEEDS_IMATRIX and imatrix_kind == "none":
        imatrix_kind = "random"
    im = {"none": None,
          "random": rng.random(n) * 10,
          "sparse": rng.random(n) * (rng.random(n) < 0.2),
          "zeros": np.zeros(n)}[imatrix_kind]
    im = None if im is None else im.astype(np.float32)
    t = name.upper()
    ref = _testing.kernels("ref").quantize(x, t, imatrix=im, threads=1)
    assert ref.shape == (rows, GGMLType.coerce(t).row_bytes(n))
    for tier in TIERS[1:]:
        np.testing.assert_array_equal(_testing.kernels(tier).quantize(x, t, imatrix=im, threads=1), ref)


@pytest.mark.parametrize("name", IQ_TYPES)
def test_tiers_agree_on_tie_heavy_inputs(name):
    # Few distinct values (small integers, scaled): many exact ties between candidate grid points and
    # between splits, where a SIMD search must still pick the scalar loop's first winner.
    rng = np.random.default_rng(7)
    x = np.concatenate([rng.integers(-3, 4, (6, 512)).astype(np.float32) * np.float32(s)
                        for s in (0.25, 1.0, 3.0)])
    x[0, :256] = 1.0
    x[1, 256:] = 0.0
    im_choices = [None, np.ones(512, np.float32), np.repeat(np.float32([1, 2, 0, 4]), 128)]
    t = name.upper()
    for im in im_choices:
        if im is None and name in NEEDS_IMATRIX:
            continue
        ref = _testing.kernels("ref").quantize(x, t, imatrix=im, threads=1)
        for tier in TIERS[1:]:
            np.testing.assert_array_equal(_testing.kernels(tier).quantize(x, t, imatrix=im, threads=1), ref,
                                          err_msg=f"{tier} imatrix={'no' if im is None else 'yes'}")
