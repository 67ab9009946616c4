/* crypto/ecka.c — ECKA-DH (BSI TR-03111) for the BSP key agreement (SGP.22 §2.6.4.2). */
#include "crypto/ecka.h"

#include <openssl/err.h>

#include "crypto/ct.h"
#include "crypto/ec.h"

int ecka_shared_secret(const EVP_PKEY *own, const uint8_t *peer_point, size_t len,
                       uint8_t z[32])
{
    uint8_t buf[64];
    size_t zlen = sizeof buf;
    EVP_PKEY *peer = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    int rc = -1;

    if (own == NULL || peer_point == NULL || z == NULL)
        return -1;
    enum ec_curve curve = ec_key_curve(own);
    if (curve == EC_CURVE_NONE)
        goto out;
    /* decoded on own's curve; rejects other encodings and points not on the curve */
    peer = ec_public_from_point(curve, peer_point, len);
    if (peer == NULL)
        goto out;
    /* no second validation of the peer (validate_peer 0): ec_public_from_point has
     * checked the point on the curve, and both curves have cofactor 1, so every such
     * point has order n — OpenSSL's full check would only add an n·Q multiplication */
    ctx = EVP_PKEY_CTX_new_from_pkey(NULL, (EVP_PKEY *)own, NULL);
    if (ctx == NULL || EVP_PKEY_derive_init(ctx) != 1 ||
        EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) != 1 ||
        EVP_PKEY_derive(ctx, buf, &zlen) != 1 || zlen != 32)
        goto out;
    for (size_t i = 0; i < 32; i++)
        z[i] = buf[i];
    rc = 0;
out:
    ct_wipe(buf, sizeof buf);
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(peer);
    ERR_clear_error();
    return rc;
}
