# The GGUF parser (csrc/core/gguf.c) and the read-only memory map that owns a file's bytes.
#
# Mapping owns the map (or a borrowed read-only buffer) and the parsed index, exports a read-only
# buffer, and unmaps only in __dealloc__, i.e. when the last numpy view made from it has died.
from libc.stdint cimport uint16_t, int16_t, uint64_t
from libc.string cimport memcpy, memset
from libc.stdlib cimport malloc, free
from libc.errno cimport errno
from cpython.buffer cimport PyBUF_WRITABLE, PyBUF_SIMPLE, PyBuffer_FillInfo, PyObject_GetBuffer, PyBuffer_Release
from cpython.unicode cimport PyUnicode_DecodeUTF8
from posix.mman cimport mmap, munmap, PROT_READ, MAP_SHARED, MAP_FAILED

cdef extern from "ggufkit/gk_gguf.h" nogil:
    enum: GK_GGUF_OK
    enum: GK_GGUF_ERR_FORMAT
    enum: GK_GGUF_ERR_NOMEM
    enum: GK_GGUF_MAX_DIMS
    ctypedef struct gk_gguf_kv:
        uint64_t record_off
        uint64_t key_off
        uint64_t key_len
        uint64_t value_off
        uint64_t value_end
        uint64_t count
        uint32_t type
        uint32_t elem_type
    ctypedef struct gk_gguf_tensor:
        uint64_t record_off
        uint64_t name_off
        uint64_t name_len
        uint32_t n_dims
        int32_t type
        int64_t ne[4]
        int64_t n_elements
        uint64_t offset
        uint64_t nbytes
    ctypedef struct gk_gguf_index:
        uint32_t version
        int big_endian
        uint64_t n_kv
        uint64_t n_tensors
        uint64_t alignment
        uint64_t data_offset
        gk_gguf_kv *kv
        gk_gguf_tensor *tensors
        int status
        uint64_t error_offset
        char message[256]
    int gk_gguf_parse(const uint8_t *data, uint64_t len, gk_gguf_index *idx)
    void gk_gguf_free(gk_gguf_index *idx)
    uint64_t gk_gguf_value_end(const uint8_t *data, uint64_t len, uint64_t off, uint32_t type, int big_endian)
    int gk_gguf_string_offsets(const uint8_t *data, uint64_t len, uint64_t off, uint64_t count, int big_endian,
                               uint64_t *offs)
    uint64_t gk_gguf_read_u64(const uint8_t *p, int big_endian)
    uint32_t gk_gguf_read_u32(const uint8_t *p, int big_endian)
    int gk_gguf_scalar_size(uint32_t type)

cdef uint8_t _gguf_empty[1]


cdef object _gguf_error(message, offset=None):
    from ggufkit._errors import GGUFError
    return GGUFError(message, offset)


cdef class Mapping:
    """The bytes of one GGUF file (a read-only memory map) and its parsed index.

    Exports a read-only buffer; numpy views made with ``np.frombuffer(mapping, ...)`` keep it alive,
    and the map is unmapped only when the last reference dies. Private: use ``ggufkit.open``."""
    cdef const uint8_t *ptr
    cdef uint64_t size
    cdef void *map_addr
    cdef size_t map_len
    cdef Py_buffer borrowed
    cdef bint has_borrowed
    cdef gk_gguf_index idx
    cdef readonly object path

    def __cinit__(self):
        self.ptr = _gguf_empty
        self.size = 0
        self.map_addr = NULL
        self.map_len = 0
        self.has_borrowed = False
        memset(&self.idx, 0, sizeof(self.idx))

    def __dealloc__(self):
        gk_gguf_free(&self.idx)
        if self.map_addr != NULL:
            munmap(self.map_addr, self.map_len)
            self.map_addr = NULL
        if self.has_borrowed:
            PyBuffer_Release(&self.borrowed)
            self.has_borrowed = False

    def __init__(self, path=None, *, buffer=None):
        cdef void *p
        import os
        import stat
        if buffer is not None:
            PyObject_GetBuffer(buffer, &self.borrowed, PyBUF_SIMPLE)
            self.has_borrowed = True
            if self.borrowed.len > 0:
                self.ptr = <const uint8_t *>self.borrowed.buf
            self.size = <uint64_t>self.borrowed.len
            self.path = None
        else:
            self.path = os.fspath(path)
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            try:
                st = os.fstat(fd)
                if stat.S_ISDIR(st.st_mode):
                    raise IsADirectoryError(21, "Is a directory", self.path)
                if not stat.S_ISREG(st.st_mode):
                    raise _gguf_error(f"{self.path!r} is not a regular file")
                if st.st_size > 0:
                    p = mmap(NULL, <size_t>st.st_size, PROT_READ, MAP_SHARED, <int>fd, 0)
                    if p == MAP_FAILED:
                        err = errno
                        raise OSError(err, os.strerror(err), self.path)
                    self.map_addr = p
                    self.map_len = <size_t>st.st_size
                    self.ptr = <const uint8_t *>p
                    self.size = <uint64_t>st.st_size
            finally:
                os.close(fd)  # the map stays valid without the descriptor
        cdef int rc
        with nogil:
            rc = gk_gguf_parse(self.ptr, self.size, &self.idx)
        if rc == GK_GGUF_ERR_NOMEM:
            raise MemoryError(self.idx.message.decode("utf-8", "replace"))
        if rc != GK_GGUF_OK:
            raise _gguf_error(self.idx.message.decode("utf-8", "replace"), self.idx.error_offset)

    def __getbuffer__(self, Py_buffer *buffer, int flags):
        if flags & PyBUF_WRITABLE:
            raise BufferError("the GGUF memory map is read-only")
        PyBuffer_FillInfo(buffer, self, <void *>self.ptr, <Py_ssize_t>self.size, 1, flags)

    def __releasebuffer__(self, Py_buffer *buffer):
        pass

    def __len__(self):
        return self.size

    @property
    def address(self):
        """The address of byte 0 (for tests of zero-copy views)."""
        return <size_t>self.ptr

    def header(self):
        return {
            "version": self.idx.version,
            "big_endian": bool(self.idx.big_endian),
            "alignment": self.idx.alignment,
            "data_offset": self.idx.data_offset,
            "n_kv": self.idx.n_kv,
            "n_tensors": self.idx.n_tensors,
            "size": self.size,
        }

    def kv_entries(self):
        """[(key, type, elem_type, value_off, count, record_off, value_end)] in file order."""
        cdef uint64_t i
        cdef gk_gguf_kv *kv
        out = []
        for i in range(self.idx.n_kv):
            kv = &self.idx.kv[i]
            key = PyUnicode_DecodeUTF8(<const char *>self.ptr + kv.key_off, <Py_ssize_t>kv.key_len, NULL)
            out.append((key, kv.type, kv.elem_type, kv.value_off, kv.count, kv.record_off, kv.value_end))
        return out

    def tensor_entries(self):
        """[(name, type id, ne (ggml order), offset in data section, nbytes, n_elements, record_off)]."""
        cdef uint64_t i
        cdef uint32_t j
        cdef gk_gguf_tensor *t
        out = []
        for i in range(self.idx.n_tensors):
            t = &self.idx.tensors[i]
            name = PyUnicode_DecodeUTF8(<const char *>self.ptr + t.name_off, <Py_ssize_t>t.name_len, NULL)
            ne = tuple([t.ne[j] for j in range(t.n_dims)])
            out.append((name, t.type, ne, t.offset, t.nbytes, t.n_elements, t.record_off))
        return out

    cdef int _check(self, uint64_t off, uint64_t n) except -1:
        if off > self.size or n > self.size - off:
            raise IndexError(f"bytes [{off}, +{n}) are outside the file ({self.size} bytes)")
        return 0

    def scalar(self, uint32_t type, uint64_t off):
        """The scalar metadata value of this type at off, as a Python int, float or bool."""
        cdef int n = gk_gguf_scalar_size(type)
        cdef int be = self.idx.big_endian
        cdef uint32_t u32
        cdef uint64_t u64
        cdef float f32
        cdef double f64
        if n == 0:
            raise ValueError(f"value type {type} is not a scalar")
        self._check(off, n)
        cdef const uint8_t *p = self.ptr + off
        if type == 0:
            return p[0]
        if type == 1:
            return <int8_t>p[0]
        if type == 7:
            return p[0] != 0
        if type == 2 or type == 3:
            u32 = (<uint32_t>p[0] << 8 | p[1]) if be else (<uint32_t>p[1] << 8 | p[0])
            return <uint16_t>u32 if type == 2 else <int16_t><uint16_t>u32
        if type == 4 or type == 5 or type == 6:
            u32 = gk_gguf_read_u32(p, be)
            if type == 4:
                return u32
            if type == 5:
                return <int32_t>u32
            memcpy(&f32, &u32, 4)
            return <double>f32
        u64 = gk_gguf_read_u64(p, be)
        if type == 10:
            return u64
        if type == 11:
            return <int64_t>u64
        memcpy(&f64, &u64, 8)
        return f64

    def string(self, uint64_t off, uint64_t n):
        """The n bytes at off decoded as UTF-8; GGUFError (with the offset) if they are not UTF-8."""
        self._check(off, n)
        try:
            return PyUnicode_DecodeUTF8(<const char *>self.ptr + off, <Py_ssize_t>n, NULL)
        except UnicodeDecodeError as e:
            raise _gguf_error(f"string value is not valid UTF-8 ({e.reason})", off + e.start) from None

    def raw(self, uint64_t off, uint64_t n):
        self._check(off, n)
        return (<const char *>self.ptr)[off:off + n]

    def array_header(self, uint64_t off):
        """(element type, count, offset of the first element) of the array value at off."""
        self._check(off, 12)
        return (gk_gguf_read_u32(self.ptr + off, self.idx.big_endian),
                gk_gguf_read_u64(self.ptr + off + 4, self.idx.big_endian), off + 12)

    def value_end(self, uint32_t type, uint64_t off):
        cdef uint64_t e = gk_gguf_value_end(self.ptr, self.size, off, type, self.idx.big_endian)
        if e == 0:
            raise _gguf_error("value goes past the end of the file", off)
        return e


cdef class StringArray:
    """A metadata array of strings, decoded on access (``len``, indexing, slicing, iteration).

    The offsets of the strings are found on the first random access (one pass over the array)."""
    cdef Mapping mapping
    cdef uint64_t first
    cdef uint64_t count
    cdef uint64_t *offs

    def __cinit__(self, Mapping mapping, uint64_t first, uint64_t count):
        self.mapping = mapping
        self.first = first
        self.count = count
        self.offs = NULL

    def __dealloc__(self):
        free(self.offs)

    cdef int _index(self) except -1:
        if self.offs != NULL or self.count == 0:
            return 0
        cdef uint64_t *o = <uint64_t *>malloc(self.count * sizeof(uint64_t))
        if o == NULL:
            raise MemoryError()
        cdef int rc
        with nogil:
            rc = gk_gguf_string_offsets(self.mapping.ptr, self.mapping.size, self.first, self.count,
                                        self.mapping.idx.big_endian, o)
        if rc != 0:
            free(o)
            raise _gguf_error("string array goes past the end of the file", self.first)
        if self.offs != NULL:  # another thread built it while the GIL was released
            free(o)
        else:
            self.offs = o
        return 0

    def __len__(self):
        return self.count

    cdef object _decode_at(self, uint64_t off):
        cdef uint64_t n = gk_gguf_read_u64(self.mapping.ptr + off, self.mapping.idx.big_endian)
        return self.mapping.string(off + 8, n)

    def __getitem__(self, index):
        cdef Py_ssize_t i
        if isinstance(index, slice):
            return [self[k] for k in range(*index.indices(<Py_ssize_t>self.count))]
        i = index
        if i < 0:
            i += <Py_ssize_t>self.count
        if i < 0 or <uint64_t>i >= self.count:
            raise IndexError("string array index out of range")
        self._index()
        return self._decode_at(self.offs[i])

    def raw(self, index):
        """The bytes of one element (for strings that are not UTF-8)."""
        cdef Py_ssize_t i = index
        if i < 0:
            i += <Py_ssize_t>self.count
        if i < 0 or <uint64_t>i >= self.count:
            raise IndexError("string array index out of range")
        self._index()
        cdef uint64_t off = self.offs[i]
        cdef uint64_t n = gk_gguf_read_u64(self.mapping.ptr + off, self.mapping.idx.big_endian)
        return self.mapping.raw(off + 8, n)

    def __iter__(self):
        # A sequential walk needs no offset table.
        cdef uint64_t off = self.first
        cdef uint64_t i, n
        cdef uint64_t size = self.mapping.size
        for i in range(self.count):
            if off > size or size - off < 8:
                raise _gguf_error("string array goes past the end of the file", off)
            n = gk_gguf_read_u64(self.mapping.ptr + off, self.mapping.idx.big_endian)
            yield self.mapping.string(off + 8, n)
            off += 8 + n

    def tolist(self):
        return list(self)

    def __contains__(self, value):
        for s in self:
            if s == value:
                return True
        return False

    def __eq__(self, other):
        if isinstance(other, StringArray):
            other = list(other)
        try:
            return len(other) == <Py_ssize_t>self.count and list(self) == list(other)
        except TypeError:
            return NotImplemented

    def __repr__(self):
        n = <Py_ssize_t>self.count
        head = [self[i] for i in range(min(n, 3))]
        more = ", ..." if n > 3 else ""
        return f"StringArray({n} strings: {', '.join(map(repr, head))}{more})"
