"""Random valid blocks of every ggml type, for the dequantize tests (and anyone else's).

Valid means: random code bytes everywhere, and every floating-point scale field finite (a random
half of a chosen magnitude), so that both ggufkit and the oracles compute finite, comparable values.
"""
from __future__ import annotations

import numpy as np

from ggufkit import GGMLType

# Byte offsets of the float16 scale fields inside one block.
F16_SCALE_OFFSETS = {
    "Q4_0": (0,), "Q4_1": (0, 2), "Q5_0": (0,), "Q5_1": (0, 2), "Q8_0": (0,), "Q8_1": (0, 2),
    "Q2_K": (80, 82), "Q3_K": (108,), "Q4_K": (0, 2), "Q5_K": (0, 2), "Q6_K": (208,),
    "IQ2_XXS": (0,), "IQ2_XS": (0,), "IQ2_S": (0,), "IQ3_XXS": (0,), "IQ3_S": (0,), "IQ1_S": (0,),
    "IQ4_NL": (0,), "IQ4_XS": (0,), "TQ1_0": (52,), "TQ2_0": (64,), "Q1_0": (0,), "Q2_0": (0,),
}


def random_halves(rng, n, scale=1.0):
    """n finite float16 bit patterns: |normal| * scale, random sign, occasionally zero or subnormal."""
    v = rng.standard_normal(n) * scale
    v[rng.random(n) < 0.02] = 0.0
    sub = rng.random(n) < 0.02
    v[sub] = rng.integers(-1023, 1024, sub.sum()) * 2.0 ** -24
    return v.astype(np.float16).view(np.uint16)


def random_blocks(t, nrows, ncols, rng, scale=None):
    """uint8 array (nrows, row_bytes) of random valid ``t`` data of ``ncols`` elements per row."""
    t = GGMLType.coerce(t)
    row_bytes = t.row_bytes(ncols)
    nb = nrows * (ncols // t.block_size)
    if scale is None:
        scale = float(10.0 ** rng.uniform(-4, 1))
    name = t.name
    if name == "F32":
        return (rng.standard_normal((nrows, ncols)) * scale).astype(np.float32).view(np.uint8).reshape(nrows, -1)
    if name == "F16":
        return random_halves(rng, nrows * ncols, scale).view(np.uint8).reshape(nrows, -1)
    if name == "BF16":
        f = (rng.standard_normal(nrows * ncols) * scale).astype(np.float32)
        return (f.view(np.uint32) >> 16).astype(np.uint16).view(np.uint8).reshape(nrows, -1)
    if name == "F64":
        return (rng.standard_normal((nrows, ncols)) * scale).view(np.uint8).reshape(nrows, -1)
    if name in ("I8", "I16", "I32", "I64"):
        dt = np.dtype(name.replace("I", "int"))
        info = np.iinfo(dt)
        return rng.integers(info.min, info.max, (nrows, ncols), dtype=dt, endpoint=True).view(np.uint8).reshape(nrows, -1)
    blocks = rng.integers(0, 256, (nb, t.type_size), dtype=np.uint8)
    for off in F16_SCALE_OFFSETS.get(name, ()):
        blocks[:, off:off + 2] = random_halves(rng, nb, scale).view(np.uint8).reshape(nb, 2)
    if name == "Q8_K":
        blocks[:, 0:4] = (rng.standard_normal(nb) * scale).astype(np.float32).view(np.uint8).reshape(nb, 4)
    if name == "IQ1_M":
        # the fp16 scale's four nibbles are the top nibbles of the four little-endian scale words
        d = random_halves(rng, nb, scale).astype(np.uint16)
        sc = blocks[:, 48:56].copy().view(np.uint16)  # (nb, 4)
        for k in range(4):
            sc[:, k] = (sc[:, k] & 0x0FFF) | (((d >> (4 * k)) & 0xF) << 12)
        blocks[:, 48:56] = sc.view(np.uint8)
    return blocks.reshape(nrows, row_bytes)
