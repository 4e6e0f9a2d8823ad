# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, embedsignature=True
"""The compiled core of ggufkit. Private: use the names exported by ``ggufkit``.

One module, assembled from one include file per family so that each family's glue sits beside its
kernels' concerns: _cpu.pxi (type table, CPU and dispatch), _reader.pxi (the GGUF parser and the
memory map), _dequant.pxi, _quant.pxi, _matmul.pxi.
"""
from ggufkit._capi cimport *

include "_cpu.pxi"
include "_reader.pxi"
include "_dequant.pxi"
include "_quant.pxi"
include "_matmul.pxi"
