/* The GGUF parser: a pure function over (pointer, length) that returns an index of the file.
 *
 * Nothing is copied: keys, names and string values are (offset, length) pairs into the caller's
 * bytes, decoded on access. Every count, length, offset and dimension is checked against the bytes
 * that remain BEFORE anything is allocated for it, so a 43-byte file that claims 2^62 entries fails
 * at once. Versions 2 and 3, little- and big-endian (the byte order is detected from the version
 * field, as ggml and gguf-py do). Nothing here aborts, prints or exits. */
#ifndef GK_GGUF_H
#define GK_GGUF_H
#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum gk_gguf_value_type {
    GK_GGUF_UINT8 = 0, GK_GGUF_INT8 = 1, GK_GGUF_UINT16 = 2, GK_GGUF_INT16 = 3,
    GK_GGUF_UINT32 = 4, GK_GGUF_INT32 = 5, GK_GGUF_FLOAT32 = 6, GK_GGUF_BOOL = 7,
    GK_GGUF_STRING = 8, GK_GGUF_ARRAY = 9, GK_GGUF_UINT64 = 10, GK_GGUF_INT64 = 11,
    GK_GGUF_FLOAT64 = 12, GK_GGUF_VALUE_TYPE_COUNT = 13
};

enum gk_gguf_status {
    GK_GGUF_OK = 0,
    GK_GGUF_ERR_FORMAT = 1,   /* malformed or unsupported file: message + offset say what and where */
    GK_GGUF_ERR_NOMEM = 2     /* the index itself could not be allocated */
};

#define GK_GGUF_MAX_DIMS 4
#define GK_GGUF_MAX_NESTING 64     /* arrays of arrays deeper than this are refused (bounded recursion) */
#define GK_GGUF_DEFAULT_ALIGNMENT 32

typedef struct gk_gguf_kv {
    uint64_t record_off;  /* where the key/value record starts (the key's length prefix) */
    uint64_t key_off;     /* the key's bytes (UTF-8, checked) */
    uint64_t key_len;
    uint64_t value_off;   /* scalar: its bytes; string: its bytes (after the length); array: its first element */
    uint64_t value_end;   /* one past the value */
    uint64_t count;       /* string: byte length; array: number of elements; scalar: 1 */
    uint32_t type;        /* enum gk_gguf_value_type */
    uint32_t elem_type;   /* array element type (arrays only) */
} gk_gguf_kv;

typedef struct gk_gguf_tensor {
    uint64_t record_off;  /* where the tensor info starts */
    uint64_t name_off;
    uint64_t name_len;
    uint32_t n_dims;
    int32_t type;         /* ggml type id (valid, see gk_types.h) */
    int64_t ne[GK_GGUF_MAX_DIMS];  /* fastest-varying first; 1 past n_dims */
    int64_t n_elements;
    uint64_t offset;      /* relative to the data section */
    uint64_t nbytes;
} gk_gguf_tensor;

typedef struct gk_gguf_index {
    uint32_t version;
    int big_endian;       /* the file's byte order (not the host's) */
    uint64_t n_kv;
    uint64_t n_tensors;
    uint64_t alignment;
    uint64_t data_offset; /* absolute start of the (aligned) data section; may exceed the file size if n_tensors == 0 */
    gk_gguf_kv *kv;
    gk_gguf_tensor *tensors;
    /* on error */
    int status;
    uint64_t error_offset;
    char message[256];
} gk_gguf_index;

/* Parse data[0:len] into *idx. Returns idx->status (GK_GGUF_OK or an error with message and offset).
 * Call gk_gguf_free(idx) afterwards in every case. */
int gk_gguf_parse(const uint8_t *data, uint64_t len, gk_gguf_index *idx);
void gk_gguf_free(gk_gguf_index *idx);

/* Helpers for values the parser already validated (they still never read out of bounds). */

/* One past the value of `type` starting at off; 0 if it does not fit. */
uint64_t gk_gguf_value_end(const uint8_t *data, uint64_t len, uint64_t off, uint32_t type, int big_endian);

/* The offsets of the length prefixes of `count` consecutive strings starting at off, into offs.
 * Returns 0, or -1 if a string does not fit. */
int gk_gguf_string_offsets(const uint8_t *data, uint64_t len, uint64_t off, uint64_t count, int big_endian,
                           uint64_t *offs);

uint64_t gk_gguf_read_u64(const uint8_t *p, int big_endian);
uint32_t gk_gguf_read_u32(const uint8_t *p, int big_endian);

/* Bytes of one scalar value of this type; 0 for STRING/ARRAY/invalid. */
int gk_gguf_scalar_size(uint32_t type);

/* 1 if s[0:n] is valid UTF-8 (as Python's strict decoder sees it). */
int gk_utf8_valid(const uint8_t *s, uint64_t n);

#ifdef __cplusplus
}
#endif
#endif
