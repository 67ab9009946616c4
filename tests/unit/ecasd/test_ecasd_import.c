/* tests/unit/ecasd/test_ecasd_import.c — importing the SGP.26 test identity and the
 * errors of a damaged one (corrupted copies in a temporary directory). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/pem.h>

#include "card/store.h"
#include "crypto/rng.h"
#include "crypto/x509.h"
#include "ecasd/ecasd.h"
#include "ecasd/eid.h"
#include "tests/common/test_util.h"

#define SGP26_EID "89049032123451234512345678901235"

static const char *const files[] = {
    "eUICC/CERT_EUICC_ECDSA_NIST.der", "eUICC/SK_EUICC_ECDSA_NIST.pem",
    "EUM/CERT_EUM_ECDSA_NIST.der",     "CI/CERT_CI_ECDSA_NIST.der",
    "eUICC/CERT_EUICC_ECDSA_BRP.der",  "eUICC/SK_EUICC_ECDSA_BRP.pem",
    "EUM/CERT_EUM_ECDSA_BRP.der",      "CI/CERT_CI_ECDSA_BRP.der",
};

struct fx {
    const char *src;
    char tmp[64];
    struct store *s;
    struct rng *rng;
    char err[1024];
};

static void path_of(char *out, size_t cap, const char *dir, const char *rel)
{
    snprintf(out, cap, "%s/%s", dir, rel);
}

/* tmp/<dst> := src/<src_rel> */
static void copy_in(struct fx *f, const char *src_rel, const char *dst_rel)
{
    char a[1024], b[1024];
    size_t n;
    path_of(a, sizeof a, f->src, src_rel);
    path_of(b, sizeof b, f->tmp, dst_rel);
    uint8_t *d = tu_read_file(a, &n);
    assert_non_null(d);
    tu_write_file(b, d, n);
    free(d);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->src = tu_sgp26_dir();
    char probe[1024];
    path_of(probe, sizeof probe, f->src, files[0]);
    if (access(probe, R_OK) != 0) {
        print_message("SKIP: SGP.26 files absent at %s (set EUICC_SGP26_DIR)\n", f->src);
        free(f);
        *state = NULL;
        return 0;
    }
    strcpy(f->tmp, "/tmp/ecasd-importXXXXXX");
    assert_non_null(mkdtemp(f->tmp));
    static const char *const dirs[] = {"eUICC", "EUM", "CI"};
    for (size_t i = 0; i < 3; i++) {
        char d[1024];
        path_of(d, sizeof d, f->tmp, dirs[i]);
        assert_int_equal(mkdir(d, 0700), 0);
    }
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        copy_in(f, files[i], files[i]);
    assert_int_equal(store_open_memory(&f->s), 0);
    f->rng = rng_new_seeded((const uint8_t *)"imp", 3);
    assert_non_null(f->rng);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    if (f == NULL)
        return 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char p[1024];
        path_of(p, sizeof p, f->tmp, files[i]);
        unlink(p);
    }
    static const char *const dirs[] = {"eUICC", "EUM", "CI"};
    for (size_t i = 0; i < 3; i++) {
        char d[1024];
        path_of(d, sizeof d, f->tmp, dirs[i]);
        rmdir(d);
    }
    rmdir(f->tmp);
    store_close(f->s);
    rng_free(f->rng);
    free(f);
    return 0;
}

#define FX()                                                                               \
    struct fx *f = *state;                                                                 \
    if (f == NULL)                                                                         \
    skip()

static void check_sgp26(struct fx *f, struct ecasd *e)
{
    uint8_t eid[16], want[16], nist[20], brp[20];
    ecasd_eid(e, eid);
    tu_unhex_n(SGP26_EID, want, 16);
    assert_memory_equal(eid, want, 16);
    tu_unhex_n("F54172BDF98A95D65CBEB88A38A1C11D800A85C3", nist, 20);
    tu_unhex_n("C0BC70BA36929D43B467FF57570530E57AB8FCD8", brp, 20);
    assert_int_equal(ecasd_ci_count(e), 2);
    assert_memory_equal(ecasd_ci_pkid(e, 0), nist, 20);
    assert_memory_equal(ecasd_ci_pkid(e, 1), brp, 20);
    assert_int_equal(ecasd_ci_find(e, brp, 20), 1);
    static const char *const certs[] = {"eUICC/CERT_EUICC_ECDSA_NIST.der",
                                        "eUICC/CERT_EUICC_ECDSA_BRP.der"};
    static const char *const eums[] = {"EUM/CERT_EUM_ECDSA_NIST.der",
                                       "EUM/CERT_EUM_ECDSA_BRP.der"};
    for (size_t i = 0; i < 2; i++) {
        assert_true(ecasd_ci_can_sign(e, i));
        assert_int_equal(ecasd_curve(e, i), i == 0 ? EC_CURVE_P256 : EC_CURVE_BP256R1);
        char p[1024];
        size_t n, len = 0;
        path_of(p, sizeof p, f->src, certs[i]);
        uint8_t *file = tu_read_file(p, &n);
        assert_non_null(file);
        const uint8_t *der = ecasd_cert_euicc(e, i, &len);
        assert_int_equal(len, n);
        assert_memory_equal(der, file, n);
        free(file);
        path_of(p, sizeof p, f->src, eums[i]);
        file = tu_read_file(p, &n);
        assert_non_null(file);
        der = ecasd_cert_eum(e, i, &len);
        assert_int_equal(len, n);
        assert_memory_equal(der, file, n);
        free(file);
        /* sign with the slot, verify with CERT.EUICC's key */
        static const uint8_t msg[] = "euiccSigned1";
        uint8_t sig[64];
        der = ecasd_cert_euicc(e, i, &len);
        X509 *x = x509_from_der(der, len);
        assert_non_null(x);
        assert_int_equal(ecasd_sign(e, i, msg, sizeof msg, sig), 0);
        assert_true(ecdsa_verify_raw(X509_get0_pubkey(x), msg, sizeof msg, sig, 64));
        X509_free(x);
    }
}

static struct ecasd *open_ok(struct fx *f, const char *dir)
{
    struct ecasd *e = NULL;
    if (ecasd_open(&e, f->s, f->rng, dir, NULL, 0, f->err, sizeof f->err) != 0)
        fail_msg("ecasd_open: %s", f->err);
    return e;
}

static void open_fails(struct fx *f, const char *dir, const char *needle1, const char *needle2)
{
    struct ecasd *e = NULL;
    f->err[0] = 0;
    assert_int_equal(ecasd_open(&e, f->s, f->rng, dir, NULL, 0, f->err, sizeof f->err), -1);
    assert_null(e);
    if (strstr(f->err, needle1) == NULL || (needle2 != NULL && strstr(f->err, needle2) == NULL))
        fail_msg("error '%s' lacks '%s' / '%s'", f->err, needle1, needle2 ? needle2 : "");
}

static void test_import_sgp26(void **state)
{
    FX();
    struct ecasd *e = open_ok(f, f->src);
    check_sgp26(f, e);
    ecasd_close(e);
    /* stored: a restart without --identity keeps it */
    assert_int_equal(store_reload(f->s), 0);
    e = open_ok(f, NULL);
    check_sgp26(f, e);
    ecasd_close(e);
}

static void test_import_replaces_generated(void **state)
{
    FX();
    struct ecasd *e = open_ok(f, NULL);
    uint8_t eid[16];
    ecasd_eid(e, eid);
    assert_int_equal(eid[2], 0x99);                  /* generated prefix 89049999 */
    ecasd_close(e);
    e = open_ok(f, f->tmp);
    check_sgp26(f, e);
    ecasd_close(e);
    e = open_ok(f, NULL);
    check_sgp26(f, e);                               /* the generated CI is gone too */
    ecasd_close(e);
}

static void test_import_nist_only(void **state)
{
    FX();
    char p[1024];
    for (size_t i = 4; i < 8; i++) {
        path_of(p, sizeof p, f->tmp, files[i]);
        unlink(p);
    }
    struct ecasd *e = open_ok(f, f->tmp);
    assert_int_equal(ecasd_ci_count(e), 1);
    assert_true(ecasd_ci_can_sign(e, 0));
    assert_int_equal(ecasd_curve(e, 0), EC_CURVE_P256);
    ecasd_close(e);
}

static void test_missing_files(void **state)
{
    FX();
    /* a failed import leaves the stored identity alone */
    struct ecasd *e = open_ok(f, NULL);
    uint8_t before[16], after[16];
    ecasd_eid(e, before);
    ecasd_close(e);

    open_fails(f, "/nonexistent/sgp26", "/nonexistent/sgp26/eUICC/CERT_EUICC_ECDSA_NIST.der",
               NULL);
    char p[1024];
    path_of(p, sizeof p, f->tmp, "EUM/CERT_EUM_ECDSA_BRP.der");
    unlink(p);
    open_fails(f, f->tmp, "EUM/CERT_EUM_ECDSA_BRP.der", NULL);
    copy_in(f, "EUM/CERT_EUM_ECDSA_BRP.der", "EUM/CERT_EUM_ECDSA_BRP.der");
    path_of(p, sizeof p, f->tmp, "eUICC/SK_EUICC_ECDSA_NIST.pem");
    unlink(p);
    open_fails(f, f->tmp, "eUICC/SK_EUICC_ECDSA_NIST.pem", NULL);
    tu_write_file(p, (const uint8_t *)"not a key", 9);
    open_fails(f, f->tmp, "eUICC/SK_EUICC_ECDSA_NIST.pem", "not an EC private key");
    path_of(p, sizeof p, f->tmp, "CI/CERT_CI_ECDSA_NIST.der");
    copy_in(f, "eUICC/SK_EUICC_ECDSA_NIST.pem", "eUICC/SK_EUICC_ECDSA_NIST.pem");
    tu_write_file(p, (const uint8_t *)"\x30\x03\x02\x01\x01", 5);
    open_fails(f, f->tmp, "CI/CERT_CI_ECDSA_NIST.der", "not a DER or PEM");

    e = open_ok(f, NULL);
    ecasd_eid(e, after);
    assert_memory_equal(before, after, 16);
    ecasd_close(e);
}

static void test_mismatched_key(void **state)
{
    FX();
    copy_in(f, "EUM/SK_EUM_ECDSA_NIST.pem", "eUICC/SK_EUICC_ECDSA_NIST.pem");
    open_fails(f, f->tmp, "eUICC/SK_EUICC_ECDSA_NIST.pem", "does not match");
}

static void test_not_signed_by_eum(void **state)
{
    FX();
    /* the (self-signed, CA) CI in place of the EUM: passes EUM <- CI, fails eUICC <- EUM */
    copy_in(f, "CI/CERT_CI_ECDSA_NIST.der", "EUM/CERT_EUM_ECDSA_NIST.der");
    open_fails(f, f->tmp, "eUICC/CERT_EUICC_ECDSA_NIST.der", "not signed by");
}

static void test_eum_not_signed_by_ci(void **state)
{
    FX();
    copy_in(f, "CI/CERT_CI_ECDSA_BRP.der", "CI/CERT_CI_ECDSA_NIST.der");
    open_fails(f, f->tmp, "EUM/CERT_EUM_ECDSA_NIST.der", "not signed by");
}

/* Re-issue tmp's CERT.EUICC of a curve with another EID, signed with the real EUM key. */
static void reissue_euicc(struct fx *f, const char *curve, const char *eid)
{
    char p[1024], rel[128];
    size_t n;
    snprintf(rel, sizeof rel, "EUM/SK_EUM_ECDSA_%s.pem", curve);
    path_of(p, sizeof p, f->src, rel);
    uint8_t *kb = tu_read_file(p, &n);
    assert_non_null(kb);
    EVP_PKEY *eum_key = ec_private_from_bytes(kb, n);
    assert_non_null(eum_key);
    free(kb);
    snprintf(rel, sizeof rel, "eUICC/CERT_EUICC_ECDSA_%s.der", curve);
    path_of(p, sizeof p, f->tmp, rel);
    char err[256];
    X509 *x = x509_load_file(p, err, sizeof err);
    assert_non_null(x);
    X509_NAME *nm = X509_NAME_dup(X509_get_subject_name(x));
    int idx = X509_NAME_get_index_by_NID(nm, NID_serialNumber, -1);
    assert_true(idx >= 0);
    X509_NAME_ENTRY_free(X509_NAME_delete_entry(nm, idx));
    assert_int_equal(X509_NAME_add_entry_by_NID(nm, NID_serialNumber, V_ASN1_PRINTABLESTRING,
                                                (const unsigned char *)eid, -1, idx, 0), 1);
    assert_int_equal(X509_set_subject_name(x, nm), 1);
    assert_true(X509_sign(x, eum_key, EVP_sha256()) > 0);
    uint8_t der[4096];
    size_t dl = x509_to_der(x, der, sizeof der);
    assert_true(dl > 0);
    tu_write_file(p, der, dl);
    X509_NAME_free(nm);
    X509_free(x);
    EVP_PKEY_free(eum_key);
}

static void test_reissued_ok(void **state)
{
    FX();
    /* control: re-issuing with the same EID still imports */
    reissue_euicc(f, "NIST", SGP26_EID);
    struct ecasd *e = open_ok(f, f->tmp);
    ecasd_close(e);
}

static void test_wrong_check_digits(void **state)
{
    FX();
    reissue_euicc(f, "NIST", "89049032123451234512345678901236");
    open_fails(f, f->tmp, "eUICC/CERT_EUICC_ECDSA_NIST.der", "not a valid EID");
}

static void test_eid_outside_prefix(void **state)
{
    FX();
    char eid[33] = "890499991234512345123456789012xx";
    assert_int_equal(eid_set_check_digits(eid), 0);
    reissue_euicc(f, "NIST", eid);
    open_fails(f, f->tmp, "eUICC/CERT_EUICC_ECDSA_NIST.der", "permitted prefix 89049032");
}

static void test_slots_disagree_on_eid(void **state)
{
    FX();
    char eid[33] = "890490320000000000000000000001xx";
    assert_int_equal(eid_set_check_digits(eid), 0);
    reissue_euicc(f, "BRP", eid);
    open_fails(f, f->tmp, "eUICC/CERT_EUICC_ECDSA_BRP.der", "differs");
}

static void test_ci_option_with_import(void **state)
{
    FX();
    char p[1024], ee[1024];
    path_of(p, sizeof p, f->src, "DPauth/CERT_S_SM_DPauth_ECDSA_NIST.der");
    path_of(ee, sizeof ee, f->src, "CI/CERT_CI_ECDSA_NIST.pem");
    struct ecasd *e = NULL;
    /* a non-CA certificate as --ci */
    const char *const bad[] = {p};
    assert_int_equal(ecasd_open(&e, f->s, f->rng, f->src, bad, 1, f->err, sizeof f->err), -1);
    assert_non_null(strstr(f->err, "CERT_S_SM_DPauth_ECDSA_NIST.der"));
    assert_non_null(strstr(f->err, "not a CA"));
    /* the PEM of an already trusted CI: no duplicate */
    const char *const dup[] = {ee};
    assert_int_equal(ecasd_open(&e, f->s, f->rng, f->src, dup, 1, f->err, sizeof f->err), 0);
    assert_int_equal(ecasd_ci_count(e), 2);
    ecasd_close(e);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_import_sgp26),       T(test_import_replaces_generated),
        T(test_import_nist_only),   T(test_missing_files),
        T(test_mismatched_key),     T(test_not_signed_by_eum),
        T(test_eum_not_signed_by_ci), T(test_reissued_ok),
        T(test_wrong_check_digits), T(test_eid_outside_prefix),
        T(test_slots_disagree_on_eid), T(test_ci_option_with_import),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
