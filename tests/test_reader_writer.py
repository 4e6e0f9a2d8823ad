"""Files written by gguf-py's GGUFWriter (every metadata type, nested arrays, both byte orders, several
alignments, every tensor type as raw bytes) read back by ggufkit: values, shapes, offsets and bytes equal
what was written, and what gguf-py's reader reports. Plus hypothesis round trips of random metadata."""
import math
import struct

import numpy as np
import pytest
from gguf import GGMLQuantizationType as Q
from gguf import GGUFEndian, GGUFValueType as GV, GGUFWriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ggufkit
from ggufkit import GGMLType, GGUFValueType
from helpers.gguf_build import GGUFBuilder
from helpers.gguf_oracle import GGUFPY_WRONG_SIZES, open_reader

INT_RANGES = {GV.UINT8: (0, 2**8 - 1), GV.INT8: (-2**7, 2**7 - 1), GV.UINT16: (0, 2**16 - 1),
              GV.INT16: (-2**15, 2**15 - 1), GV.UINT32: (0, 2**32 - 1), GV.INT32: (-2**31, 2**31 - 1),
              GV.UINT64: (0, 2**64 - 1), GV.INT64: (-2**63, 2**63 - 1)}
NP_CODES = {GV.UINT8: "u1", GV.INT8: "i1", GV.UINT16: "u2", GV.INT16: "i2", GV.UINT32: "u4", GV.INT32: "i4",
            GV.FLOAT32: "f4", GV.UINT64: "u8", GV.INT64: "i8", GV.FLOAT64: "f8"}
ENDIANS = {"little": GGUFEndian.LITTLE, "big": GGUFEndian.BIG}


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def write_file(path, kvs=(), tensors=(), endian="little", alignment=None):
    """kvs: (key, value, GV type, sub_type); tensors: (name, array, raw_shape, raw_dtype)."""
    w = GGUFWriter(str(path), "test", endianess=ENDIANS[endian])
    if alignment is not None:
        w.add_custom_alignment(alignment)
    for key, val, vtype, sub in kvs:
        w.add_key_value(key, val, vtype, sub_type=sub)
    for name, arr, raw_shape, raw_dtype in tensors:
        w.add_tensor(name, arr, raw_shape=raw_shape, raw_dtype=raw_dtype)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def same(ours, want, vtype, sub=None):
    """ours (from ggufkit) equals the value written (want) of GGUF type vtype."""
    if vtype == GV.ARRAY:
        if sub == GV.STRING:
            return list(ours) == list(want)
        if sub == GV.ARRAY:
            return len(ours) == len(want) and all(
                same(o, w, GV.ARRAY, GV.get_type(w[0])) for o, w in zip(ours, want))
        if sub == GV.BOOL:
            return ours.dtype == np.bool_ and ours.tolist() == list(want)
        if not isinstance(ours, np.ndarray) or ours.dtype.kind != np.dtype(NP_CODES[sub]).kind:
            return False
        if sub == GV.FLOAT32:
            want = [f32(x) for x in want]
        return np.array_equal(ours.astype(ours.dtype.newbyteorder("=")), np.array(want, dtype=ours.dtype.newbyteorder("=")),
                              equal_nan=ours.dtype.kind == "f")
    if vtype == GV.FLOAT32:
        w = f32(want)
        return type(ours) is float and (ours == w or (math.isnan(ours) and math.isnan(w)))
    if vtype == GV.FLOAT64:
        return type(ours) is float and (ours == want or (math.isnan(ours) and math.isnan(want)))
    if vtype == GV.BOOL:
        return ours is bool(want)
    if vtype == GV.STRING:
        return ours == want
    return type(ours) is int and ours == want


EVERY_TYPE_KVS = [
    ("t.u8", 255, GV.UINT8, None), ("t.i8", -128, GV.INT8, None), ("t.u16", 65535, GV.UINT16, None),
    ("t.i16", -32768, GV.INT16, None), ("t.u32", 2**32 - 1, GV.UINT32, None), ("t.i32", -2**31, GV.INT32, None),
    ("t.f32", 0.1, GV.FLOAT32, None), ("t.bool_t", True, GV.BOOL, None), ("t.bool_f", False, GV.BOOL, None),
    ("t.str", "héllo wörld ✓ \x00 nul", GV.STRING, None), ("t.u64", 2**64 - 1, GV.UINT64, None),
    ("t.i64", -2**63, GV.INT64, None), ("t.f64", 1e300, GV.FLOAT64, None),
    ("t.a_u8", [0, 1, 255], GV.ARRAY, GV.UINT8), ("t.a_i8", [-1, 2], GV.ARRAY, GV.INT8),
    ("t.a_u16", [1, 65535], GV.ARRAY, GV.UINT16), ("t.a_i16", [-5, 5], GV.ARRAY, GV.INT16),
    ("t.a_u32", [7, 2**32 - 1], GV.ARRAY, GV.UINT32), ("t.a_i32", [-7, 2**31 - 1], GV.ARRAY, GV.INT32),
    ("t.a_f32", [0.5, -1e-3, 3e38], GV.ARRAY, GV.FLOAT32), ("t.a_bool", [True, False, True], GV.ARRAY, GV.BOOL),
    ("t.a_str", ["", "a", "ü" * 100, "x y"], GV.ARRAY, GV.STRING),
    ("t.a_u64", [2**64 - 1, 0], GV.ARRAY, GV.UINT64), ("t.a_i64", [-2**63, 2**63 - 1], GV.ARRAY, GV.INT64),
    ("t.a_f64", [1e-300, -2.5], GV.ARRAY, GV.FLOAT64),
    ("t.nested", [[1, 2, 3], ["a", "b"], [[0.5], [1.5, 2.5]], [True]], GV.ARRAY, GV.ARRAY),
]


@pytest.mark.parametrize("endian", ["little", "big"])
@pytest.mark.parametrize("alignment", [None, 1, 8, 64, 4096])
def test_every_metadata_type(tmp_path, endian, alignment):
    p = tmp_path / "kv.gguf"
    write_file(p, EVERY_TYPE_KVS, [("w", np.arange(6, dtype=np.float32).reshape(2, 3), None, None)],
               endian, alignment)
    ref = open_reader(p)
    with ggufkit.open(p) as f:
        assert f.byte_order == endian
        assert f.alignment == (alignment or 32) == ref.alignment
        assert f.data_offset == ref.data_offset and f.data_offset % f.alignment == 0
        assert f.metadata["general.architecture"] == "test"
        if alignment is not None:
            assert f.metadata["general.alignment"] == alignment
        for key, val, vtype, sub in EVERY_TYPE_KVS:
            ours = f.metadata[key]
            assert same(ours, val, vtype, sub), (key, ours, val)
            assert f.metadata_types[key][0] == GGUFValueType(int(vtype))
            if sub is not None:
                assert f.metadata_types[key][1] == GGUFValueType(int(sub))
            if vtype == GV.ARRAY and sub not in (GV.STRING, GV.ARRAY, GV.BOOL):
                assert ours.dtype.byteorder in ("=", "|", "<" if endian == "little" else ">")
                assert not ours.flags.writeable
        w = f.tensors["w"]
        assert w.data.dtype == np.dtype(("<" if endian == "little" else ">") + "f4")
        assert w.data.tolist() == [[0, 1, 2], [3, 4, 5]]
        assert w.offset == f.data_offset == ref.tensors[0].data_offset
        # the big-endian view is zero-copy too: its bytes are the file's bytes
        raw = p.read_bytes()[w.offset:w.offset + w.nbytes]
        assert w.data.tobytes() == raw


def tensor_types():
    """Every ggml type gguf-py 0.19 can write (Q2_0 is not among them: see the hand-built test)."""
    return [t for t in GGMLType if t.name in Q.__members__]


def random_tensor(rng, t, rows):
    """A tensor of type t with `rows` rows as gguf-py's add_tensor wants it (raw uint8 for block types),
    plus its expected bytes."""
    ne0 = t.block_size * int(rng.integers(1, 4))
    nbytes_row = ne0 // t.block_size * t.type_size
    raw = rng.integers(0, 256, size=rows * nbytes_row, dtype=np.uint8)
    plain = {GGMLType.F32: np.float32, GGMLType.F16: np.float16, GGMLType.F64: np.float64, GGMLType.I8: np.int8,
             GGMLType.I16: np.int16, GGMLType.I32: np.int32, GGMLType.I64: np.int64}
    if t in plain:
        arr = raw.view(plain[t]).reshape(rows, ne0)
        return arr, None, None, arr.tobytes(), (rows, ne0)
    if t.name in GGUFPY_WRONG_SIZES:  # gguf-py's byte shape uses its (wrong) size: give it that shape
        bad, good = GGUFPY_WRONG_SIZES[t.name]
        return raw, (rows, nbytes_row // good * bad), Q[t.name], raw.tobytes(), (rows, ne0)
    arr = raw.reshape(rows, nbytes_row)
    return arr, None, Q[t.name], raw.tobytes(), (rows, ne0)


@pytest.mark.parametrize("endian", ["little", "big"])
@pytest.mark.parametrize("alignment", [None, 16, 256])
def test_every_tensor_type(tmp_path, endian, alignment):
    rng = np.random.default_rng(7)
    tensors, expect = [], {}
    for i, t in enumerate(tensor_types()):
        rows = int(rng.integers(1, 4))
        arr, raw_shape, raw_dtype, raw_bytes, shape = random_tensor(rng, t, rows)
        name = f"tensor.{t.name}"
        tensors.append((name, arr, raw_shape, raw_dtype))
        expect[name] = (t, shape, raw_bytes)
    p = tmp_path / "t.gguf"
    write_file(p, [], tensors, endian, alignment)
    ref = open_reader(p)
    big = endian == "big"
    with ggufkit.open(p) as f:
        assert list(f.tensors) == list(expect)
        expected_offset = f.data_offset
        for (name, (t, shape, raw_bytes)), r in zip(expect.items(), ref.tensors):
            x = f.tensors[name]
            assert x.type == t and x.shape == shape
            assert x.n_elements == shape[0] * shape[1] == int(r.n_elements)
            assert x.offset == expected_offset == int(r.data_offset)
            assert x.offset % f.alignment == 0
            assert x.nbytes == len(raw_bytes)
            data = x.data
            assert not data.flags.writeable
            if t.block_size > 1:
                assert data.dtype == np.uint8 and data.shape == (shape[0], x.nbytes // shape[0])
                assert data.tobytes() == raw_bytes
            else:
                assert data.shape == shape
                if t == GGMLType.BF16:
                    assert data.dtype == np.dtype((">" if big else "<") + "u2") or data.dtype.name == "bfloat16"
                if big and t.type_size > 1 and t != GGMLType.BF16:
                    # gguf-py byte-swaps numeric arrays for a big-endian file: the values are preserved
                    assert data.dtype.byteorder == ">"
                    assert data.astype(data.dtype.newbyteorder("=")).tobytes() == raw_bytes
                else:  # BF16 was written as raw bytes: never swapped
                    assert data.tobytes() == raw_bytes
            assert data.tobytes() == p.read_bytes()[x.offset:x.offset + x.nbytes]
            expected_offset += -(-x.nbytes // f.alignment) * f.alignment
        assert f.verify()["canonical"], f.verify()


def test_q2_0_and_every_type_in_a_hand_built_file():
    """Types gguf-py cannot write (Q2_0): a file built byte by byte from the format description."""
    b = GGUFBuilder()
    data = b""
    expect = {}
    for t in GGMLType:
        ne0 = t.block_size * 2
        nbytes = 3 * (ne0 // t.block_size) * t.type_size
        b.tensor(f"x.{t.name}", [ne0, 3], int(t), len(data))
        payload = bytes((i * 7 + int(t)) % 256 for i in range(nbytes))
        expect[f"x.{t.name}"] = (t, payload)
        data += payload + b"\0" * (-nbytes % 32)
    f = ggufkit.GGUFFile._from_buffer(b.build(data))
    for name, (t, payload) in expect.items():
        x = f.tensors[name]
        assert x.type == t and x.shape == (3, 2 * t.block_size)
        assert x.data.tobytes() == payload and x.nbytes == len(payload)
    assert f.verify()["canonical"]


# ---- hypothesis: random metadata written by gguf-py round-trips ----------------------------------

def _ints(vt):
    lo, hi = INT_RANGES[vt]
    return st.integers(lo, hi)


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
SCALARS = {
    **{vt: _ints(vt) for vt in INT_RANGES},
    GV.FLOAT32: st.floats(width=32),
    GV.FLOAT64: st.floats(),
    GV.BOOL: st.booleans(),
    GV.STRING: TEXT,
}
# inner arrays of a nested array: gguf-py infers their element type (int -> INT32, float -> FLOAT32)
INNER = st.one_of(st.lists(st.integers(-2**31, 2**31 - 1), min_size=1, max_size=4),
                  st.lists(st.floats(width=32), min_size=1, max_size=4),
                  st.lists(st.booleans(), min_size=1, max_size=4),
                  st.lists(TEXT, min_size=1, max_size=4))


@st.composite
def kv_entry(draw):
    kind = draw(st.sampled_from(list(SCALARS) + ["array", "array", "nested"]))
    if kind == "array":
        sub = draw(st.sampled_from(list(SCALARS)))
        elem = SCALARS[sub] if sub != GV.STRING else TEXT
        return draw(st.lists(elem, min_size=1, max_size=20)), GV.ARRAY, sub
    if kind == "nested":
        return draw(st.lists(INNER, min_size=1, max_size=3)), GV.ARRAY, GV.ARRAY
    return draw(SCALARS[kind]), kind, None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=st.dictionaries(TEXT.filter(bool).map(lambda s: "h." + s), kv_entry(), max_size=8),
       endian=st.sampled_from(["little", "big"]))
def test_random_metadata_round_trips(tmp_path, entries, endian):
    p = tmp_path / "h.gguf"
    kvs = [(k, v, vt, sub) for k, (v, vt, sub) in entries.items()]
    write_file(p, kvs, [], endian)
    with ggufkit.open(p) as f:
        assert list(f.metadata) == ["general.architecture"] + [k for k, *_ in kvs]
        for key, val, vtype, sub in kvs:
            assert same(f.metadata[key], val, vtype, sub), (key, val, f.metadata[key])
