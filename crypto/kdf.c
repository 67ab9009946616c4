/* crypto/kdf.c — ANSI X9.63 KDF with SHA-256 (SGP.22 Annex G). */
#include "crypto/kdf.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto/ct.h"

#define KDF_HASH_LEN 32u
#define KDF_MAX_BLOCKS 255u

int kdf_x963_sha256(const uint8_t *z, size_t zlen, const uint8_t *shared_info,
                    size_t silen, uint8_t *out, size_t outlen)
{
    uint8_t block[KDF_HASH_LEN];
    EVP_MD_CTX *ctx = NULL;
    int rc = -1;

    if (z == NULL || zlen == 0 || out == NULL || outlen == 0 ||
        outlen > (size_t)KDF_HASH_LEN * KDF_MAX_BLOCKS || (shared_info == NULL && silen != 0))
        return -1;
    ctx = EVP_MD_CTX_new();
    if (ctx == NULL)
        goto out;
    for (uint32_t counter = 1, done = 0; done < outlen; counter++) {
        const uint8_t c[4] = {(uint8_t)(counter >> 24), (uint8_t)(counter >> 16),
                              (uint8_t)(counter >> 8), (uint8_t)counter};
        if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
            EVP_DigestUpdate(ctx, z, zlen) != 1 || EVP_DigestUpdate(ctx, c, sizeof c) != 1 ||
            (silen > 0 && EVP_DigestUpdate(ctx, shared_info, silen) != 1) ||
            EVP_DigestFinal_ex(ctx, block, NULL) != 1)
            goto out;
        size_t n = outlen - done < KDF_HASH_LEN ? outlen - done : KDF_HASH_LEN;
        for (size_t i = 0; i < n; i++)
            out[done + i] = block[i];
        done += (uint32_t)n;
    }
    rc = 0;
out:
    if (rc != 0)
        ct_wipe(out, outlen);
    ct_wipe(block, sizeof block);
    EVP_MD_CTX_free(ctx);   /* cleanses the digest state */
    ERR_clear_error();
    return rc;
}
