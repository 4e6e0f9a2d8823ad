"""`ggufkit inspect`: text and JSON output agree with gguf-py; bad files give exit code 1, not a traceback."""
import json

from ggufkit.cli import main
from conftest import REAL
from helpers.gguf_oracle import metadata_fields, open_reader

BERT = REAL / "ggml-vocab-bert-bge.gguf"


def test_inspect_json_matches_gguf_py(capsys):
    assert main(["inspect", str(BERT), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    ref = open_reader(BERT)
    fields = metadata_fields(ref)
    assert list(d["metadata"]) == list(fields)
    assert d["version"] == 3 and d["n_tensors"] == 0 and d["alignment"] == ref.alignment
    for k, fld in fields.items():
        v = d["metadata"][k]["value"]
        if len(fld.types) == 1:
            assert v == fld.contents(), k
        else:
            assert v["length"] == len(fld.data) and v["head"] == fld.contents()[:len(v["head"])], k


def test_inspect_text(capsys):
    assert main(["inspect", str(BERT)]) == 0
    out = capsys.readouterr().out
    assert "GGUF v3, little-endian, alignment 32" in out
    assert "tokenizer.ggml.tokens" in out and "[30,522 items]" in out


def test_inspect_bad_file(tmp_path, capsys):
    p = tmp_path / "bad.gguf"
    p.write_bytes(b"GGUF\x03\0\0\0" + b"\xff" * 16)
    assert main(["inspect", str(p)]) == 1
    err = capsys.readouterr().err
    assert "metadata count" in err and "offset 16" in err
    assert main(["inspect", str(tmp_path / "missing.gguf")]) == 1
