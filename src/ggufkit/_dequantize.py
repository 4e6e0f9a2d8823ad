"""dequantize: raw ggml tensor bytes (any type) -> float32 or float16 numpy array."""
from __future__ import annotations

import math

import numpy as np

from . import _core
from ._types import GGMLType

_OUT_DTYPES = (np.dtype(np.float32), np.dtype(np.float16))


def _aligned_empty(shape, dtype, align=64) -> np.ndarray:
    """An uninitialised C-contiguous array whose data starts on an ``align``-byte boundary: whole
    vector stores never straddle cache lines, and large outputs can be streamed."""
    dtype = np.dtype(dtype)
    nbytes = math.prod(shape) * dtype.itemsize
    buf = np.empty(nbytes + align, np.uint8)
    off = -buf.ctypes.data % align
    return buf[off:off + nbytes].view(dtype).reshape(shape)


def _raw_bytes(data) -> np.ndarray:
    """The bytes of ``data`` as a flat, C-contiguous, native-order uint8 array (a view when possible)."""
    if isinstance(data, np.ndarray):
        arr = data
    else:
        try:
            mv = memoryview(data)
        except TypeError:
            raise TypeError(f"data must be a numpy array or an object with the buffer protocol, "
                            f"got {type(data).__name__}") from None
        arr = np.asarray(mv)
    if arr.dtype.hasobject:
        raise TypeError("data must hold raw bytes or numbers, not Python objects")
    if arr.dtype.itemsize > 1 and not arr.dtype.isnative:
        arr = arr.astype(arr.dtype.newbyteorder("="))  # kernels read native byte order
    arr = np.ascontiguousarray(arr).reshape(-1)
    if arr.dtype != np.uint8:
        arr = arr.view(np.uint8)
    if arr.size and arr.ctypes.data % 8:
        arr = arr.copy()  # block structs hold halves, floats and 64-bit values: align them
    return arr


def _infer_shape(data, t: GGMLType) -> tuple:
    arr = data if isinstance(data, np.ndarray) else np.asarray(memoryview(data))
    if arr.dtype == np.uint8 and arr.ndim >= 1 and t.type_size != 1:
        if arr.shape[-1] % t.type_size:
            raise ValueError(f"shape is required: the last axis of data ({arr.shape[-1]} bytes) is not a whole "
                             f"number of {t.name} blocks ({t.type_size} bytes)")
        return (*arr.shape[:-1], arr.shape[-1] // t.type_size * t.block_size)
    if t.block_size == 1 and arr.dtype.itemsize == t.type_size:
        return arr.shape
    raise ValueError("shape is required for this data")


def _check_shape(shape, t: GGMLType) -> tuple:
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    try:
        shape = tuple(int(s) for s in shape)
    except TypeError:
        raise TypeError(f"shape must be an int or a sequence of ints, got {shape!r}") from None
    if any(s < 0 for s in shape):
        raise ValueError(f"shape must not have negative dimensions, got {shape}")
    if t.block_size > 1:
        if not shape:
            raise ValueError(f"shape of a {t.name} tensor needs at least one dimension")
        if shape[-1] % t.block_size:
            raise ValueError(f"shape: the last dimension ({shape[-1]}) of a {t.name} tensor must be a multiple "
                             f"of its block size {t.block_size}")
    return shape


def dequantize(data, type, shape=None, *, dtype=np.float32, out=None, threads=None, _isa=None):
    """Dequantize raw ggml tensor bytes to a float32 (or float16) array of ``shape``.

    data: the tensor's bytes: a numpy array (e.g. ``uint8`` of shape ``(*outer, row_bytes)``, as
        ``Tensor.data``, or a typed array for the plain types) or any buffer (bytes, mmap, memoryview).
    type: a GGMLType, type id or name. shape: numpy order (last dimension fastest), its last dimension a
        multiple of the type's block size; inferred from ``data`` when it is a raw ``(*outer, row_bytes)``
        uint8 array or a plain typed array.
    dtype: float32 (bit-exact with ggml's ``to_float``) or float16 (the float32 value rounded to nearest even).
    out: an optional C-contiguous, aligned, writable array of that dtype and shape to fill.
    threads: worker threads (default: all CPUs or ``GGUFKIT_NUM_THREADS``); the result never depends on it.
    """
    t = GGMLType.coerce(type)
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype must be float32 or float16, got {dtype!r}") from None
    if dt not in _OUT_DTYPES:
        raise ValueError(f"dtype must be float32 or float16, got {dt}")
    shape = _check_shape(_infer_shape(data, t) if shape is None else shape, t)
    raw = _raw_bytes(data)

    n = math.prod(shape)
    rows = n // shape[-1] if shape and shape[-1] else 0
    need = rows * t.row_bytes(shape[-1]) if shape else t.type_size
    if raw.nbytes != need:
        raise ValueError(f"data has {raw.nbytes} bytes but a {t.name} tensor of shape {shape} needs {need}")

    if out is None:
        out = _aligned_empty(shape, dt)
    else:
        if not isinstance(out, np.ndarray):
            raise TypeError(f"out must be a numpy array, got {type_name(out)}")
        if out.dtype != dt:
            raise TypeError(f"out has dtype {out.dtype}, expected {dt}")
        if out.shape != shape:
            raise ValueError(f"out has shape {out.shape}, expected {shape}")
        if not out.flags.c_contiguous:
            raise ValueError("out must be C-contiguous")
        if not out.flags.aligned:
            raise ValueError("out must be aligned to its dtype")
        if not out.flags.writeable:
            raise ValueError("out must be writable")
    if n:
        _core.dequantize_into(raw, out.reshape(-1).view(np.uint8), int(t), n, dt == np.float16, threads, _isa)
    return out


def type_name(x) -> str:
    return type(x).__name__
