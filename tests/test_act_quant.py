"""Activation quantizers (Q8_0, Q8_1, Q8_K) and float conversions (F16, BF16): bit-exact with ggml's
golden bytes (act_q from ggml's CPU from_float; quant from quantize_row_*_ref / ggml_quantize_chunk)."""
import numpy as np
import pytest

from conftest import load_golden
from ggufkit import GGMLType
from ggufkit._matmul import quantize_activations
from matmul_helpers import dot_types

ACT_TYPES = ["Q8_0", "Q8_1", "Q8_K", "F16", "BF16"]


@pytest.mark.parametrize("name", ACT_TYPES)
def test_quant_rows_match_golden(name, tier):
    g = load_golden(name.lower())
    got = quantize_activations(g["src"], name, _isa=tier)
    assert got.shape == g["quant"].shape
    np.testing.assert_array_equal(got, g["quant"])


@pytest.mark.parametrize("name", [n for n in dot_types() if n != "F32"])
def test_act_q_matches_golden(name, tier):
    g = load_golden(name.lower())
    vdt = GGMLType[name].vec_dot_type
    got = quantize_activations(g["act"], vdt, _isa=tier)
    np.testing.assert_array_equal(got.reshape(-1), g["act_q"].reshape(-1))


@pytest.mark.parametrize("name", ACT_TYPES)
def test_edge_values_across_tiers(name, tier):
    """Zeros, ties, huge and tiny values, many rows: every tier gives the reference bytes."""
    rng = np.random.default_rng(7)
    k = 512
    x = rng.standard_normal((9, k)).astype(np.float32)
    x[0] = 0
    x[1] = np.round(x[1] * 4) / 4             # many exact ties after scaling
    x[2, :256] = 0
    x[3] *= 1e-30
    x[4] *= 1e30
    x[5] = np.where(np.arange(k) % 2, 1.0, -1.0)
    x[6, ::7] = -127.0
    x[7] = np.abs(x[7])
    x[8] = -np.abs(x[8])
    if name in ("F16", "BF16"):
        x[0, :5] = [np.nan, -np.nan, np.inf, -np.inf, 65520.0]
        x[1, :4] = [1e-8, -6e-8, 3.0e-5, 1 + 2**-11]  # half subnormals and a tie
        x[2, 7] = np.float32(1 + 2**-8)                 # bf16 tie
    ref = quantize_activations(x, name, _isa="ref")
    got = quantize_activations(x, name, _isa=tier)
    np.testing.assert_array_equal(got, ref)
    # odd lengths exercise the scalar tails of the float conversions
    if name in ("F16", "BF16"):
        xs = np.ascontiguousarray(x[:, :37])
        np.testing.assert_array_equal(quantize_activations(xs, name, _isa=tier),
                                      quantize_activations(xs, name, _isa="ref"))


@pytest.mark.parametrize("name", ["F16", "BF16"])
def test_float_conversion_vs_numpy(name):
    """Independent oracle: numpy's float16 cast (round to nearest even); bfloat16 by integer rounding."""
    rng = np.random.default_rng(2)
    x = (rng.standard_normal((3, 256)) * 10.0 ** rng.integers(-6, 5, (3, 256))).astype(np.float32)
    got = quantize_activations(x, name).view(np.uint16)
    if name == "F16":
        np.testing.assert_array_equal(got, x.astype(np.float16).view(np.uint16))
    else:
        u = x.view(np.uint32).astype(np.uint64)
        want = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)
        np.testing.assert_array_equal(got, want)


def test_q8_0_decodes_close():
    """Independent check of the Q8_0 layout: d * q reconstructs x within half a step."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 64)).astype(np.float32)
    q = quantize_activations(x, "Q8_0").reshape(-1, 34)
    d = q[:, :2].copy().view(np.float16).astype(np.float32)
    v = (d * q[:, 2:].view(np.int8)).reshape(2, 64)
    assert np.all(np.abs(v - x) <= d.reshape(2, 2).repeat(32, axis=1) * 0.5 + 1e-3 * np.abs(x))


def test_bad_k():
    with pytest.raises(ValueError):
        quantize_activations(np.zeros((1, 33), np.float32), "Q8_0")


@pytest.mark.parametrize("name", ACT_TYPES)
def test_random_rows_across_tiers(name, tier):
    rng = np.random.default_rng(17)
    x = rng.standard_normal((64, 1024)) * 10.0 ** rng.uniform(-20, 20, (64, 1))
    x = np.where(rng.random(x.shape) < 0.05, np.round(x * 3) / 3, x).astype(np.float32)
    np.testing.assert_array_equal(quantize_activations(x, name, _isa=tier),
                                  quantize_activations(x, name, _isa="ref"))
