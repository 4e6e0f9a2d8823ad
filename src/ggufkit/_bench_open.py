"""Workloads of the open benchmark (shared by benchmarks/ and ``ggufkit bench``).

A file with a 256,000-entry token vocabulary and ~1 GB of (sparse, zero) tensor data is generated once
in a temporary folder; ggufkit and gguf-py's GGUFReader each open it and read every metadata key and
every tensor info, each in a fresh subprocess so that peak RSS is its own. A second file with the same
header and 4x the tensor data shows that ggufkit's time and memory do not grow with the data.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

FULL = {"n_vocab": 256_000, "data_gb": 1.0}
QUICK = {"n_vocab": 32_000, "data_gb": 0.1}


def make_file(path, n_vocab, data_bytes, *, seed=0):
    """Write a llama-like GGUF header with gguf-py (vocabulary, scores, token types, merges) and tensor
    infos totalling about data_bytes of Q4_K/F32 data, then extend the file sparsely to its full size."""
    import numpy as np
    from gguf import GGMLQuantizationType as Q, GGUFWriter

    w = GGUFWriter(str(path), "llama")
    w.add_name("bench")
    w.add_context_length(4096)
    w.add_block_count(32)
    w.add_tokenizer_model("gpt2")
    w.add_token_list([f"tok{i:06d}_{'x' * (i % 7)}" for i in range(n_vocab)])
    w.add_token_scores(np.linspace(-1, 1, n_vocab, dtype=np.float32).tolist())
    w.add_token_types([1] * n_vocab)
    w.add_token_merges([f"t{i} m{i}" for i in range(n_vocab // 2)])
    w.add_chat_template("{% for m in messages %}{{ m.content }}{% endfor %}")
    d = 4096
    q4k_bytes = lambda rows, cols: rows * cols // 256 * 144  # noqa: E731
    total = 0
    layer = 0
    infos = []
    while total < data_bytes:
        for name, rows, cols, t in (("attn_q", d, d, Q.Q4_K), ("attn_k", d, d, Q.Q4_K), ("attn_v", d, d, Q.Q4_K),
                                    ("attn_output", d, d, Q.Q4_K), ("ffn_gate", 11008, d, Q.Q4_K),
                                    ("ffn_up", 11008, d, Q.Q4_K), ("ffn_down", d, 11008, Q.Q4_K),
                                    ("attn_norm", 1, d, Q.F32), ("ffn_norm", 1, d, Q.F32)):
            nbytes = q4k_bytes(rows, cols) if t == Q.Q4_K else rows * cols * 4
            shape = (rows, cols) if rows > 1 else (cols,)
            infos.append((f"blk.{layer}.{name}.weight", shape, t, nbytes))
            total += nbytes
        layer += 1
    for name, shape, t, nbytes in infos:
        # byte shape for block types (gguf-py converts it back to elements)
        byte_shape = (*shape[:-1], shape[-1] // 256 * 144) if t == Q.Q4_K else shape
        w.add_tensor_info(name, byte_shape, np.dtype(np.uint8 if t == Q.Q4_K else np.float32), nbytes, raw_dtype=t)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_ti_data_to_file()
    w.close()
    size = os.path.getsize(path)
    data_offset = -(-size // 32) * 32
    end = data_offset + sum(-(-nb // 32) * 32 for *_, nb in infos)
    os.truncate(path, end)  # sparse: the tensor data costs no disk
    return {"n_tensors": len(infos), "data_bytes": end - data_offset, "header_bytes": data_offset}


def _rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _peak_rss_bytes():
    """This process image's high-water RSS. VmHWM, not getrusage's ru_maxrss: on Linux the latter
    survives exec, so a child would report its parent's peak."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _worker(kind, path, repeat):
    """In a fresh process: open + read all metadata and tensor infos; print time and RSS as JSON."""
    if kind.startswith("ggufkit"):
        import ggufkit
        decode = kind == "ggufkit+strings"

        def work():
            with ggufkit.open(path) as f:
                vals = [f.metadata[k] for k in f.metadata]
                if decode:  # also decode every string of every string array
                    n = sum(len(list(v)) for v in vals if type(v).__name__ == "StringArray")
                else:
                    n = len(vals)
                infos = [(t.name, t.type, t.shape, t.offset, t.nbytes) for t in f.tensors.values()]
                return n + len(infos)
    else:
        from gguf import GGUFReader

        def work():
            r = GGUFReader(path)
            vals = [(k, fld.types) for k, fld in r.fields.items()]
            infos = [(t.name, t.tensor_type, t.shape, t.data_offset, t.n_bytes) for t in r.tensors]
            return len(vals) + len(infos)
    base = _rss_bytes()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    peak = _peak_rss_bytes()
    print(json.dumps({"times": times, "rss_base": base, "rss_peak": peak}))


def _measure(kind, path, repeat):
    code = f"from ggufkit._bench_open import _worker; _worker({kind!r}, {str(path)!r}, {repeat})"
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(p.stdout.strip().splitlines()[-1])


def run(quick: bool = False) -> list:
    cfg = QUICK if quick else FULL
    tmp = tempfile.mkdtemp(prefix="ggufkit-bench-open-")
    rows = []
    try:
        files = {}
        for mult in (1, 4):
            p = os.path.join(tmp, f"vocab{cfg['n_vocab']}_x{mult}.gguf")
            info = make_file(p, cfg["n_vocab"], int(cfg["data_gb"] * mult * 2**30))
            files[mult] = (p, info)
        for kind, mult, repeat in (("ggufkit", 1, 20), ("ggufkit", 4, 20), ("ggufkit+strings", 1, 3),
                                   ("gguf-py", 1, 1)):
            path, info = files[mult]
            m = _measure(kind, path, repeat)
            rows.append({
                "reader": kind, "n_vocab": cfg["n_vocab"], "n_tensors": info["n_tensors"],
                "data_gb": info["data_bytes"] / 2**30, "header_mb": info["header_bytes"] / 2**20,
                "time_s": min(m["times"]), "repeat": repeat,
                "peak_rss_mb": m["rss_peak"] / 2**20, "rss_growth_mb": (m["rss_peak"] - m["rss_base"]) / 2**20,
            })
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    ours = next(r for r in rows if r["reader"] == "ggufkit" and r["data_gb"] < 2 * cfg["data_gb"])
    for r in rows:
        r["vs_ggufkit"] = r["time_s"] / ours["time_s"]
    return rows


def format_table(rows) -> str:
    out = ["| reader | vocab | tensors | tensor data | header | time (best of n) | x ggufkit | peak RSS | RSS growth |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r['reader']} | {r['n_vocab']:,} | {r['n_tensors']} | {r['data_gb']:.2f} GB | "
                   f"{r['header_mb']:.1f} MB | {r['time_s'] * 1e3:.2f} ms (n={r['repeat']}) | {r['vs_ggufkit']:.0f}x | "
                   f"{r['peak_rss_mb']:.0f} MB | {r['rss_growth_mb']:.1f} MB |")
    return "\n".join(out)
