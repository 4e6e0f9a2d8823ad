"""quantize: float rows to ggml's quantized block bytes, bit-exact with ggml's ``ggml_quantize_chunk``."""
from __future__ import annotations

import numpy as np

from . import _core
from ._types import GGMLType

try:  # bfloat16 input, only if the optional ml_dtypes package is installed
    import ml_dtypes as _ml_dtypes
    _BF16 = np.dtype(_ml_dtypes.bfloat16)
except ImportError:  # pragma: no cover - depends on the environment
    _BF16 = None

_FLOAT_INPUTS = (np.dtype(np.float32), np.dtype(np.float16))


def _as_float32(x) -> np.ndarray:
    arr = np.asarray(x)
    native = arr.dtype.newbyteorder("=") if arr.dtype.byteorder not in ("|", "=") else arr.dtype
    if native in _FLOAT_INPUTS or (_BF16 is not None and native == _BF16):
        return np.asarray(arr, dtype=np.float32, order="C")
    allowed = "float32, float16" + (" or bfloat16" if _BF16 is not None else "")
    raise TypeError(f"x must be a {allowed} array, got dtype {arr.dtype}"
                    + (" (convert it with x.astype(np.float32) first)" if arr.dtype.kind in "fiu" else ""))


def quantize(x, type, *, imatrix=None, threads=None, _isa=None) -> np.ndarray:
    """Quantize ``x`` to the ggml ``type``, with the same bytes as ggml's ``ggml_quantize_chunk``.

    x: float32 (or float16, or bfloat16 with ml_dtypes) array of any number of dimensions; its last
    dimension is one row and must be a multiple of the type's block size. imatrix: optional importance
    matrix (one non-negative weight per element of a row, as made by llama.cpp's ``llama-imatrix``);
    required by the types ggml refuses to quantize without one (IQ2_XXS, IQ2_XS, IQ1_S).
    threads: worker threads (default: all CPUs, or GGUFKIT_NUM_THREADS); the bytes never depend on it.

    Returns the raw blocks as uint8 of shape ``(*x.shape[:-1], row_bytes)``. Raises ValueError if a
    row holds a NaN or an infinity (naming the first such row).
    """
    t = GGMLType.coerce(type)
    if imatrix is None and t.requires_imatrix:
        raise ValueError(f"quantizing to {t.name} requires an importance matrix (imatrix=...), as in ggml")
    if not _core.has_quant_kernel(int(t), _isa):
        raise NotImplementedError(f"quantizing to {t.name} is not supported")
    xf = _as_float32(x)
    if xf.ndim == 0:
        raise ValueError("x must have at least one dimension (the row)")
    n_per_row = xf.shape[-1]
    if n_per_row % t.block_size:
        raise ValueError(f"x: the last dimension ({n_per_row}) must be a multiple of the {t.name} "
                         f"block size {t.block_size}")
    im = None
    if imatrix is not None:
        im = np.asarray(imatrix)
        if im.dtype.kind != "f":
            raise TypeError(f"imatrix must be a float array, got dtype {im.dtype}")
        im = np.ascontiguousarray(im, dtype=np.float32)
        if im.shape != (n_per_row,):
            raise ValueError(f"imatrix must have shape ({n_per_row},) (one weight per element of a row), "
                             f"got {im.shape}")
        if not np.all(np.isfinite(im)) or np.any(im < 0):
            raise ValueError("imatrix must hold finite non-negative weights")
    outer = xf.shape[:-1]
    x2 = xf.reshape(-1, n_per_row) if n_per_row else xf.reshape(int(np.prod(outer, dtype=np.int64)), 0)
    out = np.empty((x2.shape[0], t.row_bytes(n_per_row)), dtype=np.uint8)
    bad = _core.quantize_rows(int(t), x2, out, im, _isa, threads)
    if bad >= 0:
        where = f"row {bad}" if len(outer) <= 1 else f"row {bad} (index {tuple(int(i) for i in np.unravel_index(bad, outer))})"
        raise ValueError(f"x: {where} holds a NaN or an infinity; cannot quantize it")
    return out.reshape(*outer, out.shape[1])
