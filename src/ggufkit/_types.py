"""GGMLType and GGUFValueType. GGMLType is built from the C type table: sizes are never retyped here."""
from __future__ import annotations

import enum

from . import _core

_ROWS = _core.type_table()  # (id, name, block_size, type_size, vec_dot_type, requires_imatrix)
_INFO = {r[0]: r for r in _ROWS}
_REMOVED = frozenset(_core.removed_type_ids())


class _GGMLTypeBase(enum.IntEnum):
    @property
    def block_size(self) -> int:
        """Elements per block (1 for plain types)."""
        return _INFO[self.value][2]

    @property
    def type_size(self) -> int:
        """Bytes per block."""
        return _INFO[self.value][3]

    @property
    def is_quantized(self) -> bool:
        return _INFO[self.value][2] > 1

    @property
    def requires_imatrix(self) -> bool:
        """ggml refuses to quantize this type without an importance matrix."""
        return _INFO[self.value][5]

    @property
    def vec_dot_type(self) -> "GGMLType | None":
        """The type activations are converted to for this type's dot product (None: no dot product)."""
        v = _INFO[self.value][4]
        return None if v < 0 else GGMLType(v)

    def row_bytes(self, n: int) -> int:
        """Bytes of a row of ``n`` elements; ValueError if ``n`` is not a multiple of the block size."""
        n = int(n)
        if n < 0 or n % self.block_size:
            raise ValueError(f"{self.name}: {n} elements is not a multiple of the block size {self.block_size}")
        return n // self.block_size * self.type_size

    @classmethod
    def coerce(cls, value) -> "GGMLType":
        """A GGMLType from a GGMLType, a type id or a name (case-insensitive)."""
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            try:
                return cls[value.upper()]
            except KeyError:
                raise ValueError(f"unknown ggml type name {value!r}") from None
        try:
            iv = int(value)
        except (TypeError, ValueError):
            raise TypeError(f"expected a GGMLType, a type id or a name, got {value!r}") from None
        if iv in _INFO:
            return cls(iv)
        if iv in _REMOVED:
            raise ValueError(f"ggml type id {iv} was removed from ggml and is not supported")
        raise ValueError(f"unknown ggml type id {iv}")


GGMLType = _GGMLTypeBase("GGMLType", [(r[1], r[0]) for r in _ROWS], module=__name__)
GGMLType.__doc__ = "A ggml tensor type; ids and names are ggml's (0.21). Built from the C type table."


class GGUFValueType(enum.IntEnum):
    """Metadata value types of the GGUF format."""

    UINT8 = 0
    INT8 = 1
    UINT16 = 2
    INT16 = 3
    UINT32 = 4
    INT32 = 5
    FLOAT32 = 6
    BOOL = 7
    STRING = 8
    ARRAY = 9
    UINT64 = 10
    INT64 = 11
    FLOAT64 = 12
