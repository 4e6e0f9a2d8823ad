/* The GGUF parser (see gk_gguf.h). One pass over the header; every read is bounds-checked against
 * the bytes that remain, and every count is checked against what those bytes could possibly hold
 * before the index is allocated for it. */
#include "ggufkit/gk_gguf.h"
#include "ggufkit/gk_types.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Smallest possible encodings, used to bound counts before allocating or looping. */
#define MIN_KV_BYTES 13      /* key length (8) + 0-byte key + value type (4) + 1-byte value */
#define MIN_TENSOR_BYTES 24  /* name length (8) + n_dims (4) + type (4) + offset (8) */
#define MIN_ARRAY_BYTES 12   /* element type (4) + count (8) */

static const char *const VALUE_TYPE_NAMES[GK_GGUF_VALUE_TYPE_COUNT] = {
    "UINT8", "INT8", "UINT16", "INT16", "UINT32", "INT32", "FLOAT32", "BOOL",
    "STRING", "ARRAY", "UINT64", "INT64", "FLOAT64",
};

static const int SCALAR_SIZE[GK_GGUF_VALUE_TYPE_COUNT] = { 1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8 };

int gk_gguf_scalar_size(uint32_t type) {
    return type < GK_GGUF_VALUE_TYPE_COUNT ? SCALAR_SIZE[type] : 0;
}

uint32_t gk_gguf_read_u32(const uint8_t *p, int be) {
    if (be) return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

uint64_t gk_gguf_read_u64(const uint8_t *p, int be) {
    uint64_t a = gk_gguf_read_u32(p, be), b = gk_gguf_read_u32(p + 4, be);
    return be ? (a << 32 | b) : (b << 32 | a);
}

int gk_utf8_valid(const uint8_t *s, uint64_t n) {
    uint64_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        if (c < 0x80) { i++; continue; }
        int extra;
        uint32_t lo = 0x80, hi = 0xBF; /* allowed range of the first continuation byte */
        if (c >= 0xC2 && c <= 0xDF) extra = 1;
        else if (c == 0xE0) { extra = 2; lo = 0xA0; }
        else if (c >= 0xE1 && c <= 0xEC) extra = 2;
        else if (c == 0xED) { extra = 2; hi = 0x9F; }          /* no surrogates */
        else if (c >= 0xEE && c <= 0xEF) extra = 2;
        else if (c == 0xF0) { extra = 3; lo = 0x90; }
        else if (c >= 0xF1 && c <= 0xF3) extra = 3;
        else if (c == 0xF4) { extra = 3; hi = 0x8F; }          /* <= U+10FFFF */
        else return 0;
        if (n - i <= (uint64_t)extra) return 0;
        if (s[i + 1] < lo || s[i + 1] > hi) return 0;
        for (int k = 2; k <= extra; k++)
            if ((s[i + k] & 0xC0) != 0x80) return 0;
        i += (uint64_t)extra + 1;
    }
    return 1;
}

/* ---- the cursor ------------------------------------------------------------------------------ */

typedef struct reader {
    const uint8_t *p;
    uint64_t len;
    uint64_t pos;
    int be;
    gk_gguf_index *idx;
} reader;

static int fail(reader *r, uint64_t off, const char *fmt, ...) {
    gk_gguf_index *idx = r->idx;
    if (idx->status != GK_GGUF_OK) return idx->status; /* keep the first error */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(idx->message, sizeof idx->message, fmt, ap);
    va_end(ap);
    idx->status = GK_GGUF_ERR_FORMAT;
    idx->error_offset = off;
    return idx->status;
}

static uint64_t remaining(const reader *r) { return r->len - r->pos; }

static int need(reader *r, uint64_t n, const char *what) {
    if (n > remaining(r))
        return fail(r, r->pos, "file truncated: %s needs %llu bytes, %llu remain", what,
                    (unsigned long long)n, (unsigned long long)remaining(r));
    return 0;
}

static int rd_u32(reader *r, uint32_t *v, const char *what) {
    if (need(r, 4, what)) return 1;
    *v = gk_gguf_read_u32(r->p + r->pos, r->be);
    r->pos += 4;
    return 0;
}

static int rd_u64(reader *r, uint64_t *v, const char *what) {
    if (need(r, 8, what)) return 1;
    *v = gk_gguf_read_u64(r->p + r->pos, r->be);
    r->pos += 8;
    return 0;
}

/* A length-prefixed string: records (offset of bytes, length) and skips it. */
static int rd_string(reader *r, uint64_t *off, uint64_t *n, const char *what) {
    uint64_t at = r->pos;
    if (rd_u64(r, n, what)) return 1;
    if (*n > remaining(r))
        return fail(r, at, "%s: string length %llu goes past the end of the file (%llu bytes remain)", what,
                    (unsigned long long)*n, (unsigned long long)remaining(r));
    *off = r->pos;
    r->pos += *n;
    return 0;
}

static const char *vt_name(uint32_t t) { return t < GK_GGUF_VALUE_TYPE_COUNT ? VALUE_TYPE_NAMES[t] : "?"; }

/* Skips one value of `type` (already read). Counts are bounded by the bytes that remain before any
 * loop, so an absurd count fails at once instead of spinning. */
static int skip_value(reader *r, uint32_t type, uint64_t type_off, int depth) {
    if (type >= GK_GGUF_VALUE_TYPE_COUNT)
        return fail(r, type_off, "unknown metadata value type %u", type);
    if (SCALAR_SIZE[type]) {
        if (need(r, (uint64_t)SCALAR_SIZE[type], vt_name(type))) return 1;
        r->pos += (uint64_t)SCALAR_SIZE[type];
        return 0;
    }
    if (type == GK_GGUF_STRING) {
        uint64_t off, n;
        return rd_string(r, &off, &n, "string value");
    }
    /* array */
    uint64_t at = r->pos;
    uint32_t et;
    uint64_t count;
    if (depth >= GK_GGUF_MAX_NESTING)
        return fail(r, at, "arrays nested deeper than %d levels", GK_GGUF_MAX_NESTING);
    if (rd_u32(r, &et, "array element type")) return 1;
    if (et >= GK_GGUF_VALUE_TYPE_COUNT)
        return fail(r, at, "unknown array element type %u", et);
    if (rd_u64(r, &count, "array length")) return 1;
    uint64_t min = SCALAR_SIZE[et] ? (uint64_t)SCALAR_SIZE[et] : et == GK_GGUF_STRING ? 8 : MIN_ARRAY_BYTES;
    if (count > remaining(r) / min)
        return fail(r, at + 4, "array of %llu %s elements goes past the end of the file (%llu bytes remain)",
                    (unsigned long long)count, vt_name(et), (unsigned long long)remaining(r));
    if (SCALAR_SIZE[et]) {
        r->pos += count * min;
        return 0;
    }
    for (uint64_t i = 0; i < count; i++) {
        if (et == GK_GGUF_STRING) {
            uint64_t off, n;
            if (rd_string(r, &off, &n, "string array element")) return 1;
        } else if (skip_value(r, GK_GGUF_ARRAY, at, depth + 1)) {
            return 1;
        }
    }
    return 0;
}

/* ---- duplicate detection: an open-addressing hash set of (offset, length) byte strings ------- */

static uint64_t hash_bytes(const uint8_t *s, uint64_t n) {
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (uint64_t i = 0; i < n; i++) h = (h ^ s[i]) * 1099511628211ULL;
    return h;
}

/* Returns the index of an equal earlier entry, -1 if new (and inserts it), -2 on allocation failure. */
typedef struct strset { uint64_t *slot; uint64_t mask; } strset;

static int strset_init(strset *s, uint64_t n) {
    uint64_t cap = 16;
    while (cap < 2 * n) cap <<= 1;
    s->slot = calloc(cap, sizeof *s->slot);
    s->mask = cap - 1;
    return s->slot ? 0 : -1;
}

static int64_t strset_add(strset *s, const uint8_t *base, const uint64_t *offs, const uint64_t *lens,
                          size_t stride, uint64_t i) {
#define OFF(k) (*(const uint64_t *)((const char *)offs + (k) * stride))
#define LEN(k) (*(const uint64_t *)((const char *)lens + (k) * stride))
    uint64_t h = hash_bytes(base + OFF(i), LEN(i)) & s->mask;
    for (;;) {
        uint64_t v = s->slot[h];
        if (!v) { s->slot[h] = i + 1; return -1; }
        uint64_t j = v - 1;
        if (LEN(j) == LEN(i) && memcmp(base + OFF(j), base + OFF(i), LEN(i)) == 0) return (int64_t)j;
        h = (h + 1) & s->mask;
    }
#undef OFF
#undef LEN
}

/* ---- tensors ---------------------------------------------------------------------------------- */

static const char *removed_type_name(int64_t t) {
    switch (t) {
    case 4: return "Q4_2"; case 5: return "Q4_3";
    case 31: return "Q4_0_4_4"; case 32: return "Q4_0_4_8"; case 33: return "Q4_0_8_8";
    case 36: return "IQ4_NL_4_4"; case 37: return "IQ4_NL_4_8"; case 38: return "IQ4_NL_8_8";
    default: return 0;
    }
}

/* Prints a tensor name for messages: at most 64 bytes. */
#define NAME_FMT "'%.*s'"
#define NAME_ARG(r, t) (int)((t)->name_len > 64 ? 64 : (t)->name_len), (const char *)(r)->p + (t)->name_off

static int rd_tensor_info(reader *r, gk_gguf_tensor *t) {
    t->record_off = r->pos;
    if (rd_string(r, &t->name_off, &t->name_len, "tensor name")) return 1;
    if (!gk_utf8_valid(r->p + t->name_off, t->name_len))
        return fail(r, t->record_off, "tensor name is not valid UTF-8");
    uint64_t dims_at = r->pos;
    if (rd_u32(r, &t->n_dims, "tensor n_dims")) return 1;
    if (t->n_dims > GK_GGUF_MAX_DIMS)
        return fail(r, dims_at, "tensor " NAME_FMT " has %u dimensions (at most %d)", NAME_ARG(r, t), t->n_dims,
                    GK_GGUF_MAX_DIMS);
    for (int j = 0; j < GK_GGUF_MAX_DIMS; j++) {
        t->ne[j] = 1;
        if ((uint32_t)j < t->n_dims) {
            uint64_t at = r->pos, v;
            if (rd_u64(r, &v, "tensor dimension")) return 1;
            if (v > (uint64_t)INT64_MAX)
                return fail(r, at, "tensor " NAME_FMT " dimension %d is %llu (negative as int64)", NAME_ARG(r, t), j,
                            (unsigned long long)v);
            t->ne[j] = (int64_t)v;
        }
    }
    /* element count: overflow-checked (a zero dimension makes it 0, which is fine) */
    int64_t n = 1;
    int zero = 0;
    for (int j = 0; j < GK_GGUF_MAX_DIMS; j++) if (t->ne[j] == 0) zero = 1;
    for (int j = 0; j < GK_GGUF_MAX_DIMS && !zero; j++) {
        if (__builtin_mul_overflow(n, t->ne[j], &n))
            return fail(r, dims_at, "tensor " NAME_FMT " element count overflows int64 (shape %lld x %lld x %lld x %lld)",
                        NAME_ARG(r, t), (long long)t->ne[0], (long long)t->ne[1], (long long)t->ne[2],
                        (long long)t->ne[3]);
    }
    t->n_elements = zero ? 0 : n;
    uint64_t type_at = r->pos;
    uint32_t ty;
    if (rd_u32(r, &ty, "tensor type")) return 1;
    const gk_type_info *info = gk_type_get((int64_t)ty);
    if (!info) {
        const char *old = removed_type_name((int64_t)ty);
        if (old)
            return fail(r, type_at, "tensor " NAME_FMT " has type id %u (%s), which ggml removed", NAME_ARG(r, t), ty, old);
        return fail(r, type_at, "tensor " NAME_FMT " has unknown type id %u", NAME_ARG(r, t), ty);
    }
    t->type = (int32_t)ty;
    if (t->ne[0] % info->block_size)
        return fail(r, dims_at, "tensor " NAME_FMT " of type %s has %lld elements per row, not a multiple of the block size %d",
                    NAME_ARG(r, t), info->name, (long long)t->ne[0], info->block_size);
    /* n_elements / block_size blocks, each type_size bytes: checked, the product may not fit */
    uint64_t blocks = (uint64_t)t->n_elements / (uint64_t)info->block_size;
    if (__builtin_mul_overflow(blocks, (uint64_t)info->type_size, &t->nbytes) || t->nbytes > (uint64_t)INT64_MAX)
        return fail(r, dims_at, "tensor " NAME_FMT " size in bytes overflows", NAME_ARG(r, t));
    if (rd_u64(r, &t->offset, "tensor data offset")) return 1;
    return 0;
}

typedef struct span { uint64_t begin, end, i; } span;

static int span_cmp(const void *a, const void *b) {
    const span *x = a, *y = b;
    if (x->begin != y->begin) return x->begin < y->begin ? -1 : 1;
    if (x->end != y->end) return x->end < y->end ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

static int check_tensor_layout(reader *r) {
    gk_gguf_index *idx = r->idx;
    uint64_t n = idx->n_tensors;
    for (uint64_t i = 0; i < n; i++) {
        gk_gguf_tensor *t = &idx->tensors[i];
        /* the offset field: the last 8 bytes of the tensor's record */
        uint64_t off_at = t->record_off + 8 + t->name_len + 4 + 8 * (uint64_t)t->n_dims + 4;
        if (t->offset % idx->alignment)
            return fail(r, off_at, "tensor " NAME_FMT " data offset %llu is not a multiple of the alignment %llu",
                        NAME_ARG(r, t), (unsigned long long)t->offset, (unsigned long long)idx->alignment);
        if (idx->data_offset > r->len || t->offset > r->len - idx->data_offset ||
            t->nbytes > r->len - idx->data_offset - t->offset)
            return fail(r, off_at, "tensor " NAME_FMT " data [%llu, +%llu) lies outside the file (%llu bytes, data section at %llu)",
                        NAME_ARG(r, t), (unsigned long long)t->offset, (unsigned long long)t->nbytes,
                        (unsigned long long)r->len, (unsigned long long)idx->data_offset);
    }
    if (n < 2) return 0;
    span *s = malloc(n * sizeof *s);
    if (!s) { idx->status = GK_GGUF_ERR_NOMEM; snprintf(idx->message, sizeof idx->message, "out of memory"); return 1; }
    for (uint64_t i = 0; i < n; i++) {
        s[i].begin = idx->tensors[i].offset;
        s[i].end = idx->tensors[i].offset + idx->tensors[i].nbytes;
        s[i].i = i;
    }
    qsort(s, n, sizeof *s, span_cmp);
    uint64_t prev = n; /* the non-empty span that ends last so far */
    int rc = 0;
    for (uint64_t k = 0; k < n && !rc; k++) {
        if (s[k].end == s[k].begin) continue; /* empty tensors overlap nothing */
        if (prev != n && s[k].begin < s[prev].end) {
            gk_gguf_tensor *a = &idx->tensors[s[prev].i], *b = &idx->tensors[s[k].i];
            rc = fail(r, b->record_off, "tensor data overlaps: " NAME_FMT " [%llu, %llu) and " NAME_FMT " [%llu, %llu)",
                      NAME_ARG(r, a), (unsigned long long)s[prev].begin, (unsigned long long)s[prev].end,
                      NAME_ARG(r, b), (unsigned long long)s[k].begin, (unsigned long long)s[k].end);
        }
        if (prev == n || s[k].end > s[prev].end) prev = k;
    }
    free(s);
    return rc;
}

/* ---- the file --------------------------------------------------------------------------------- */

static int parse(reader *r) {
    gk_gguf_index *idx = r->idx;
    if (r->len < 4) return fail(r, 0, "file truncated: %llu bytes, not even the magic", (unsigned long long)r->len);
    if (memcmp(r->p, "GGUF", 4) != 0)
        return fail(r, 0, "bad magic %02x %02x %02x %02x (expected 'GGUF')", r->p[0], r->p[1], r->p[2], r->p[3]);
    r->pos = 4;
    if (need(r, 4, "version")) return 1;
    /* A version whose low 16 bits are zero was written in the other byte order (ggml, gguf-py). */
    uint32_t v = gk_gguf_read_u32(r->p + 4, 0);
    if ((v & 0xFFFF) == 0) { r->be = 1; v = gk_gguf_read_u32(r->p + 4, 1); }
    idx->big_endian = r->be;
    idx->version = v;
    if (v != 2 && v != 3)
        return fail(r, 4, "unsupported GGUF version %u (%s-endian; supported: 2, 3)", v, r->be ? "big" : "little");
    r->pos = 8;
    if (rd_u64(r, &idx->n_tensors, "tensor count")) return 1;
    if (rd_u64(r, &idx->n_kv, "metadata count")) return 1;
    /* Bound both counts by the smallest encodings before allocating anything for them. */
    if (idx->n_kv > remaining(r) / MIN_KV_BYTES)
        return fail(r, 16, "metadata count %llu is impossible: %llu bytes remain", (unsigned long long)idx->n_kv,
                    (unsigned long long)remaining(r));
    if (idx->n_tensors > (remaining(r) - idx->n_kv * MIN_KV_BYTES) / MIN_TENSOR_BYTES)
        return fail(r, 8, "tensor count %llu is impossible: %llu bytes remain", (unsigned long long)idx->n_tensors,
                    (unsigned long long)remaining(r));
    idx->kv = calloc(idx->n_kv ? idx->n_kv : 1, sizeof *idx->kv);
    idx->tensors = calloc(idx->n_tensors ? idx->n_tensors : 1, sizeof *idx->tensors);
    if (!idx->kv || !idx->tensors) {
        idx->status = GK_GGUF_ERR_NOMEM;
        snprintf(idx->message, sizeof idx->message, "out of memory for %llu metadata entries and %llu tensors",
                 (unsigned long long)idx->n_kv, (unsigned long long)idx->n_tensors);
        return 1;
    }

    int64_t alignment_kv = -1;
    for (uint64_t i = 0; i < idx->n_kv; i++) {
        gk_gguf_kv *kv = &idx->kv[i];
        kv->record_off = r->pos;
        if (rd_string(r, &kv->key_off, &kv->key_len, "metadata key")) return 1;
        if (kv->key_len == 0) return fail(r, kv->record_off, "metadata key %llu is empty", (unsigned long long)i);
        if (!gk_utf8_valid(r->p + kv->key_off, kv->key_len))
            return fail(r, kv->record_off, "metadata key %llu is not valid UTF-8", (unsigned long long)i);
        uint64_t type_at = r->pos;
        if (rd_u32(r, &kv->type, "metadata value type")) return 1;
        if (kv->type >= GK_GGUF_VALUE_TYPE_COUNT)
            return fail(r, type_at, "metadata key '%.*s' has unknown value type %u", (int)(kv->key_len > 64 ? 64 : kv->key_len),
                        (const char *)r->p + kv->key_off, kv->type);
        if (kv->type == GK_GGUF_ARRAY) {
            uint64_t start = r->pos;
            if (skip_value(r, GK_GGUF_ARRAY, type_at, 0)) return 1;
            kv->elem_type = gk_gguf_read_u32(r->p + start, r->be);
            kv->count = gk_gguf_read_u64(r->p + start + 4, r->be);
            kv->value_off = start + MIN_ARRAY_BYTES;
        } else if (kv->type == GK_GGUF_STRING) {
            if (rd_string(r, &kv->value_off, &kv->count, "string value")) return 1;
        } else {
            kv->value_off = r->pos;
            kv->count = 1;
            if (skip_value(r, kv->type, type_at, 0)) return 1;
        }
        kv->value_end = r->pos;
        if (kv->key_len == 17 && memcmp(r->p + kv->key_off, "general.alignment", 17) == 0) alignment_kv = (int64_t)i;
    }

    idx->alignment = GK_GGUF_DEFAULT_ALIGNMENT;
    if (alignment_kv >= 0) {
        gk_gguf_kv *kv = &idx->kv[alignment_kv];
        if (kv->type != GK_GGUF_UINT32)
            return fail(r, kv->record_off, "general.alignment must be UINT32, not %s", vt_name(kv->type));
        uint32_t a = gk_gguf_read_u32(r->p + kv->value_off, r->be);
        if (a == 0 || (a & (a - 1)))
            return fail(r, kv->value_off, "general.alignment %u is not a power of two", a);
        idx->alignment = a;
    }

    for (uint64_t i = 0; i < idx->n_tensors; i++)
        if (rd_tensor_info(r, &idx->tensors[i])) return 1;

    /* The data section starts at the next multiple of the alignment (absolute file offset). */
    idx->data_offset = (r->pos + idx->alignment - 1) / idx->alignment * idx->alignment;

    /* Duplicate keys and tensor names. */
    strset set;
    if (strset_init(&set, idx->n_kv)) { idx->status = GK_GGUF_ERR_NOMEM; return 1; }
    for (uint64_t i = 0; i < idx->n_kv; i++) {
        int64_t j = strset_add(&set, r->p, &idx->kv[0].key_off, &idx->kv[0].key_len, sizeof(gk_gguf_kv), i);
        if (j >= 0) {
            gk_gguf_kv *kv = &idx->kv[i];
            free(set.slot);
            return fail(r, kv->record_off, "duplicate metadata key '%.*s' (first at offset %llu)",
                        (int)(kv->key_len > 64 ? 64 : kv->key_len), (const char *)r->p + kv->key_off,
                        (unsigned long long)idx->kv[j].record_off);
        }
    }
    free(set.slot);
    if (strset_init(&set, idx->n_tensors)) { idx->status = GK_GGUF_ERR_NOMEM; return 1; }
    for (uint64_t i = 0; i < idx->n_tensors; i++) {
        int64_t j = strset_add(&set, r->p, &idx->tensors[0].name_off, &idx->tensors[0].name_len, sizeof(gk_gguf_tensor), i);
        if (j >= 0) {
            gk_gguf_tensor *t = &idx->tensors[i];
            free(set.slot);
            return fail(r, t->record_off, "duplicate tensor name " NAME_FMT " (first at offset %llu)", NAME_ARG(r, t),
                        (unsigned long long)idx->tensors[j].record_off);
        }
    }
    free(set.slot);

    return check_tensor_layout(r);
}

int gk_gguf_parse(const uint8_t *data, uint64_t len, gk_gguf_index *idx) {
    memset(idx, 0, sizeof *idx);
    reader r = { data, len, 0, 0, idx };
    if (!data && len) { fail(&r, 0, "no data"); return idx->status; }
    parse(&r);
    if (idx->status == GK_GGUF_ERR_NOMEM && !idx->message[0])
        snprintf(idx->message, sizeof idx->message, "out of memory");
    return idx->status;
}

void gk_gguf_free(gk_gguf_index *idx) {
    if (!idx) return;
    free(idx->kv);
    free(idx->tensors);
    idx->kv = 0;
    idx->tensors = 0;
}

uint64_t gk_gguf_value_end(const uint8_t *data, uint64_t len, uint64_t off, uint32_t type, int big_endian) {
    gk_gguf_index scratch;
    memset(&scratch, 0, sizeof scratch);
    reader r = { data, len, off, big_endian, &scratch };
    if (off > len || skip_value(&r, type, off, 0)) return 0;
    return r.pos;
}

int gk_gguf_string_offsets(const uint8_t *data, uint64_t len, uint64_t off, uint64_t count, int big_endian,
                           uint64_t *offs) {
    for (uint64_t i = 0; i < count; i++) {
        if (off > len || len - off < 8) return -1;
        uint64_t n = gk_gguf_read_u64(data + off, big_endian);
        if (n > len - off - 8) return -1;
        offs[i] = off;
        off += 8 + n;
    }
    return 0;
}
