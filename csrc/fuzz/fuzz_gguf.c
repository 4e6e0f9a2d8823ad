/* libFuzzer entry point over the GGUF parser (not built by CMake).
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Icsrc/include -Icsrc/core \
 *         csrc/fuzz/fuzz_gguf.c csrc/core/gguf.c csrc/core/types.c -o fuzz_gguf
 *   ./fuzz_gguf -dict=csrc/fuzz/gguf.dict corpus/
 *
 * Without clang: add -DGK_FUZZ_STANDALONE and build with gcc -fsanitize=address,undefined; the
 * binary then parses each file named on its command line. */
#include "ggufkit/gk_gguf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    gk_gguf_index idx;
    if (gk_gguf_parse(data, size, &idx) == GK_GGUF_OK) {
        /* walk what the lazy decoders walk, on the validated index */
        for (uint64_t i = 0; i < idx.n_kv; i++) {
            const gk_gguf_kv *kv = &idx.kv[i];
            if (kv->type == GK_GGUF_ARRAY && kv->elem_type == GK_GGUF_STRING && kv->count) {
                uint64_t *offs = malloc(kv->count * sizeof *offs);
                if (offs && gk_gguf_string_offsets(data, size, kv->value_off, kv->count, idx.big_endian, offs) != 0)
                    abort(); /* the parser validated these strings */
                free(offs);
            }
            if (kv->type == GK_GGUF_ARRAY &&
                gk_gguf_value_end(data, size, kv->value_off - 12, GK_GGUF_ARRAY, idx.big_endian) != kv->value_end)
                abort();
        }
        for (uint64_t i = 0; i < idx.n_tensors; i++) {
            const gk_gguf_tensor *t = &idx.tensors[i];
            if (idx.data_offset + t->offset + t->nbytes > size) abort();
        }
    } else if (idx.error_offset > size + 4096 || !idx.message[0]) {
        abort();
    }
    gk_gguf_free(&idx);
    return 0;
}

#ifdef GK_FUZZ_STANDALONE
int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) { perror(argv[i]); return 2; }
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        uint8_t *buf = malloc(n ? (size_t)n : 1);
        if (fread(buf, 1, (size_t)n, f) != (size_t)n) { fclose(f); return 2; }
        fclose(f);
        LLVMFuzzerTestOneInput(buf, (size_t)n);
        free(buf);
    }
    return 0;
}
#endif
