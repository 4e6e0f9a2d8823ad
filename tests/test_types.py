"""The type table against ggml's (golden README and golden files) and gguf-py's."""
import re

import numpy as np
import pytest

import ggufkit
from ggufkit import GGMLType

from conftest import GOLDEN, golden_types, load_golden


def readme_table():
    rows = {}
    for line in (GOLDEN / "README.md").read_text().splitlines():
        m = re.match(r"\|\s*(\d+)\s*\|\s*(\w+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*([\w-]+)\s*\|", line)
        if m:
            rows[int(m[1])] = (m[2], int(m[3]), int(m[4]), None if m[5] == "-" else m[5])
    return rows


def test_every_type_of_ggml_is_in_the_table():
    table = readme_table()
    assert len(table) == 35
    assert {t.value for t in GGMLType} == set(table)
    for tid, (name, bs, ts, vdt) in table.items():
        t = GGMLType(tid)
        assert (t.name, t.block_size, t.type_size) == (name, bs, ts)
        assert (t.vec_dot_type.name if t.vec_dot_type is not None else None) == vdt


@pytest.mark.parametrize("name", golden_types())
def test_golden_scalars_agree(name):
    g = load_golden(name)
    t = GGMLType(int(g["type_id"]))
    assert t.name == str(g["type_name"]).upper()
    assert t.block_size == int(g["block_size"])
    assert t.type_size == int(g["type_size"])
    assert t.requires_imatrix == bool(g["requires_imatrix"])


@pytest.mark.parametrize("tid", [4, 5, 31, 32, 33, 36, 37, 38])
def test_removed_ids_are_errors(tid):
    with pytest.raises(ValueError, match=f"type id {tid} was removed"):
        GGMLType.coerce(tid)


def test_unknown_ids_and_names():
    with pytest.raises(ValueError, match="unknown ggml type id 43"):
        GGMLType.coerce(43)
    with pytest.raises(ValueError, match="unknown ggml type name"):
        GGMLType.coerce("Q9_9")
    assert GGMLType.coerce("q4_k") is GGMLType.Q4_K
    assert GGMLType.coerce(12) is GGMLType.Q4_K


def test_sizes_agree_with_gguf_py_except_its_q8_1_error():
    gq = pytest.importorskip("gguf.constants")
    for t in GGMLType:
        try:
            gt = gq.GGMLQuantizationType(t.value)
        except ValueError:
            continue
        bs, ts = gq.GGML_QUANT_SIZES[gt]
        assert bs == t.block_size, t
        if t is GGMLType.Q8_1:
            assert t.type_size == 36  # gguf-py says 40; ggml's block_q8_1 is 36
        else:
            assert ts == t.type_size, t


def test_row_bytes():
    assert GGMLType.Q4_K.row_bytes(512) == 288
    with pytest.raises(ValueError, match="multiple of the block size 256"):
        GGMLType.Q4_K.row_bytes(100)


def test_cpu_info_shape():
    info = ggufkit.cpu_info()
    assert "ref" in info["runnable"] and info["active"] in info["runnable"]
    assert set(info["kernels"]) == {t.name for t in GGMLType}
