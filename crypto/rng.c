/* crypto/rng.c — the card's random source.
 *
 * system: OpenSSL RAND_bytes.
 * seeded: HMAC_DRBG with SHA-256 (NIST SP 800-90A rev. 1, §10.1.2) instantiated with
 * the seed as entropy input (no nonce, no personalisation string, no reseeding):
 * the same seed always yields the same byte stream, for tests and fuzz replay. */
#include "crypto/rng.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "crypto/ct.h"

#define DRBG_LEN 32

struct rng {
    bool seeded;
    uint8_t k[DRBG_LEN];
    uint8_t v[DRBG_LEN];
    EVP_MAC *mac;
};

/* out = HMAC-SHA256(key, a || b || c) where b, c may be absent (len 0). */
static int hmac3(EVP_MAC *mac, const uint8_t key[DRBG_LEN], const uint8_t *a, size_t alen,
                 const uint8_t *b, size_t blen, const uint8_t *c, size_t clen,
                 uint8_t out[DRBG_LEN])
{
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end(),
    };
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
    size_t outl = 0;
    int ok = ctx != NULL && EVP_MAC_init(ctx, key, DRBG_LEN, params) == 1 &&
             EVP_MAC_update(ctx, a, alen) == 1 &&
             (blen == 0 || EVP_MAC_update(ctx, b, blen) == 1) &&
             (clen == 0 || EVP_MAC_update(ctx, c, clen) == 1) &&
             EVP_MAC_final(ctx, out, &outl, DRBG_LEN) == 1 && outl == DRBG_LEN;
    EVP_MAC_CTX_free(ctx);
    return ok ? 0 : -1;
}

/* HMAC_DRBG_Update (SP 800-90A §10.1.2.2) with provided_data = d (may be empty). */
static int drbg_update(struct rng *r, const uint8_t *d, size_t dlen)
{
    static const uint8_t zero = 0x00, one = 0x01;
    uint8_t k[DRBG_LEN];
    int rc = -1;

    if (hmac3(r->mac, r->k, r->v, DRBG_LEN, &zero, 1, d, dlen, k) != 0)
        goto out;
    memcpy(r->k, k, DRBG_LEN);
    if (hmac3(r->mac, r->k, r->v, DRBG_LEN, NULL, 0, NULL, 0, r->v) != 0)
        goto out;
    if (dlen > 0) {
        if (hmac3(r->mac, r->k, r->v, DRBG_LEN, &one, 1, d, dlen, k) != 0)
            goto out;
        memcpy(r->k, k, DRBG_LEN);
        if (hmac3(r->mac, r->k, r->v, DRBG_LEN, NULL, 0, NULL, 0, r->v) != 0)
            goto out;
    }
    rc = 0;
out:
    ct_wipe(k, sizeof k);
    return rc;
}

struct rng *rng_new_system(void)
{
    struct rng *r = calloc(1, sizeof *r);
    return r;
}

struct rng *rng_new_seeded(const uint8_t *seed, size_t len)
{
    if (seed == NULL && len > 0)
        return NULL;
    struct rng *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    r->seeded = true;
    r->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (r->mac == NULL || rng_reseed(r, seed, len) != 0) {
        rng_free(r);
        return NULL;
    }
    return r;
}

int rng_reseed(struct rng *r, const uint8_t *seed, size_t len)
{
    if (r == NULL || !r->seeded || (seed == NULL && len > 0))
        return -1;
    /* HMAC_DRBG_Instantiate (SP 800-90A §10.1.2.3): K = 00.., V = 01.., Update(seed) */
    memset(r->k, 0x00, DRBG_LEN);
    memset(r->v, 0x01, DRBG_LEN);
    return drbg_update(r, seed, len);
}

void rng_free(struct rng *r)
{
    if (r == NULL)
        return;
    EVP_MAC_free(r->mac);
    ct_wipe(r, sizeof *r);
    free(r);
}

int rng_bytes(struct rng *r, uint8_t *out, size_t n)
{
    if (r == NULL || (out == NULL && n > 0))
        return -1;
    if (n == 0)
        return 0;
    if (!r->seeded) {
        if (n > INT32_MAX)
            return -1;
        return RAND_bytes(out, (int)n) == 1 ? 0 : -1;
    }
    size_t off = 0;
    while (off < n) {
        if (hmac3(r->mac, r->k, r->v, DRBG_LEN, NULL, 0, NULL, 0, r->v) != 0)
            return -1;
        size_t take = n - off < DRBG_LEN ? n - off : DRBG_LEN;
        memcpy(out + off, r->v, take);
        off += take;
    }
    return drbg_update(r, NULL, 0);
}

bool rng_is_seeded(const struct rng *r)
{
    return r != NULL && r->seeded;
}
