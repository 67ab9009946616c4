/* tests/unit/crypto/test_scp03t.c — BSP segment wrap/unwrap against the pySim vectors
 * of <shared>/vectors/bsp_scp03t_segments.json, and every unwrap error path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "crypto/scp03t.h"
#include "vec_json.h"

#define SEG_FILE "vectors/bsp_scp03t_segments.json"

static char *load_or_skip(void)
{
    char *j = vj_load(SEG_FILE);
    if (j == NULL) {
        print_message("SKIP: %s/%s absent (set EUICC_EMU_SHARED)\n", vj_shared_dir(), SEG_FILE);
        skip();
    }
    return j;
}

static uint8_t *field(const char *j, const char *path, size_t *len)
{
    size_t n = 0;
    uint8_t *v = vj_hex(vj_get(j, path), &n);
    if (v == NULL)
        fail_msg("vector field %s missing", path);
    if (len != NULL)
        *len = n;
    return v;
}

static void copy16(const char *j, const char *path, uint8_t out[16])
{
    size_t n = 0;
    uint8_t *v = field(j, path, &n);
    assert_int_equal(n, 16);
    memcpy(out, v, 16);
    free(v);
}

/* A key set of the "keysets" object: session, ppk or third_party. */
static void keyset(const char *j, const char *name, struct scp03t *k)
{
    char pe[96], pm[96], pc[96];
    bool ppk = strcmp(name, "ppk") == 0;
    uint8_t enc[16], mac[16], mcv[16];
    snprintf(pe, sizeof pe, "keysets.%s.%s", name, ppk ? "PPK_ENC" : "S_ENC");
    snprintf(pm, sizeof pm, "keysets.%s.%s", name, ppk ? "PPK_MAC" : "S_MAC");
    snprintf(pc, sizeof pc, "keysets.%s.initial_mcv", name);
    copy16(j, pe, enc);
    copy16(j, pm, mac);
    copy16(j, pc, mcv);
    scp03t_init(k, enc, mac, mcv);
}

/* AES-128-ECB of one block (test-side check of the vectors' ICV). */
static void aes_ecb(const uint8_t key[16], const uint8_t in[16], uint8_t out[16])
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int n = 0;
    assert_non_null(c);
    assert_int_equal(EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, key, NULL), 1);
    EVP_CIPHER_CTX_set_padding(c, 0);
    assert_int_equal(EVP_EncryptUpdate(c, out, &n, in, 16), 1);
    assert_int_equal(n, 16);
    EVP_CIPHER_CTX_free(c);
}

/* AES-CMAC (test side, to re-MAC tampered segments). */
static void cmac(const uint8_t key[16], const uint8_t *p, size_t len, uint8_t out[16])
{
    EVP_MAC *m = EVP_MAC_fetch(NULL, "CMAC", NULL);
    EVP_MAC_CTX *c = EVP_MAC_CTX_new(m);
    char cipher[] = "AES-128-CBC";
    OSSL_PARAM par[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0),
                        OSSL_PARAM_construct_end()};
    size_t n = 0;
    assert_int_equal(EVP_MAC_init(c, key, 16, par), 1);
    assert_int_equal(EVP_MAC_update(c, p, len), 1);
    assert_int_equal(EVP_MAC_final(c, out, &n, 16), 1);
    assert_int_equal(n, 16);
    EVP_MAC_CTX_free(c);
    EVP_MAC_free(m);
}

/* Replace the MAC of a wrapped segment (header hlen) by a correct one under k. */
static void remac(const struct scp03t *k, uint8_t *tlv, size_t len, size_t hlen)
{
    uint8_t in[16 + 2048], full[16];
    size_t body = len - hlen - 8;
    assert_true(16 + hlen + body <= sizeof in);
    memcpy(in, k->mcv, 16);
    memcpy(in + 16, tlv, hlen + body);
    cmac(k->mac, in, 16 + hlen + body, full);
    memcpy(tlv + hlen + body, full, 8);
}

/* Run one chain of steps, wrapping (SM-DP+ side) or unwrapping (card side). */
static void run_chain(const char *chain, bool wrap)
{
    char *j = load_or_skip();
    char base[128], path[160], ks[32], cur[32] = "";
    struct scp03t k;
    memset(&k, 0, sizeof k);
    snprintf(base, sizeof base, "%s.steps", chain);
    int n = vj_count(vj_get(j, base));
    assert_true(n > 0);
    for (int i = 0; i < n; i++) {
#define F(name) (snprintf(path, sizeof path, "%s[%d].%s", base, i, name), path)
        assert_true(vj_str(vj_get(j, F("keyset")), ks, sizeof ks));
        if (strcmp(ks, cur) != 0) {      /* new key set (ReplaceSessionKeys): counter 1 */
            keyset(j, ks, &k);
            snprintf(cur, sizeof cur, "%s", ks);
        }
        char tagtxt[8], ctrtxt[16];
        assert_true(vj_str(vj_get(j, F("tag")), tagtxt, sizeof tagtxt));
        assert_true(vj_str(vj_get(j, F("block_counter")), ctrtxt, sizeof ctrtxt) ||
                    (sscanf(vj_get(j, path), "%15[0-9]", ctrtxt) == 1));
        uint8_t tag = (uint8_t)strtoul(tagtxt, NULL, 16);
        uint32_t ctr = (uint32_t)strtoul(ctrtxt, NULL, 10);
        size_t plen, wlen, olen = 0;
        uint8_t *plain = field(j, F("plaintext"), &plen);
        uint8_t *wrapped = field(j, F("wrapped_tlv"), &wlen);
        uint8_t mcv_before[16], mcv_after[16];
        copy16(j, F("mcv_before"), mcv_before);
        copy16(j, F("mcv_after"), mcv_after);
        assert_int_equal(k.counter, ctr);
        assert_memory_equal(k.mcv, mcv_before, 16);
        if (tag != 0x88) {                /* ICV = AES-ECB(S-ENC, counter) */
            uint8_t blk[16] = {0}, icv[16], want[16];
            blk[12] = (uint8_t)(ctr >> 24), blk[13] = (uint8_t)(ctr >> 16);
            blk[14] = (uint8_t)(ctr >> 8), blk[15] = (uint8_t)ctr;
            aes_ecb(k.enc, blk, icv);
            copy16(j, F("icv"), want);
            assert_memory_equal(icv, want, 16);
        }
        uint8_t *out = malloc(wlen + plen + 32);
        assert_non_null(out);
        if (wrap) {
            assert_int_equal(scp03t_wrap(&k, tag, plain, plen, out, wlen, &olen), SCP03T_OK);
            assert_int_equal(olen, wlen);
            assert_memory_equal(out, wrapped, wlen);
        } else {
            assert_int_equal(scp03t_unwrap(&k, wrapped, wlen, out, wlen, &olen), SCP03T_OK);
            assert_int_equal(olen, plen);
            assert_memory_equal(out, plain, plen);
        }
        assert_memory_equal(k.mcv, mcv_after, 16);
        assert_int_equal(k.counter, ctr + 1);
        free(out), free(plain), free(wrapped);
#undef F
    }
    scp03t_wipe(&k);
    free(j);
}

static void test_chain_a_wrap(void **s) { (void)s; run_chain("chain_A_session_keys_only", true); }
static void test_chain_a_unwrap(void **s) { (void)s; run_chain("chain_A_session_keys_only", false); }
static void test_chain_b_wrap(void **s)
{
    (void)s;
    run_chain("chain_B_with_replace_session_keys", true);
}
static void test_chain_b_unwrap(void **s)
{
    (void)s;
    run_chain("chain_B_with_replace_session_keys", false);
}
static void test_padding_wrap(void **s) { (void)s; run_chain("padding_edge_case", true); }
static void test_padding_unwrap(void **s) { (void)s; run_chain("padding_edge_case", false); }
static void test_third_party_wrap(void **s) { (void)s; run_chain("third_party_crosscheck", true); }
static void test_third_party_unwrap(void **s)
{
    (void)s;
    run_chain("third_party_crosscheck", false);
}

/* Step i of chain A as wrapped TLV (caller frees). */
static uint8_t *chain_a(const char *j, int i, const char *name, size_t *len)
{
    char path[128];
    snprintf(path, sizeof path, "chain_A_session_keys_only.steps[%d].%s", i, name);
    return field(j, path, len);
}

static void expect_unchanged(struct scp03t *k, const uint8_t *tlv, size_t len, int want)
{
    struct scp03t before = *k;
    uint8_t out[2048];
    size_t olen = 12345;
    assert_int_equal(scp03t_unwrap(k, tlv, len, out, sizeof out, &olen), want);
    assert_memory_equal(k, &before, sizeof before);
    assert_int_equal(olen, 12345);
}

static void test_unwrap_bad_mac(void **state)
{
    (void)state;
    char *j = load_or_skip();
    struct scp03t k;
    size_t wlen, plen, olen = 0;
    uint8_t *w = chain_a(j, 0, "wrapped_tlv", &wlen), *p = chain_a(j, 0, "plaintext", &plen);
    uint8_t out[64];
    keyset(j, "session", &k);

    w[wlen - 1] ^= 0x01;                                   /* MAC byte */
    expect_unchanged(&k, w, wlen, SCP03T_EMAC);
    w[wlen - 1] ^= 0x01;
    w[2] ^= 0x40;                                          /* ciphertext byte */
    expect_unchanged(&k, w, wlen, SCP03T_EMAC);
    w[2] ^= 0x40;
    w[0] = 0x86;                                           /* tag is MACed too */
    expect_unchanged(&k, w, wlen, SCP03T_EMAC);
    w[0] = 0x87;
    /* the state survived: the genuine segment still unwraps */
    assert_int_equal(scp03t_unwrap(&k, w, wlen, out, sizeof out, &olen), SCP03T_OK);
    assert_int_equal(olen, plen);
    assert_memory_equal(out, p, plen);
    free(w), free(p), free(j);
}

static void test_unwrap_wrong_counter(void **state)
{
    (void)state;
    char *j = load_or_skip();
    struct scp03t k;
    size_t wlen, plen, olen = 0;
    uint8_t out[1024];
    uint8_t *w1 = chain_a(j, 1, "wrapped_tlv", &wlen);
    keyset(j, "session", &k);
    /* segment 0 skipped: segment 1 arrives with the wrong counter and MCV */
    expect_unchanged(&k, w1, wlen, SCP03T_EMAC);
    free(w1);

    /* right MCV but a stale counter: the MAC passes, the decryption does not give the
     * plaintext (the ICV differs) — it must not come out as the genuine plaintext */
    uint8_t *w2 = chain_a(j, 2, "wrapped_tlv", &wlen), *p2 = chain_a(j, 2, "plaintext", &plen);
    copy16(j, "chain_A_session_keys_only.steps[2].mcv_before", k.mcv);
    k.counter = 2;
    int rc = scp03t_unwrap(&k, w2, wlen, out, sizeof out, &olen);
    assert_true(rc == SCP03T_EFORMAT || (rc == SCP03T_OK && memcmp(out, p2, plen) != 0));
    free(w2), free(p2), free(j);
}

static void test_unwrap_bad_padding(void **state)
{
    (void)state;
    static const uint8_t plain[16] = "sixteen octets!";
    /* flip in ciphertext block 1 → same flip in plaintext block 2 (the 80 00.. block) */
    static const struct { size_t off; uint8_t x; } flips[] = {
        {0, 0x80},    /* 00 00 .. 00: no 80 at all */
        {15, 0x01},   /* 80 00 .. 01: non-zero after 80 */
        {0, 0x01},    /* 81 00 .. 00 */
    };
    for (size_t f = 0; f < sizeof flips / sizeof flips[0]; f++) {
        struct scp03t k, sender;
        uint8_t key[16] = {1}, mac[16] = {2}, mcv[16] = {3}, tlv[64], out[64];
        size_t len = 0;
        scp03t_init(&k, key, mac, mcv);
        sender = k;
        assert_int_equal(scp03t_wrap(&sender, 0x86, plain, sizeof plain, tlv, sizeof tlv, &len),
                         SCP03T_OK);
        assert_int_equal(len, 2 + 32 + 8);
        tlv[2 + flips[f].off] ^= flips[f].x;
        remac(&k, tlv, len, 2);
        expect_unchanged(&k, tlv, len, SCP03T_EFORMAT);
        tlv[2 + flips[f].off] ^= flips[f].x;               /* untampered, re-MACed: OK */
        remac(&k, tlv, len, 2);
        assert_int_equal(scp03t_unwrap(&k, tlv, len, out, sizeof out, &len), SCP03T_OK);
        assert_int_equal(len, sizeof plain);
        assert_memory_equal(out, plain, sizeof plain);
    }
    /* padding spread over two blocks (80 at the end of block 1, block 2 all 00): the
     * padding must sit in the last block */
    struct scp03t k, sender;
    uint8_t key[16] = {4}, mac[16] = {5}, mcv[16] = {6}, tlv[64], blk[16] = {0};
    size_t len = 0;
    blk[15] = 0x80;
    scp03t_init(&k, key, mac, mcv);
    sender = k;
    assert_int_equal(scp03t_wrap(&sender, 0x86, blk, 16, tlv, sizeof tlv, &len), SCP03T_OK);
    tlv[2 + 0] ^= 0x80;                                    /* block 2: 80.. → 00.. */
    remac(&k, tlv, len, 2);
    expect_unchanged(&k, tlv, len, SCP03T_EFORMAT);
}

static void test_unwrap_format(void **state)
{
    (void)state;
    struct scp03t k;
    uint8_t key[16] = {7}, tlv[64];
    scp03t_init(&k, key, key, key);

    /* body not a multiple of 16 (17 + MAC) */
    memset(tlv, 0x11, sizeof tlv);
    tlv[0] = 0x86, tlv[1] = 17 + 8;
    expect_unchanged(&k, tlv, 2 + 17 + 8, SCP03T_EFORMAT);
    tlv[0] = 0x87;
    expect_unchanged(&k, tlv, 2 + 17 + 8, SCP03T_EFORMAT);
    tlv[1] = 8;                                            /* empty body for 87 */
    expect_unchanged(&k, tlv, 2 + 8, SCP03T_EFORMAT);
    tlv[1] = 7;                                            /* shorter than the MAC */
    tlv[0] = 0x88;
    expect_unchanged(&k, tlv, 2 + 7, SCP03T_EFORMAT);

    /* a genuine segment, then cut / extended / re-tagged / re-encoded */
    struct scp03t s = k;
    uint8_t plain[20] = {0xAB}, w[80];
    size_t wl = 0;
    assert_int_equal(scp03t_wrap(&s, 0x87, plain, sizeof plain, w, sizeof w, &wl), SCP03T_OK);
    assert_int_equal(wl, 2 + 32 + 8);
    expect_unchanged(&k, w, wl - 1, SCP03T_EFORMAT);       /* truncated */
    expect_unchanged(&k, w, 1, SCP03T_EFORMAT);            /* tag only */
    expect_unchanged(&k, w, 0, SCP03T_EFORMAT);
    w[wl] = 0x00;
    expect_unchanged(&k, w, wl + 1, SCP03T_EFORMAT);       /* trailing octet */
    uint8_t t2[80];
    t2[0] = 0x87, t2[1] = 0x81;                            /* non-minimal length 81 2a */
    memcpy(t2 + 2, w + 1, wl - 1);
    expect_unchanged(&k, t2, wl + 1, SCP03T_EFORMAT);
    t2[0] = 0x85;                                          /* not a segment tag */
    memcpy(t2 + 1, w + 1, wl - 1);
    expect_unchanged(&k, t2, wl, SCP03T_EFORMAT);
    t2[0] = 0xBF, t2[1] = 0x26;                            /* two-octet tag */
    memcpy(t2 + 2, w + 1, wl - 1);
    expect_unchanged(&k, t2, wl + 1, SCP03T_EFORMAT);
    static const uint8_t four[] = {0x86, 0x83, 0x00, 0x00, 0x18}; /* 4 length octets */
    expect_unchanged(&k, four, sizeof four, SCP03T_EFORMAT);
    static const uint8_t indef[] = {0x86, 0x80, 0x00, 0x00};
    expect_unchanged(&k, indef, sizeof indef, SCP03T_EFORMAT);

    /* invalid arguments and an exhausted counter */
    size_t ol;
    uint8_t out[64];
    assert_int_equal(scp03t_unwrap(NULL, w, wl, out, sizeof out, &ol), SCP03T_EFORMAT);
    assert_int_equal(scp03t_unwrap(&k, NULL, wl, out, sizeof out, &ol), SCP03T_EFORMAT);
    assert_int_equal(scp03t_unwrap(&k, w, wl, out, sizeof out, NULL), SCP03T_EFORMAT);
    assert_int_equal(scp03t_unwrap(&k, w, wl, NULL, 5, &ol), SCP03T_EFORMAT);
    struct scp03t z = k;
    z.counter = 0;
    expect_unchanged(&z, w, wl, SCP03T_EFORMAT);
    /* still fine with the real state */
    assert_int_equal(scp03t_unwrap(&k, w, wl, out, sizeof out, &ol), SCP03T_OK);
    assert_int_equal(ol, sizeof plain);
    assert_memory_equal(out, plain, sizeof plain);
}

static void test_space(void **state)
{
    (void)state;
    struct scp03t k, r;
    uint8_t key[16] = {9}, plain[140], w[200], out[200];
    size_t wl = 0, ol = 0;
    memset(plain, 0x5C, sizeof plain);
    scp03t_init(&k, key, key, key);
    r = k;
    struct scp03t before = k;
    assert_int_equal(scp03t_wrap(&k, 0x86, plain, sizeof plain, w, 2 + 144 + 8, &wl),
                     SCP03T_ESPACE);                       /* needs 3 + 144 + 8 */
    assert_memory_equal(&k, &before, sizeof k);
    assert_int_equal(scp03t_wrap(&k, 0x86, plain, sizeof plain, w, 3 + 144 + 8, &wl),
                     SCP03T_OK);
    assert_int_equal(wl, 155);
    before = r;
    assert_int_equal(scp03t_unwrap(&r, w, wl, out, 139, &ol), SCP03T_ESPACE);
    assert_memory_equal(&r, &before, sizeof r);
    assert_int_equal(scp03t_unwrap(&r, w, wl, out, 100, &ol), SCP03T_ESPACE);
    assert_memory_equal(&r, &before, sizeof r);
    assert_int_equal(scp03t_unwrap(&r, w, wl, out, 140, &ol), SCP03T_OK);   /* exact */
    assert_int_equal(ol, 140);
    assert_memory_equal(out, plain, 140);

    /* MAC-only: output must hold the whole body */
    assert_int_equal(scp03t_wrap(&k, 0x88, plain, 20, w, sizeof w, &wl), SCP03T_OK);
    before = r;
    assert_int_equal(scp03t_unwrap(&r, w, wl, out, 19, &ol), SCP03T_ESPACE);
    assert_memory_equal(&r, &before, sizeof r);
    assert_int_equal(scp03t_unwrap(&r, w, wl, out, 20, &ol), SCP03T_OK);
    assert_int_equal(ol, 20);
    assert_memory_equal(out, plain, 20);
}

static void test_wrap_errors(void **state)
{
    (void)state;
    struct scp03t k;
    uint8_t key[16] = {3}, w[64], p[4] = {1, 2, 3, 4};
    size_t wl = 0;
    scp03t_init(&k, key, key, key);
    struct scp03t before = k;
    assert_int_equal(scp03t_wrap(&k, 0x85, p, 4, w, sizeof w, &wl), SCP03T_EFORMAT);
    assert_int_equal(scp03t_wrap(NULL, 0x86, p, 4, w, sizeof w, &wl), SCP03T_EFORMAT);
    assert_int_equal(scp03t_wrap(&k, 0x86, NULL, 4, w, sizeof w, &wl), SCP03T_EFORMAT);
    assert_int_equal(scp03t_wrap(&k, 0x86, p, 4, NULL, sizeof w, &wl), SCP03T_EFORMAT);
    assert_int_equal(scp03t_wrap(&k, 0x86, p, 4, w, sizeof w, NULL), SCP03T_EFORMAT);
    assert_int_equal(scp03t_wrap(&k, 0x88, p, 0x10000, w, sizeof w, &wl), SCP03T_EFORMAT);
    assert_int_equal(scp03t_wrap(&k, 0x86, p, 4, w, 2 + 16 + 7, &wl), SCP03T_ESPACE);
    assert_int_equal(scp03t_wrap(&k, 0x86, p, 4, w, 1, &wl), SCP03T_ESPACE);
    assert_memory_equal(&k, &before, sizeof k);
    k.counter = 0;
    assert_int_equal(scp03t_wrap(&k, 0x86, p, 4, w, sizeof w, &wl), SCP03T_EFORMAT);
    /* an empty MAC-only segment and an empty encrypted one round-trip */
    struct scp03t s, r;
    scp03t_init(&s, key, key, key);
    r = s;
    uint8_t out[32];
    size_t ol = 99;
    assert_int_equal(scp03t_wrap(&s, 0x88, NULL, 0, w, sizeof w, &wl), SCP03T_OK);
    assert_int_equal(wl, 2 + 8);
    assert_int_equal(scp03t_unwrap(&r, w, wl, out, 0, &ol), SCP03T_OK);
    assert_int_equal(ol, 0);
    assert_int_equal(scp03t_wrap(&s, 0x87, NULL, 0, w, sizeof w, &wl), SCP03T_OK);
    assert_int_equal(wl, 2 + 16 + 8);
    assert_int_equal(scp03t_unwrap(&r, w, wl, NULL, 0, &ol), SCP03T_OK);
    assert_int_equal(ol, 0);
    assert_int_equal(r.counter, 3);
    assert_memory_equal(&r, &s, sizeof r);
}

/* osmo-smdpp's full 86 segments: 1008 plaintext octets → 86 82 04 08 || 1024 || MAC */
static void test_big_segments(void **state)
{
    (void)state;
    static const size_t sizes[] = {1008, 1009, 4000, 0xFFFF - 8 - 16};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = sizes[i];
        uint8_t *plain = malloc(n), *w = malloc(n + 32), *out = malloc(n + 16);
        assert_non_null(plain), assert_non_null(w), assert_non_null(out);
        for (size_t b = 0; b < n; b++)
            plain[b] = (uint8_t)(b * 7 + i);
        struct scp03t s, r;
        uint8_t key[16] = {0x11}, mac[16] = {0x22}, mcv[16] = {0x33};
        scp03t_init(&s, key, mac, mcv);
        r = s;
        size_t wl = 0, ol = 0;
        assert_int_equal(scp03t_wrap(&s, 0x86, plain, n, w, n + 32, &wl), SCP03T_OK);
        if (n == 1008) {
            static const uint8_t head[] = {0x86, 0x82, 0x04, 0x08};
            assert_int_equal(wl, 1036);
            assert_memory_equal(w, head, 4);
        }
        assert_int_equal(scp03t_unwrap(&r, w, wl, out, n + 16, &ol), SCP03T_OK);
        assert_int_equal(ol, n);
        assert_memory_equal(out, plain, n);
        assert_memory_equal(&r, &s, sizeof r);
        free(plain), free(w), free(out);
    }
    /* one block more no longer fits a 3-octet length: refused by both sides */
    size_t n = 0xFFFF - 8;
    uint8_t *plain = calloc(1, n), *w = malloc(n + 32);
    assert_non_null(plain), assert_non_null(w);
    struct scp03t s;
    uint8_t key[16] = {1};
    size_t wl = 0;
    scp03t_init(&s, key, key, key);
    assert_int_equal(scp03t_wrap(&s, 0x86, plain, n, w, n + 32, &wl), SCP03T_EFORMAT);
    assert_int_equal(scp03t_wrap(&s, 0x88, plain, n, w, n + 32, &wl), SCP03T_OK);
    assert_int_equal(wl, 1 + 3 + n + 8);
    free(plain), free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain_a_wrap),
        cmocka_unit_test(test_chain_a_unwrap),
        cmocka_unit_test(test_chain_b_wrap),
        cmocka_unit_test(test_chain_b_unwrap),
        cmocka_unit_test(test_padding_wrap),
        cmocka_unit_test(test_padding_unwrap),
        cmocka_unit_test(test_third_party_wrap),
        cmocka_unit_test(test_third_party_unwrap),
        cmocka_unit_test(test_unwrap_bad_mac),
        cmocka_unit_test(test_unwrap_wrong_counter),
        cmocka_unit_test(test_unwrap_bad_padding),
        cmocka_unit_test(test_unwrap_format),
        cmocka_unit_test(test_space),
        cmocka_unit_test(test_wrap_errors),
        cmocka_unit_test(test_big_segments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
