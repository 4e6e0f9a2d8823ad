"""`ggufkit inspect FILE`: a GGUF file's header, metadata and tensors, as text or JSON."""
from __future__ import annotations

import json
import sys

HEAD = 8        # array elements shown unless --full
MAX_STR = 200   # characters of a string shown unless --full


def _short(s: str, full: bool) -> str:
    return s if full or len(s) <= MAX_STR else s[:MAX_STR] + f"... ({len(s)} chars)"


def _jsonable(v, full: bool):
    """Metadata value -> JSON value; arrays longer than HEAD become {length, head} unless full."""
    import numpy as np
    if isinstance(v, str):
        return _short(v, full)
    if isinstance(v, (bool, int, float)):
        return v
    if isinstance(v, np.ndarray):
        items = v.tolist() if full else v[:HEAD].tolist()
    elif isinstance(v, list):
        items = [_jsonable(x, full) for x in (v if full else v[:HEAD])]
    else:  # StringArray
        items = [_short(x, full) for x in (v if full else v[:HEAD])]
    if full or len(v) <= HEAD:
        return items
    return {"length": len(v), "head": items}


def _type_name(types) -> str:
    return types[0].name if len(types) == 1 else f"{types[0].name}[{types[1].name}]"


def describe(f, *, full=False, tensors=True) -> dict:
    out = {
        "path": str(f.path), "size": f.size, "version": f.version, "byte_order": f.byte_order,
        "alignment": f.alignment, "data_offset": f.data_offset,
        "metadata": {k: {"type": _type_name(f.metadata_types[k]), "value": _jsonable(f.metadata[k], full)}
                     for k in f.metadata},
        "n_tensors": len(f.tensors),
        "tensor_bytes": sum(t.nbytes for t in f.tensors.values()),
        "layout": f.verify(),
    }
    if tensors:
        out["tensors"] = [{"name": t.name, "type": t.type.name, "shape": list(t.shape), "offset": t.offset,
                           "nbytes": t.nbytes} for t in f.tensors.values()]
    return out


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"


def format_text(d: dict) -> str:
    lines = [f"{d['path']}: {d['size']:,} bytes",
             f"GGUF v{d['version']}, {d['byte_order']}-endian, alignment {d['alignment']}, "
             f"data section at {d['data_offset']:,}",
             f"metadata: {len(d['metadata'])} keys"]
    kw = max([len(k) for k in d["metadata"]] + [3])
    tw = max([len(m["type"]) for m in d["metadata"].values()] + [4])
    for k, m in d["metadata"].items():
        v = m["value"]
        if isinstance(v, dict):
            shown = f"[{v['length']:,} items] {json.dumps(v['head'], ensure_ascii=False)[:-1]}, ...]"
        else:
            shown = json.dumps(v, ensure_ascii=False)
        lines.append(f"  {k:<{kw}}  {m['type']:<{tw}}  {shown}")
    lines.append(f"tensors: {d['n_tensors']}, {_mb(d['tensor_bytes'])}"
                 + ("" if d["layout"]["canonical"] else " (layout not canonical: "
                    + "; ".join(d["layout"]["issues"][:3]) + ")"))
    if "tensors" in d and d["tensors"]:
        nw = max(len(t["name"]) for t in d["tensors"])
        lines.append(f"  {'name':<{nw}}  {'type':<8}  {'shape':<22}  {'offset':>14}  {'bytes':>13}")
        for t in d["tensors"]:
            shape = "(" + ", ".join(map(str, t["shape"])) + ")"
            lines.append(f"  {t['name']:<{nw}}  {t['type']:<8}  {shape:<22}  {t['offset']:>14,}  {t['nbytes']:>13,}")
    return "\n".join(lines)


def inspect(args) -> int:
    import ggufkit
    try:
        with ggufkit.open(args.path) as f:
            d = describe(f, full=args.full, tensors=not args.no_tensors)
    except (OSError, ggufkit.GGUFError) as e:
        print(f"ggufkit inspect: {e}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(d, indent=1, ensure_ascii=False))
    else:
        print(format_text(d))
    return 0
