/* crypto/aka_milenage.c — Milenage (3GPP TS 35.206 §4.1) over AES-128:
 *   TEMP = E_K(RAND xor OPc)
 *   OUT1 = E_K(TEMP xor rot(IN1 xor OPc, r1) xor c1) xor OPc, IN1 = SQN||AMF||SQN||AMF
 *   OUTi = E_K(rot(TEMP xor OPc, ri) xor ci) xor OPc      for i = 2..5
 *   f1 = OUT1[0..63], f1* = OUT1[64..127], f5 = OUT2[0..47], f2 = OUT2[64..127],
 *   f3 = OUT3, f4 = OUT4, f5* = OUT5[0..47]
 * rot(x, r) rotates the 128-bit x cyclically by r bit positions towards the most
 * significant bit. r1..r5 and c1..c5 are public profile constants, so the rotation may
 * index by them; K and OPc only ever go through XOR and AES.
 *
 * Speed: AES-128-ECB is fetched from the default provider once per process; one call
 * costs one cipher context (one key schedule) for the six blocks. */
#include "crypto/aka_impl.h"

#include <stdbool.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "crypto/ct.h"

static CRYPTO_ONCE aes_once = CRYPTO_ONCE_STATIC_INIT;
static EVP_CIPHER *aes_ecb;

static void aes_fetch(void)
{
    aes_ecb = EVP_CIPHER_fetch(NULL, "AES-128-ECB", NULL);
}

/* Process-lifetime AES-128-ECB handle, or NULL when libcrypto lacks it. */
static const EVP_CIPHER *aes(void)
{
    if (CRYPTO_THREAD_run_once(&aes_once, aes_fetch) != 1)
        return NULL;
    return aes_ecb;
}

/* One block through the keyed context. */
static bool enc_block(EVP_CIPHER_CTX *ctx, const uint8_t in[16], uint8_t out[16])
{
    int n = 0;
    return EVP_EncryptUpdate(ctx, out, &n, in, 16) == 1 && n == 16;
}

/* out = in rotated left (towards the MSB) by r bits, 0 <= r < 128. */
static void rot128(const uint8_t in[16], unsigned r, uint8_t out[16])
{
    unsigned q = r / 8, s = r % 8;
    for (unsigned i = 0; i < 16; i++) {
        unsigned hi = in[(i + q) % 16], lo = in[(i + q + 1) % 16];
        out[i] = (uint8_t)((hi << s) | (lo >> (8 - s)));
    }
}

int aka_milenage(const struct aka_params *p, const uint8_t rand[16], const uint8_t sqn[6],
                 const uint8_t amf[2], struct aka_out *out)
{
    const EVP_CIPHER *cipher = aes();
    if (cipher == NULL)
        return -1;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL)
        return -1;
    bool ok = EVP_EncryptInit_ex2(ctx, cipher, p->k, NULL, NULL) == 1 &&
              EVP_CIPHER_CTX_set_padding(ctx, 0) == 1;

    const uint8_t *opc = p->opc;
    uint8_t temp[16], blk[16], rot[16], o[5][16];

    /* TEMP = E_K(RAND xor OPc) */
    for (size_t i = 0; i < 16; i++)
        blk[i] = rand[i] ^ opc[i];
    ok = ok && enc_block(ctx, blk, temp);

    /* OUT1 from IN1 = SQN || AMF || SQN || AMF */
    uint8_t in1[16];
    memcpy(in1, sqn, 6);
    memcpy(in1 + 6, amf, 2);
    memcpy(in1 + 8, sqn, 6);
    memcpy(in1 + 14, amf, 2);
    for (size_t i = 0; i < 16; i++)
        blk[i] = in1[i] ^ opc[i];
    rot128(blk, p->r[0], rot);
    for (size_t i = 0; i < 16; i++)
        blk[i] = temp[i] ^ rot[i] ^ p->c[0][i];
    ok = ok && enc_block(ctx, blk, o[0]);

    /* OUT2..OUT5 from TEMP xor OPc */
    uint8_t t_opc[16];
    for (size_t i = 0; i < 16; i++)
        t_opc[i] = temp[i] ^ opc[i];
    for (size_t f = 1; f < 5; f++) {
        rot128(t_opc, p->r[f], rot);
        for (size_t i = 0; i < 16; i++)
            blk[i] = rot[i] ^ p->c[f][i];
        ok = ok && enc_block(ctx, blk, o[f]);
    }
    EVP_CIPHER_CTX_free(ctx);   /* cleanses the key schedule */

    for (size_t f = 0; f < 5; f++)
        for (size_t i = 0; i < 16; i++)
            o[f][i] ^= opc[i];
    if (ok) {
        memcpy(out->mac_a, o[0], 8);
        memcpy(out->mac_s, o[0] + 8, 8);
        memcpy(out->ak, o[1], 6);
        memcpy(out->res, o[1] + 8, 8);
        out->res_len = 8;
        memcpy(out->ck, o[2], 16);
        memcpy(out->ik, o[3], 16);
        memcpy(out->ak_s, o[4], 6);
    }
    ct_wipe(temp, sizeof temp);
    ct_wipe(blk, sizeof blk);
    ct_wipe(rot, sizeof rot);
    ct_wipe(t_opc, sizeof t_opc);
    ct_wipe(o, sizeof o);
    return ok ? 0 : -1;
}
