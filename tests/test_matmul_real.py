"""matmul on the tensors of a real model (SmolLM2-135M-Instruct Q4_1, fetched by shared/real/fetch-models):
Q4_1, Q8_0 and F32 weights as ggufkit.Tensor views, against float64 numpy on gguf-py's dequantization."""
import numpy as np
import pytest

import ggufkit
from conftest import model_dir

MODEL = model_dir() / "SmolLM2-135M-Instruct.Q4_1.gguf"
pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="real model not fetched (shared/real/fetch-models)")


@pytest.fixture(scope="module")
def model():
    f = ggufkit.open(MODEL)
    yield f
    f.close()


def _oracle(t):
    gguf = pytest.importorskip("gguf")
    return gguf.quants.dequantize(np.asarray(t.data), gguf.GGMLQuantizationType(int(t.type))).reshape(t.shape)


@pytest.mark.parametrize("name", ["blk.0.attn_q.weight", "blk.3.ffn_down.weight", "blk.29.ffn_gate.weight",
                                  "token_embd.weight"])
@pytest.mark.parametrize("activations", ["quantized", "float"])
def test_real_tensor(model, name, activations, tier):
    t = model.tensors[name]
    w = _oracle(t).astype(np.float64)
    if name == "token_embd.weight":  # 49152 rows: a slice of raw rows keeps the test fast
        raw = np.asarray(t.data)[:2048]
        w = w[:2048]
        kwargs = dict(type=t.type, shape=(2048, t.shape[1]))
    else:
        raw, kwargs = t, {}
    rng = np.random.default_rng(3)
    x = rng.standard_normal((5, w.shape[1])).astype(np.float32)
    y = ggufkit.matmul(x, raw, activations=activations, _isa=tier, **kwargs)
    ref = x.astype(np.float64) @ w.T
    l1 = np.abs(x.astype(np.float64)) @ np.abs(w).T
    tol = 1e-5 if activations == "float" else 0.02  # activation quantization: ~1e-3 of the L1 sum
    assert np.all(np.abs(y - ref) <= tol * l1)
    y1 = ggufkit.matmul(x[2], raw, activations=activations, _isa=tier, **kwargs)
    assert np.all(np.abs(y1 - y[2]) <= 1e-6 * l1[2] + 1e-6 * (activations == "float") * l1[2])


def test_real_f32_tensor(model):
    t = model.tensors["output_norm.weight"] if "output_norm.weight" in model.tensors else None
    if t is None or len(t.shape) != 1:
        pytest.skip("no 1-D F32 tensor to use")
    # a 1-D F32 tensor as a (1, k) weight: plain float dot product
    x = np.random.default_rng(4).standard_normal((3, t.shape[0])).astype(np.float32)
    y = ggufkit.matmul(x, np.asarray(t.data).reshape(1, -1))
    np.testing.assert_allclose(y[:, 0], x.astype(np.float64) @ np.asarray(t.data, np.float64), rtol=1e-5, atol=1e-5)
