/* tests/unit/iot/test_iot_es10.c — the SGP.32 IoT ES10b functions other than
 * LoadEuiccPackage, through card_transmit() on an IoT-mode card with the SGP.26
 * identity: AddInitialEim (the captured vector, every error code), GetEimConfiguration-
 * Data, GetCerts, eUICCMemoryReset (BF64 and v1.0 BF34), ImmediateEnable and its
 * configuration, ProfileRollback, fallback / emergency / connectivity, SetDefaultDpAddress
 * (BF65), EUICCInfo2's and the SELECT response's IoT fields, the local-management guard,
 * and a consumer card answering 6A88 to all SGP.32 functions.
 * Needs <shared>/sgp26 (EUICC_EMU_SHARED or ../shared): skips when absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "card/card.h"
#include "card/card_internal.h"
#include "card/store.h"
#include "card/tlv.h"
#include "isd-r/eim_config.h"
#include "isd-r/isdr_internal.h"
#include "isd-r/profile_rollback.h"
#include "isd-r/profile_table.h"
#include "tests/common/test_util.h"

#define BUF 65536

struct fx {
    char sgp26[512];
    char vectors[512];
    struct store *store;
    struct card *card;
    uint8_t resp[BUF];
    size_t len;
    uint16_t sw;
};

static const uint8_t NIST_CI_PKID[20] = { 0xF5, 0x41, 0x72, 0xBD, 0xF9, 0x8A, 0x95, 0xD6,
                                          0x5C, 0xBE, 0xB8, 0x8A, 0x38, 0xA1, 0xC1, 0x1D,
                                          0x80, 0x0A, 0x85, 0xC3 };
static const uint8_t BRP_CI_PKID[20] = { 0xC0, 0xBC, 0x70, 0xBA, 0x36, 0x92, 0x9D, 0x43,
                                         0xB4, 0x67, 0xFF, 0x57, 0x57, 0x05, 0x30, 0xE5,
                                         0x7A, 0xB8, 0xFC, 0xD8 };

static size_t xmit(struct fx *f, const uint8_t *c, size_t n, uint8_t *r, size_t cap)
{
    size_t k = card_transmit(f->card, c, n, r, cap);
    assert_true(k >= 2);
    return k;
}

/* Read what 61xx announces, appending to f->resp; returns the final SW. */
static uint16_t collect(struct fx *f, const uint8_t *r, size_t k)
{
    static uint8_t tmp[300];
    uint16_t sw = (uint16_t)(r[k - 2] << 8 | r[k - 1]);
    memcpy(f->resp + f->len, r, k - 2);
    f->len += k - 2;
    while ((sw >> 8) == 0x61) {
        uint8_t gr[5] = { 0x00, 0xC0, 0x00, 0x00, (uint8_t)sw };
        k = xmit(f, gr, sizeof gr, tmp, sizeof tmp);
        sw = (uint16_t)(tmp[k - 2] << 8 | tmp[k - 1]);
        assert_true(f->len + k - 2 <= BUF);
        memcpy(f->resp + f->len, tmp, k - 2);
        f->len += k - 2;
    }
    return sw;
}

static void select_isdr(struct fx *f)
{
    static const uint8_t sel[] = { 0x00, 0xA4, 0x04, 0x00, 0x10, 0xA0, 0x00, 0x00, 0x05,
                                   0x59, 0x10, 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x89, 0x00,
                                   0x00, 0x01, 0x00, 0x00 };
    uint8_t r[300];
    size_t k = xmit(f, sel, sizeof sel, r, sizeof r);
    f->len = 0;
    f->sw = collect(f, r, k);
    assert_int_equal(f->sw, 0x9000);
}

/* One ES10 request as STORE DATA blocks of up to 255 octets; response in f->resp. */
static uint16_t es10(struct fx *f, const uint8_t *req, size_t len)
{
    uint8_t apdu[300], r[300];
    size_t off = 0, k = 0;
    uint8_t block = 0;
    f->len = 0;
    do {
        size_t n = len - off > 255 ? 255 : len - off;
        bool last = off + n == len;
        apdu[0] = 0x80;
        apdu[1] = 0xE2;
        apdu[2] = last ? 0x91 : 0x11;
        apdu[3] = block++;
        apdu[4] = (uint8_t)n;
        memcpy(apdu + 5, req + off, n);
        apdu[5 + n] = 0x00;
        k = xmit(f, apdu, 6 + n, r, sizeof r);
        off += n;
        if (!last)
            assert_int_equal(r[k - 2] << 8 | r[k - 1], 0x9000);
    } while (off < len);
    f->sw = collect(f, r, k);
    return f->sw;
}

static uint16_t es10_hex(struct fx *f, const char *h)
{
    uint8_t b[4096];
    size_t n = tu_unhex(h, b, sizeof b);
    return es10(f, b, n);
}

static void expect_resp(const struct fx *f, const char *h)
{
    uint8_t b[4096];
    size_t n = tu_unhex(h, b, sizeof b);
    if (f->len != n || memcmp(f->resp, b, n) != 0) {
        char got[2 * 4096 + 1] = "";
        tu_tohex(f->resp, f->len < 4096 ? f->len : 4096, got);
        fail_msg("response %s, expected %s", got, h);
    }
}

static void run_ok(struct fx *f, const char *req, const char *resp)
{
    assert_int_equal(es10_hex(f, req), 0x9000);
    expect_resp(f, resp);
}

static void open_card(struct fx *f, enum card_mode mode)
{
    char err[256] = "";
    static const uint8_t seed[] = "iot es10 test";
    struct card_config cfg = { .identity_dir = f->sgp26, .mode = mode, .rng_seed = seed,
                               .rng_seed_len = sizeof seed, .capacity = 500000 };
    assert_int_equal(store_open_memory(&f->store), STORE_OK);
    cfg.store = f->store;
    if (card_open(&f->card, &cfg, err, sizeof err) != 0)
        fail_msg("card_open: %s", err);
    card_power(f->card, CARD_POWER_ON);
    select_isdr(f);
}

static int setup_mode(void **state, enum card_mode mode)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->sgp26, sizeof f->sgp26, "%s/sgp26", tu_shared_dir());
    snprintf(f->vectors, sizeof f->vectors, "%s/vectors/sgp32", tu_shared_dir());
    char probe[600];
    snprintf(probe, sizeof probe, "%s/eUICC/CERT_EUICC_ECDSA_NIST.der", f->sgp26);
    FILE *p = fopen(probe, "rb");
    if (!p) {
        print_message("SKIP: %s absent (set EUICC_EMU_SHARED)\n", f->sgp26);
        free(f);
        *state = NULL;
        return 0;
    }
    fclose(p);
    open_card(f, mode);
    *state = f;
    return 0;
}

static int setup_iot(void **state) { return setup_mode(state, CARD_MODE_IOT); }
static int setup_consumer(void **state) { return setup_mode(state, CARD_MODE_CONSUMER); }

static int teardown(void **state)
{
    struct fx *f = *state;
    if (f) {
        card_close(f->card);
        store_close(f->store);
        free(f);
    }
    return 0;
}

#define FX(state) \
    struct fx *f = *(state); \
    if (!f) { skip(); return; }

/* ---- AddInitialEim with the captured vector ------------------------------------ */

static uint8_t *vector(struct fx *f, size_t *len)
{
    char p[700];
    snprintf(p, sizeof p, "%s/addInitialEim_request.ber", f->vectors);
    uint8_t *b = tu_read_file(p, len);
    if (!b)
        print_message("SKIP: %s absent\n", p);
    return b;
}

static void test_add_initial_eim_vector(void **state)
{
    FX(state);
    size_t n;
    uint8_t *v = vector(f, &n);
    if (!v) { skip(); return; }
    assert_int_equal(es10(f, v, n), 0x9000);
    expect_resp(f, "BF57 05 A0 03 84 01 01");
    /* a second AddInitialEim: an eIM is associated */
    assert_int_equal(es10(f, v, n), 0x9000);
    expect_resp(f, "BF57 03 81 01 02");
    /* GetEimConfigurationData lists it: the request's entry, token -1 replaced by 1 */
    struct tlv top, a0, e;
    assert_true(tlv_parse(v, n, &top));
    assert_true(tlv_parse(top.value, top.len, &a0));
    assert_true(tlv_parse(a0.value, a0.len, &e));
    uint8_t want[512];
    memcpy(want, e.raw, e.raw_len);
    for (size_t i = 0; i + 2 < e.raw_len; i++)
        if (want[i] == 0x84 && want[i + 1] == 0x01 && want[i + 2] == 0xFF) {
            want[i + 2] = 0x01;
            break;
        }
    for (int form = 0; form < 2; form++) {
        /* v1.0 (empty) and v1.2 (search by eimId) requests */
        assert_int_equal(es10_hex(f, form ? "BF55 07 A0 05 80 03 65494D" : "BF55 00"),
                         0x9000);
        assert_true(tlv_parse(f->resp, f->len, &top));
        assert_int_equal(top.tag, 0xBF55);
        assert_true(tlv_parse(top.value, top.len, &a0));
        assert_int_equal(a0.tag, 0xA0);
        assert_int_equal(a0.len, e.raw_len);
        assert_memory_equal(a0.value, want, e.raw_len);
    }
    /* the stored key is the SGP.26 eIM key */
    struct eim_config *c = malloc(sizeof *c);
    assert_non_null(c);
    assert_int_equal(eim_find(f->store, "eIM", 3, c), STORE_OK);
    assert_int_equal(c->counter, 1);
    assert_int_equal(c->association_token, 1);
    EVP_PKEY *k = eim_public_key(c);
    assert_non_null(k);
    char p[700];
    snprintf(p, sizeof p, "%s/eIM/PK_S_EIMsign_ECDSA_NIST.pem", f->sgp26);
    FILE *pf = fopen(p, "r");
    if (pf) {
        EVP_PKEY *ref = PEM_read_PUBKEY(pf, NULL, NULL, NULL);
        fclose(pf);
        assert_non_null(ref);
        assert_int_equal(EVP_PKEY_eq(k, ref), 1);
        EVP_PKEY_free(ref);
    }
    EVP_PKEY_free(k);
    free(c);
    /* unknown eimId: empty list; malformed search → 6A80 */
    run_ok(f, "BF55 07 A0 05 80 03 78797A", "BF55 02 A0 00");
    assert_int_equal(es10_hex(f, "BF55 03 81 01 00"), 0x6A80);
    free(v);
}

/* The vector's EimConfigurationData with one field changed: hex of the entry body
 * fields before/after the key. */
#define SGP26_SPKI_A0 "A0 59 3013 0607 2A8648CE3D0201 0608 2A8648CE3D030107 0342 00" \
    "04956187A0555858329 70C9D54D1CB34226CF173435D704D9807CE617FFCA128EEE4B80236394242" \
    "82EDE7D0D633AD596F96A6B4C3209BC9ADB99E9421C99F6F39"

static void add_eim_hex(struct fx *f, const char *fields, const char *expect)
{
    char req[4096];
    uint8_t body[2048];
    size_t n;
    n = tu_unhex(fields, body, sizeof body);
    /* BF57 { A0 { 30 { fields } } } with short/long form lengths */
    assert_true(n + 4 < 128);
    int p = snprintf(req, sizeof req, "BF57 %02zX A0 %02zX 30 %02zX ", n + 4, n + 2, n);
    snprintf(req + p, sizeof req - (size_t)p, "%s", fields);
    run_ok(f, req, expect);
}

static void test_add_initial_eim_errors(void **state)
{
    FX(state);
    const char *key = "A5 5B " SGP26_SPKI_A0;
    char b[2048];
    /* counterValue negative / wider than 64 bits → counterValueOutOfRange */
    snprintf(b, sizeof b, "80 01 41 83 01 FF 84 01 FF %s", key);
    add_eim_hex(f, b, "BF57 03 81 01 06");
    snprintf(b, sizeof b, "80 01 41 83 0A 01 00 00 00 00 00 00 00 00 00 84 01 FF %s", key);
    add_eim_hex(f, b, "BF57 03 81 01 06");
    /* associationToken below -1 → invalidAssociationToken */
    snprintf(b, sizeof b, "80 01 41 83 01 01 84 01 FE %s", key);
    add_eim_hex(f, b, "BF57 03 81 01 05");
    /* no eimPublicKeyData / broken key / missing eimId → commandError */
    add_eim_hex(f, "80 01 41 83 01 01 84 01 FF", "BF57 03 81 01 07");
    add_eim_hex(f, "80 01 41 83 01 01 A5 04 A0 02 05 00", "BF57 03 81 01 07");
    snprintf(b, sizeof b, "81 01 41 83 01 01 %s", key);
    add_eim_hex(f, b, "BF57 03 81 01 07");
    run_ok(f, "BF57 00", "BF57 03 81 01 07");                 /* no list */
    run_ok(f, "BF57 02 A0 00", "BF57 03 81 01 07");           /* empty list */
    /* euiccCiPKId naming no trusted CI → ciPKUnknown */
    snprintf(b, sizeof b, "80 01 41 83 01 01 %s 88 14 0102030405060708090A0B0C0D0E0F1011121314",
             key);
    add_eim_hex(f, b, "BF57 03 81 01 03");
    /* nothing stored by any of these */
    size_t count = 9;
    assert_int_equal(eim_count(f->store, &count), STORE_OK);
    assert_int_equal(count, 0);
    /* absent token → addOk (05 00), stored without a token */
    snprintf(b, sizeof b, "80 01 41 83 01 07 %s", key);
    add_eim_hex(f, b, "BF57 04 A0 02 05 00");
    struct eim_config *c = malloc(sizeof *c);
    assert_non_null(c);
    assert_int_equal(eim_find(f->store, "A", 1, c), STORE_OK);
    assert_false(c->has_token);
    assert_int_equal(c->counter, 7);
    free(c);
}

static void test_add_initial_eim_list_rules(void **state)
{
    FX(state);
    char entry[1024], req[8192];
    /* nine entries: more than the card keeps → insufficientMemory */
    size_t elen = 0;
    uint8_t tmp[512];
    snprintf(entry, sizeof entry, "30 66 80 01 41 83 01 01 84 01 FF A5 5B %s", SGP26_SPKI_A0);
    elen = tu_unhex(entry, tmp, sizeof tmp);
    assert_int_equal(elen, 0x68);
    size_t total = 9 * elen;
    snprintf(req, sizeof req, "BF57 82 %04zX A0 82 %04zX", total + 4, total);
    for (int i = 0; i < 9; i++) {
        char e[1024];
        snprintf(e, sizeof e, " 30 66 80 01 %02X 83 01 01 84 01 FF A5 5B %s", 0x41 + i,
                 SGP26_SPKI_A0);
        strcat(req, e);
    }
    run_ok(f, req, "BF57 03 81 01 01");
    /* two entries with one eimId → commandError */
    total = 2 * elen;
    snprintf(req, sizeof req, "BF57 81 %02zX A0 81 %02zX %s %s", total + 3, total, entry,
             entry);
    run_ok(f, req, "BF57 03 81 01 07");
    /* two distinct entries → two generated tokens, in order */
    char entry2[1024];
    snprintf(entry2, sizeof entry2, "30 66 80 01 42 83 01 01 84 01 FF A5 5B %s",
             SGP26_SPKI_A0);
    snprintf(req, sizeof req, "BF57 81 %02zX A0 81 %02zX %s %s", total + 3, total, entry,
             entry2);
    run_ok(f, req, "BF57 08 A0 06 84 01 01 84 01 02");
    size_t count = 0;
    assert_int_equal(eim_count(f->store, &count), STORE_OK);
    assert_int_equal(count, 2);
}

/* A certificate for the SGP.26 eIM public key, signed by the SGP.26 NIST CI (trusted)
 * or by a throw-away CA key (not trusted); DER into out. */
static size_t make_eim_cert(struct fx *f, bool trusted, uint8_t *out, size_t cap)
{
    char p[700];
    snprintf(p, sizeof p, "%s/eIM/PK_S_EIMsign_ECDSA_NIST.pem", f->sgp26);
    FILE *pf = fopen(p, "r");
    assert_non_null(pf);
    EVP_PKEY *subject = PEM_read_PUBKEY(pf, NULL, NULL, NULL);
    fclose(pf);
    EVP_PKEY *ca_key = NULL;
    X509 *ca = NULL;
    if (trusted) {
        snprintf(p, sizeof p, "%s/CI/SK_CI_ECDSA_NIST.pem", f->sgp26);
        pf = fopen(p, "r");
        assert_non_null(pf);
        ca_key = PEM_read_PrivateKey(pf, NULL, NULL, NULL);
        fclose(pf);
        snprintf(p, sizeof p, "%s/CI/CERT_CI_ECDSA_NIST.der", f->sgp26);
        size_t n = 0;
        uint8_t *der = tu_read_file(p, &n);
        assert_non_null(der);
        const unsigned char *q = der;
        ca = d2i_X509(NULL, &q, (long)n);
        free(der);
    } else {
        ca_key = EVP_EC_gen("P-256");
        ca = X509_new();
        X509_set_pubkey(ca, ca_key);
        X509_NAME_add_entry_by_txt(X509_get_subject_name(ca), "CN", MBSTRING_ASC,
                                   (const unsigned char *)"rogue CA", -1, -1, 0);
        X509_set_issuer_name(ca, X509_get_subject_name(ca));
        X509V3_CTX c;
        X509V3_set_ctx(&c, ca, ca, NULL, NULL, 0);
        X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &c, NID_subject_key_identifier, "hash");
        X509_add_ext(ca, ext, -1);
        X509_EXTENSION_free(ext);
    }
    assert_non_null(subject);
    assert_non_null(ca_key);
    assert_non_null(ca);
    X509 *x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, subject);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               (const unsigned char *)"test eIM", -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(ca));
    X509V3_CTX c;
    X509V3_set_ctx(&c, ca, x, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &c, NID_authority_key_identifier,
                                              "keyid:always");
    assert_non_null(ext);
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    assert_true(X509_sign(x, ca_key, EVP_sha256()) > 0);
    int n = i2d_X509(x, NULL);
    assert_true(n > 0 && (size_t)n <= cap);
    unsigned char *q = out;
    i2d_X509(x, &q);
    X509_free(x);
    X509_free(ca);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(subject);
    return (size_t)n;
}

static void add_eim_with_cert(struct fx *f, const uint8_t *cert, size_t n, const char *exp)
{
    uint8_t req[4096];
    struct tlv_writer w;
    tlv_writer_init(&w, req, sizeof req);
    tlv_open(&w, 0xBF57);
    tlv_open(&w, 0xA0);
    tlv_open(&w, 0x30);
    tlv_put(&w, 0x80, (const uint8_t *)"C", 1);
    tlv_put_int(&w, 0x83, 1);
    tlv_put_int(&w, 0x84, -1);
    tlv_open(&w, 0xA5);
    struct tlv t;
    assert_true(tlv_parse(cert, n, &t));
    tlv_put(&w, 0xA1, t.value, t.len);        /* eimCertificate: 30 → A1 */
    tlv_close(&w);
    tlv_close(&w);
    tlv_close(&w);
    tlv_close(&w);
    assert_true(tlv_writer_ok(&w));
    assert_int_equal(es10(f, req, w.len), 0x9000);
    expect_resp(f, exp);
}

static void test_add_initial_eim_certificate(void **state)
{
    FX(state);
    uint8_t cert[2048];
    size_t n = make_eim_cert(f, false, cert, sizeof cert);
    add_eim_with_cert(f, cert, n, "BF57 03 81 01 03");          /* ciPKUnknown */
    n = make_eim_cert(f, true, cert, sizeof cert);
    add_eim_with_cert(f, cert, n, "BF57 05 A0 03 84 01 01");
    struct eim_config *c = malloc(sizeof *c);
    assert_non_null(c);
    assert_int_equal(eim_find(f->store, "C", 1, c), STORE_OK);
    assert_int_equal(c->key_kind, EIM_KEY_CERTIFICATE);
    assert_int_equal(c->key_len, n);
    assert_memory_equal(c->key, cert, n);
    EVP_PKEY *k = eim_trusted_key(c, card_ecasd(f->card));
    assert_non_null(k);
    EVP_PKEY_free(k);
    free(c);
}

/* ---- GetCerts ------------------------------------------------------------------- */

static void expect_cert(struct fx *f, const struct tlv *t, uint32_t tag, const char *file)
{
    char p[700];
    size_t n;
    snprintf(p, sizeof p, "%s/%s", f->sgp26, file);
    uint8_t *der = tu_read_file(p, &n);
    assert_non_null(der);
    assert_int_equal(t->tag, tag);
    uint8_t *copy = malloc(t->raw_len);
    assert_non_null(copy);
    memcpy(copy, t->raw, t->raw_len);
    copy[0] = 0x30;                          /* restore the certificate's own tag */
    assert_int_equal(t->raw_len, n);
    assert_memory_equal(copy, der, n);
    free(copy);
    free(der);
}

static void check_certs(struct fx *f, const char *curve)
{
    struct tlv top, a0, eum, euicc;
    struct tlv_cursor c;
    char a[64], b[64];
    assert_true(tlv_parse(f->resp, f->len, &top));
    assert_int_equal(top.tag, 0xBF56);
    assert_true(tlv_parse(top.value, top.len, &a0));
    assert_int_equal(a0.tag, 0xA0);
    assert_true(tlv_enter(&a0, &c));
    assert_true(tlv_next(&c, &eum));
    assert_true(tlv_next(&c, &euicc));
    snprintf(a, sizeof a, "EUM/CERT_EUM_ECDSA_%s.der", curve);
    snprintf(b, sizeof b, "eUICC/CERT_EUICC_ECDSA_%s.der", curve);
    expect_cert(f, &eum, 0xA5, a);
    expect_cert(f, &euicc, 0xA6, b);
}

static void test_get_certs(void **state)
{
    FX(state);
    uint8_t req[32] = { 0xBF, 0x56, 0x16, 0x80, 0x14 };
    assert_int_equal(es10_hex(f, "BF56 00"), 0x9000);    /* pySim's probe */
    struct tlv top;
    assert_true(tlv_parse(f->resp, f->len, &top));
    assert_int_equal(top.tag, 0xBF56);
    memcpy(req + 5, NIST_CI_PKID, 20);
    assert_int_equal(es10(f, req, 25), 0x9000);
    check_certs(f, "NIST");
    memcpy(req + 5, BRP_CI_PKID, 20);
    assert_int_equal(es10(f, req, 25), 0x9000);
    check_certs(f, "BRP");
    req[5] ^= 0xFF;
    assert_int_equal(es10(f, req, 25), 0x9000);
    expect_resp(f, "BF56 03 81 01 01");                   /* invalidCiPKId */
    assert_int_equal(es10_hex(f, "BF56 03 81 01 00"), 0x6A80);
}

/* ---- consumer mode: SGP.32-only functions are unknown --------------------------- */

static void test_consumer_answers_6a88(void **state)
{
    FX(state);
    static const char *reqs[] = {
        "BF56 00", "BF57 00", "BF55 00", "BF51 00", "BF58 03 80 01 00", "BF59 00",
        "BF5A 00", "BF5B 03 80 01 00", "BF5C 03 80 01 00", "BF5D 03 80 01 00",
        "BF5E 03 80 01 00", "BF5F 00", "BF64 04 82 02 02 04", "BF65 03 80 01 41",
        "BF42 04 80 02 07 80",
    };
    for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
        assert_int_equal(es10_hex(f, reqs[i]), 0x6A88);
        assert_int_equal(f->len, 0);
    }
    /* and the consumer forms stay: BF34 answers SGP.22's {80 result} */
    run_ok(f, "BF34 04 82 02 05 E0", "BF34 03 80 01 01");
    /* no IoT template, no IoT EUICCInfo2 fields */
    select_isdr(f);
    struct tlv fci, e1;
    assert_true(tlv_parse(f->resp, f->len, &fci));
    assert_false(tlv_find(fci.value, fci.len, 0xE1, &e1));
    assert_int_equal(es10_hex(f, "BF22 00"), 0x9000);
    assert_true(tlv_parse(f->resp, f->len, &fci));
    assert_false(tlv_find(fci.value, fci.len, 0x90, &e1));
    assert_false(tlv_find(fci.value, fci.len, 0xB4, &e1));
}

/* ---- IoT fields of EUICCInfo2 and the SELECT response ---------------------------- */

static void add_profile(struct fx *f, uint8_t slot, uint8_t last, uint8_t state)
{
    struct profile_record *p = calloc(1, sizeof *p);
    assert_non_null(p);
    p->slot = slot;
    static const uint8_t iccid[10] = { 0x98, 0x10, 0x32, 0x54, 0x76, 0x98, 0x10, 0x32,
                                       0x54, 0x00 };
    memcpy(p->iccid, iccid, 10);
    p->iccid[9] = last;
    profile_isdp_aid(slot, p->aid);
    p->aid_len = 16;
    p->state = state;
    p->profile_class = PROFILE_CLASS_OPERATIONAL;
    assert_int_equal(profile_save(f->store, p), STORE_OK);
    free(p);
}

static void test_iot_info(void **state)
{
    FX(state);
    struct tlv top, t;
    assert_int_equal(es10_hex(f, "BF22 00"), 0x9000);
    assert_true(tlv_parse(f->resp, f->len, &top));
    assert_true(tlv_find(top.value, top.len, 0x90, &t));
    assert_int_equal(t.raw_len, 3);
    assert_memory_equal(t.raw, "\x90\x01\x00", 3);               /* ipaMode ipad */
    assert_true(tlv_find(top.value, top.len, 0xB4, &t));
    /* iotVersion 1.2.0, ecallSupported, fallbackSupported (no fallbackAllowedUpdate) */
    assert_int_equal(t.raw_len, 13);
    assert_memory_equal(t.raw, "\xB4\x0B\xA0\x05\x04\x03\x01\x02\x00\x81\x00\x82\x00", 13);
    /* FCI: E1 {80 euiccConfiguration}: no enabled profile, then one */
    select_isdr(f);
    assert_true(tlv_parse(f->resp, f->len, &top));
    assert_true(tlv_find(top.value, top.len, 0xE1, &t));
    assert_int_equal(t.raw_len, 5);
    assert_memory_equal(t.raw, "\xE1\x03\x80\x01\x00", 5);
    add_profile(f, 1, 0x01, PROFILE_ENABLED);
    select_isdr(f);
    assert_true(tlv_parse(f->resp, f->len, &top));
    assert_true(tlv_find(top.value, top.len, 0xE1, &t));
    assert_int_equal(t.raw_len, 6);
    assert_memory_equal(t.raw, "\xE1\x04\x80\x02\x06\x40", 6);  /* enabledProfile(1) */
}

/* ---- eUICCMemoryReset ----------------------------------------------------------- */

static void associate(struct fx *f)
{
    char b[512];
    snprintf(b, sizeof b, "80 03 65494D 83 01 01 84 01 FF A5 5B %s", SGP26_SPKI_A0);
    uint8_t body[512];
    size_t n;
    n = tu_unhex(b, body, sizeof body);
    char req[1200];
    int p = snprintf(req, sizeof req, "BF57 %02zX A0 %02zX 30 %02zX ", n + 4, n + 2, n);
    snprintf(req + p, sizeof req - (size_t)p, "%s", b);
    assert_int_equal(es10_hex(f, req), 0x9000);
    assert_int_equal(f->resp[3], 0xA0);
}

static void test_memory_reset(void **state)
{
    FX(state);
    associate(f);
    run_ok(f, "BF59 02 80 00", "BF59 03 80 01 02");       /* eIM there: refused */
    /* BF64 resetEimConfigData (bit 5): 82 02 02 04 */
    run_ok(f, "BF64 04 82 02 02 04", "BF64 06 80 01 00 81 01 00");
    run_ok(f, "BF55 00", "BF55 02 A0 00");
    run_ok(f, "BF64 04 82 02 02 04", "BF64 06 80 01 00 81 01 01");   /* nothingToDelete */
    /* resetImmediateEnableConfig (bit 6) */
    run_ok(f, "BF59 02 80 00", "BF59 03 80 01 00");
    size_t len;
    assert_int_equal(store_size(f->store, SID_ISDR_IMMEDIATE_ENABLE, &len), STORE_OK);
    run_ok(f, "BF64 04 82 02 01 02", "BF64 06 80 01 00 82 01 00");
    assert_int_equal(store_size(f->store, SID_ISDR_IMMEDIATE_ENABLE, &len), STORE_ENOTFOUND);
    /* profile bits: nothing installed → nothingToDelete; then an operational profile */
    run_ok(f, "BF64 04 82 02 07 80", "BF64 03 80 01 01");
    add_profile(f, 1, 0x01, PROFILE_DISABLED);
    run_ok(f, "BF64 04 82 02 07 80", "BF64 03 80 01 00");
    struct profile_record *p = malloc(sizeof *p);
    assert_non_null(p);
    assert_int_equal(profile_next(f->store, 0, p), STORE_ENOTFOUND);
    /* deleteProvisioningProfiles (bit 4) */
    add_profile(f, 2, 0x02, PROFILE_DISABLED);
    assert_int_equal(profile_load(f->store, 2, p), STORE_OK);
    p->profile_class = PROFILE_CLASS_PROVISIONING;
    assert_int_equal(profile_save(f->store, p), STORE_OK);
    run_ok(f, "BF64 04 82 02 03 08", "BF64 03 80 01 00");
    assert_int_equal(profile_next(f->store, 0, p), STORE_ENOTFOUND);
    free(p);
    /* v1.0 BF34: bit 3 resetEimConfigData, bit 4 resetAutoEnableConfig */
    associate(f);
    run_ok(f, "BF34 04 82 02 03 10", "BF34 06 80 01 00 81 01 00");
    run_ok(f, "BF34 04 82 02 03 08", "BF34 06 80 01 00 82 01 00");
    run_ok(f, "BF34 04 82 02 05 E0", "BF34 03 80 01 01");  /* SGP.22 bits, lpac's form */
    run_ok(f, "BF34 03 82 01 80", "BF34 03 80 01 01");     /* pySim's form */
    assert_int_equal(es10_hex(f, "BF64 00"), 0x6A80);
    assert_int_equal(es10_hex(f, "BF34 00"), 0x6A80);
    /* association tokens are never reused */
    char b[512];
    snprintf(b, sizeof b, "80 01 41 83 01 01 84 01 FF A5 5B %s", SGP26_SPKI_A0);
    add_eim_hex(f, b, "BF57 05 A0 03 84 01 03");
}

/* ---- immediate enable, rollback, fallback, emergency, connectivity, BF65 --------- */

static void test_immediate_enable(void **state)
{
    FX(state);
    run_ok(f, "BF5A 00", "BF5A 03 80 01 01");                 /* v1.0 form, not configured */
    run_ok(f, "BF5A 03 80 01 00", "BF5A 03 80 01 01");        /* v1.2 form */
    run_ok(f, "BF59 00", "BF59 03 80 01 00");                 /* config without the flag */
    run_ok(f, "BF5A 03 80 01 FF", "BF5A 03 80 01 01");
    run_ok(f, "BF59 11 80 00 81 03 2B0601 82 08 736D64702E636F6D",
           "BF59 03 80 01 00");
    run_ok(f, "BF5A 03 80 01 00", "BF5A 03 80 01 04");        /* noSessionContext */
    assert_int_equal(es10_hex(f, "BF59 03 80 01 00"), 0x6A80);  /* flag is a NULL */
    assert_int_equal(es10_hex(f, "BF59 04 82 00 80 00"), 0x6A80);  /* order */
    assert_int_equal(es10_hex(f, "BF59 03 82 01 FF"), 0x6A80);  /* not UTF-8 */
    assert_int_equal(es10_hex(f, "BF5A 03 81 01 00"), 0x6A80);
    assert_int_equal(es10_hex(f, "BF5A 04 80 02 00 00"), 0x6A80);
}

/* Record a rollback point as an enable PSMO with rollbackFlag leaves it. */
static void set_point(struct fx *f, uint8_t prev_slot, uint8_t enabled_slot)
{
    struct rollback_point rp = { .had_previous = prev_slot != 0 };
    struct profile_record *p = malloc(sizeof *p);
    assert_non_null(p);
    if (prev_slot) {
        assert_int_equal(profile_load(f->store, prev_slot, p), STORE_OK);
        memcpy(rp.previous_iccid, p->iccid, 10);
    }
    assert_int_equal(profile_load(f->store, enabled_slot, p), STORE_OK);
    memcpy(rp.enabled_iccid, p->iccid, 10);
    free(p);
    assert_int_equal(store_begin(f->store), STORE_OK);
    assert_int_equal(rollback_point_set(f->store, &rp), STORE_OK);
    assert_int_equal(store_commit(f->store), STORE_OK);
}

static uint8_t slot_state(struct fx *f, uint8_t slot)
{
    struct profile_record *p = malloc(sizeof *p);
    assert_non_null(p);
    assert_int_equal(profile_load(f->store, slot, p), STORE_OK);
    uint8_t st = p->state;
    free(p);
    return st;
}

static void test_rollback(void **state)
{
    FX(state);
    struct rollback_point rp;
    run_ok(f, "BF58 03 80 01 00", "BF58 03 02 01 01");        /* rollbackNotAllowed */
    assert_int_equal(es10_hex(f, "BF58 00"), 0x6A80);
    add_profile(f, 1, 0x01, PROFILE_DISABLED);
    add_profile(f, 2, 0x02, PROFILE_ENABLED);
    set_point(f, 1, 2);
    /* the point is persistent: it survives a power cycle (the REFRESH after an enable) */
    card_power(f->card, CARD_POWER_OFF);
    card_power(f->card, CARD_POWER_ON);
    select_isdr(f);
    run_ok(f, "BF58 03 80 01 00", "BF58 03 02 01 00");
    assert_int_equal(slot_state(f, 1), PROFILE_ENABLED);
    assert_int_equal(slot_state(f, 2), PROFILE_DISABLED);
    assert_int_equal(rollback_point_get(f->store, &rp), STORE_ENOTFOUND);
    run_ok(f, "BF58 03 80 01 00", "BF58 03 02 01 01");        /* only once */
    /* without a previous profile: the PSMO's profile is disabled */
    set_point(f, 0, 1);
    run_ok(f, "BF58 03 80 01 00", "BF58 03 02 01 00");
    assert_int_equal(slot_state(f, 1), PROFILE_DISABLED);
    /* a rollback that cannot run (the profile is already disabled) → undefinedError,
     * nothing changed, the point kept */
    set_point(f, 0, 1);
    run_ok(f, "BF58 03 80 01 00", "BF58 03 02 01 7F");
    assert_int_equal(rollback_point_get(f->store, &rp), STORE_OK);
    /* a damaged record → undefinedError */
    assert_int_equal(store_begin(f->store), STORE_OK);
    assert_int_equal(store_put(f->store, SID_ISDR_ROLLBACK, (const uint8_t *)"\x02", 1),
                     STORE_OK);
    assert_int_equal(store_commit(f->store), STORE_OK);
    assert_int_equal(rollback_point_get(f->store, &rp), STORE_ECORRUPT);
    run_ok(f, "BF58 03 80 01 00", "BF58 03 02 01 7F");
    /* a memory reset ends the window */
    set_point(f, 0, 2);
    run_ok(f, "BF64 04 82 02 02 04", "BF64 06 80 01 00 81 01 01");   /* resetEimConfigData */
    assert_int_equal(rollback_point_get(f->store, &rp), STORE_ENOTFOUND);
}

static void test_fallback_emergency_connectivity(void **state)
{
    FX(state);
    run_ok(f, "BF5D 03 80 01 00", "BF5D 03 80 01 06");
    run_ok(f, "BF5E 03 80 01 FF", "BF5E 03 80 01 06");
    run_ok(f, "BF5B 03 80 01 00", "BF5B 03 80 01 08");
    run_ok(f, "BF5C 03 80 01 00", "BF5C 03 80 01 08");
    run_ok(f, "BF5F 00", "BF5F 03 81 01 01");
    run_ok(f, "BF42 04 80 02 07 80", "BF42 03 80 01 01");      /* IPAe: notSupported */
    static const char *bad[] = { "BF5D 00", "BF5E 00", "BF5B 00", "BF5C 00",
                                 "BF5F 03 80 01 00", "BF5D 03 80 02 00", "BF42 00",
                                 "BF42 04 81 02 07 80", "BF42 07 80 02 07 80 80 01 00" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(es10_hex(f, bad[i]), 0x6A80);
}

static void test_set_default_dp_address(void **state)
{
    FX(state);
    run_ok(f, "BF65 0A 80 08 736D64702E636F6D", "BF65 03 80 01 00");
    assert_int_equal(es10_hex(f, "BF3C 00"), 0x9000);
    struct tlv top, t;
    assert_true(tlv_parse(f->resp, f->len, &top));
    assert_true(tlv_find(top.value, top.len, 0x80, &t));
    assert_int_equal(t.len, 8);
    assert_memory_equal(t.value, "smdp.com", 8);
    assert_int_equal(es10_hex(f, "BF65 03 80 01 FF"), 0x6A80);
    assert_int_equal(es10_hex(f, "BF65 00"), 0x6A80);
}

/* ---- the local-management guard ------------------------------------------------- */

static void test_guard(void **state)
{
    FX(state);
    add_profile(f, 1, 0x01, PROFILE_DISABLED);
    add_profile(f, 2, 0x02, PROFILE_DISABLED);
    /* no eIM: ES10c works as on a consumer card */
    run_ok(f, "BF31 11 A0 0C 5A 0A 98103254769810325401 81 01 00", "BF31 03 80 01 00");
    associate(f);
    run_ok(f, "BF32 11 A0 0C 5A 0A 98103254769810325401 81 01 00", "BF32 03 80 01 03");
    run_ok(f, "BF31 11 A0 0C 5A 0A 98103254769810325402 81 01 00", "BF31 03 80 01 03");
    run_ok(f, "BF33 0C 5A 0A 98103254769810325402", "BF33 03 80 01 03");
    struct profile_record *p = malloc(sizeof *p);
    assert_non_null(p);
    assert_int_equal(profile_load(f->store, 1, p), STORE_OK);
    assert_int_equal(p->state, PROFILE_ENABLED);
    assert_int_equal(profile_load(f->store, 2, p), STORE_OK);
    assert_int_equal(p->state, PROFILE_DISABLED);
    free(p);
    /* read-only and nickname stay local */
    assert_int_equal(es10_hex(f, "BF2D 00"), 0x9000);
    assert_int_equal(f->resp[0], 0xBF);
    run_ok(f, "BF29 11 5A 0A 98103254769810325402 90 03 616263", "BF29 03 80 01 00");
    /* the state-change internal (PSMO path) is not guarded */
    static const uint8_t iccid2[10] = { 0x98, 0x10, 0x32, 0x54, 0x76, 0x98, 0x10, 0x32,
                                        0x54, 0x02 };
    struct isdr *r = f->card->isdr;
    assert_int_equal(store_begin(f->store), STORE_OK);
    assert_int_equal(isdr_state_change_in_tx(r, ISDR_STATE_ENABLE, iccid2), 0);
    assert_int_equal(store_commit(f->store), STORE_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_initial_eim_vector, setup_iot, teardown),
        cmocka_unit_test_setup_teardown(test_add_initial_eim_errors, setup_iot, teardown),
        cmocka_unit_test_setup_teardown(test_add_initial_eim_list_rules, setup_iot, teardown),
        cmocka_unit_test_setup_teardown(test_add_initial_eim_certificate, setup_iot,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_get_certs, setup_iot, teardown),
        cmocka_unit_test_setup_teardown(test_consumer_answers_6a88, setup_consumer, teardown),
        cmocka_unit_test_setup_teardown(test_iot_info, setup_iot, teardown),
        cmocka_unit_test_setup_teardown(test_memory_reset, setup_iot, teardown),
        cmocka_unit_test_setup_teardown(test_immediate_enable, setup_iot, teardown),
        cmocka_unit_test_setup_teardown(test_rollback, setup_iot, teardown),
        cmocka_unit_test_setup_teardown(test_fallback_emergency_connectivity, setup_iot,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_set_default_dp_address, setup_iot, teardown),
        cmocka_unit_test_setup_teardown(test_guard, setup_iot, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
