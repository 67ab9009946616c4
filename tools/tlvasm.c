/* tools/tlvasm.c — `tlvasm -o OUT.der IN.tlv [IN2.tlv ...]`: compile human-readable TLV
 * sources (profiles/README.md) into DER; several inputs are compiled one by one and
 * concatenated (a profile made of parts). Exit 0 on success, 1 on a source error
 * (message "file:line: ..." on stderr, no output file written), 2 on usage/IO errors. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/tlvasm.h"

#define SRC_MAX ((size_t)16u * 1024 * 1024)

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap) {
            if (ferror(f)) {
                free(buf);
                buf = NULL;
            }
            break;
        }
        if (cap >= SRC_MAX) {
            free(buf);
            buf = NULL;
            break;
        }
        char *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* Compile one source, appending to *out (grown as needed). 0, 1 (source) or 2 (IO). */
static int compile_file(const char *path, uint8_t **out, size_t *out_len, size_t *out_cap)
{
    size_t len;
    char *src = read_all(path, &len);
    char err[256];
    if (!src) {
        fprintf(stderr, "tlvasm: cannot read %s\n", path);
        return 2;
    }
    for (;;) {
        size_t n;
        int rc = tlvasm_compile(src, len, path, *out + *out_len, *out_cap - *out_len, &n,
                                err, sizeof err);
        if (rc == TLVASM_OK) {
            *out_len += n;
            free(src);
            return 0;
        }
        if (rc == TLVASM_ESYNTAX) {
            fprintf(stderr, "%s\n", err);
            free(src);
            return 1;
        }
        size_t cap = *out_cap * 2;
        uint8_t *nb = cap > *out_cap ? realloc(*out, cap) : NULL;
        if (!nb) {
            fprintf(stderr, "tlvasm: out of memory\n");
            free(src);
            return 2;
        }
        *out = nb;
        *out_cap = cap;
    }
}

int main(int argc, char **argv)
{
    const char *out_path = NULL;
    int first = 1;
    if (argc >= 3 && strcmp(argv[1], "-o") == 0) {
        out_path = argv[2];
        first = 3;
    }
    if (!out_path || first >= argc) {
        fprintf(stderr, "usage: tlvasm -o OUT.der IN.tlv [IN2.tlv ...]\n");
        return 2;
    }
    size_t cap = 65536, len = 0;
    uint8_t *out = malloc(cap);
    if (!out)
        return 2;
    for (int i = first; i < argc; i++) {
        int rc = compile_file(argv[i], &out, &len, &cap);
        if (rc != 0) {
            free(out);
            return rc;
        }
    }
    FILE *f = fopen(out_path, "wb");
    bool ok = f != NULL;
    if (ok)
        ok = fwrite(out, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok) {
        fprintf(stderr, "tlvasm: cannot write %s\n", out_path);
        if (f)
            remove(out_path);
        free(out);
        return 2;
    }
    free(out);
    return 0;
}
