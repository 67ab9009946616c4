/* Fuzz target: the persistent form of a profile's file system (card/fs.h
 * fs_deserialize, fs_file_state_decode). Whatever is accepted must be a valid tree:
 * it re-serialises, reads back to the same serialisation, and survives lookups and the
 * removal of a subtree. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "card/fs.h"

static void check_roundtrip(const struct fs *fs)
{
    uint8_t *p = NULL, *q = NULL;
    size_t len = 0, len2 = 0;
    struct fs b;
    if (fs_serialize(fs, &p, &len) != 0 || fs_deserialize(&b, p, len) != 0)
        abort();
    if (fs_serialize(&b, &q, &len2) != 0 || len2 != len || memcmp(p, q, len) != 0)
        abort();
    free(p);
    free(q);
    fs_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fs fs;
    /* first octet: which file a trailing state applies to (state = last 1/4 of input) */
    if (size < 1)
        return 0;
    uint8_t sel = data[0];
    const uint8_t *blob = data + 1;
    size_t blen = size - 1;
    if (fs_deserialize(&fs, blob, blen) == 0) {
        check_roundtrip(&fs);
        for (size_t i = 0; i < fs.n; i++) {
            if (fs_content_of(&fs, (int)i) == FS_NONE)
                abort();
            const struct fs_file *f = &fs.files[i];
            if (f->parent != FS_NONE && fs_child(&fs, f->parent, f->fid) == FS_NONE &&
                f->fid != 0)
                abort();
        }
        if (fs.n) {
            (void)fs_find_adf(&fs, blob, blen < 16 ? blen : 16, sel & 3);
            fs_remove(&fs, (int)(sel % fs.n));
            check_roundtrip(&fs);
        }
        fs_free(&fs);
        return 0;
    }
    /* not a tree: use the input as a file state on a small fixed tree */
    fs_init(&fs);
    struct fs_file f;
    memset(&f, 0, sizeof f);
    f.parent = f.link = FS_NONE;
    f.type = FS_MF;
    (void)fs_add(&fs, &f);
    static const struct { enum fs_type t; uint16_t rl, rc; uint32_t size; } ef[] = {
        {FS_EF_TRANSPARENT, 0, 0, 40}, {FS_EF_LINEAR, 10, 4, 40},
        {FS_EF_CYCLIC, 5, 3, 15}, {FS_EF_BERTLV, 0, 0, 300},
    };
    for (size_t i = 0; i < 4; i++) {
        f.type = ef[i].t;
        f.fid = (uint16_t)(0x6F01 + i);
        f.parent = 0;
        f.rec_len = ef[i].rl;
        f.rec_count = ef[i].rc;
        f.size = ef[i].size;
        (void)fs_add(&fs, &f);
    }
    int idx = (int)(sel % fs.n);
    if (fs_file_state_decode(&fs, idx, blob, blen) == 0) {
        uint8_t *p = NULL;
        size_t len = 0;
        if (fs_file_state_encode(&fs, idx, &p, &len) != 0)
            abort();
        free(p);
        check_roundtrip(&fs);
    }
    fs_free(&fs);
    return 0;
}
