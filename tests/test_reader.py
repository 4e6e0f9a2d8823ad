"""The reader against gguf-py's GGUFReader on files no one on this project wrote (../shared/real and the
SmolLM2 model), plus the API contract: read-only metadata, zero-copy tensor views, safe close()."""
import gc
import pathlib
import sys

import numpy as np
import pytest

import ggufkit
from ggufkit import GGMLType, GGUFValueType
from conftest import REAL, model_dir
from helpers.gguf_oracle import GGUFPY_WRONG_SIZES, field_value, metadata_fields, open_reader

REAL_FILES = sorted(REAL.glob("*.gguf"))
MODEL = model_dir() / "SmolLM2-135M-Instruct.Q4_1.gguf"


def test_real_files_present():
    assert len(REAL_FILES) == 6, REAL_FILES


def compare_with_gguf_py(path):
    """Every key, type and value, every tensor info and every tensor byte, against gguf-py."""
    ref = open_reader(path)
    f = ggufkit.open(path)
    if True:
        assert f.version == int(ref.fields["GGUF.version"].parts[0][0])
        assert f.alignment == ref.alignment
        assert f.data_offset == ref.data_offset
        assert f.byte_order == ("big" if ref.byte_order == "S" else sys.byteorder)

        fields = metadata_fields(ref)
        assert list(f.metadata) == list(fields)  # same keys, same (file) order
        for key, field in fields.items():
            types = tuple(GGUFValueType(int(t)) for t in field.types)
            ours_types = f.metadata_types[key]
            assert ours_types == types[:2] or (len(types) == 1 and ours_types[0] == types[0]), key
            ours = f.metadata[key]
            want = field_value(field)
            if types[0] != GGUFValueType.ARRAY:
                assert type(ours) is type(want) and ours == want, key
            elif len(types) == 1:  # an empty array: gguf-py records no element type
                assert len(ours) == 0
            elif types[1] == GGUFValueType.STRING:
                assert len(ours) == len(want)
                assert list(ours) == want, key
                if want:  # random access as well as iteration
                    assert ours[len(want) // 2] == want[len(want) // 2]
                    assert ours[-1] == want[-1]
            else:
                assert isinstance(ours, np.ndarray) and not ours.flags.writeable
                assert ours.dtype == want.dtype.newbyteorder("=") or ours.dtype == want.dtype, key
                assert np.array_equal(ours, want), key

        ref_tensors = {t.name: t for t in ref.tensors}
        assert list(f.tensors) == [t.name for t in ref.tensors]
        for name, t in f.tensors.items():
            r = ref_tensors[name]
            assert t.type == GGMLType(int(r.tensor_type))
            assert t.shape == tuple(reversed([int(d) for d in r.shape]))
            assert t.n_elements == int(r.n_elements)
            if t.type.name in GGUFPY_WRONG_SIZES:
                bad, good = GGUFPY_WRONG_SIZES[t.type.name]
                assert t.nbytes == int(r.n_bytes) * good // bad
            else:
                assert t.nbytes == int(r.n_bytes)
            assert t.offset == int(r.data_offset)
            data = t.data
            assert not data.flags.writeable
            assert data.nbytes == t.nbytes
            ref_bytes = np.ascontiguousarray(r.data).reshape(-1).view(np.uint8)
            assert np.array_equal(data.reshape(-1).view(np.uint8), ref_bytes[:t.nbytes]), name
            if t.type.block_size == 1 and t.type != GGMLType.BF16:
                assert data.shape == t.shape
                assert np.array_equal(data, r.data.reshape(t.shape)), name
            else:
                assert data.dtype == np.uint8 or t.type == GGMLType.BF16
        return f


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_real_vocab_files_match_gguf_py(path):
    f = compare_with_gguf_py(path)
    assert len(f.tensors) == 0
    # the aligned start of the empty data section lies past the end of these files: accepted
    assert f.data_offset >= f.size - f.alignment


@pytest.mark.skipif(not MODEL.exists(), reason=f"{MODEL} absent: run ../shared/real/fetch-models")
def test_real_model_matches_gguf_py():
    f = compare_with_gguf_py(MODEL)
    counts = {}
    for t in f.tensors.values():
        counts[t.type.name] = counts.get(t.type.name, 0) + 1
    assert counts == {"Q4_1": 210, "F32": 61, "Q8_0": 1}
    assert f.metadata["general.architecture"] == "llama"
    assert len(f.metadata["tokenizer.ggml.tokens"]) == 49152
    assert len(f.metadata["tokenizer.ggml.merges"]) == 48900
    assert "{%" in f.metadata["tokenizer.chat_template"]
    emb = f.tensors["token_embd.weight"]
    assert emb.type == GGMLType.Q8_0 and emb.shape == (49152, 576)
    assert emb.data.shape == (49152, 576 // 32 * 34) and emb.data.dtype == np.uint8
    assert f.verify()["canonical"], f.verify()


@pytest.mark.skipif(not MODEL.exists(), reason="model absent")
def test_views_are_zero_copy_read_only_and_outlive_close():
    f = ggufkit.open(MODEL)
    t = f.tensors["blk.0.attn_norm.weight"]
    data = t.data
    base = np.frombuffer(f._mapping, dtype=np.uint8)
    # no copy: the view's memory is the map's, at the tensor's offset
    assert np.shares_memory(data, base)
    assert data.__array_interface__["data"][0] == f._mapping.address + t.offset
    assert not data.flags.writeable
    with pytest.raises(ValueError):
        data[0] = 1.0
    with pytest.raises(ValueError):
        data.flags.writeable = True
    expect = data.copy()
    del base
    f.close()
    assert f.closed
    with pytest.raises(ValueError, match="closed"):
        t.data
    gc.collect()
    # the view keeps the map alive after close(): reading it is still valid
    assert np.array_equal(data, expect)
    assert float(np.abs(data).sum()) > 0
    # a lazy string array keeps the map alive too (its values are checked against gguf-py elsewhere)
    tokens_f = ggufkit.open(MODEL)
    tokens = tokens_f.metadata["tokenizer.ggml.tokens"]
    want = [tokens_f.metadata["tokenizer.ggml.tokens"][i] for i in (0, 1000, -1)]
    tokens_f.close()
    del tokens_f
    gc.collect()
    assert [tokens[i] for i in (0, 1000, -1)] == want and len(tokens) == 49152


def test_metadata_is_read_only():
    with ggufkit.open(REAL_FILES[0]) as f:
        with pytest.raises(TypeError):
            f.metadata["general.name"] = "x"
        with pytest.raises(TypeError):
            f.tensors["x"] = None
        arr = next(f.metadata[k] for k in f.metadata if isinstance(f.metadata[k], np.ndarray))
        with pytest.raises(ValueError):
            arr[0] = 0
        assert np.frombuffer(f._mapping, np.uint8).flags.writeable is False
        assert memoryview(f._mapping).readonly
        with pytest.raises(TypeError):
            memoryview(f._mapping)[0:1] = b"x"


def test_open_errors():
    with pytest.raises(FileNotFoundError):
        ggufkit.open("/nonexistent/file.gguf")
    with pytest.raises(IsADirectoryError):
        ggufkit.open(REAL)
    with pytest.raises(TypeError):
        ggufkit.open(123)
    assert issubclass(ggufkit.GGUFError, ValueError)


def test_open_accepts_pathlike_and_str():
    p = REAL_FILES[0]
    with ggufkit.open(str(p)) as a, ggufkit.open(pathlib.Path(p)) as b:
        assert list(a.metadata) == list(b.metadata)
        assert "general.architecture" in a.metadata


@pytest.mark.skipif(not MODEL.exists(), reason="model absent")
def test_dequantize_delegates_to_the_dequant_helper(monkeypatch):
    import ggufkit._dequantize as dq
    calls = []
    monkeypatch.setattr(dq, "dequantize", lambda *a, **k: calls.append((a, k)) or "ok")
    with ggufkit.open(MODEL) as f:
        t = f.tensors["blk.0.ffn_down.weight"]
        assert t.dequantize(threads=2) == "ok"
        (data, typ, shape), kw = calls[0]
        assert typ == GGMLType.Q4_1 and shape == t.shape == (576, 1536)
        assert np.shares_memory(data, t.data) and data.shape == (576, 1536 // 32 * 20)
        assert kw == {"dtype": np.float32, "out": None, "threads": 2}


def test_dequantize_refuses_big_endian_block_data(monkeypatch):
    from helpers.gguf_build import small_valid_file
    import ggufkit._dequantize as dq
    calls = []
    monkeypatch.setattr(dq, "dequantize", lambda *a, **k: calls.append((a, k)) or "ok")
    f = ggufkit.GGUFFile._from_buffer(small_valid_file(">"))
    with pytest.raises(ValueError, match="big-endian"):
        f.tensors["b"].dequantize()
    assert f.tensors["a"].dequantize() == "ok"  # plain types: a native-order copy is passed
    data = calls[0][0][0]
    assert data.dtype == np.dtype("=f4") and np.array_equal(data, f.tensors["a"].data)


def _rss():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096


@pytest.mark.skipif(not pathlib.Path("/proc/self/statm").exists(), reason="needs /proc")
def test_open_touches_only_the_header(tmp_path):
    """512 MiB of (sparse) tensor data: opening, reading all infos and making every .data view
    leaves the data pages untouched (RSS grows by far less than the data)."""
    from ggufkit._bench_open import make_file
    p = tmp_path / "big.gguf"
    info = make_file(p, 1000, 512 * 2**20)
    assert info["data_bytes"] >= 512 * 2**20
    ggufkit.open(p).close()  # warm up lazy imports
    before = _rss()
    with ggufkit.open(p) as f:
        views = [t.data for t in f.tensors.values()]
        assert sum(v.nbytes for v in views) >= 512 * 2**20
        [f.metadata[k] for k in f.metadata]
        grown = _rss() - before
    assert grown < 16 * 2**20, grown
    # and touching one tensor does map its pages: the measurement is able to see data reads
    before = _rss()
    total = int(views[-3].sum())  # a 24 MiB Q4_K ffn tensor of zeros
    assert total == 0 and _rss() - before > 16 * 2**20
