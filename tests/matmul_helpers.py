"""Shared data for the matmul tests: golden-derived weights and activation decoding."""
import numpy as np

from conftest import golden_types, load_golden
from ggufkit import GGMLType

# Activation formats (numpy decoding, independent of ggufkit): bytes per block, block size.
_ACT = {"Q8_0": (34, 32), "Q8_1": (36, 32), "Q8_K": (292, 256)}


def act_dequant(act_type, raw):
    """float64 values of one activation row (Q8_0 / Q8_1 / Q8_K / F16 / BF16 / F32 bytes)."""
    raw = np.ascontiguousarray(raw, dtype=np.uint8).reshape(-1)
    name = GGMLType.coerce(act_type).name
    if name == "F32":
        return raw.view(np.float32).astype(np.float64)
    if name == "F16":
        return raw.view(np.float16).astype(np.float64)
    if name == "BF16":
        return (raw.view(np.uint16).astype(np.uint32) << 16).view(np.float32).astype(np.float64)
    bb, bs = _ACT[name]
    blocks = raw.reshape(-1, bb)
    if name == "Q8_K":
        d = blocks[:, :4].copy().view(np.float32).astype(np.float64)
        qs = blocks[:, 4:260].view(np.int8).astype(np.float64)
    else:
        d = blocks[:, :2].copy().view(np.float16).astype(np.float64)
        qs = blocks[:, bb - 32:].view(np.int8).astype(np.float64)
    return (d * qs).reshape(-1)


def dot_types():
    """Golden types that have a dot product (all but Q8_1, Q8_K)."""
    out = []
    for name in golden_types():
        t = GGMLType[name.upper()]
        if t.vec_dot_type is not None:
            out.append(t.name)
    return out


def golden_weight(name):
    """(quant rows, dequant rows) of the golden file: `quant`, or `quant_imatrix` where `quant` is
    absent (the one `dequant` came from)."""
    g = load_golden(name.lower())
    q = g["quant"] if "quant" in g else g["quant_imatrix"]
    return g, q, g["dequant"].astype(np.float64)


def k_multiple(t):
    t = GGMLType.coerce(t)
    return max(t.block_size, t.vec_dot_type.block_size)


def random_weight(name, n, k, rng):
    """A random (n, k) weight of type `name` made of golden blocks (shuffled, from all 4 rows of
    ggml's quantization), and its dequantized values from ggml's own `dequant` (float64)."""
    t = GGMLType[name]
    g, q, dq = golden_weight(name)
    bs, ts = t.block_size, t.type_size
    qb = q.reshape(-1, ts)
    db = dq.reshape(-1, bs)
    pick = rng.integers(0, qb.shape[0], size=n * (k // bs))
    w = qb[pick].reshape(n, k // bs * ts)
    wd = db[pick].reshape(n, k)
    return np.ascontiguousarray(w), wd


Q8K_DTYPE = np.dtype([("d", "<f4"), ("qs", "i1", 256), ("bsums", "<i2", 16)])  # gk_block_q8_K, 292 bytes


def q8k_row(q, d):
    """A Q8_K row from int8 values (any shape of nb * 256) and one float scale per block, its bsums
    computed: (uint8 bytes, the float64 activation values it stands for, flat)."""
    q = np.asarray(q, np.int64).reshape(-1, 256).astype(np.int8)
    nb = q.shape[0]
    a = np.zeros(nb, Q8K_DTYPE)
    a["d"] = d
    a["qs"] = q
    a["bsums"] = q.reshape(nb, 16, 16).astype(np.int32).sum(axis=2)
    return a.view(np.uint8), (a["d"].astype(np.float64)[:, None] * q).reshape(nb * 256)
