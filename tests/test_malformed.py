"""Bad input gets a clear GGUFError naming the problem and the byte offset, never a crash, a hang or a
huge allocation. Random mutations run in a subprocess so that a crash fails the test."""
import json
import os
import pathlib
import struct
import subprocess
import sys
import time

import numpy as np
import pytest

import ggufkit
from ggufkit import GGUFError
from ggufkit._file import GGUFFile
from helpers.gguf_build import (ARRAY, BOOL, FLOAT32, INT32, STRING, UINT8, UINT32, UINT64, GGUFBuilder,
                                small_valid_file)

HERE = pathlib.Path(__file__).resolve().parent
SEED = int(os.environ.get("GGUFKIT_FUZZ_SEED", "20251125"))


def parse(buf):
    return GGUFFile._from_buffer(buf)


def expect_error(buf, match, offset=None):
    with pytest.raises(GGUFError, match=match) as ei:
        parse(buf)
    assert ei.value.offset is not None
    assert f"offset {ei.value.offset}" in str(ei.value)
    if offset is not None:
        assert ei.value.offset == offset, str(ei.value)
    return ei.value


def test_small_valid_file_parses_in_both_byte_orders():
    for order, name in (("<", "little"), (">", "big")):
        f = parse(small_valid_file(order))
        assert f.byte_order == name
        assert f.metadata["test.scalar_4"] == 4000000000
        assert f.metadata["test.scalar_10"] == 2**63 + 5
        assert f.metadata["test.scalar_11"] == -2**40
        assert f.metadata["test.scalar_7"] is True
        assert list(f.metadata["test.strings"]) == ["a", "", "héllo"]
        nested = f.metadata["test.nested"]
        assert [list(x) for x in nested[:2]] == [[1, 2], ["x"]]
        assert list(nested[2][0]) == [7]
        assert f.metadata["test.floats"].tolist() == [1.0, -2.0, 3.5]
        assert f.metadata["test.bools"].tolist() == [True, False, True]
        assert np.array_equal(f.tensors["a"].data, np.frombuffer(bytes(range(32)), order + "f4").reshape(2, 4))
        assert f.tensors["a"].data.dtype == np.dtype(order + "f4")
        assert np.array_equal(f.tensors["c"].data, np.frombuffer(b"\x00\x3c" * 3, order + "f2"))
        assert f.tensors["b"].data.tobytes() == bytes(range(34)) and f.tensors["b"].data.shape == (34,)


def test_empty_and_tiny_files():
    expect_error(b"", "truncated", 0)
    expect_error(b"GG", "truncated", 0)
    expect_error(b"GGUF", "truncated", 4)
    expect_error(b"GGUF\x03\0\0\0", "truncated", 8)


def test_bad_magic():
    expect_error(b"GGML" + small_valid_file()[4:], "magic", 0)


@pytest.mark.parametrize("version", [0, 1, 4, 100])
def test_unsupported_version(version):
    b = GGUFBuilder(version=version)
    e = expect_error(b.build(), "version", 4)
    assert str(version) in str(e)


def test_absurd_kv_count_is_rejected_at_once():
    # 2^62 metadata entries in a 43-byte file: gguf-py tries to walk them
    buf = GGUFBuilder().header(n_tensors=0, n_kv=2**62) + b"\0" * 19
    assert len(buf) == 43
    t = time.perf_counter()
    expect_error(buf, "metadata count", 16)
    assert time.perf_counter() - t < 0.5


def test_absurd_tensor_count_is_rejected_at_once():
    buf = GGUFBuilder().header(n_tensors=2**63, n_kv=0) + b"\0" * 19
    expect_error(buf, "tensor count", 8)


def test_absurd_array_length_is_rejected_at_once():
    # an array of length 2^63 in a tiny file: gguf-py hangs on that one
    t = time.perf_counter()
    for et in (UINT8, UINT64, STRING, ARRAY):
        b = GGUFBuilder()
        b.kv("k", ARRAY, raw=struct.pack("<IQ", et, 2**63))
        buf = b.build()
        assert len(buf) == 49
        expect_error(buf, "array of 9223372036854775808", 24 + 8 + 1 + 4 + 4)
    assert time.perf_counter() - t < 0.5


def test_string_length_past_the_end():
    b = GGUFBuilder()
    b.kv("k", STRING, raw=struct.pack("<Q", 1000) + b"abc")
    expect_error(b.build(), "string length 1000", 24 + 8 + 1 + 4)
    b = GGUFBuilder()
    b.kvs.append(struct.pack("<Q", 2**64 - 1) + b"x" * 16)
    expect_error(b.build(), "string length", 24)


def test_array_element_string_past_the_end():
    b = GGUFBuilder()
    b.kv("k", ARRAY, raw=struct.pack("<IQ", STRING, 2) + struct.pack("<Q", 1) + b"a" + struct.pack("<Q", 99))
    expect_error(b.build(), "string length 99")


def test_unknown_value_types():
    b = GGUFBuilder()
    b.kv("k", 13, raw=b"\0" * 8)
    expect_error(b.build(), "unknown value type 13", 24 + 8 + 1)
    b = GGUFBuilder()
    b.kv("k", ARRAY, raw=struct.pack("<IQ", 77, 1) + b"\0" * 8)
    expect_error(b.build(), "unknown array element type 77")


def test_nesting_depth_is_bounded():
    b = GGUFBuilder()
    raw = struct.pack("<IQ", ARRAY, 1) * 100 + struct.pack("<IQ", UINT8, 0)
    b.kv("k", ARRAY, raw=raw)
    expect_error(b.build(), "nested deeper")
    b = GGUFBuilder()
    b.kv("k", ARRAY, raw=struct.pack("<IQ", ARRAY, 1) * 10 + struct.pack("<IQ", UINT8, 1) + b"\x05")
    v = parse(b.build()).metadata["k"]
    for _ in range(10):
        v = v[0]
    assert v.tolist() == [5]


def test_duplicate_keys():
    b = GGUFBuilder().kv("a", UINT32, 1).kv("b", UINT32, 2).kv("a", UINT32, 3)
    e = expect_error(b.build(), "duplicate metadata key 'a'")
    assert e.offset == 24 + 2 * (8 + 1 + 4 + 4)


def test_duplicate_tensor_names():
    b = GGUFBuilder().tensor("w", [4], 0, 0).tensor("w", [4], 0, 32)
    expect_error(b.build(b"\0" * 64), "duplicate tensor name 'w'")


def test_non_utf8_key_and_tensor_name():
    b = GGUFBuilder().kv(b"bad\xff", UINT32, 1)
    expect_error(b.build(), "not valid UTF-8", 24)
    b = GGUFBuilder().kv(b"\xed\xa0\x80", UINT32, 1)  # a UTF-8-encoded surrogate
    expect_error(b.build(), "not valid UTF-8", 24)
    b = GGUFBuilder().tensor(b"w\xc0\x80", [4], 0, 0)  # overlong encoding
    expect_error(b.build(b"\0" * 16), "tensor name is not valid UTF-8", 24)


def test_empty_key():
    expect_error(GGUFBuilder().kv("", UINT32, 1).build(), "empty", 24)


def test_non_utf8_string_value_raises_on_access():
    b = GGUFBuilder().kv("s", STRING, raw=struct.pack("<Q", 2) + b"\xff\xfe")
    f = parse(b.build())
    with pytest.raises(GGUFError, match="not valid UTF-8") as ei:
        f.metadata["s"]
    assert ei.value.offset == 24 + 8 + 1 + 4 + 8
    b = GGUFBuilder().kv("s", ARRAY, ["ok", b"\xff"], elem_type=STRING)
    arr = parse(b.build()).metadata["s"]
    assert arr[0] == "ok" and arr.raw(1) == b"\xff"
    with pytest.raises(GGUFError, match="UTF-8"):
        arr[1]


@pytest.mark.parametrize("tid,name", [(4, "Q4_2"), (5, "Q4_3"), (31, "Q4_0_4_4"), (32, "Q4_0_4_8"),
                                      (33, "Q4_0_8_8"), (36, "IQ4_NL_4_4"), (37, "IQ4_NL_4_8"),
                                      (38, "IQ4_NL_8_8")])
def test_removed_tensor_types_are_named(tid, name):
    b = GGUFBuilder().tensor("w", [256], tid, 0)
    e = expect_error(b.build(b"\0" * 1024), f"type id {tid} \\({name}\\), which ggml removed")
    assert e.offset == 24 + 8 + 1 + 4 + 8


@pytest.mark.parametrize("tid", [43, 99, 2**31, 2**32 - 1])
def test_unknown_tensor_types(tid):
    expect_error(GGUFBuilder().tensor("w", [256], tid, 0).build(b"\0" * 1024), f"unknown type id {tid}")


def test_too_many_dimensions():
    e = expect_error(GGUFBuilder().tensor("w", [1, 1, 1, 1, 1], 0, 0).build(b"\0" * 32), "5 dimensions")
    assert e.offset == 24 + 8 + 1


def test_negative_dimension():
    expect_error(GGUFBuilder().tensor("w", [2**63], 0, 0).build(b"\0" * 32), "negative")


def test_element_count_overflow():
    expect_error(GGUFBuilder().tensor("w", [2**32, 2**32, 2**32], 0, 0).build(b"\0" * 32), "overflows int64")
    # fits in int64 elements but not in bytes
    expect_error(GGUFBuilder().tensor("w", [2**62], 0, 0).build(b"\0" * 32), "size in bytes overflows")


def test_first_dimension_not_a_multiple_of_the_block_size():
    expect_error(GGUFBuilder().tensor("w", [33, 2], 8, 0).build(b"\0" * 128),
                 "33 elements per row, not a multiple of the block size 32")


def test_tensor_data_outside_the_file():
    expect_error(GGUFBuilder().tensor("w", [16], 0, 0).build(b"\0" * 63), "outside the file")
    expect_error(GGUFBuilder().tensor("w", [1], 0, 2**64 - 32).build(b"\0" * 64), "outside the file")
    parse(GGUFBuilder().tensor("w", [16], 0, 0).build(b"\0" * 64))  # exactly fits


def test_overlapping_tensors():
    b = GGUFBuilder().tensor("a", [16], 0, 0).tensor("b", [16], 0, 32)
    e = expect_error(b.build(b"\0" * 128), "overlaps: 'a' \\[0, 64\\) and 'b' \\[32, 96\\)")
    assert e.offset > 24
    b = GGUFBuilder().tensor("a", [16], 0, 64).tensor("b", [8], 0, 0).tensor("c", [40], 0, 32)
    expect_error(b.build(b"\0" * 256), "overlaps")
    # out of order but disjoint is fine (reading accepts any in-bounds, aligned, disjoint layout)
    b = GGUFBuilder().tensor("a", [8], 0, 64).tensor("b", [8], 0, 0).tensor("e", [0], 0, 0)
    f = parse(b.build(b"\0" * 96))
    assert [t.offset - f.data_offset for t in f.tensors.values()] == [64, 0, 0]
    assert not f.verify()["canonical"]
    assert f.tensors["e"].data.shape == (0,)


def test_misaligned_tensor_offset():
    e = expect_error(GGUFBuilder().tensor("w", [4], 0, 16).build(b"\0" * 64),
                     "offset 16 is not a multiple of the alignment 32")
    assert e.offset == 24 + 8 + 1 + 4 + 8 + 4


def test_alignment_key():
    expect_error(GGUFBuilder().kv("general.alignment", UINT64, 32).build(), "must be UINT32")
    expect_error(GGUFBuilder().kv("general.alignment", UINT32, 24).build(), "not a power of two")
    expect_error(GGUFBuilder().kv("general.alignment", UINT32, 0).build(), "not a power of two")
    b = GGUFBuilder().kv("general.alignment", UINT32, 64).tensor("w", [4], 0, 64).tensor("v", [4], 0, 0)
    f = parse(b.build(b"\0" * 80))
    assert f.alignment == 64 and f.data_offset % 64 == 0
    expect_error(GGUFBuilder().kv("general.alignment", UINT32, 64).tensor("w", [4], 0, 32).build(b"\0" * 80),
                 "alignment 64")


def test_no_tensors_and_data_section_past_the_end_is_accepted():
    buf = GGUFBuilder().kv("general.name", STRING, "abc").build()
    assert len(buf) % 32 != 0
    f = parse(buf)
    assert f.data_offset > f.size and len(f.tensors) == 0
    # but with a tensor, the data section must exist
    expect_error(GGUFBuilder().tensor("w", [0], 0, 0).build(pad=False), "outside the file")


def test_scalar_tensor_and_bool_values():
    b = GGUFBuilder().kv("t", BOOL, 2).kv("f", FLOAT32, 0.5).kv("i", INT32, -1).tensor("s", [], 0, 0, n_dims=0)
    f = parse(b.build(struct.pack("<f", 3.0) + b"\0" * 28))
    assert f.metadata["t"] is True and f.metadata["f"] == 0.5 and f.metadata["i"] == -1
    t = f.tensors["s"]
    assert t.shape == () and t.n_elements == 1 and t.data.shape == () and float(t.data) == 3.0


def test_truncations_and_random_mutations_never_crash():
    """Every truncation of a small valid file (both byte orders) and a few thousand seeded mutations,
    parsed and fully read in a subprocess: each gives a GGUFError or a valid parse."""
    n = int(os.environ.get("GGUFKIT_FUZZ_N", "3000"))
    t = time.perf_counter()
    p = subprocess.run([sys.executable, str(HERE / "helpers" / "mutate.py"), str(SEED), str(n)],
                       capture_output=True, text=True, timeout=120)
    dt = time.perf_counter() - t
    assert p.returncode == 0, f"seed {SEED}: exit {p.returncode}\n{p.stderr[-4000:]}"
    stats = json.loads(p.stdout.strip().splitlines()[-1])
    assert stats["mutations"] == n
    assert stats["truncations"] == 2 * len(small_valid_file())
    # the mutations must exercise both outcomes, or the test proves little
    assert stats["error"] > n // 10 and stats["valid"] > n // 20, stats
    print(f"seed {SEED}: {stats} in {dt:.1f}s")


def test_real_files_reject_truncation(tmp_path):
    """A truncated real file: GGUFError naming the offset, not a crash."""
    from conftest import REAL
    src = sorted(REAL.glob("*.gguf"))[0].read_bytes()
    for cut in (10, 100, 1000, len(src) // 2, len(src) - 1):
        p = tmp_path / "t.gguf"
        p.write_bytes(src[:cut])
        with pytest.raises(GGUFError) as ei:
            ggufkit.open(p)
        assert ei.value.offset is not None and ei.value.offset <= cut
