"""ggufkit: read, write, dequantize, quantize and multiply GGUF (ggml) model files on the CPU.

Tensors are zero-copy numpy views over a read-only memory map; the kernels are C, chosen at run time
for the CPU (scalar reference, AVX2, AVX-512, NEON).
"""
from ._errors import GGUFError
from ._types import GGMLType, GGUFValueType
from ._cpu import cpu_info, _warn_about_ceiling
from ._file import GGUFFile, Tensor, open
from ._dequantize import dequantize
from ._quantize import quantize
from ._matmul import matmul, repack, Repacked

__version__ = "0.1.0"

__all__ = [
    "GGUFError", "GGMLType", "GGUFValueType", "GGUFFile", "Tensor",
    "open", "dequantize", "quantize", "matmul", "repack", "Repacked", "cpu_info", "__version__",
]

_warn_about_ceiling()
