/* tests/fuzz/seeds/make_fs_seeds.c — the `profile_image` fuzz target's seeds: the
 * project's own profiles (the .der files tlvasm builds from profiles/) run through the profile
 * package interpreter, their file systems serialised (fs_serialize) and written in the
 * target's input format (one selector octet, then the blob). Deterministic: re-running
 * gives the same files.
 *   make_fs_seeds OUT_DIR PROFILE.der... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card/fs.h"
#include "card/profile_image.h"
#include "card/tlv.h"
#include "ppi/ppi.h"

static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1u << 20;
    uint8_t *p = malloc(cap);
    *len = p ? fread(p, 1, cap, f) : 0;
    fclose(f);
    return p;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: make_fs_seeds OUT_DIR PROFILE.der...\n");
        return 2;
    }
    int rc = 0;
    for (int a = 2; a < argc; a++) {
        size_t len = 0;
        uint8_t *upp = read_all(argv[a], &len);
        struct tlv hdr, iccid;
        uint8_t meta[10];
        if (!upp || !tlv_parse(upp, len, &hdr) || !tlv_find(hdr.value, hdr.len, 0x83, &iccid) ||
            iccid.len != 10) {
            fprintf(stderr, "make_fs_seeds: %s: not a profile package\n", argv[a]);
            free(upp);
            rc = 1;
            continue;
        }
        for (int i = 0; i < 10; i++)            /* metadata ICCID: nibble-swapped header */
            meta[i] = (uint8_t)(iccid.value[i] << 4 | iccid.value[i] >> 4);
        struct ppi_install *p = ppi_install_begin(meta, 1u << 20);
        uint8_t resp[512];
        struct tlv_writer w;
        tlv_writer_init(&w, resp, sizeof resp);
        const struct profile_image *img = NULL;
        if (p && ppi_install_feed(p, upp, len) == PPI_OK && ppi_install_finish(p, &w) == PPI_OK)
            img = ppi_install_image(p);
        uint8_t *blob = NULL;
        size_t blen = 0;
        if (img && fs_serialize(&img->fs, &blob, &blen) == 0) {
            const char *base = strrchr(argv[a], '/');
            char path[1024];
            snprintf(path, sizeof path, "%s/%s.fs", argv[1], base ? base + 1 : argv[a]);
            FILE *f = fopen(path, "wb");
            uint8_t sel = 0;
            if (!f || fwrite(&sel, 1, 1, f) != 1 || fwrite(blob, 1, blen, f) != blen)
                rc = 1;
            else
                printf("make_fs_seeds: %s (%zu octets)\n", path, blen + 1);
            if (f)
                fclose(f);
        } else {
            printf("make_fs_seeds: %s refused by the interpreter (skipped)\n", argv[a]);
        }
        free(blob);
        ppi_install_free(p);
        free(upp);
    }
    return rc;
}
