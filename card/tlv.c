/* card/tlv.c — BER-TLV reader (zero-copy cursor) and DER writer (back-patched lengths). */
#include "tlv.h"

#include <stdlib.h>
#include <string.h>

bool tlv_parse_header(const uint8_t *p, size_t len, uint32_t *tag, size_t *hdr_len,
                      size_t *val_len)
{
    size_t i = 0;
    uint32_t t;

    if (p == NULL || len < 2)
        return false;
    t = p[i++];
    if ((t & 0x1F) == 0x1F) {
        /* high tag number form: subsequent octets with b8 = more; at most 2 of them */
        unsigned n = 0;
        for (;;) {
            if (i >= len || n == 2)
                return false;
            uint8_t b = p[i++];
            if (n == 0 && b == 0x80)
                return false;                 /* non-minimal tag number */
            t = (t << 8) | b;
            n++;
            if (!(b & 0x80))
                break;
        }
    }
    if (i >= len)
        return false;
    uint8_t l0 = p[i++];
    size_t vl;
    if (l0 < 0x80) {
        vl = l0;
    } else if (l0 == 0x80 || l0 > 0x84) {
        return false;                         /* indefinite or over 4 length octets */
    } else {
        unsigned n = l0 & 0x7F;
        if (len - i < n)
            return false;
        vl = 0;
        for (unsigned k = 0; k < n; k++)
            vl = (vl << 8) | p[i++];
    }
    *tag = t;
    *hdr_len = i;
    *val_len = vl;
    return true;
}

bool tlv_parse(const uint8_t *p, size_t len, struct tlv *out)
{
    uint32_t tag;
    size_t hl, vl;

    if (!tlv_parse_header(p, len, &tag, &hl, &vl))
        return false;
    if (vl > len - hl)
        return false;
    out->tag = tag;
    out->constructed = (p[0] & 0x20) != 0;
    out->value = p + hl;
    out->len = vl;
    out->raw = p;
    out->raw_len = hl + vl;
    return true;
}

void tlv_cursor_init(struct tlv_cursor *c, const uint8_t *p, size_t len)
{
    c->p = p;
    c->len = p ? len : 0;
    c->pos = 0;
    c->error = false;
}

bool tlv_next(struct tlv_cursor *c, struct tlv *out)
{
    if (c->error || c->pos >= c->len)
        return false;
    if (!tlv_parse(c->p + c->pos, c->len - c->pos, out)) {
        c->error = true;
        return false;
    }
    c->pos += out->raw_len;
    return true;
}

bool tlv_enter(const struct tlv *t, struct tlv_cursor *c)
{
    if (!t->constructed) {
        tlv_cursor_init(c, NULL, 0);
        c->error = true;
        return false;
    }
    tlv_cursor_init(c, t->value, t->len);
    return true;
}

bool tlv_find(const uint8_t *p, size_t len, uint32_t tag, struct tlv *out)
{
    struct tlv_cursor c;
    struct tlv t;

    tlv_cursor_init(&c, p, len);
    while (tlv_next(&c, &t)) {
        if (t.tag == tag) {
            *out = t;
            return true;
        }
    }
    return false;
}

bool tlv_well_formed(const uint8_t *p, size_t len, unsigned max_depth)
{
    struct tlv_cursor c;
    struct tlv t;

    tlv_cursor_init(&c, p, len);
    while (tlv_next(&c, &t)) {
        if (t.constructed) {
            if (max_depth == 0)
                return false;
            if (!tlv_well_formed(t.value, t.len, max_depth - 1))
                return false;
        }
    }
    return !c.error;
}

size_t tlv_tag_size(uint32_t tag)
{
    if (tag > 0xFFFF)
        return 3;
    if (tag > 0xFF)
        return 2;
    return 1;
}

bool tlv_get_int(const uint8_t *v, size_t len, int64_t *out)
{
    if (v == NULL || len == 0 || len > 8)
        return false;
    uint64_t acc = (v[0] & 0x80) ? UINT64_MAX : 0;   /* sign extension */
    for (size_t i = 0; i < len; i++)
        acc = (acc << 8) | v[i];
    *out = (int64_t)acc;
    return true;
}

bool tlv_get_uint(const uint8_t *v, size_t len, uint32_t *out)
{
    int64_t x;
    if (!tlv_get_int(v, len, &x) || x < 0 || x > (int64_t)UINT32_MAX)
        return false;
    *out = (uint32_t)x;
    return true;
}

bool tlv_get_u64(const uint8_t *v, size_t len, uint64_t *out)
{
    if (len == 0 || (v[0] & 0x80))
        return false;
    while (len > 1 && v[0] == 0) {
        v++;
        len--;
    }
    if (len > 8)
        return false;
    uint64_t x = 0;
    for (size_t i = 0; i < len; i++)
        x = x << 8 | v[i];
    *out = x;
    return true;
}

/* ---- writer ---- */

void tlv_writer_init(struct tlv_writer *w, uint8_t *buf, size_t cap)
{
    w->buf = buf;
    w->cap = buf ? cap : 0;
    w->len = 0;
    w->overflow = false;
    w->depth = 0;
}

bool tlv_writer_ok(const struct tlv_writer *w)
{
    return !w->overflow && w->depth == 0;
}

static bool reserve(struct tlv_writer *w, size_t n)
{
    if (w->overflow)
        return false;
    if (n > w->cap - w->len) {
        w->overflow = true;
        return false;
    }
    return true;
}

static void put_bytes(struct tlv_writer *w, const uint8_t *p, size_t n)
{
    if (!reserve(w, n))
        return;
    if (n)
        memcpy(w->buf + w->len, p, n);
    w->len += n;
}

static void put_tag(struct tlv_writer *w, uint32_t tag)
{
    uint8_t t[3];
    size_t n = tlv_tag_size(tag);
    for (size_t i = 0; i < n; i++)
        t[i] = (uint8_t)(tag >> (8 * (n - 1 - i)));
    put_bytes(w, t, n);
}

size_t tlv_encode_length(size_t len, uint8_t out[5])
{
    if (len < 0x80) {
        out[0] = (uint8_t)len;
        return 1;
    }
    size_t n = 0;
    for (size_t x = len; x; x >>= 8)
        n++;
    out[0] = (uint8_t)(0x80 | n);
    for (size_t i = 0; i < n; i++)
        out[1 + i] = (uint8_t)(len >> (8 * (n - 1 - i)));
    return n + 1;
}

void tlv_put(struct tlv_writer *w, uint32_t tag, const uint8_t *v, size_t len)
{
    uint8_t l[5];
    size_t ln = tlv_encode_length(len, l);
    if (!reserve(w, tlv_tag_size(tag) + ln + len))
        return;
    put_tag(w, tag);
    put_bytes(w, l, ln);
    put_bytes(w, v, len);
}

void tlv_put_int(struct tlv_writer *w, uint32_t tag, int64_t v)
{
    uint8_t b[8];
    uint64_t u = (uint64_t)v;
    for (int i = 7; i >= 0; i--) {
        b[i] = (uint8_t)u;
        u >>= 8;
    }
    size_t s = 0;
    /* strip redundant leading octets: 00 followed by b8=0, FF followed by b8=1 */
    while (s < 7 && ((b[s] == 0x00 && !(b[s + 1] & 0x80)) ||
                     (b[s] == 0xFF && (b[s + 1] & 0x80))))
        s++;
    tlv_put(w, tag, b + s, 8 - s);
}

void tlv_put_uint(struct tlv_writer *w, uint32_t tag, uint64_t v)
{
    uint8_t b[9];
    size_t n = 0;
    int i = 7;
    while (i > 0 && ((v >> (8 * i)) & 0xFF) == 0)
        i--;
    if ((v >> (8 * i)) & 0x80)
        b[n++] = 0;
    for (; i >= 0; i--)
        b[n++] = (uint8_t)(v >> (8 * i));
    tlv_put(w, tag, b, n);
}

uint8_t *tlv_dup_with_int(const uint8_t *p, size_t len, uint32_t tag, int64_t v,
                          size_t *out_len)
{
    /* tag (at most 4 octets) + length 1 + INTEGER value (at most 8 octets) */
    const size_t room = 16;
    uint8_t *m = malloc(len + room);
    struct tlv_writer w;
    if (!m)
        return NULL;
    memcpy(m, p, len);
    tlv_writer_init(&w, m + len, room);
    tlv_put_int(&w, tag, v);
    if (!tlv_writer_ok(&w)) {
        free(m);
        return NULL;
    }
    *out_len = len + w.len;
    return m;
}

void tlv_put_bool(struct tlv_writer *w, uint32_t tag, bool v)
{
    uint8_t b = v ? 0xFF : 0x00;
    tlv_put(w, tag, &b, 1);
}

void tlv_put_bits(struct tlv_writer *w, uint32_t tag, uint32_t bits, unsigned nbits)
{
    uint8_t b[5] = {0};
    if (nbits > 32)
        nbits = 32;
    unsigned used = 0;   /* highest set bit index + 1 */
    for (unsigned i = 0; i < nbits; i++) {
        if (bits & (1u << i)) {
            b[1 + i / 8] |= (uint8_t)(0x80 >> (i % 8));
            used = i + 1;
        }
    }
    size_t octets = (used + 7) / 8;
    b[0] = (uint8_t)(octets ? octets * 8 - used : 0);
    tlv_put(w, tag, b, 1 + octets);
}

void tlv_put_raw(struct tlv_writer *w, const uint8_t *p, size_t len)
{
    put_bytes(w, p, len);
}

void tlv_open(struct tlv_writer *w, uint32_t tag)
{
    if (w->depth >= TLV_WRITER_MAX_DEPTH) {
        w->overflow = true;
        return;
    }
    put_tag(w, tag);
    if (!reserve(w, 1))
        return;
    w->open_at[w->depth++] = w->len;
    w->buf[w->len++] = 0;          /* placeholder, patched by tlv_close */
}

void tlv_close(struct tlv_writer *w)
{
    if (w->depth == 0) {
        w->overflow = true;
        return;
    }
    size_t at = w->open_at[--w->depth];
    if (w->overflow)
        return;
    size_t vlen = w->len - at - 1;
    uint8_t l[5];
    size_t ln = tlv_encode_length(vlen, l);
    if (ln > 1) {
        if (!reserve(w, ln - 1))
            return;
        memmove(w->buf + at + ln, w->buf + at + 1, vlen);
        w->len += ln - 1;
    }
    memcpy(w->buf + at, l, ln);
}
