/* crypto/scp03t.c — SGP.22 BSP segment protection (§2.6.4): wrap and unwrap of 86/87/88.
 *
 * Speed: the AES-128-CBC / AES-128-ECB ciphers and the CMAC algorithm are fetched from
 * the default provider once per process (CRYPTO_THREAD_run_once) and kept; a segment
 * then costs one cipher context (ICV + CBC) and one MAC context, nothing else is
 * looked up or allocated per call except those two contexts. */
#include "crypto/scp03t.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "card/tlv.h"
#include "crypto/ct.h"
#include "crypto/kdf.h"

#define BLOCK 16u
/* largest body (ciphertext or MAC-only plaintext): body + MAC fits a 3-octet DER
 * length (82 xx xx); SGP.22 segments are ~1 KiB, osmo-smdpp sends 1036-octet TLVs */
#define BODY_MAX (0xFFFFu - SCP03T_MAC_LEN)

static CRYPTO_ONCE algs_once = CRYPTO_ONCE_STATIC_INIT;
static EVP_CIPHER *aes_cbc;
static EVP_CIPHER *aes_ecb;
static EVP_MAC *cmac;

static void algs_fetch(void)
{
    aes_cbc = EVP_CIPHER_fetch(NULL, "AES-128-CBC", NULL);
    aes_ecb = EVP_CIPHER_fetch(NULL, "AES-128-ECB", NULL);
    cmac = EVP_MAC_fetch(NULL, "CMAC", NULL);
}

/* Process-lifetime algorithm handles; false when libcrypto lacks one. */
static bool algs(void)
{
    return CRYPTO_THREAD_run_once(&algs_once, algs_fetch) == 1 && aes_cbc != NULL &&
           aes_ecb != NULL && cmac != NULL;
}

static bool is_segment_tag(uint32_t tag)
{
    return tag == 0x86 || tag == 0x87 || tag == 0x88;
}

/* Full AES-CMAC(S-MAC) over MCV || head || body into out. */
static bool mac_compute(const struct scp03t *k, const uint8_t *head, size_t hlen,
                        const uint8_t *body, size_t blen, uint8_t out[BLOCK])
{
    char cipher_name[] = "AES-128-CBC";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher_name, 0),
        OSSL_PARAM_construct_end(),
    };
    size_t olen = 0;
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(cmac);
    bool ok = ctx != NULL && EVP_MAC_init(ctx, k->mac, sizeof k->mac, params) == 1 &&
              EVP_MAC_update(ctx, k->mcv, sizeof k->mcv) == 1 &&
              EVP_MAC_update(ctx, head, hlen) == 1 &&
              (blen == 0 || EVP_MAC_update(ctx, body, blen) == 1) &&
              EVP_MAC_final(ctx, out, &olen, BLOCK) == 1 && olen == BLOCK;
    EVP_MAC_CTX_free(ctx);   /* cleanses the keyed state */
    return ok;
}

/* A cipher context keyed with S-ENC for CBC with IV = AES-ECB(S-ENC, counter). */
static EVP_CIPHER_CTX *cbc_start(const struct scp03t *k, int enc)
{
    uint8_t ctr[BLOCK] = {0};
    uint8_t icv[BLOCK];
    int n = 0;
    bool ok;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();

    ctr[12] = (uint8_t)(k->counter >> 24);
    ctr[13] = (uint8_t)(k->counter >> 16);
    ctr[14] = (uint8_t)(k->counter >> 8);
    ctr[15] = (uint8_t)k->counter;
    ok = ctx != NULL && EVP_EncryptInit_ex2(ctx, aes_ecb, k->enc, NULL, NULL) == 1 &&
         EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
         EVP_EncryptUpdate(ctx, icv, &n, ctr, BLOCK) == 1 && n == (int)BLOCK &&
         EVP_CipherInit_ex2(ctx, aes_cbc, k->enc, icv, enc, NULL) == 1 &&
         EVP_CIPHER_CTX_set_padding(ctx, 0) == 1;
    ct_wipe(icv, sizeof icv);
    if (!ok) {
        EVP_CIPHER_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

/* CBC over whole blocks (len % 16 == 0) with a started context. */
static bool cbc_run(EVP_CIPHER_CTX *ctx, const uint8_t *in, size_t len, uint8_t *out)
{
    int n = 0;
    return len == 0 || (len <= BODY_MAX && EVP_CipherUpdate(ctx, out, &n, in, (int)len) == 1 &&
                        (size_t)n == len);
}

int scp03t_derive_session_keys(struct scp03t *k, const uint8_t z[32], uint8_t key_type,
                               uint8_t key_len, const uint8_t *host_id, size_t host_id_len,
                               const uint8_t eid[16])
{
    uint8_t si[3 + 127 + 1 + 16];
    uint8_t out[48];
    size_t n = 0;

    /* the lengths are single BER length octets: hostId < 128 octets */
    if (k == NULL || z == NULL || eid == NULL || host_id_len > 127 ||
        (host_id == NULL && host_id_len != 0))
        return SCP03T_EFORMAT;
    si[n++] = key_type;
    si[n++] = key_len;
    si[n++] = (uint8_t)host_id_len;
    if (host_id_len > 0)
        memcpy(si + n, host_id, host_id_len);
    n += host_id_len;
    si[n++] = 16;
    memcpy(si + n, eid, 16);
    n += 16;
    if (kdf_x963_sha256(z, 32, si, n, out, sizeof out) != 0) {
        ct_wipe(out, sizeof out);
        return SCP03T_ECRYPTO;
    }
    scp03t_init(k, out + 16, out + 32, out);   /* MCV || S-ENC || S-MAC */
    ct_wipe(out, sizeof out);
    return SCP03T_OK;
}

void scp03t_init(struct scp03t *k, const uint8_t enc[16], const uint8_t mac[16],
                 const uint8_t mcv[16])
{
    if (k == NULL || enc == NULL || mac == NULL || mcv == NULL)
        return;
    memcpy(k->enc, enc, SCP03T_KEY_LEN);
    memcpy(k->mac, mac, SCP03T_KEY_LEN);
    memcpy(k->mcv, mcv, sizeof k->mcv);
    k->counter = 1;
}

void scp03t_wipe(struct scp03t *k)
{
    if (k != NULL)
        ct_wipe(k, sizeof *k);
}

int scp03t_wrap(struct scp03t *k, uint8_t tag, const uint8_t *plain, size_t len,
                uint8_t *out, size_t cap, size_t *out_len)
{
    uint8_t head[1 + 5];
    uint8_t last[BLOCK];
    uint8_t full[BLOCK];
    EVP_CIPHER_CTX *ctx = NULL;
    int rc = SCP03T_ECRYPTO;

    if (k == NULL || out == NULL || out_len == NULL || (plain == NULL && len != 0) ||
        !is_segment_tag(tag) || k->counter == 0)
        return SCP03T_EFORMAT;
    bool encrypt = tag != 0x88;
    size_t body = encrypt ? (len / BLOCK + 1) * BLOCK : len;   /* 80 00.. always added */
    if (len > BODY_MAX || body > BODY_MAX)
        return SCP03T_EFORMAT;
    head[0] = tag;
    size_t hlen = 1 + tlv_encode_length(body + SCP03T_MAC_LEN, head + 1);
    if (cap < hlen || cap - hlen < body + SCP03T_MAC_LEN)
        return SCP03T_ESPACE;
    if (!algs())
        return SCP03T_ECRYPTO;

    uint8_t *b = out + hlen;
    if (encrypt) {
        size_t whole = len - len % BLOCK;
        memset(last, 0, sizeof last);
        if (len > whole)
            memcpy(last, plain + whole, len - whole);
        last[len - whole] = 0x80;
        ctx = cbc_start(k, 1);
        if (ctx == NULL || !cbc_run(ctx, plain, whole, b) || !cbc_run(ctx, last, BLOCK, b + whole))
            goto out;
    } else if (len > 0) {
        memmove(b, plain, len);
    }
    if (!mac_compute(k, head, hlen, b, body, full))
        goto out;
    memcpy(out, head, hlen);
    memcpy(b + body, full, SCP03T_MAC_LEN);
    memcpy(k->mcv, full, sizeof k->mcv);
    k->counter++;
    *out_len = hlen + body + SCP03T_MAC_LEN;
    rc = SCP03T_OK;
out:
    ct_wipe(last, sizeof last);
    ct_wipe(full, sizeof full);
    EVP_CIPHER_CTX_free(ctx);
    ERR_clear_error();
    return rc;
}

/* All ones when x (an octet) is zero, else 0 — without a branch. */
static uint32_t ct_zero_mask(uint32_t x)
{
    return 0u - ((x - 1u) >> 31);
}

/* Length of the 80 00.. padding at the end of the last plaintext block, 0 if invalid.
 * Constant time: no branch or index depends on the (secret) plaintext; every octet of
 * the block is looked at. */
static size_t padding_len(const uint8_t last[BLOCK])
{
    uint32_t found = 0, bad = 0, pad = 0;
    for (uint32_t j = 0; j < BLOCK; j++) {
        uint32_t b = last[BLOCK - 1 - j];
        uint32_t is_zero = ct_zero_mask(b), is_80 = ct_zero_mask(b ^ 0x80u);
        uint32_t in_run = ~found;                /* still inside the trailing 00 run */
        pad |= in_run & is_80 & (j + 1);
        bad |= in_run & ~is_zero & ~is_80;
        found |= in_run & is_80;
    }
    return (size_t)(pad & found & ~bad);
}

int scp03t_unwrap(struct scp03t *k, const uint8_t *tlv, size_t len, uint8_t *out,
                  size_t cap, size_t *out_len)
{
    uint8_t der[5];
    uint8_t full[BLOCK];
    uint8_t last[BLOCK];
    uint32_t tag = 0;
    size_t hlen = 0, vlen = 0, written = 0;
    EVP_CIPHER_CTX *ctx = NULL;
    int rc = SCP03T_ECRYPTO;

    if (k == NULL || tlv == NULL || out_len == NULL || (out == NULL && cap != 0))
        return SCP03T_EFORMAT;
    /* one whole TLV: single-octet tag 86/87/88, minimal DER length of at most 3
     * octets, value = body || MAC exactly filling len */
    if (!tlv_parse_header(tlv, len, &tag, &hlen, &vlen) || !is_segment_tag(tag) ||
        hlen > 4 || vlen != len - hlen || vlen < SCP03T_MAC_LEN ||
        vlen - SCP03T_MAC_LEN > BODY_MAX || k->counter == 0)
        return SCP03T_EFORMAT;
    if (tlv_encode_length(vlen, der) != hlen - 1 || memcmp(der, tlv + 1, hlen - 1) != 0)
        return SCP03T_EFORMAT;
    bool encrypted = tag != 0x88;
    size_t body = vlen - SCP03T_MAC_LEN;
    const uint8_t *b = tlv + hlen;
    if (encrypted && (body == 0 || body % BLOCK != 0))
        return SCP03T_EFORMAT;
    /* the plaintext is at least body - 16 octets (86/87) or exactly body (88) */
    if (encrypted ? cap < body - BLOCK : cap < body)
        return SCP03T_ESPACE;
    if (!algs())
        return SCP03T_ECRYPTO;

    /* MAC first (constant-time compare); nothing is decrypted for a forged segment */
    if (!mac_compute(k, tlv, hlen, b, body, full))
        goto out;
    bool mac_ok = ct_memeq(full, b + body, SCP03T_MAC_LEN);
    ct_public(&mac_ok, sizeof mac_ok);           /* the verdict is public: it is answered */
    if (!mac_ok) {
        rc = SCP03T_EMAC;
        goto out;
    }
    size_t plen = body;
    if (encrypted) {
        ctx = cbc_start(k, 0);
        written = body - BLOCK;
        if (ctx == NULL || !cbc_run(ctx, b, written, out) ||
            !cbc_run(ctx, b + written, BLOCK, last))
            goto out;
        size_t pad = padding_len(last);
        ct_public(&pad, sizeof pad);             /* the plaintext length is public */
        if (pad == 0) {
            rc = SCP03T_EFORMAT;
            goto out;
        }
        plen = body - pad;
        if (plen > cap) {
            rc = SCP03T_ESPACE;
            goto out;
        }
        if (pad < BLOCK)
            memcpy(out + written, last, BLOCK - pad);
    } else if (body > 0) {
        memcpy(out, b, body);
    }
    memcpy(k->mcv, full, sizeof k->mcv);
    k->counter++;
    *out_len = plen;
    rc = SCP03T_OK;
out:
    if (rc != SCP03T_OK && written > 0)
        ct_wipe(out, written);
    ct_wipe(full, sizeof full);
    ct_wipe(last, sizeof last);
    EVP_CIPHER_CTX_free(ctx);
    ERR_clear_error();
    return rc;
}
