"""matmul: ``x @ dequantize(w).T`` on quantized weights (torch ``linear`` semantics)."""
from __future__ import annotations

import numpy as np

from . import _core
from ._types import GGMLType

_ACTIVATIONS = ("quantized", "float")
# type argument (name, id or GGMLType) -> (GGMLType, block_size, type_size, k multiple or None): an
# engine calls matmul per layer per token, and the enum lookups cost more than a small product
_TYPE_INFO: dict = {}


def _type_info(type):
    try:
        return _TYPE_INFO[type]
    except (KeyError, TypeError):
        pass
    t = GGMLType.coerce(type)
    km = None if t.vec_dot_type is None else _core.matmul_k_multiple(int(t))
    info = (t, t.block_size, t.type_size, km)
    if isinstance(type, (str, int)):
        _TYPE_INFO[type] = info
    return info


def _weight(w, type, shape):
    """(raw uint8 (n, row_bytes) view, _type_info(type)) from a Tensor or raw blocks + type= + shape=."""
    if hasattr(w, "data") and hasattr(w, "type") and hasattr(w, "shape") and not isinstance(w, np.ndarray):
        info = _type_info(w.type)
        t = info[0]
        if type is not None and GGMLType.coerce(type) != t:
            raise ValueError(f"type={GGMLType.coerce(type).name} disagrees with the tensor's type {t.name}")
        tshape = tuple(int(d) for d in w.shape)
        if shape is not None and tuple(int(d) for d in shape) != tshape:
            raise ValueError(f"shape={tuple(shape)} disagrees with the tensor's shape {tshape}")
        shape, data = tshape, w.data
    else:
        data = w
        if type is None:
            if isinstance(w, np.ndarray) and w.dtype == np.float32:
                type = GGMLType.F32
            elif isinstance(w, np.ndarray) and w.dtype == np.float16:
                type = GGMLType.F16
            else:
                raise TypeError("matmul: type= is required for raw weight blocks (or pass a ggufkit.Tensor)")
        info = _type_info(type)
        t = info[0]
        if shape is None:
            if isinstance(w, np.ndarray) and w.ndim == 2:
                if w.dtype == np.uint8:
                    rb = w.shape[1]
                    if rb % t.type_size:
                        raise ValueError(f"w: {rb} bytes per row is not a whole number of {t.name} blocks")
                    shape = (w.shape[0], rb // t.type_size * t.block_size)
                elif w.dtype.itemsize * t.block_size == t.type_size and t.block_size == 1:
                    shape = w.shape
                else:
                    raise ValueError("matmul: shape= is required for this weight buffer")
            else:
                raise ValueError("matmul: shape= (n, k) is required for raw weight blocks")
    shape = tuple(int(d) for d in shape)
    if len(shape) != 2:
        raise ValueError(f"w must be 2-D (n, k), got shape {shape}")
    n, k = shape
    _, block_size, type_size, km = info
    if km is None:
        raise ValueError(f"matmul: type {t.name} has no dot product (it is an activation or integer type)")
    if k < 0 or k % block_size:
        raise ValueError(f"w: k={k} is not a multiple of the {t.name} block size {block_size}")
    row_bytes = k // block_size * type_size
    if (isinstance(data, np.ndarray) and data.dtype == np.uint8 and data.shape == (n, row_bytes)
            and data.flags.c_contiguous):
        return data, info  # the common case: raw blocks as the file holds them
    if isinstance(data, np.ndarray) and not data.dtype.isnative and data.dtype.itemsize > 1:
        # a big-endian file's plain float tensor: the kernels read native order
        data = data.astype(data.dtype.newbyteorder("="))
    try:
        mv = memoryview(data)
    except TypeError:
        raise TypeError(f"w: expected a buffer (numpy array, bytes, ...), got {data.__class__.__name__}") from None
    if not mv.c_contiguous:
        raise ValueError("w must be C-contiguous")
    if mv.nbytes == 0:
        raw = np.zeros(0, dtype=np.uint8)
    else:
        raw = np.frombuffer(mv.cast("B") if mv.format != "B" or mv.ndim != 1 else mv, dtype=np.uint8)
    if raw.size != n * row_bytes:
        raise ValueError(f"w: {raw.size} bytes, expected {n} rows x {row_bytes} bytes for {t.name} {shape}")
    return raw.reshape(n, row_bytes), info


# Up to this many rows of x, matmul on Repacked weights runs the repacked kernels (one pass over the
# weights per row); above it, the source blocks' tiled gemm, which decodes each weight block once for
# many rows. The crossovers, measured on Zen 4 (4096 x 4096, one thread), were the same within a row
# on the avx512_vnni and avx2 tiers, except IQ3_S: 11 on avx512_vnni (taken), 14 on avx2.
REPACKED_MAX_M = {"IQ1_S": 7, "IQ1_M": 11, "IQ2_XXS": 5, "IQ2_XS": 8, "IQ2_S": 9, "IQ3_XXS": 9, "IQ3_S": 11}


class Repacked:
    """Weights repacked once by :func:`repack` for fast matrix-vector products; pass it to :func:`matmul`
    as ``w``.

    ``data`` holds ggufkit's own row layout (uint8 ``(n, row_bytes)``, in memory, not a GGUF type);
    ``source`` the original blocks (kept by reference, not copied), which matmul uses for x of more than
    ``REPACKED_MAX_M[type]`` rows (5 to 11) and for ``activations="float"``. For a type without a repacked layout ``data`` is None and matmul uses
    ``source``: an engine may repack every weight alike.
    """

    __slots__ = ("type", "shape", "data", "source")

    def __init__(self, type, shape, data, source):
        self.type, self.shape, self.data, self.source = type, shape, data, source

    @property
    def repacked(self) -> bool:
        """True if the type has a repacked layout (else ``data`` is None)."""
        return self.data is not None

    @property
    def nbytes(self) -> int:
        """Bytes of the repacked rows (0 when there are none); ``source`` is not counted."""
        return 0 if self.data is None else int(self.data.nbytes)

    def __repr__(self) -> str:
        what = f"{self.nbytes} bytes repacked" if self.repacked else "no repacked layout"
        return f"Repacked({self.type.name}, shape={self.shape}, {what})"


def repack(w, *, type=None, shape=None, threads=None) -> Repacked:
    """Repack quantized weights once for fast matrix-vector products (m = 1, decoding).

    The grid-coded types IQ1_S, IQ1_M, IQ2_XXS, IQ2_XS and IQ2_S store one codebook index per 8 weights,
    IQ3_XXS and IQ3_S one per 4; their m = 1 speed is bound by looking the codebook up. ``repack`` expands
    the indices once into plain 2-bit codes (IQ1: 76 bytes per 256 weights instead of 50/56; IQ2: 106
    instead of 66/74/82) or signed 4-bit codes (IQ3: 134 instead of 98/110), and
    ``matmul(x, repacked)`` then gives the same products (the same integer sums per block) several times
    faster. The repacked rows live in memory; the source blocks are kept by reference. Other types are
    returned unchanged (``repacked`` is False), so an engine may call this on every weight.

    w is a :class:`ggufkit.Tensor` or raw blocks with ``type=`` and ``shape=(n, k)``, as for :func:`matmul`.
    """
    wraw, (t, block_size, type_size, km) = _weight(w, type, shape)
    n, k = wraw.shape[0], wraw.shape[1] // type_size * block_size
    row = _core.repack_row_size(int(t), k)
    if row < 0:
        return Repacked(t, (n, k), None, wraw)
    data = np.empty((n, row), dtype=np.uint8)
    _core.repack_raw(wraw, int(t), k, data, threads)  # _weight gives C-contiguous rows
    return Repacked(t, (n, k), data, wraw)


def matmul(x, w, *, type=None, shape=None, activations="quantized", threads=None, out=None, _isa=None):
    """``x @ dequantize(w).T``: x float32 ``(m, k)`` or ``(k,)``; w ``(n, k)`` quantized weights.

    w is a :class:`ggufkit.Tensor`, raw blocks (uint8 ``(n, row_bytes)`` or any buffer) with ``type=``
    and ``shape=(n, k)``, or weights prepared by :func:`repack` (faster for a few rows of x). With ``activations="quantized"`` (ggml's way) each row of x is quantized once
    to the type's ``vec_dot_type`` and dot products run on integers per block; ``"float"`` keeps x in
    float32 and dequantizes weight rows on the fly. Returns float32 ``(m, n)`` (``(n,)`` for 1-D x);
    the result does not depend on ``threads``.
    """
    if activations not in _ACTIVATIONS:
        raise ValueError(f"activations must be one of {_ACTIVATIONS}, got {activations!r}")
    rp = None
    if isinstance(w, Repacked):
        if type is not None and GGMLType.coerce(type) != w.type:
            raise ValueError(f"type={GGMLType.coerce(type).name} disagrees with the repacked weight's type {w.type.name}")
        if shape is not None and tuple(int(d) for d in shape) != w.shape:
            raise ValueError(f"shape={tuple(shape)} disagrees with the repacked weight's shape {w.shape}")
        rp, type, shape, w = w, w.type, w.shape, w.source
    wraw, (t, block_size, type_size, km) = _weight(w, type, shape)
    n, k = wraw.shape[0], wraw.shape[1] // type_size * block_size
    xa = np.asarray(x)
    if xa.dtype != np.float32:
        # only dtypes that float32 holds exactly are converted implicitly
        exact = (xa.dtype.kind == "f" and xa.dtype.itemsize <= 4) or (xa.dtype.kind in "iub" and xa.dtype.itemsize <= 2)
        if not exact:
            raise TypeError(f"x must be float32 (got {xa.dtype}; convert it explicitly if the precision loss is intended)")
        xa = xa.astype(np.float32)
    if xa.ndim not in (1, 2):
        raise ValueError(f"x must be 1-D (k,) or 2-D (m, k), got shape {xa.shape}")
    vector = xa.ndim == 1
    x2 = np.ascontiguousarray(xa.reshape(1, -1) if vector else xa)
    if x2.shape[1] != k:
        raise ValueError(f"x has {x2.shape[1]} columns but w has k={k} (w shape {(n, k)})")
    if k % km:
        raise ValueError(f"k={k} must be a multiple of {km} for {t.name} (its activation blocks)")
    m = x2.shape[0]
    want = (n,) if vector else (m, n)
    if out is None:
        res = np.empty(want, dtype=np.float32)
    else:
        if not isinstance(out, np.ndarray):
            raise TypeError("out must be a numpy float32 array")
        if out.dtype != np.float32:
            raise TypeError(f"out must be float32, got {out.dtype}")
        if out.shape != want:
            raise ValueError(f"out has shape {out.shape}, expected {want}")
        if not out.flags.c_contiguous or not out.flags.writeable:
            raise ValueError("out must be C-contiguous and writeable")
        res = out
    if rp is not None and rp.data is not None and activations == "quantized" and m <= REPACKED_MAX_M[t.name]:
        _core.matmul_repacked_raw(x2, rp.data, int(t), k, res.reshape(m, n), threads, _isa)
    else:
        _core.matmul_raw(x2, wraw, int(t), k, res.reshape(m, n), activations == "float", threads, _isa)
    return res


def quantize_activations(x, type, *, threads=None, _isa=None) -> np.ndarray:
    """Rows of float32 x ``(m, k)`` in an activation format (Q8_0, Q8_1, Q8_K, F16, BF16) as ggml's
    CPU ``from_float`` makes them: uint8 ``(m, row_bytes)``. For tests and inspection."""
    t = GGMLType.coerce(type)
    x2 = np.ascontiguousarray(np.asarray(x, dtype=np.float32))
    if x2.ndim == 1:
        x2 = x2.reshape(1, -1)
    out = np.empty((x2.shape[0], t.row_bytes(x2.shape[1])), dtype=np.uint8)
    _core.quantize_activations(x2, int(t), out, threads, _isa)
    return out
