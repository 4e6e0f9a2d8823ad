"""matmul and vec_dot against ggml's golden dot products, on every tier."""
import numpy as np
import pytest

import ggufkit
from ggufkit import GGMLType, _core
from ggufkit._matmul import quantize_activations
from matmul_helpers import act_dequant, dot_types, golden_weight

TYPES = dot_types()


def _l1(g, dq, r, vdt):
    act_dq = act_dequant(vdt, g["act_q"]) if vdt != GGMLType.F32 else g["act"].astype(np.float64)
    return float(np.sum(np.abs(dq[r] * act_dq)))


@pytest.mark.parametrize("name", TYPES)
def test_vec_dot_matches_golden(name, tier):
    """vec_dot(golden weight row, golden act_q) within 1e-6 of the L1 sum of ggml's vec_dot."""
    t = GGMLType[name]
    g, q, dq = golden_weight(name)
    k = g["src"].shape[1]
    a = np.ascontiguousarray(g["act_q"].reshape(-1)) if t.vec_dot_type != GGMLType.F32 \
        else np.ascontiguousarray(g["act"]).view(np.uint8)
    for r in range(q.shape[0]):
        got = _core.vec_dot(int(t), np.ascontiguousarray(q[r]), a, k, tier)
        l1 = _l1(g, dq, r, t.vec_dot_type)
        assert abs(got - float(g["vec_dot"][r])) <= 1e-6 * l1, (name, r, got, g["vec_dot"][r])


@pytest.mark.parametrize("name", TYPES)
def test_matmul_matches_golden(name, tier):
    """The public API end to end: act quantized by us, 4 weight rows, one and two threads."""
    t = GGMLType[name]
    g, q, dq = golden_weight(name)
    x = g["act"]
    for threads in (1, 2):
        y = ggufkit.matmul(x, q, type=name, threads=threads, _isa=tier)
        assert y.shape == (q.shape[0],) and y.dtype == np.float32
        for r in range(q.shape[0]):
            assert abs(float(y[r]) - float(g["vec_dot"][r])) <= 1e-6 * _l1(g, dq, r, t.vec_dot_type)


def test_act_q_is_what_matmul_uses():
    g = load = None  # noqa: F841
    from conftest import load_golden
    g = load_golden("q4_0")
    aq = quantize_activations(g["act"], "Q8_0")
    np.testing.assert_array_equal(aq.reshape(-1), g["act_q"].reshape(-1))


# ---- argument checking ----
def _q4():
    g, q, dq = golden_weight("Q4_0")
    return g, q


def test_errors():
    g, q = _q4()
    x = g["act"]
    with pytest.raises(TypeError):
        ggufkit.matmul(x, q)  # raw blocks need type=
    with pytest.raises(ValueError):
        ggufkit.matmul(x[:100], q, type="Q4_0")  # k mismatch
    with pytest.raises(ValueError):
        ggufkit.matmul(x, q, type="Q4_0", shape=(4, 4000))
    with pytest.raises(ValueError):
        ggufkit.matmul(x, q[:, :-1], type="Q4_0", shape=(4, 4096))  # wrong size
    with pytest.raises(ValueError):
        ggufkit.matmul(x, q, type="Q8_K", shape=(4, 4096))  # no dot product / wrong size
    with pytest.raises(ValueError):
        ggufkit.matmul(x, q, type="Q4_0", activations="fp8")
    with pytest.raises(TypeError):
        ggufkit.matmul(x.astype(np.float64), q, type="Q4_0")
    with pytest.raises(TypeError):
        ggufkit.matmul(x.astype(np.complex64), q, type="Q4_0")
    with pytest.raises(ValueError):
        ggufkit.matmul(x.reshape(2, 2, -1), q, type="Q4_0")
    with pytest.raises(ValueError):
        ggufkit.matmul(x, q, type="Q4_0", threads=0)
    with pytest.raises(ValueError):
        ggufkit.matmul(x, q, type="Q4_0", _isa="no_such_tier")
    with pytest.raises(ValueError):
        ggufkit.matmul(x, np.asfortranarray(q), type="Q4_0")
    with pytest.raises(ValueError):
        ggufkit.matmul(x[:64], np.zeros((2, 18), np.uint8), type="Q1_0", shape=(2, 64))
    # out
    with pytest.raises(ValueError):
        ggufkit.matmul(x, q, type="Q4_0", out=np.empty(5, np.float32))
    with pytest.raises(TypeError):
        ggufkit.matmul(x, q, type="Q4_0", out=np.empty(4, np.float64))
    with pytest.raises(ValueError):
        ggufkit.matmul(x, q, type="Q4_0", out=np.empty(8, np.float32)[::2])
    with pytest.raises(ValueError):
        ggufkit.matmul(np.stack([x, x]), q, type="Q4_0", out=np.empty((4, 2), np.float32))


def test_out_and_shapes():
    g, q = _q4()
    x = g["act"]
    out = np.empty(4, np.float32)
    y = ggufkit.matmul(x, q, type="Q4_0", out=out)
    assert y is out
    y2 = ggufkit.matmul(np.stack([x, -x, x]), q, type="Q4_0")
    assert y2.shape == (3, 4)
    # the gemm path (m > 1) may sum in another order than vec_dot: equal within 1e-6 of the L1 sum
    l1 = np.array([_l1(g, golden_weight("Q4_0")[2], r, GGMLType.Q8_0) for r in range(4)])
    assert np.all(np.abs(y2[0] - y) <= 1e-6 * l1)
    assert np.all(np.abs(y2[1] + y) <= 1e-6 * l1)  # Q8_0 quantization is symmetric
    np.testing.assert_array_equal(y2[0], y2[2])
    # raw bytes buffer + shape
    y3 = ggufkit.matmul(x, q.tobytes(), type=GGMLType.Q4_0, shape=(4, 4096))
    np.testing.assert_array_equal(y3, y)
    # empty
    assert ggufkit.matmul(np.zeros((0, 4096), np.float32), q, type="Q4_0").shape == (0, 4)


def test_tensor_like_weight():
    g, q = _q4()

    class T:  # duck-typed ggufkit.Tensor
        data = q
        type = GGMLType.Q4_0
        shape = (4, 4096)
    y = ggufkit.matmul(g["act"], T())
    np.testing.assert_array_equal(y, ggufkit.matmul(g["act"], q, type="Q4_0"))
    with pytest.raises(ValueError):
        ggufkit.matmul(g["act"], T(), type="Q8_0")


def test_float32_weights_infer_type():
    rng = np.random.default_rng(3)
    w = rng.standard_normal((5, 64)).astype(np.float32)
    x = rng.standard_normal((3, 64)).astype(np.float32)
    y = ggufkit.matmul(x, w)
    np.testing.assert_allclose(y, x.astype(np.float64) @ w.T.astype(np.float64), rtol=1e-5, atol=1e-5)
