/* tests/unit/eim_tool/test_eim_tool.c — the test eIM library (tools/eim) that
 * euicc-eim is built on:
 * - every PSMO / eCO builder, AddInitialEim and the package envelope give the exact DER
 *   of SGP.32 v1.2 (expected octets written by hand from the ASN.1, REFERENCE §2.2);
 * - the fault names (--tamper), the result-name table (with the IPA's ES10b answers);
 * - the IPA's own ES10b requests (fallback, emergency, rollback, connectivity, immediate
 *   enable): exact DER, every answer shape decoded or refused, and a real IoT card's
 *   answers to each;
 * - result parsing: a good signature verifies, a bad signature or another token does
 *   not, every truncation and trailing octet is refused;
 * - every tamper kind is refused by a real in-process IoT card (card_transmit);
 * - the CERT.EUICC → CERT.EUM → CI check accepts the card's real chain and refuses a
 *   foreign EUM / CI and a wrong EID.
 * The card tests skip when <shared>/sgp26 is absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "card/card.h"
#include "card/store.h"
#include "card/tlv.h"
#include "crypto/ec.h"
#include "crypto/rng.h"
#include "crypto/x509.h"
#include "ecasd/ecasd.h"
#include "ecasd/identity.h"
#include "ecasd/testpki.h"
#include "tests/common/download_driver.h"
#include "tests/common/iot_card.h"
#include "tests/common/test_util.h"
#include "tools/eim/eim.h"

#define ICCID_HEX "98103254769810325476"
static const uint8_t ICCID[10] = { 0x98, 0x10, 0x32, 0x54, 0x76, 0x98, 0x10, 0x32, 0x54,
                                   0x76 };

/* The writer holds exactly the octets of hex. */
static void expect_der(const struct tlv_writer *w, const char *hex)
{
    uint8_t exp[600];
    size_t n = tu_unhex(hex, exp, sizeof exp);
    assert_true(tlv_writer_ok(w));
    assert_int_equal(w->len, n);
    assert_memory_equal(w->buf, exp, n);
}

typedef void (*build_fn)(struct tlv_writer *w);

static void expect_built(build_fn f, const char *hex)
{
    uint8_t buf[600];
    struct tlv_writer w;
    tlv_writer_init(&w, buf, sizeof buf);
    f(&w);
    expect_der(&w, hex);
}

static void b_enable(struct tlv_writer *w) { eimt_psmo_enable(w, ICCID, false); }
static void b_enable_rb(struct tlv_writer *w) { eimt_psmo_enable(w, ICCID, true); }
static void b_disable(struct tlv_writer *w) { eimt_psmo_disable(w, ICCID); }
static void b_delete(struct tlv_writer *w) { eimt_psmo_delete(w, ICCID); }
static void b_lpi(struct tlv_writer *w) { eimt_psmo_list_profile_info(w, NULL, 0, NULL, 0); }
static void b_lpi_crit(struct tlv_writer *w)
{
    static const uint8_t crit[] = { 0x95, 0x01, 0x02 }, tags[] = { 0x5A, 0x9F, 0x70 };
    eimt_psmo_list_profile_info(w, crit, sizeof crit, tags, sizeof tags);
}
static void b_rat(struct tlv_writer *w) { eimt_psmo_get_rat(w); }
static void b_cie(struct tlv_writer *w) { eimt_psmo_configure_immediate_enable(w, true, "a.b"); }
static void b_cie_none(struct tlv_writer *w) { eimt_psmo_configure_immediate_enable(w, false, NULL); }
static void b_cie_oid(struct tlv_writer *w)
{
    static const uint8_t oid[] = { 0x2B, 0x06, 0x01 };    /* 1.3.6.1 */
    eimt_psmo_configure_immediate_enable_oid(w, false, oid, sizeof oid, "dp");
}
static void b_set_fb(struct tlv_writer *w) { eimt_psmo_set_fallback(w, ICCID); }
static void b_unset_fb(struct tlv_writer *w) { eimt_psmo_unset_fallback(w); }
static void b_set_dp(struct tlv_writer *w) { eimt_psmo_set_default_dp(w, "dp.example"); }
static void b_del_eim(struct tlv_writer *w) { eimt_eco_delete_eim(w, "eim"); }
static void b_upd_eim(struct tlv_writer *w) { eimt_eco_update_eim(w, "eim", "e.x", true, 300); }
static void b_upd_eim_id(struct tlv_writer *w) { eimt_eco_update_eim(w, "eim", NULL, false, 0); }
static void b_list_eim(struct tlv_writer *w) { eimt_eco_list_eim(w); }

/* ---------------------------------------------------------------- builders */

static void test_psmo_der(void **state)
{
    (void)state;
    expect_built(b_enable, "A30C 5A0A" ICCID_HEX);
    expect_built(b_enable_rb, "A30E 5A0A" ICCID_HEX "0500");
    expect_built(b_disable, "A40C 5A0A" ICCID_HEX);
    expect_built(b_delete, "A50C 5A0A" ICCID_HEX);
    expect_built(b_lpi, "BF2D00");
    /* ProfileInfoListRequest {searchCriteria [0] CHOICE {profileClass 95}, tagList 5C} */
    expect_built(b_lpi_crit, "BF2D0A A003 950102 5C03 5A9F70");
    expect_built(b_rat, "A600");
    /* configureImmediateEnable [7] {immediateEnableFlag [0] NULL, defaultSmdpOid [1],
     * defaultSmdpAddress [2]} */
    expect_built(b_cie, "A707 8000 8203 612E62");
    expect_built(b_cie_none, "A700");
    expect_built(b_cie_oid, "A709 81032B0601 82026470");
    expect_built(b_set_fb, "A80C 5A0A" ICCID_HEX);
    expect_built(b_unset_fb, "A900");
    /* setDefaultDpAddress [101] SetDefaultDpAddressRequest {defaultDpAddress [0]} */
    expect_built(b_set_dp, "BF650C 800A 64702E6578616D706C65");
}

static void test_eco_der(void **state)
{
    (void)state;
    expect_built(b_del_eim, "A905 8003 65696D");
    /* updateEim [10] EimConfigurationData {eimId, eimFqdn, counterValue [3]} */
    expect_built(b_upd_eim, "AA0E 8003 65696D 8103 652E78 8302 012C");
    expect_built(b_upd_eim_id, "AA05 8003 65696D");
    expect_built(b_list_eim, "AB00");

    /* addEim [8] EimConfigurationData {80 eimId, 83 counter, 84 token,
     * A5 {A0 SubjectPublicKeyInfo content}} */
    struct eimt e;
    assert_int_equal(eimt_init(&e, "eim", NULL), 0);
    unsigned char *spki = NULL;
    int n = i2d_PUBKEY(e.key, &spki);
    assert_int_equal(n, 91);                 /* 30 59 ...: P-256 */
    uint8_t exp[200], buf[300];
    size_t k = tu_unhex("A868 8003 65696D 8301 05 8401 FF A55B A059", exp, sizeof exp);
    memcpy(exp + k, spki + 2, (size_t)n - 2);
    k += (size_t)n - 2;
    struct tlv_writer w;
    tlv_writer_init(&w, buf, sizeof buf);
    eimt_eco_add_eim(&w, "eim", 5, -1, e.key);
    assert_true(tlv_writer_ok(&w));
    assert_int_equal(w.len, k);
    assert_memory_equal(buf, exp, k);
    /* without a key: no A5 */
    tlv_writer_init(&w, buf, sizeof buf);
    eimt_eco_add_eim(&w, "eim", 0, 7, NULL);
    expect_der(&w, "A80B 8003 65696D 830100 840107");

    /* AddInitialEim BF57 {A0 {30 {80 eimId, 81 fqdn, 83 counter, 84 -1, A5 {A0 ..}}}} */
    e.counter = 1;
    size_t len = eimt_add_initial_eim(&e, "f", buf, sizeof buf);
    k = tu_unhex("BF576F A06D 306B 8003 65696D 810166 830101 8401FF A55B A059", exp,
                 sizeof exp);
    memcpy(exp + k, spki + 2, (size_t)n - 2);
    k += (size_t)n - 2;
    assert_int_equal(len, k);
    assert_memory_equal(buf, exp, k);
    assert_int_equal(eimt_add_initial_eim(&e, "f", buf, 20), 0);     /* does not fit */
    OPENSSL_free(spki);
    eimt_free(&e);
    assert_int_equal(eimt_init(&e, "", NULL), -1);
    assert_int_equal(eimt_init(&e, "x", "/nonexistent/key.pem"), -1);
}

/* The envelope: BF51 {30 {80, 5A, 81, 82?, A0|A1 {items}}, 5F37 r||s} signed over
 * DER(30 ...) || 84 token; each fault changes exactly what it names. */
static void test_package_der(void **state)
{
    (void)state;
    struct eimt e;
    uint8_t pkg[400], exp[400];
    static const uint8_t items[] = { 0xA6, 0x00 };
    assert_int_equal(eimt_init(&e, "eim", NULL), 0);
    for (size_t i = 0; i < 16; i++)
        e.eid[i] = (uint8_t)(0x89 + i);
    e.token = 1;
    e.counter = 4;
    size_t n = eimt_package(&e, false, items, sizeof items, (const uint8_t *)"T", 1,
                            EIMT_FAULT_NONE, pkg, sizeof pkg);
    size_t k = tu_unhex("BF5166 3021 8003 65696D 5A10 898A8B8C8D8E8F909192939495969798 "
                        "810105 820154 A002 A600 5F3740", exp, sizeof exp);
    assert_int_equal(n, k + 64);
    assert_memory_equal(pkg, exp, k);
    assert_int_equal(e.counter, 5);
    size_t mlen;
    uint8_t *m = tlv_dup_with_int(pkg + 3, 0x23, 0x84, 1, &mlen);
    assert_non_null(m);
    assert_int_equal(mlen, 0x23 + 3);
    assert_memory_equal(m + 0x23, "\x84\x01\x01", 3);
    assert_true(ecdsa_verify_raw(e.key, m, mlen, pkg + k, 64));
    free(m);

    /* ecoList A1, no transaction id */
    n = eimt_package(&e, true, items, sizeof items, NULL, 0, EIMT_FAULT_NONE, pkg, sizeof pkg);
    assert_int_equal(n, 3 + 2 + 5 + 18 + 3 + 4 + 3 + 64);
    assert_int_equal(pkg[3 + 2 + 5 + 18 + 3], 0xA1);

    struct { enum eimt_fault f; size_t at; uint8_t want; } cases[] = {
        { EIMT_FAULT_WRONG_EID, 3 + 2 + 5 + 2 + 15, 0x98 ^ 0x01 },
        { EIMT_FAULT_OLD_COUNTER, 3 + 2 + 5 + 18 + 2, 6 },
        { EIMT_FAULT_UNKNOWN_EIM, 3 + 2 + 2, 'u' },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t before = e.counter;
        n = eimt_package(&e, true, items, sizeof items, NULL, 0, cases[i].f, pkg, sizeof pkg);
        assert_true(n > 0);
        assert_int_equal(pkg[cases[i].at], cases[i].want);
        if (cases[i].f == EIMT_FAULT_OLD_COUNTER)
            assert_int_equal(e.counter, before);
        e.counter = 6;
    }
    /* bad signature / wrong token: the signature does not verify with token 1 */
    for (int f = EIMT_FAULT_BAD_SIGNATURE; f <= EIMT_FAULT_WRONG_TOKEN;
         f += EIMT_FAULT_WRONG_TOKEN - EIMT_FAULT_BAD_SIGNATURE) {
        n = eimt_package(&e, true, items, sizeof items, NULL, 0, (enum eimt_fault)f, pkg,
                         sizeof pkg);
        struct tlv top, data, sig;
        assert_true(tlv_parse(pkg, n, &top));
        assert_true(tlv_parse(top.value, top.len, &data));
        assert_true(tlv_find(top.value, top.len, 0x5F37, &sig));
        for (int64_t tok = 1; tok <= 2; tok++) {
            m = tlv_dup_with_int(data.raw, data.raw_len, 0x84, tok, &mlen);
            assert_int_equal(ecdsa_verify_raw(e.key, m, mlen, sig.value, sig.len),
                             f == EIMT_FAULT_WRONG_TOKEN && tok == 2);
            free(m);
        }
    }
    assert_int_equal(eimt_package(&e, true, items, sizeof items, NULL, 0, EIMT_FAULT_NONE,
                                  pkg, 40), 0);                       /* does not fit */
    eimt_free(&e);
}

static void test_names(void **state)
{
    (void)state;
    static const char *const kinds[] = { "bad-signature", "wrong-eid", "unknown-eim",
                                         "old-counter", "wrong-token" };
    for (size_t i = 0; i < 5; i++) {
        int f = eimt_fault_from_name(kinds[i]);
        assert_true(f > 0);
        assert_string_equal(eimt_fault_name((enum eimt_fault)f), kinds[i]);
    }
    assert_int_equal(eimt_fault_from_name("none"), EIMT_FAULT_NONE);
    assert_int_equal(eimt_fault_from_name("bad"), -1);
    assert_int_equal(eimt_fault_from_name(NULL), -1);
    assert_string_equal(eimt_fault_name((enum eimt_fault)99), "unknown");

    assert_string_equal(eimt_result_data_name(0x83), "enableResult");
    assert_string_equal(eimt_result_data_name(0x02), "processingTerminated");
    assert_string_equal(eimt_result_data_name(0xBF65), "setDefaultDpAddressResult");
    assert_string_equal(eimt_result_data_name(0x8D), "setFallbackAttributeResult");
    assert_null(eimt_result_data_name(0x99));
    assert_string_equal(eimt_code_name(0x83, 20), "rollbackNotAvailable");
    assert_string_equal(eimt_code_name(0x85, 21), "returnFallbackProfile");
    assert_string_equal(eimt_code_name(0x89, 2), "lastEimDeleted");
    assert_string_equal(eimt_code_name(0x8E, 2), "noFallbackAttribute");
    assert_string_equal(eimt_code_name(0xA8, 2), "associatedEimAlreadyExists");
    assert_string_equal(eimt_code_name(0x02, 2), "unknownOrDamagedCommand");
    assert_string_equal(eimt_code_name(EIMT_CODE_PACKAGE_ERROR, 4), "replayError");
    assert_string_equal(eimt_code_name(EIMT_CODE_UNSIGNED_ERROR, 127), "undefinedError");
    assert_string_equal(eimt_code_name(0x83, 4), "unknown");
    assert_string_equal(eimt_code_name(0x99, 0), "unknown");
    /* the IPA's ES10b answers, by response tag; not EuiccResultData alternatives */
    assert_string_equal(eimt_code_name(0xBF5D, 6), "fallbackNotAvailable");
    assert_string_equal(eimt_code_name(0xBF5D, 104), "ecallActive");
    assert_string_equal(eimt_code_name(0xBF5D, 2), "profileNotInDisabledState");
    assert_string_equal(eimt_code_name(0xBF5E, 6), "fallbackNotAvailable");
    assert_string_equal(eimt_code_name(0xBF5E, 2), "unknown");
    assert_string_equal(eimt_code_name(0xBF5B, 8), "ecallNotAvailable");
    assert_string_equal(eimt_code_name(0xBF5B, 2), "profileNotInDisabledState");
    assert_string_equal(eimt_code_name(0xBF5C, 2), "profileNotInEnabledState");
    assert_string_equal(eimt_code_name(0xBF5C, 0), "ok");
    assert_string_equal(eimt_code_name(0xBF58, 1), "rollbackNotAllowed");
    assert_string_equal(eimt_code_name(0xBF58, 7), "commandError");
    assert_string_equal(eimt_code_name(0xBF5F, 1), "parametersNotAvailable");
    assert_string_equal(eimt_code_name(0xBF5F, 0), "unknown");
    assert_string_equal(eimt_code_name(0xBF5A, 1), "immediateEnableNotAvailable");
    assert_string_equal(eimt_code_name(0xBF5A, 4), "noSessionContext");
    assert_string_equal(eimt_code_name(0xBF5A, 127), "undefinedError");
    assert_null(eimt_result_data_name(0xBF5D));
    assert_null(eimt_result_data_name(0xBF58));
    assert_string_equal(eimt_chain_reason(EIMT_CHAIN_OK), "CERT.EUICC chains to the trusted CI");
    assert_string_equal(eimt_chain_reason((enum eimt_chain)42), "unknown");
}

/* ---------------------------------------------------------------- result parsing */

/* A signed result BF51 {A0 {30 data, 5F37 sig}} signed by k with token tok. */
static size_t make_result(EVP_PKEY *k, int64_t tok, const char *data_hex, uint8_t *out,
                          size_t cap)
{
    uint8_t data[200], sig[64];
    size_t dl = tu_unhex(data_hex, data, sizeof data), mlen;
    uint8_t *m = tlv_dup_with_int(data, dl, 0x84, tok, &mlen);
    assert_non_null(m);
    assert_int_equal(ecdsa_sign_raw(k, m, mlen, sig), 0);
    free(m);
    struct tlv_writer w;
    tlv_writer_init(&w, out, cap);
    tlv_open(&w, 0xBF51);
    tlv_open(&w, 0xA0);
    tlv_put_raw(&w, data, dl);
    tlv_put(&w, 0x5F37, sig, sizeof sig);
    tlv_close(&w);
    tlv_close(&w);
    assert_true(tlv_writer_ok(&w));
    return w.len;
}

static void test_parse_result(void **state)
{
    (void)state;
    struct rng *rng = rng_new_system();
    EVP_PKEY *k = ec_keygen(EC_CURVE_P256, rng), *other = ec_keygen(EC_CURVE_P256, rng);
    uint8_t res[300];
    struct eimt_result r;
    int64_t code;
    assert_non_null(k);
    /* {80 "eim", 81 7, 82 "T", 83 9, 30 {83 00, 02 02}} */
    size_t n = make_result(k, 3, "3016 8003 65696D 810107 820154 830109 3006 830100 020102",
                           res, sizeof res);
    assert_int_equal(eimt_parse_result(res, n, k, 3, &r), 0);
    assert_int_equal(r.kind, EIMT_RESULT_SIGNED);
    assert_true(r.sig_ok);
    assert_string_equal(r.eim_id, "eim");
    assert_int_equal(r.counter, 7);
    assert_int_equal(r.seq, 9);
    assert_true(r.has_tx && r.tx_len == 1 && r.tx[0] == 'T');
    assert_true(eimt_result_code(&r, 0, 0x83, &code) && code == 0);
    assert_true(eimt_result_code(&r, 1, 0x02, &code) && code == 2);
    assert_false(eimt_result_code(&r, 1, 0x83, &code));
    assert_false(eimt_result_code(&r, 2, 0x83, &code));
    /* another token, another key, no key, a flipped signature bit: parsed, not verified */
    assert_int_equal(eimt_parse_result(res, n, k, 4, &r), 0);
    assert_false(r.sig_ok);
    assert_int_equal(eimt_parse_result(res, n, other, 3, &r), 0);
    assert_false(r.sig_ok);
    assert_int_equal(eimt_parse_result(res, n, NULL, 3, &r), 0);
    assert_false(r.sig_ok);
    res[n - 1] ^= 0x01;
    assert_int_equal(eimt_parse_result(res, n, k, 3, &r), 0);
    assert_false(r.sig_ok);
    res[n - 1] ^= 0x01;
    /* every truncation and a trailing octet are refused */
    for (size_t len = 0; len < n; len++)
        assert_int_equal(eimt_parse_result(res, len, k, 3, &r), -1);
    res[n] = 0x00;
    assert_int_equal(eimt_parse_result(res, n + 1, k, 3, &r), -1);

    /* a signed error {80, 81, 02 replayError} */
    n = make_result(k, 3, "300B 8003 65696D 810107 020104", res, sizeof res);
    res[3] = 0xA1;
    assert_int_equal(eimt_parse_result(res, n, k, 3, &r), 0);
    assert_int_equal(r.kind, EIMT_ERROR_SIGNED);
    assert_true(r.sig_ok);
    assert_int_equal(r.code, 4);
    /* a signed result without its results, or with an unknown field: refused */
    n = make_result(k, 3, "300B 8003 65696D 810107 830101", res, sizeof res);
    assert_int_equal(eimt_parse_result(res, n, k, 3, &r), -1);
    n = make_result(k, 3, "300D 8003 65696D 810107 3000 870100", res, sizeof res);
    assert_int_equal(eimt_parse_result(res, n, k, 3, &r), -1);

    /* unsigned error BF51 {A2 {80 eimId, 84 token, 8F code}} */
    uint8_t u[40];
    n = tu_unhex("BF510D A20B 8003 65696D 840101 8F017F", u, sizeof u);
    assert_int_equal(eimt_parse_result(u, n, k, 3, &r), 0);
    assert_int_equal(r.kind, EIMT_ERROR_UNSIGNED);
    assert_true(r.has_token && r.token == 1);
    assert_int_equal(r.code, 127);
    n = tu_unhex("BF5107 A205 8003 65696D", u, sizeof u);
    assert_int_equal(eimt_parse_result(u, n, k, 3, &r), 0);
    assert_int_equal(r.code, -1);
    n = tu_unhex("BF5109 A207 8003 65696D 9900", u, sizeof u);        /* unknown field */
    assert_int_equal(eimt_parse_result(u, n, k, 3, &r), -1);
    n = tu_unhex("BF5102 A300", u, sizeof u);                          /* no such choice */
    assert_int_equal(eimt_parse_result(u, n, k, 3, &r), -1);
    n = tu_unhex("BF2B02 A000", u, sizeof u);
    assert_int_equal(eimt_parse_result(u, n, k, 3, &r), -1);
    EVP_PKEY_free(k);
    EVP_PKEY_free(other);
    rng_free(rng);
}

/* AddInitialEimResponse: ok with one or two tokens or only addOk, the error
 * alternative, and every malformed form. */
static void test_parse_add_initial_eim_response(void **state)
{
    (void)state;
    static const struct { const char *hex; int rc; int64_t token, error; } cases[] = {
        { "BF5705 A003 840101", 0, 1, -2 },
        { "BF570B A009 840200FF 0500 840102", 0, 255, -2 }, /* the first token */
        { "BF5704 A002 0500", 0, -1, -2 },                    /* addOk only: no token */
        { "BF5702 A000", 0, -1, -2 },
        { "BF5703 810102", 1, -1, 2 },                        /* associatedEimAlreadyExists */
        { "BF5703 81017F", 1, -1, 127 },
        { "BF5702 8100", -1, -1, -2 },                        /* empty INTEGER */
        { "BF2B05 A003 840101", -1, -1, -2 },                 /* not BF57 */
        { "BF5705 A003 840101 00", -1, -1, -2 },              /* trailing octet */
        { "BF5705 A003 840101 BF", -1, -1, -2 },
        { "BF5706 A003 840101", -1, -1, -2 },                 /* truncated */
        { "BF570A A003 840101 810102", -1, -1, -2 },          /* two alternatives */
        { "BF5703 820101", -1, -1, -2 },                      /* no such alternative */
        { "BF5705 A003 850101", -1, -1, -2 },                 /* unknown field */
        { "BF5705 A003 050100", -1, -1, -2 },                 /* addOk not NULL */
        { "BF5704 A002 8400", -1, -1, -2 },                   /* empty token */
        { "BF5705 A003 840201", -1, -1, -2 },                 /* token past the end */
        { "BF5700", -1, -1, -2 },
    };
    uint8_t b[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t token = 99, error = -2;
        size_t n = tu_unhex(cases[i].hex, b, sizeof b);
        int rc = eimt_parse_add_initial_eim_response(b, n, &token, &error);
        if (rc != cases[i].rc || (rc >= 0 && token != cases[i].token) ||
            error != cases[i].error)
            fail_msg("%s: rc %d token %lld error %lld", cases[i].hex, rc, (long long)token,
                     (long long)error);
    }
}

/* ---------------------------------------------------------------- IPA functions */

static void test_ipa_request_der(void **state)
{
    (void)state;
    static const struct { uint32_t tag; bool refresh; const char *hex; } cases[] = {
        { 0xBF5D, false, "BF5D03 800100" }, { 0xBF5E, true, "BF5E03 8001FF" },
        { 0xBF5B, false, "BF5B03 800100" }, { 0xBF5C, true, "BF5C03 8001FF" },
        { 0xBF58, true, "BF5803 8001FF" }, { 0xBF5A, false, "BF5A03 800100" },
        { 0xBF5F, true, "BF5F00" },                    /* empty, whatever refresh */
    };
    uint8_t out[16], exp[16];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = eimt_ipa_request(cases[i].tag, cases[i].refresh, out, sizeof out);
        size_t m = tu_unhex(cases[i].hex, exp, sizeof exp);
        assert_int_equal(n, m);
        assert_memory_equal(out, exp, m);
    }
    assert_int_equal(eimt_ipa_request(0xBF5D, false, out, 4), 0);     /* does not fit */
    assert_int_equal(eimt_ipa_request(0xBF51, false, out, sizeof out), 0);
    assert_int_equal(eimt_ipa_request(0xBF57, false, out, sizeof out), 0);
    assert_int_equal(eimt_ipa_request(0xBF42, false, out, sizeof out), 0);
}

static void test_ipa_response(void **state)
{
    (void)state;
    static const struct {
        uint32_t tag;
        const char *hex;
        int rc;
        int64_t code;
        int params;          /* -1 none, else the length of httpParams */
        bool package;
    } cases[] = {
        { 0xBF5D, "BF5D03 800100", 0, 0, -1, false },
        { 0xBF5D, "BF5D03 800168", 0, 104, -1, false },
        { 0xBF5E, "BF5E03 800106", 0, 6, -1, false },
        { 0xBF5B, "BF5B03 800108", 0, 8, -1, false },
        { 0xBF5C, "BF5C03 800102", 0, 2, -1, false },
        { 0xBF5A, "BF5A03 800104", 0, 4, -1, false },
        { 0xBF58, "BF5803 020101", 0, 1, -1, false },
        { 0xBF58, "BF5808 020100 BF5102 0500", 0, 0, -1, true },
        { 0xBF5F, "BF5F03 810101", 0, 1, -1, false },
        { 0xBF5F, "BF5F03 81017F", 0, 127, -1, false },
        { 0xBF5F, "BF5F02 A000", 0, 0, -1, false },       /* no httpParams */
        { 0xBF5F, "BF5F07 A005 8103 010203", 0, 0, 3, false },
        { 0xBF5D, "BF5E03 800100", -1, 0, -1, false },    /* another function's answer */
        { 0xBF5D, "BF5D03 810100", -1, 0, -1, false },    /* wrong field tag */
        { 0xBF5D, "BF5D03 A00100", -1, 0, -1, false },    /* constructed */
        { 0xBF5D, "BF5D02 8000", -1, 0, -1, false },      /* empty INTEGER */
        { 0xBF5D, "BF5D00", -1, 0, -1, false },           /* no result */
        { 0xBF5D, "BF5D06 800100 800100", -1, 0, -1, false },   /* two results */
        { 0xBF5D, "BF5D03 800100 00", -1, 0, -1, false }, /* trailing octet */
        { 0xBF5D, "BF5D04 800100", -1, 0, -1, false },    /* truncated */
        { 0xBF58, "BF5803 800100", -1, 0, -1, false },    /* cmdResult is 02 */
        { 0xBF58, "BF5806 020100 A10100", -1, 0, -1, false },   /* not BF51 */
        { 0xBF58, "BF580A 020100 BF5102 0500 0500", -1, 0, -1, false },
        { 0xBF5F, "BF5F03 810100", -1, 0, -1, false },    /* error 0 is not an error */
        { 0xBF5F, "BF5F05 A003 820100", -1, 0, -1, false },     /* not httpParams */
        { 0xBF5F, "BF5F06 A004 A1020400", -1, 0, -1, false },   /* constructed */
        { 0xBF5F, "BF5F08 A006 810100 810100", -1, 0, -1, false },
        { 0xBF5F, "BF5F03 800100", -1, 0, -1, false },    /* no such alternative */
        { 0xBF5F, "BF5F00", -1, 0, -1, false },
        { 0xBF5F, "BF5F05 A000 810101", -1, 0, -1, false },     /* both alternatives */
        { 0xBF51, "BF5103 800100", -1, 0, -1, false },    /* not an IPA function */
    };
    uint8_t b[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct eimt_ipa_answer a;
        size_t n = tu_unhex(cases[i].hex, b, sizeof b);
        int rc = eimt_parse_ipa_response(cases[i].tag, b, n, &a);
        if (rc != cases[i].rc || (rc == 0 && (a.code != cases[i].code ||
            a.has_http_params != (cases[i].params >= 0) ||
            a.has_package_result != cases[i].package ||
            (a.has_http_params && a.http_params_len != (size_t)cases[i].params))))
            fail_msg("%s: rc %d code %lld", cases[i].hex, rc, (long long)a.code);
    }
}

/* ---------------------------------------------------------------- with a card */

struct t {
    struct dl d;
    struct eimt e;            /* "eIM" with the SGP.26 key, associated */
    X509 *ci;                 /* SGP.26 CI (NIST) */
    uint8_t eid[16];
};

static int setup(void **state)
{
    *state = NULL;
    if (!dl_shared_dir()) {
        print_message("SKIP: <shared>/sgp26 absent (set EUICC_EMU_SHARED)\n");
        return 0;
    }
    struct t *t = calloc(1, sizeof *t);
    char p[900], err[200];
    assert_non_null(t);
    assert_int_equal(iot_card_open(&t->d), 0);
    iot_card_eim_init(&t->d, &t->e, "eIM");
    snprintf(p, sizeof p, "%s/CI/CERT_CI_ECDSA_NIST.der", t->d.sgp26);
    t->ci = x509_load_file(p, err, sizeof err);
    assert_non_null(t->ci);
    memcpy(t->eid, t->e.eid, 16);
    /* associate through AddInitialEim */
    assert_int_equal(iot_card_associate(&t->d, &t->e, NULL), 0);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    struct t *t = *state;
    if (t) {
        X509_free(t->ci);
        eimt_free(&t->e);
        dl_close(&t->d);
        free(t);
    }
    return 0;
}

/* Every tamper kind is refused by the card, as the spec says, and changes nothing;
 * then a correct package runs. */
static void test_tamper_refused(void **state)
{
    struct t *t = *state;
    if (!t) {
        skip();
        return;
    }
    uint8_t items[8], pkg[1024];
    struct tlv_writer w;
    struct eimt_result r;
    tlv_writer_init(&w, items, sizeof items);
    eimt_eco_list_eim(&w);
    static const struct { enum eimt_fault f; int kind; int64_t code; } cases[] = {
        { EIMT_FAULT_BAD_SIGNATURE, EIMT_ERROR_UNSIGNED, 127 },
        { EIMT_FAULT_WRONG_EID, EIMT_ERROR_SIGNED, 3 },          /* invalidEid */
        { EIMT_FAULT_UNKNOWN_EIM, EIMT_ERROR_UNSIGNED, 127 },
        { EIMT_FAULT_OLD_COUNTER, EIMT_ERROR_SIGNED, 4 },        /* replayError */
        { EIMT_FAULT_WRONG_TOKEN, EIMT_ERROR_UNSIGNED, 127 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t before = iot_card_eim_counter(&t->d, "eIM");
        t->e.counter = before;
        size_t n = eimt_package(&t->e, true, items, w.len, NULL, 0, cases[i].f, pkg,
                                sizeof pkg);
        assert_true(n > 0);
        assert_int_equal(dl_es10(&t->d, pkg, n), 0x9000);
        assert_int_equal(eimt_parse_result(t->d.resp, t->d.resp_len, t->d.euicc_pk,
                                           t->e.token, &r), 0);
        assert_int_equal(r.kind, cases[i].kind);
        assert_int_equal(r.code, cases[i].code);
        if (r.kind == EIMT_ERROR_SIGNED)
            assert_true(r.sig_ok);
        assert_int_equal(iot_card_eim_counter(&t->d, "eIM"), before);
    }
    t->e.counter = iot_card_eim_counter(&t->d, "eIM");
    size_t n = eimt_package(&t->e, true, items, w.len, NULL, 0, EIMT_FAULT_NONE, pkg,
                            sizeof pkg);
    assert_int_equal(dl_es10(&t->d, pkg, n), 0x9000);
    assert_int_equal(eimt_parse_result(t->d.resp, t->d.resp_len, t->d.euicc_pk, t->e.token,
                                       &r), 0);
    assert_int_equal(r.kind, EIMT_RESULT_SIGNED);
    assert_true(r.sig_ok);
    assert_int_equal(iot_card_eim_counter(&t->d, "eIM"), t->e.counter);
}

/* The IPA's requests as eimt_ipa_request builds them, answered by a real IoT card
 * without profiles: each answer decodes to the code the card's rules give. */
static void test_ipa_card(void **state)
{
    struct t *t = *state;
    if (!t) {
        skip();
        return;
    }
    static const struct { uint32_t tag; int64_t code; } cases[] = {
        { 0xBF5D, 6 },          /* fallbackNotAvailable: no Fallback Profile */
        { 0xBF5E, 6 },          /* nothing to return from */
        { 0xBF5B, 8 },          /* ecallNotAvailable: no Emergency Profile */
        { 0xBF5C, 8 },
        { 0xBF58, 1 },          /* rollbackNotAllowed: no rollback point */
        { 0xBF5F, 1 },          /* parametersNotAvailable: no enabled profile */
        { 0xBF5A, 1 },          /* immediateEnableNotAvailable: not configured */
    };
    uint8_t req[16];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct eimt_ipa_answer a;
        size_t n = eimt_ipa_request(cases[i].tag, i % 2 == 0, req, sizeof req);
        assert_true(n > 0);
        assert_int_equal(dl_es10(&t->d, req, n), 0x9000);
        assert_int_equal(eimt_parse_ipa_response(cases[i].tag, t->d.resp, t->d.resp_len, &a),
                         0);
        assert_int_equal(a.code, cases[i].code);
        assert_false(a.has_http_params);
        assert_false(a.has_package_result);
    }
}

/* GetCerts (BF56 {A0 {A5 eum, A6 euicc}}) built from two DER certificates. */
static size_t get_certs_of(const uint8_t *eum, size_t eum_len, const uint8_t *euicc,
                           size_t euicc_len, uint8_t *out, size_t cap)
{
    struct tlv a, b;
    struct tlv_writer w;
    assert_true(tlv_parse(eum, eum_len, &a));
    assert_true(tlv_parse(euicc, euicc_len, &b));
    tlv_writer_init(&w, out, cap);
    tlv_open(&w, 0xBF56);
    tlv_open(&w, 0xA0);
    tlv_put(&w, 0xA5, a.value, a.len);
    tlv_put(&w, 0xA6, b.value, b.len);
    tlv_close(&w);
    tlv_close(&w);
    assert_true(tlv_writer_ok(&w));
    return w.len;
}

static void test_chain(void **state)
{
    struct t *t = *state;
    if (!t) {
        skip();
        return;
    }
    static const uint8_t req[] = { 0xBF, 0x56, 0x00 };
    uint8_t real[4096], foreign[4096];
    EVP_PKEY *pk = NULL;
    assert_int_equal(dl_es10(&t->d, req, sizeof req), 0x9000);
    size_t real_len = t->d.resp_len;
    memcpy(real, t->d.resp, real_len);

    /* the card's real chain to the SGP.26 CI, with its EID */
    assert_int_equal(eimt_check_euicc_certs(real, real_len, t->ci, t->eid, &pk),
                     EIMT_CHAIN_OK);
    assert_non_null(pk);
    assert_int_equal(EVP_PKEY_eq(pk, t->d.euicc_pk), 1);
    EVP_PKEY_free(pk);
    assert_int_equal(eimt_check_euicc_certs(real, real_len, t->ci, NULL, &pk), EIMT_CHAIN_OK);
    EVP_PKEY_free(pk);
    /* another EID */
    uint8_t eid[16];
    memcpy(eid, t->eid, 16);
    eid[15] ^= 0x01;
    assert_int_equal(eimt_check_euicc_certs(real, real_len, t->ci, eid, &pk), EIMT_CHAIN_EID);
    assert_null(pk);

    /* a foreign PKI (the generated test CI / EUM / eUICC a fresh card would make) */
    struct identity id;
    char err[200];
    struct rng *rng = rng_new_system();
    memset(&id, 0, sizeof id);
    assert_int_equal(testpki_generate(rng, &id, err, sizeof err), 0);
    const struct identity_slot *s = &id.slot[0];
    size_t card_euicc_len, card_eum_len;
    const uint8_t *card_euicc = ecasd_cert_euicc(card_ecasd(t->d.card), 0, &card_euicc_len);
    const uint8_t *card_eum = ecasd_cert_eum(card_ecasd(t->d.card), 0, &card_eum_len);
    assert_non_null(card_euicc);
    assert_non_null(card_eum);

    /* the card's chain is not trusted under a foreign CI */
    assert_int_equal(eimt_check_euicc_certs(real, real_len, id.ci[0], NULL, &pk),
                     EIMT_CHAIN_EUM);
    /* a foreign chain under the SGP.26 CI: refused; under its own CI: sound */
    size_t n = get_certs_of(s->eum_der, s->eum_len, s->euicc_der, s->euicc_len, foreign,
                            sizeof foreign);
    assert_int_equal(eimt_check_euicc_certs(foreign, n, t->ci, NULL, &pk), EIMT_CHAIN_EUM);
    assert_int_equal(eimt_check_euicc_certs(foreign, n, id.ci[0], NULL, &pk), EIMT_CHAIN_OK);
    EVP_PKEY_free(pk);
    assert_int_equal(eimt_check_euicc_certs(foreign, n, id.ci[0], t->eid, &pk),
                     EIMT_CHAIN_EID);
    /* the card's CERT.EUICC presented with a foreign EUM; a foreign CERT.EUICC with the
     * real EUM; the two certificates swapped */
    n = get_certs_of(s->eum_der, s->eum_len, card_euicc, card_euicc_len, foreign,
                     sizeof foreign);
    assert_int_equal(eimt_check_euicc_certs(foreign, n, t->ci, NULL, &pk), EIMT_CHAIN_EUM);
    n = get_certs_of(card_eum, card_eum_len, s->euicc_der, s->euicc_len, foreign,
                     sizeof foreign);
    assert_int_equal(eimt_check_euicc_certs(foreign, n, t->ci, NULL, &pk), EIMT_CHAIN_EUICC);
    n = get_certs_of(card_euicc, card_euicc_len, card_eum, card_eum_len, foreign,
                     sizeof foreign);
    assert_int_equal(eimt_check_euicc_certs(foreign, n, t->ci, NULL, &pk), EIMT_CHAIN_EUM);
    assert_null(pk);

    /* malformed: truncated, trailing octet, no CI, an error answer */
    assert_int_equal(eimt_check_euicc_certs(real, real_len - 1, t->ci, NULL, &pk),
                     EIMT_CHAIN_MALFORMED);
    real[real_len] = 0;
    assert_int_equal(eimt_check_euicc_certs(real, real_len + 1, t->ci, NULL, &pk),
                     EIMT_CHAIN_MALFORMED);
    assert_int_equal(eimt_check_euicc_certs(real, real_len, NULL, NULL, &pk),
                     EIMT_CHAIN_MALFORMED);
    static const uint8_t err_answer[] = { 0xBF, 0x56, 0x03, 0x81, 0x01, 0x01 };
    assert_int_equal(eimt_check_euicc_certs(err_answer, sizeof err_answer, t->ci, NULL, &pk),
                     EIMT_CHAIN_MALFORMED);
    /* a certificate that does not decode */
    static const uint8_t junk[] = { 0xBF, 0x56, 0x0A, 0xA0, 0x08, 0xA5, 0x02, 0x02, 0x00,
                                    0xA6, 0x02, 0x02, 0x00 };
    assert_int_equal(eimt_check_euicc_certs(junk, sizeof junk, t->ci, NULL, &pk),
                     EIMT_CHAIN_MALFORMED);
    assert_null(pk);
    identity_clear(&id);
    rng_free(rng);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_psmo_der),
        cmocka_unit_test(test_eco_der),
        cmocka_unit_test(test_package_der),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_parse_result),
        cmocka_unit_test(test_parse_add_initial_eim_response),
        cmocka_unit_test(test_ipa_request_der),
        cmocka_unit_test(test_ipa_response),
        cmocka_unit_test_setup_teardown(test_ipa_card, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tamper_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chain, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
