"""ggufkit.dequantize: bit-exact with ggml's golden to_float on every tier, with gguf-py on random valid
blocks and on a real model, float16 output, threads, and argument checking."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st, HealthCheck

import ggufkit
from ggufkit import GGMLType, _testing
from conftest import load_golden, golden_types, model_dir, TIERS
from dequant_blocks import random_blocks

gguf = pytest.importorskip("gguf")
import gguf.quants  # noqa: E402

ALL_TYPES = [t for t in GGMLType]
GGUF_TYPES = sorted({t.name for t in gguf.quants._type_traits} | {"F32", "F16"})
# gguf-py dequantizes these in its own operation order, which is not always ggml's: compare within
# a few ulps of the block's largest value for them, bit for bit for the rest.
GGUF_INEXACT: set = set()


def same_bits(a, b):
    """Bitwise equality of float arrays (NaN payloads and signed zeros included)."""
    a, b = np.ascontiguousarray(a), np.ascontiguousarray(b)
    assert a.shape == b.shape and a.dtype == b.dtype
    ia, ib = a.view(np.uint8).reshape(-1, a.itemsize), b.view(np.uint8).reshape(-1, b.itemsize)
    bad = np.nonzero((ia != ib).any(axis=1))[0]
    if bad.size:
        i = bad[0]
        raise AssertionError(f"{bad.size} of {a.size} values differ; first at flat index {i}: "
                             f"{a.reshape(-1)[i]!r} != {b.reshape(-1)[i]!r}")


# ---------------------------------------------------------------- golden (ggml's own to_float)

def golden_cases():
    cases = []
    for name in golden_types():
        g = load_golden(name)
        if "dequant" in g:
            cases.append((name, "dequant"))
        if "dequant_imatrix" in g:
            cases.append((name, "dequant_imatrix"))
    return cases


@pytest.mark.parametrize("name,key", golden_cases())
def test_golden(name, key, tier):
    g = load_golden(name)
    t = GGMLType(int(g["type_id"]))
    if key == "dequant":
        q = g["quant"] if "quant" in g else g["quant_imatrix"]
    else:
        q = g["quant_imatrix"]
    k = _testing.kernels(tier)
    out = k.dequantize(q, t, g[key].shape)
    same_bits(out, g[key])
    # one row at a time and all rows at once agree (no state across rows)
    same_bits(k.dequantize(q[1], t, g[key].shape[1:]), g[key][1])


@pytest.mark.parametrize("name", ["q8_1", "q8_k"])
def test_activation_types_from_definition(name, tier):
    """ggml has no to_float for Q8_1 / Q8_K: a weight is d * q (Q8_1: fp16 d; Q8_K: float32 d)."""
    g = load_golden(name)
    t = GGMLType(int(g["type_id"]))
    q = g["quant"]
    blocks = q.reshape(-1, t.type_size)
    if t.name == "Q8_1":
        d = blocks[:, 0:2].copy().view(np.float16).astype(np.float32)
        qs = blocks[:, 4:36].view(np.int8).astype(np.float32)
    else:
        d = blocks[:, 0:4].copy().view(np.float32)
        qs = blocks[:, 4:260].view(np.int8).astype(np.float32)
    expect = (qs * d).reshape(g["src"].shape)
    same_bits(_testing.kernels(tier).dequantize(q, t, g["src"].shape), expect)
    # and it round-trips to within half a step of the source (Q8_1 adds the rounding of d to fp16:
    # up to 127 * 2^-11 steps)
    step = np.repeat(np.abs(d).reshape(-1), t.block_size).reshape(g["src"].shape)
    assert np.all(np.abs(expect - g["src"]) <= 0.57 * step + 1e-30)


# ---------------------------------------------------------------- gguf-py on random valid blocks

@pytest.mark.filterwarnings("ignore:overflow encountered")
@pytest.mark.parametrize("type_name", GGUF_TYPES)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), nrows=st.integers(1, 5), nblocks=st.integers(1, 6))
def test_vs_gguf_random(type_name, seed, nrows, nblocks):
    t = GGMLType[type_name]
    rng = np.random.default_rng(seed)
    ncols = nblocks * t.block_size * (1 if t.block_size > 1 else 8)
    data = random_blocks(t, nrows, ncols, rng)
    ours = ggufkit.dequantize(data, t, (nrows, ncols))
    qt = gguf.GGMLQuantizationType[type_name]
    if type_name in ("F32", "F16"):
        theirs = data.view(np.float32 if type_name == "F32" else np.float16).astype(np.float32)
    else:
        theirs = gguf.quants.dequantize(data, qt)
    theirs = np.asarray(theirs, dtype=np.float32).reshape(nrows, ncols)
    if type_name in GGUF_INEXACT:
        scale = np.abs(theirs).max() or 1.0
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=4 * np.finfo(np.float32).eps * scale)
    else:
        same_bits(ours, theirs)


# ---------------------------------------------------------------- every tensor of a real model

def real_models():
    d = model_dir()
    return sorted(d.glob("*.gguf")) if d.is_dir() else []


@pytest.mark.skipif(not real_models(), reason="no real model (run /work/shared/real/fetch-models)")
def test_real_model_vs_gguf():
    for path in real_models():
        reader = gguf.GGUFReader(str(path))
        seen = set()
        for tensor in reader.tensors:
            qt = tensor.tensor_type
            shape = tuple(int(s) for s in reversed(tensor.shape.tolist()))
            t = GGMLType(int(qt))
            raw = np.asarray(tensor.data)
            ours = ggufkit.dequantize(raw.view(np.uint8), t, shape)
            if t.name == "F32":
                theirs = raw.reshape(shape)
            else:
                theirs = gguf.quants.dequantize(raw, qt).reshape(shape)
            same_bits(ours, np.asarray(theirs, dtype=np.float32))
            seen.add(t.name)
        assert seen, f"no tensors in {path}"


# ---------------------------------------------------------------- float16 output, threads, plain types

@pytest.mark.parametrize("t", ALL_TYPES, ids=lambda t: t.name)
def test_float16_output_and_threads(t, tier):
    rng = np.random.default_rng(int(t))
    ncols = t.block_size * 3 if t.block_size > 1 else 96
    nrows = 257  # odd, and over the 64K-element chunk floor for the big blocks
    data = random_blocks(t, nrows, ncols, rng, scale=0.01)
    k = _testing.kernels(tier)
    f32 = k.dequantize(data, t, (nrows, ncols), threads=1)
    for threads in (2, 3):
        same_bits(k.dequantize(data, t, (nrows, ncols), threads=threads), f32)
    with np.errstate(over="ignore"):
        expect16 = f32.astype(np.float16)
    f16 = k.dequantize(data, t, (nrows, ncols), dtype=np.float16, threads=2)
    same_bits(f16, expect16)
    out = np.full((nrows, ncols), np.nan, dtype=np.float32)
    assert k.dequantize(data, t, (nrows, ncols), out=out) is out
    same_bits(out, f32)


@pytest.mark.parametrize("name", ["F64", "I8", "I16", "I32", "I64", "F32", "F16", "BF16"])
def test_plain_types_like_numpy(name):
    t = GGMLType[name]
    rng = np.random.default_rng(7)
    data = random_blocks(t, 3, 40, rng)
    np_dtype = {"F64": np.float64, "I8": np.int8, "I16": np.int16, "I32": np.int32, "I64": np.int64,
                "F32": np.float32, "F16": np.float16}.get(name)
    if np_dtype is None:  # BF16: the top half of a float32
        expect = (data.view(np.uint16).astype(np.uint32) << 16).view(np.float32)
    else:
        expect = data.view(np_dtype).astype(np.float32)
    same_bits(ggufkit.dequantize(data, t, (3, 40)), expect)
    # a typed array of the values themselves works too, shape inferred
    if np_dtype is not None:
        same_bits(ggufkit.dequantize(data.view(np_dtype), t), expect)


def test_bf16_and_f16_every_bit_pattern(tier):
    k = _testing.kernels(tier)
    allbits = np.arange(65536, dtype=np.uint16)
    same_bits(k.dequantize(allbits, "BF16", (65536,)), (allbits.astype(np.uint32) << 16).view(np.float32))
    finite = allbits[np.isfinite(allbits.view(np.float16))]
    same_bits(k.dequantize(finite, "F16", finite.shape), finite.view(np.float16).astype(np.float32))
    nan = allbits[np.isnan(allbits.view(np.float16))]
    assert np.isnan(k.dequantize(nan, "F16", nan.shape)).all()


def test_input_forms():
    rng = np.random.default_rng(3)
    t = GGMLType.Q4_K
    data = random_blocks(t, 4, 512, rng)
    ref = ggufkit.dequantize(data, t, (4, 512))
    same_bits(ggufkit.dequantize(data, t), ref)                    # shape inferred from (rows, row_bytes)
    same_bits(ggufkit.dequantize(data.tobytes(), "q4_k", (4, 512)), ref)  # bytes, name
    same_bits(ggufkit.dequantize(memoryview(data.reshape(-1)), 12, [2, 2, 512]), ref.reshape(2, 2, 512))
    buf = np.zeros(data.nbytes + 1, np.uint8)
    buf[1:] = data.reshape(-1)
    same_bits(ggufkit.dequantize(buf[1:], t, (4, 512)), ref)        # misaligned input is fine
    wide = np.zeros((4, data.shape[1] * 2), np.uint8)
    wide[:, ::2] = data
    same_bits(ggufkit.dequantize(wide[:, ::2], t, (4, 512)), ref)   # non-contiguous input is copied
    assert ggufkit.dequantize(b"", t, (0, 256)).shape == (0, 256)
    be = np.arange(6, dtype=">f4")
    same_bits(ggufkit.dequantize(be, "F32", (6,)), np.arange(6, dtype=np.float32))


def test_errors():
    rng = np.random.default_rng(4)
    data = random_blocks(GGMLType.Q8_0, 2, 64, rng)
    with pytest.raises(ValueError, match="multiple of its block size"):
        ggufkit.dequantize(data, "Q8_0", (4, 32 + 1))
    with pytest.raises(ValueError, match="bytes"):
        ggufkit.dequantize(data, "Q8_0", (3, 64))
    with pytest.raises(ValueError, match="unknown ggml type"):
        ggufkit.dequantize(data, "Q9_9", (2, 64))
    with pytest.raises(ValueError, match="removed"):
        ggufkit.dequantize(data, 4, (2, 64))
    with pytest.raises(TypeError, match="data"):
        ggufkit.dequantize(object(), "Q8_0", (2, 64))
    with pytest.raises(ValueError, match="dtype"):
        ggufkit.dequantize(data, "Q8_0", (2, 64), dtype=np.float64)
    with pytest.raises(ValueError, match="negative"):
        ggufkit.dequantize(data, "Q8_0", (-2, 64))
    with pytest.raises(ValueError, match="threads"):
        ggufkit.dequantize(data, "Q8_0", (2, 64), threads=0)
    with pytest.raises(TypeError, match="out"):
        ggufkit.dequantize(data, "Q8_0", (2, 64), out=[0.0] * 128)
    with pytest.raises(TypeError, match="dtype"):
        ggufkit.dequantize(data, "Q8_0", (2, 64), out=np.empty((2, 64), np.float64))
    with pytest.raises(ValueError, match="shape"):
        ggufkit.dequantize(data, "Q8_0", (2, 64), out=np.empty((64, 2), np.float32))
    with pytest.raises(ValueError, match="contiguous"):
        ggufkit.dequantize(data, "Q8_0", (2, 64), out=np.empty((64, 2), np.float32).T)
    ro = np.empty((2, 64), np.float32)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="writable"):
        ggufkit.dequantize(data, "Q8_0", (2, 64), out=ro)
    raw = np.zeros(2 * 64 * 4 + 1, np.uint8)
    mis = raw[1:].view(np.float32).reshape(2, 64)
    with pytest.raises(ValueError, match="aligned"):
        ggufkit.dequantize(data, "Q8_0", (2, 64), out=mis)
    with pytest.raises(ValueError, match="tier"):
        _testing.kernels("no_such_tier")


def test_float16_output_rounding(tier):
    """float32 -> float16 output rounds to nearest even like numpy, across random bit patterns, ties,
    subnormals, overflow, infinities and NaNs (NaN stays NaN)."""
    rng = np.random.default_rng(11)
    bits = [rng.integers(0, 2**32, 200_000, dtype=np.uint64).astype(np.uint32)]
    # values near float16 ties and limits: halves plus/minus half an ulp, exactly and one float32 ulp off
    h = np.arange(0, 0x7C00, 7, dtype=np.uint16).view(np.float16).astype(np.float32)
    nxt = np.nextafter(h.astype(np.float16), np.float16(np.inf)).astype(np.float32)
    mid = (h.astype(np.float64) + nxt.astype(np.float64)) / 2
    for v in (mid, np.nextafter(mid.astype(np.float32), np.float32(0)), np.nextafter(mid.astype(np.float32), np.float32(1e30))):
        v = np.asarray(v, dtype=np.float32)
        bits += [v.view(np.uint32), (-v).view(np.uint32)]
    bits.append(np.array([0x7F800000, 0xFF800000, 0x477FF000, 0x477FEFFF, 0x33000000, 0x33000001, 0x7FC00001,
                          0x7F800001, 0xFFFFFFFF, 0x00000001, 0x80000000], dtype=np.uint32))
    x = np.concatenate(bits).view(np.float32)
    with np.errstate(over="ignore", invalid="ignore"):
        want = x.astype(np.float16)
    got = _testing.kernels(tier).dequantize(x, "F32", x.shape, dtype=np.float16, threads=2)
    nan = np.isnan(want)
    assert np.isnan(got[nan]).all()
    same_bits(got[~nan], want[~nan])
