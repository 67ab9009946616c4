/* tests/unit/ecasd/test_ecasd.c — generated test PKI, persistence, extra CIs, applet. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/x509v3.h>

#include "card/card.h"
#include "card/card_internal.h"
#include "card/store.h"
#include "card/store_ids.h"
#include "crypto/rng.h"
#include "crypto/x509.h"
#include "ecasd/ecasd.h"
#include "ecasd/eid.h"
#include "tests/common/test_util.h"

static const uint8_t seed[] = "ecasd test seed";

struct fx {
    struct store *s;
    struct rng *rng;
    char err[512];
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(store_open_memory(&f->s), 0);
    f->rng = rng_new_seeded(seed, sizeof seed);
    assert_non_null(f->rng);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    store_close(f->s);
    rng_free(f->rng);
    free(f);
    return 0;
}

static struct ecasd *open_ok(struct fx *f, const char *dir, const char *const *ci, size_t n)
{
    struct ecasd *e = NULL;
    f->err[0] = 0;
    int rc = ecasd_open(&e, f->s, f->rng, dir, ci, n, f->err, sizeof f->err);
    if (rc != 0)
        fail_msg("ecasd_open: %s", f->err);
    assert_non_null(e);
    return e;
}

/* CERT.EUICC (eum false) or CERT.EUM of the key for CI index ci, parsed */
static X509 *slot_cert(const struct ecasd *e, size_t ci, bool eum)
{
    size_t len = 0;
    const uint8_t *der = eum ? ecasd_cert_eum(e, ci, &len) : ecasd_cert_euicc(e, ci, &len);
    assert_non_null(der);
    X509 *x = x509_from_der(der, len);
    assert_non_null(x);
    return x;
}

static X509 *cert_of(const uint8_t *der, size_t len)
{
    assert_non_null(der);
    X509 *x = x509_from_der(der, len);
    assert_non_null(x);
    return x;
}

static void test_generated_pki(void **state)
{
    struct fx *f = *state;
    struct ecasd *e = open_ok(f, NULL, NULL, 0);

    assert_int_equal(ecasd_ci_count(e), 1);
    assert_true(ecasd_ci_can_sign(e, 0));
    assert_false(ecasd_ci_can_sign(e, 1));
    assert_int_equal(ecasd_curve(e, 0), EC_CURVE_P256);
    size_t le = 0;
    X509 *euicc = slot_cert(e, 0, false);
    X509 *eum = slot_cert(e, 0, true);
    X509 *ci = ecasd_ci_cert(e, 0);
    assert_non_null(ci);

    /* signatures along the chain */
    assert_true(x509_signed_by(euicc, eum));
    assert_true(x509_signed_by(eum, ci));
    assert_true(x509_signed_by(ci, ci));
    assert_false(x509_signed_by(euicc, ci));
    /* policies and CA flags */
    assert_true(x509_has_policy(ci, "2.23.146.1.2.1.0"));
    assert_true(x509_has_policy(eum, "2.23.146.1.2.1.2"));
    assert_true(x509_has_policy(euicc, "2.23.146.1.2.1.1"));
    assert_true(x509_is_ca(ci));
    assert_true(x509_is_ca(eum));
    assert_false(x509_is_ca(euicc));
    assert_int_equal(X509_get_key_usage(euicc), KU_DIGITAL_SIGNATURE);
    assert_int_equal(X509_get_key_usage(eum), KU_KEY_CERT_SIGN | KU_CRL_SIGN);
    assert_int_equal(X509_get_key_usage(ci), KU_KEY_CERT_SIGN | KU_CRL_SIGN);
    assert_int_equal(X509_get_pathlen(eum), 0);
    /* key identifiers: PKID = CI SKI = SHA-1 of the CI point = EUM AKI */
    uint8_t ski[20], aki[20], pt[65], h[20];
    assert_int_equal(x509_ski(ci, ski, sizeof ski), 20);
    assert_memory_equal(ecasd_ci_pkid(e, 0), ski, 20);
    assert_int_equal(ec_public_point(X509_get0_pubkey(ci), pt), 0);
    sha1(pt, sizeof pt, h);
    assert_memory_equal(ski, h, 20);
    assert_int_equal(x509_aki(ci, aki, sizeof aki), 20);
    assert_memory_equal(aki, ski, 20);
    assert_int_equal(x509_aki(eum, aki, sizeof aki), 20);
    assert_memory_equal(aki, ski, 20);
    assert_int_equal(x509_ski(eum, ski, sizeof ski), 20);
    assert_int_equal(x509_aki(euicc, aki, sizeof aki), 20);
    assert_memory_equal(aki, ski, 20);
    assert_int_equal(ecasd_ci_find(e, ecasd_ci_pkid(e, 0), 20), 0);
    assert_int_equal(ecasd_ci_find(e, ski, 20), -1);
    assert_int_equal(ecasd_ci_find(e, ski, 19), -1);
    /* EID: valid, in the EUM's nameConstraints prefix, not the SGP.26 one */
    char eid[40], prefix[40];
    assert_int_equal(x509_subject_serial(euicc, eid, sizeof eid), 32);
    assert_true(eid_valid(eid, 32));
    assert_int_equal(x509_permitted_serial(eum, prefix, sizeof prefix), 1);
    assert_string_equal(prefix, "89049999");
    assert_memory_equal(eid, prefix, 8);
    uint8_t eb[16], want[16];
    ecasd_eid(e, eb);
    assert_int_equal(eid_to_bytes(eid, want), 0);
    assert_memory_equal(eb, want, 16);
    assert_int_equal(eb[0], 0x89);
    assert_int_equal(eb[1], 0x04);
    assert_int_equal(eb[2], 0x99);
    /* notAfter 9999-12-31 */
    struct tm tm;
    assert_int_equal(ASN1_TIME_to_tm(X509_get0_notAfter(euicc), &tm), 1);
    assert_int_equal(tm.tm_year + 1900, 9999);
    /* signing with the slot verifies with CERT.EUICC's key */
    static const uint8_t msg[] = "euiccSigned1";
    uint8_t sig[64];
    assert_int_equal(ecasd_sign(e, 0, msg, sizeof msg, sig), 0);
    assert_true(ecdsa_verify_raw(X509_get0_pubkey(euicc), msg, sizeof msg, sig, 64));
    /* no key for CI index 1 */
    assert_int_equal(ecasd_sign(e, 1, msg, sizeof msg, sig), -1);
    assert_null(ecasd_cert_euicc(e, 1, &le));
    assert_null(ecasd_cert_eum(e, 1, &le));
    assert_int_equal(ecasd_curve(e, 1), EC_CURVE_NONE);
    assert_null(ecasd_ci_pkid(e, 1));
    assert_null(ecasd_ci_cert(e, 1));
    X509_free(euicc);
    X509_free(eum);
    ecasd_close(e);
}

static void test_persistence(void **state)
{
    struct fx *f = *state;
    struct ecasd *e = open_ok(f, NULL, NULL, 0);
    uint8_t eid1[16], eid2[16], cert1[2048];
    size_t l1 = 0, l2 = 0;
    ecasd_eid(e, eid1);
    const uint8_t *c = ecasd_cert_euicc(e, 0, &l1);
    assert_true(l1 <= sizeof cert1);
    memcpy(cert1, c, l1);
    ecasd_close(e);

    /* a restart: reload the store, another rng: nothing is regenerated */
    assert_int_equal(store_reload(f->s), 0);
    rng_free(f->rng);
    f->rng = rng_new_system();
    e = open_ok(f, NULL, NULL, 0);
    ecasd_eid(e, eid2);
    assert_memory_equal(eid1, eid2, 16);
    c = ecasd_cert_euicc(e, 0, &l2);
    assert_int_equal(l1, l2);
    assert_memory_equal(c, cert1, l1);
    /* the stored key is the certified one */
    static const uint8_t msg[] = "m";
    uint8_t sig[64];
    X509 *x = cert_of(c, l2);
    assert_int_equal(ecasd_sign(e, 0, msg, 1, sig), 0);
    assert_true(ecdsa_verify_raw(X509_get0_pubkey(x), msg, 1, sig, 64));
    X509_free(x);
    ecasd_close(e);
}

static void test_seeded_deterministic(void **state)
{
    struct fx *f = *state;
    struct store *s2 = NULL;
    struct rng *r2 = rng_new_seeded(seed, sizeof seed);
    struct ecasd *e1 = open_ok(f, NULL, NULL, 0), *e2 = NULL;
    assert_int_equal(store_open_memory(&s2), 0);
    assert_int_equal(ecasd_open(&e2, s2, r2, NULL, NULL, 0, f->err, sizeof f->err), 0);
    uint8_t a[16], b[16], pa[65], pb[65];
    ecasd_eid(e1, a);
    ecasd_eid(e2, b);
    assert_memory_equal(a, b, 16);
    X509 *x1 = slot_cert(e1, 0, false);
    X509 *x2 = slot_cert(e2, 0, false);
    assert_int_equal(ec_public_point(X509_get0_pubkey(x1), pa), 0);
    assert_int_equal(ec_public_point(X509_get0_pubkey(x2), pb), 0);
    assert_memory_equal(pa, pb, 65);
    assert_memory_equal(ecasd_ci_pkid(e1, 0), ecasd_ci_pkid(e2, 0), 20);
    X509_free(x1);
    X509_free(x2);
    ecasd_close(e1);
    ecasd_close(e2);
    store_close(s2);
    rng_free(r2);
}

/* A commit that fails leaves nothing behind: the next open generates afresh. */
static void test_store_failure_is_atomic(void **state)
{
    struct fx *f = *state;
    struct ecasd *e = NULL;
    store_fail_after(f->s, 0);
    assert_int_equal(ecasd_open(&e, f->s, f->rng, NULL, NULL, 0, f->err, sizeof f->err), -1);
    assert_null(e);
    assert_non_null(strstr(f->err, "persist"));
    assert_int_equal(store_reload(f->s), 0);
    uint32_t id;
    assert_int_equal(store_next(f->s, SID_ECASD_FIRST - 1, SID_ECASD_LAST, &id),
                     STORE_ENOTFOUND);
    e = open_ok(f, NULL, NULL, 0);
    ecasd_close(e);
}

static void test_corrupt_store(void **state)
{
    struct fx *f = *state;
    struct ecasd *e = open_ok(f, NULL, NULL, 0);
    ecasd_close(e);
    /* unknown format */
    uint8_t v = 9;
    assert_int_equal(store_put(f->s, SID_ECASD_FIRST + 1, &v, 1), 0);
    assert_int_equal(ecasd_open(&e, f->s, f->rng, NULL, NULL, 0, f->err, sizeof f->err), -1);
    assert_non_null(strstr(f->err, "format"));
    v = 1;
    assert_int_equal(store_put(f->s, SID_ECASD_FIRST + 1, &v, 1), 0);
    /* a damaged CERT.EUICC */
    assert_int_equal(store_put(f->s, SID_ECASD_FIRST + 0x101, (const uint8_t *)"xx", 2), 0);
    assert_int_equal(ecasd_open(&e, f->s, f->rng, NULL, NULL, 0, f->err, sizeof f->err), -1);
    assert_null(e);
    assert_non_null(strstr(f->err, "stored"));
}

static void test_bad_args(void **state)
{
    struct fx *f = *state;
    struct ecasd *e = NULL;
    assert_int_equal(ecasd_open(&e, NULL, f->rng, NULL, NULL, 0, f->err, sizeof f->err), -1);
    assert_int_equal(ecasd_open(NULL, f->s, f->rng, NULL, NULL, 0, f->err, sizeof f->err), -1);
    assert_int_equal(ecasd_open(&e, f->s, f->rng, NULL, NULL, 2, f->err, sizeof f->err), -1);
    /* nothing stored and no rng: cannot generate */
    assert_int_equal(ecasd_open(&e, f->s, NULL, NULL, NULL, 0, f->err, sizeof f->err), -1);
    assert_null(e);
    ecasd_close(NULL);
    assert_int_equal(ecasd_ci_count(NULL), 0);
    assert_int_equal(ecasd_install(NULL, NULL), -1);
}

static void test_extra_ci(void **state)
{
    struct fx *f = *state;
    char ci[1024], ci_pem[1024], euicc[1024];
    snprintf(ci, sizeof ci, "%s/CI/CERT_CI_ECDSA_NIST.der", tu_sgp26_dir());
    snprintf(ci_pem, sizeof ci_pem, "%s/CI/CERT_CI_ECDSA_BRP.pem", tu_sgp26_dir());
    snprintf(euicc, sizeof euicc, "%s/eUICC/CERT_EUICC_ECDSA_NIST.der", tu_sgp26_dir());
    if (access(ci, R_OK) != 0 || access(ci_pem, R_OK) != 0 || access(euicc, R_OK) != 0)
        skip();   /* SGP.26 files absent (set EUICC_SGP26_DIR) */
    const char *const two[] = {ci, ci_pem};
    struct ecasd *e = open_ok(f, NULL, two, 2);
    assert_int_equal(ecasd_ci_count(e), 3);
    assert_true(ecasd_ci_can_sign(e, 0));
    assert_false(ecasd_ci_can_sign(e, 1));           /* trusted for verification only */
    assert_false(ecasd_ci_can_sign(e, 2));
    uint8_t nist[20];
    static const char nist_hex[] = "F54172BDF98A95D65CBEB88A38A1C11D800A85C3";
    for (int i = 0; i < 20; i++) {
        unsigned b;
        sscanf(nist_hex + 2 * i, "%2x", &b);
        nist[i] = (uint8_t)b;
    }
    assert_int_equal(ecasd_ci_find(e, nist, 20), 1);
    ecasd_close(e);
    /* persisted; adding the same again changes nothing */
    e = open_ok(f, NULL, two, 1);
    assert_int_equal(ecasd_ci_count(e), 3);
    ecasd_close(e);
    e = open_ok(f, NULL, NULL, 0);
    assert_int_equal(ecasd_ci_count(e), 3);
    ecasd_close(e);
    /* not a CA */
    const char *const bad[] = {euicc};
    assert_int_equal(ecasd_open(&e, f->s, f->rng, NULL, bad, 1, f->err, sizeof f->err), -1);
    assert_non_null(strstr(f->err, "CERT_EUICC_ECDSA_NIST.der"));
    assert_non_null(strstr(f->err, "not a CA"));
    /* missing file */
    const char *const missing[] = {"/nonexistent/ci.der"};
    assert_int_equal(ecasd_open(&e, f->s, f->rng, NULL, missing, 1, f->err, sizeof f->err),
                     -1);
    assert_non_null(strstr(f->err, "/nonexistent/ci.der"));
    assert_null(e);
}

static void transmit(struct card *c, const char *hex, uint8_t *r, size_t *rl)
{
    *rl = tu_transmit_hex(c, hex, r, 4096);
}

static void test_applet(void **state)
{
    struct fx *f = *state;
    struct ecasd *e = open_ok(f, NULL, NULL, 0);
    struct card *c = card_runtime_new(NULL);
    assert_non_null(c);
    assert_int_equal(ecasd_install(c, e), 0);
    assert_int_equal(ecasd_install(c, e), -1);      /* already registered */
    card_power(c, CARD_POWER_ON);
    uint8_t r[4096];
    size_t rl;
    transmit(c, "00A4040010A0000005591010FFFFFFFF890000020000", r, &rl);
    static const uint8_t fci[] = {0x6F, 0x18, 0x84, 0x10, 0xA0, 0x00, 0x00, 0x05, 0x59,
                                  0x10, 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00,
                                  0x02, 0x00, 0xA5, 0x04, 0x9F, 0x65, 0x01, 0xFF, 0x90, 0x00};
    assert_int_equal(rl, sizeof fci);
    assert_memory_equal(r, fci, sizeof fci);
    /* GET DATA 7F21: CERT.EUICC, collected through GET RESPONSE */
    uint8_t all[4096];
    size_t n_all = 0;
    transmit(c, "80CA7F2100", r, &rl);
    for (;;) {
        assert_true(n_all + rl - 2 <= sizeof all);
        memcpy(all + n_all, r, rl - 2);
        n_all += rl - 2;
        if (r[rl - 2] != 0x61)
            break;
        char gr[16];
        snprintf(gr, sizeof gr, "00C00000%02X", r[rl - 1]);
        transmit(c, gr, r, &rl);
    }
    assert_int_equal(r[rl - 2], 0x90);
    size_t le = 0;
    const uint8_t *cert = ecasd_cert_euicc(e, 0, &le);
    if (n_all != le + 5)
        fail_msg("got %zu octets, CERT.EUICC is %zu", n_all, le);
    assert_int_equal(all[0], 0x7F);
    assert_int_equal(all[1], 0x21);
    assert_int_equal(all[2], 0x82);
    assert_memory_equal(all + 5, cert, le);
    /* other GET DATA tags, other INS */
    transmit(c, "80CA00FE00", r, &rl);
    assert_int_equal(rl, 2);
    assert_int_equal(r[0], 0x6A);
    assert_int_equal(r[1], 0x88);
    transmit(c, "80E2910000", r, &rl);
    assert_int_equal(rl, 2);
    assert_int_equal(r[0], 0x6D);
    assert_int_equal(r[1], 0x00);
    card_runtime_free(c);
    ecasd_close(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_generated_pki, setup, teardown),
        cmocka_unit_test_setup_teardown(test_persistence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seeded_deterministic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_failure_is_atomic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_args, setup, teardown),
        cmocka_unit_test_setup_teardown(test_extra_ci, setup, teardown),
        cmocka_unit_test_setup_teardown(test_applet, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
