"""GGUFFile and Tensor: a GGUF file's metadata and tensors, as zero-copy numpy views over one read-only
memory map.

Opening parses only the header (csrc/core/gguf.c). Metadata values are decoded when they are looked
up; ``Tensor.data`` is ``np.frombuffer(mapping, ...)`` reshaped, so every view keeps the map alive and
``GGUFFile.close()`` is safe while views are still in use.
"""
from __future__ import annotations

import collections.abc
import os
import types

import numpy as np

from . import _core
from ._types import GGMLType, GGUFValueType

__all__ = ["GGUFFile", "Tensor", "open"]

_ARRAY = int(GGUFValueType.ARRAY)
_STRING = int(GGUFValueType.STRING)
_BOOL = int(GGUFValueType.BOOL)

# numpy type codes of the numeric metadata types (the byte order is added per file)
_VALUE_DTYPES = {0: "u1", 1: "i1", 2: "u2", 3: "i2", 4: "u4", 5: "i4", 6: "f4", 10: "u8", 11: "i8", 12: "f8"}

# numpy type codes of the plain tensor types; block types are raw uint8 rows
_TENSOR_DTYPES = {
    GGMLType.F32: "f4", GGMLType.F16: "f2", GGMLType.F64: "f8", GGMLType.I8: "i1",
    GGMLType.I16: "i2", GGMLType.I32: "i4", GGMLType.I64: "i8", GGMLType.BF16: "u2",
}

_bfloat16 = None


def _bf16_dtype():
    """ml_dtypes' bfloat16 if it is installed, else None (BF16 tensors are then uint16)."""
    global _bfloat16
    if _bfloat16 is None:
        try:
            import ml_dtypes
            _bfloat16 = np.dtype(ml_dtypes.bfloat16)
        except Exception:  # not installed, or a numpy it does not support
            _bfloat16 = False
    return _bfloat16 or None


def _array_value(m, order, elem_type, first, count):
    """A metadata array: numpy view (numbers), bool array, lazy StringArray, or a list (arrays of arrays)."""
    code = _VALUE_DTYPES.get(elem_type)
    if code is not None:
        return np.frombuffer(m, dtype=np.dtype(order + code), count=count, offset=first)
    if elem_type == _BOOL:
        a = np.frombuffer(m, dtype=np.uint8, count=count, offset=first) != 0
        a.flags.writeable = False
        return a
    if elem_type == _STRING:
        return _core.StringArray(m, first, count)
    out = []
    off = first
    for _ in range(count):
        et, n, inner_first = m.array_header(off)
        out.append(_array_value(m, order, et, inner_first, n))
        off = m.value_end(_ARRAY, off)
    return out


class Metadata(collections.abc.Mapping):
    """The key/value metadata of a GGUF file, read-only, in file order. Values are decoded on lookup:
    numbers as int/float/bool, strings as str, numeric arrays as read-only numpy views, string arrays
    as a lazy sequence (``StringArray``), arrays of arrays as lists."""

    __slots__ = ("_file", "_entries")

    def __init__(self, file, entries):
        self._file = file
        self._entries = entries

    def __getitem__(self, key):
        e = self._entries[key]
        m = self._file._live_mapping()
        vtype, elem_type, off, count = e[:4]
        if vtype == _STRING:
            return m.string(off, count)
        if vtype == _ARRAY:
            return _array_value(m, self._file._order, elem_type, off, count)
        return m.scalar(vtype, off)

    def __iter__(self):
        return iter(self._entries)

    def __len__(self):
        return len(self._entries)

    def __contains__(self, key):
        return key in self._entries

    def __repr__(self):
        return f"<Metadata of {len(self)} keys: {', '.join(list(self._entries)[:4])}{', ...' if len(self) > 4 else ''}>"


class Tensor:
    """One tensor of a GGUF file: its info, and ``.data``, a zero-copy read-only view into the map."""

    __slots__ = ("_file", "name", "type", "shape", "n_elements", "nbytes", "offset")

    def __init__(self, file, name, type, shape, n_elements, nbytes, offset):
        self._file = file
        self.name = name
        self.type = type          # GGMLType
        self.shape = shape        # numpy order (GGUF lists dimensions fastest first)
        self.n_elements = n_elements
        self.nbytes = nbytes
        self.offset = offset      # absolute offset of the data in the file

    def __repr__(self):
        return f"<Tensor {self.name!r} {self.type.name} {self.shape} at {self.offset}>"

    @property
    def dtype(self) -> np.dtype:
        """The dtype of ``.data``."""
        order = self._file._order
        code = _TENSOR_DTYPES.get(self.type)
        if code is None:
            return np.dtype(np.uint8)
        if self.type == GGMLType.BF16 and order == "<":
            bf = _bf16_dtype()
            if bf is not None:
                return bf
        return np.dtype(order + code)

    @property
    def data(self) -> np.ndarray:
        """The tensor's bytes as a read-only numpy array that shares memory with the file's map.

        Plain types have their dtype (in the file's byte order; BF16 as uint16 unless ml_dtypes'
        bfloat16 is installed) and ``shape``; block types are ``uint8`` of shape
        ``(*shape[:-1], row_bytes)``."""
        m = self._file._live_mapping()
        dt = self.dtype
        if self.type in _TENSOR_DTYPES:
            return np.frombuffer(m, dtype=dt, count=self.n_elements, offset=self.offset).reshape(self.shape)
        row = self.type.row_bytes(self.shape[-1]) if self.shape else self.type.type_size
        return np.frombuffer(m, dtype=dt, count=self.nbytes, offset=self.offset).reshape(*self.shape[:-1], row)

    def dequantize(self, dtype=np.float32, out=None, threads=None):
        """The tensor as floats (``ggufkit.dequantize`` of ``.data``)."""
        from ._dequantize import dequantize
        data = self.data
        if self._file._order == ">" and data.dtype.itemsize > 1:
            data = data.astype(data.dtype.newbyteorder("="))  # plain types: a native copy
        elif self._file._order == ">" and self.type not in _TENSOR_DTYPES:
            raise ValueError(f"tensor {self.name!r} ({self.type.name}) is in a big-endian file: "
                             "dequantizing big-endian block data is not supported")
        return dequantize(data, self.type, self.shape, dtype=dtype, out=out, threads=threads)


class GGUFFile:
    """An open GGUF file. Use ``ggufkit.open(path)``; a context manager.

    ``close()`` drops the file's own reference to the map: views made from it stay valid."""

    def __init__(self, mapping):
        h = mapping.header()
        self._mapping = mapping
        self.path = mapping.path
        self.version = h["version"]
        self.alignment = h["alignment"]
        self.byte_order = "big" if h["big_endian"] else "little"
        self._order = ">" if h["big_endian"] else "<"
        self.data_offset = h["data_offset"]
        self.size = h["size"]
        entries = {e[0]: e[1:] for e in mapping.kv_entries()}
        self._kv = entries
        self.metadata = Metadata(self, entries)
        tensors = {}
        for name, tid, ne, off, nbytes, n_el, _rec in mapping.tensor_entries():
            tensors[name] = Tensor(self, name, GGMLType(tid), tuple(reversed(ne)), n_el, nbytes,
                                   self.data_offset + off)
        self.tensors = types.MappingProxyType(tensors)

    @classmethod
    def _from_buffer(cls, buffer) -> "GGUFFile":
        """Parse a bytes-like object instead of a file (tests, fuzzing)."""
        return cls(_core.Mapping(buffer=buffer))

    @property
    def metadata_types(self):
        """key -> (GGUFValueType,) for scalars, (ARRAY, element type) for arrays."""
        out = {}
        for k, e in self._kv.items():
            vt, et = e[0], e[1]
            out[k] = (GGUFValueType(vt), GGUFValueType(et)) if vt == _ARRAY else (GGUFValueType(vt),)
        return types.MappingProxyType(out)

    def metadata_offset(self, key) -> int:
        """The byte offset of the key/value record of ``key``."""
        return self._kv[key][4]

    @property
    def closed(self) -> bool:
        return self._mapping is None

    def _live_mapping(self):
        m = self._mapping
        if m is None:
            raise ValueError("I/O operation on a closed GGUF file")
        return m

    def close(self) -> None:
        """Release the file's reference to the map (views already made keep it alive)."""
        self._mapping = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        state = "closed" if self.closed else f"{len(self.metadata)} keys, {len(self.tensors)} tensors"
        return f"<GGUFFile {self.path!r} v{self.version} {self.byte_order}-endian, {state}>"

    def verify(self) -> dict:
        """Whether the tensor layout is canonical (ggml's rule: tensors in order, each at the previous
        one's end padded to the alignment, the first at 0). Returns ``{"canonical": bool, "issues": [...]}``."""
        issues = []
        expected = 0
        a = self.alignment
        for t in self.tensors.values():
            rel = t.offset - self.data_offset
            if rel != expected:
                issues.append(f"tensor {t.name!r} at data offset {rel}, canonical {expected}")
            expected = rel + (t.nbytes + a - 1) // a * a
        if self.tensors and self.data_offset + expected != self.size:
            issues.append(f"file is {self.size} bytes, canonical {self.data_offset + expected}")
        return {"canonical": not issues, "issues": issues}


def open(path) -> GGUFFile:  # noqa: A001 - mirrors builtins.open on purpose: ggufkit.open(path)
    """Open a GGUF file: parse its header and map it read-only. Raises GGUFError on a malformed file."""
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise TypeError(f"path must be a str, bytes or os.PathLike, not {type(path).__name__}")
    return GGUFFile(_core.Mapping(path))
