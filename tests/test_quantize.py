"""quantize: bit-exact with ggml's golden bytes on every tier, round trips, random inputs, errors."""
import numpy as np
import pytest

import ggufkit
from ggufkit import GGMLType, _testing
from conftest import TIERS, load_golden, golden_types

# The types this family quantizes (the IQ grid searches and the activation / float formats are
# tested by their own families; they join GOLDEN_TYPES below when their kernels exist).
OWN_TYPES = ["q4_0", "q4_1", "q5_0", "q5_1"]


def _has_quant(name, tier=None):
    return _testing.tier_kernels(tier or TIERS[0])[name.upper()]["quantize"] is not None


@pytest.mark.parametrize("name", OWN_TYPES)
def test_own_types_have_a_ref_kernel(name):
    assert _has_quant(name, "ref")


GOLDEN_QUANT = [n for n in golden_types() if n in OWN_TYPES or _has_quant(n, "ref")]


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


def test_shapes_and_threads():
    g = load_golden("q4_0")
    x = g["src"].reshape(2, 2, 4096)
    one = ggufkit.quantize(x, "Q4_0", threads=1)
    assert one.shape == (2, 2, 4096 // 32 * 18)
    np.testing.assert_array_equal(one.reshape(4, -1), g["quant"])
    many = ggufkit.quantize(np.tile(g["src"], (16, 1)), GGMLType.Q4_0, threads=2)
    np.testing.assert_array_equal(many, np.tile(g["quant"], (16, 1)))
    np.testing.assert_array_equal(ggufkit.quantize(g["src"][0], 2), g["quant"][0])
