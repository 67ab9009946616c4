/* card/store_image.c — persistent image encoder and decoder (see card/store_image.h;
 * format in card/store_internal.h). The encoder streams the image in chunks of at
 * most STORE_CHUNK_MAX bytes while hashing it for the SHA-256 trailer.
 */
#include "card/store_image.h"
#include "card/store.h"
#include "card/store_internal.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

size_t store_image_size(size_t count, size_t payload)
{
    return STORE_IMAGE_HEADER_LEN + count * STORE_IMAGE_RECORD_HDR + payload +
           STORE_IMAGE_TRAILER_LEN;
}

/* ---------------------------------------------------------------- decoder */

int store_image_decode(const uint8_t *p, size_t len, struct store_objvec *out, uint64_t *gen)
{
    if (len < STORE_IMAGE_HEADER_LEN + STORE_IMAGE_TRAILER_LEN || len > STORE_IMAGE_MAX)
        return STORE_ECORRUPT;
    if (memcmp(p, STORE_IMAGE_MAGIC, 8) != 0 || be32(p + 8) != STORE_IMAGE_VERSION)
        return STORE_ECORRUPT;
    size_t body = len - STORE_IMAGE_TRAILER_LEN;
    uint8_t md[32];
    unsigned int mdlen = 0;
    if (!EVP_Digest(p, body, md, &mdlen, EVP_sha256(), NULL) || mdlen != sizeof md)
        return STORE_ENOMEM;
    if (memcmp(md, p + body, sizeof md) != 0)
        return STORE_ECORRUPT;

    uint64_t g = (uint64_t)be32(p + 12) << 32 | be32(p + 16);
    uint32_t count = be32(p + 20);
    size_t pos = STORE_IMAGE_HEADER_LEN;
    if (count > (body - pos) / STORE_IMAGE_RECORD_HDR)
        return STORE_ECORRUPT;
    if (count && !store_objvec_reserve(out, count))
        return STORE_ENOMEM;
    int rc = STORE_OK;
    for (uint32_t i = 0; i < count; i++) {
        if (body - pos < STORE_IMAGE_RECORD_HDR) {
            rc = STORE_ECORRUPT;
            break;
        }
        uint32_t id = be32(p + pos), rlen = be32(p + pos + 4);
        pos += STORE_IMAGE_RECORD_HDR;
        if (rlen > body - pos || (i > 0 && id <= out->v[out->n - 1].id)) {
            rc = STORE_ECORRUPT;
            break;
        }
        uint8_t *b = NULL;
        if (rlen) {
            b = malloc(rlen);
            if (!b) {
                rc = STORE_ENOMEM;
                break;
            }
            memcpy(b, p + pos, rlen);
        }
        pos += rlen;
        out->v[out->n++] = (struct store_obj){ .id = id, .len = rlen, .bytes = b };
    }
    if (rc == STORE_OK && pos != body)
        rc = STORE_ECORRUPT;
    if (rc != STORE_OK) {
        store_objvec_clear(out);
        return rc;
    }
    *gen = g;
    return STORE_OK;
}

int store_image_check(const uint8_t *p, size_t len, uint32_t *count)
{
    struct store_objvec v = { 0 };
    uint64_t gen = 0;
    if (!p && len)
        return STORE_EINVAL;
    int rc = store_image_decode(p, len, &v, &gen);
    if (rc == STORE_OK && count)
        *count = (uint32_t)v.n;
    store_objvec_free(&v);
    return rc;
}

/* ---------------------------------------------------------------- encoder */

struct encoder {
    const struct store_image_io *io;
    void *ctx;
    uint8_t *chunk;   /* STORE_CHUNK_MAX bytes */
    EVP_MD_CTX *md;
    size_t fill;      /* bytes in chunk */
    size_t off;       /* bytes already written to the temporary image */
    int rc;
};

static void enc_flush(struct encoder *e)
{
    if (e->rc != STORE_OK || e->fill == 0)
        return;
    e->rc = e->io->write(e->ctx, e->off, e->chunk, e->fill);
    if (e->rc == STORE_OK) {
        e->off += e->fill;
        e->fill = 0;
    }
}

/* Append bytes to the image; hashed unless this is the trailer. */
static void enc_emit(struct encoder *e, const uint8_t *p, size_t n, bool hash)
{
    if (e->rc == STORE_OK && hash && n && !EVP_DigestUpdate(e->md, p, n))
        e->rc = STORE_ENOMEM;
    while (e->rc == STORE_OK && n) {
        size_t room = STORE_CHUNK_MAX - e->fill;
        size_t k = n < room ? n : room;
        memcpy(e->chunk + e->fill, p, k);
        e->fill += k;
        p += k;
        n -= k;
        if (e->fill == STORE_CHUNK_MAX)
            enc_flush(e);
    }
}

static void enc_record(struct encoder *e, const struct store_obj *o)
{
    uint8_t h[STORE_IMAGE_RECORD_HDR];
    put32(h, o->id);
    put32(h + 4, o->len);
    enc_emit(e, h, sizeof h, true);
    if (o->len)
        enc_emit(e, o->bytes, o->len, true);
}

int store_image_encode(const struct store_image_io *io, void *ctx, uint64_t gen,
                       uint32_t count, uint8_t *chunk)
{
    struct encoder e = {
        .io = io, .ctx = ctx, .chunk = chunk, .md = EVP_MD_CTX_new(), .rc = STORE_OK,
    };
    if (!e.md || !EVP_DigestInit_ex(e.md, EVP_sha256(), NULL)) {
        EVP_MD_CTX_free(e.md);
        return STORE_ENOMEM;
    }
    uint8_t h[STORE_IMAGE_HEADER_LEN];
    memcpy(h, STORE_IMAGE_MAGIC, 8); // NOLINT(bugprone-not-null-terminated-result): 8-octet magic, no NUL
    put32(h + 8, STORE_IMAGE_VERSION);
    put32(h + 12, (uint32_t)(gen >> 32));
    put32(h + 16, (uint32_t)gen);
    put32(h + 20, count);
    enc_emit(&e, h, sizeof h, true);

    const struct store_obj *o;
    while (e.rc == STORE_OK && (o = io->next(ctx)) != NULL)
        enc_record(&e, o);
    uint8_t md[32];
    unsigned int mdlen = 0;
    if (e.rc == STORE_OK && (!EVP_DigestFinal_ex(e.md, md, &mdlen) || mdlen != sizeof md))
        e.rc = STORE_ENOMEM;
    EVP_MD_CTX_free(e.md);
    enc_emit(&e, md, sizeof md, false);
    enc_flush(&e);
    return e.rc;
}
