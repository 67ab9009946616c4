/* tests/unit/crypto/test_x509.c — certificate facts on the SGP.26 test PKI. */
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

#include "crypto/x509.h"
#include "tests/common/test_util.h"

static X509 *load(const char *rel)
{
    char path[1024], err[256];
    snprintf(path, sizeof path, "%s/%s", tu_sgp26_dir(), rel);
    if (access(path, R_OK) != 0)
        return NULL;
    X509 *x = x509_load_file(path, err, sizeof err);
    assert_non_null(x);
    return x;
}

struct chain { X509 *ci, *eum, *euicc; };

static bool load_chain(const char *curve, struct chain *c)
{
    char a[128], b[128], d[128];
    snprintf(a, sizeof a, "CI/CERT_CI_ECDSA_%s.der", curve);
    snprintf(b, sizeof b, "EUM/CERT_EUM_ECDSA_%s.der", curve);
    snprintf(d, sizeof d, "eUICC/CERT_EUICC_ECDSA_%s.der", curve);
    c->ci = load(a);
    c->eum = load(b);
    c->euicc = load(d);
    return c->ci != NULL && c->eum != NULL && c->euicc != NULL;
}

static void free_chain(struct chain *c)
{
    X509_free(c->ci);
    X509_free(c->eum);
    X509_free(c->euicc);
}

static void check_chain(const char *curve, enum ec_curve ec, const char *ci_ski,
                        const char *eum_ski)
{
    struct chain c;
    if (!load_chain(curve, &c)) {
        free_chain(&c);
        skip();   /* SGP.26 files absent (set EUICC_SGP26_DIR) */
    }
    uint8_t want[20], got[32];
    tu_unhex_n(ci_ski, want, 20);
    assert_int_equal(x509_ski(c.ci, got, sizeof got), 20);
    assert_memory_equal(got, want, 20);
    assert_int_equal(x509_aki(c.ci, got, sizeof got), 0);        /* CI has no AKI */
    assert_int_equal(x509_aki(c.eum, got, sizeof got), 20);
    assert_memory_equal(got, want, 20);
    assert_int_equal(x509_ski(c.ci, got, 19), 0);                /* cap too small */
    tu_unhex_n(eum_ski, want, 20);
    assert_int_equal(x509_ski(c.eum, got, sizeof got), 20);
    assert_memory_equal(got, want, 20);
    assert_int_equal(x509_aki(c.euicc, got, sizeof got), 20);
    assert_memory_equal(got, want, 20);

    assert_int_equal(x509_curve(c.ci), ec);
    assert_int_equal(x509_curve(c.euicc), ec);
    assert_true(x509_has_policy(c.ci, "2.23.146.1.2.1.0"));
    assert_true(x509_has_policy(c.eum, "2.23.146.1.2.1.2"));
    assert_true(x509_has_policy(c.euicc, "2.23.146.1.2.1.1"));
    assert_false(x509_has_policy(c.euicc, "2.23.146.1.2.1.0"));
    assert_false(x509_has_policy(c.euicc, "not an oid"));

    char eid[64];
    assert_int_equal(x509_subject_serial(c.euicc, eid, sizeof eid), 32);
    assert_string_equal(eid, "89049032123451234512345678901235");
    assert_int_equal(x509_subject_serial(c.euicc, eid, 32), 0);  /* no room for NUL */
    assert_int_equal(x509_subject_serial(c.ci, eid, sizeof eid), 0);

    assert_true(x509_signed_by(c.eum, c.ci));
    assert_true(x509_signed_by(c.euicc, c.eum));
    assert_true(x509_signed_by(c.ci, c.ci));
    assert_false(x509_signed_by(c.euicc, c.ci));
    assert_false(x509_signed_by(c.eum, c.euicc));
    assert_false(x509_signed_by(NULL, c.ci));

    assert_true(x509_is_ca(c.ci));
    assert_true(x509_is_ca(c.eum));
    assert_false(x509_is_ca(c.euicc));
    char prefix[32];
    assert_int_equal(x509_permitted_serial(c.eum, prefix, sizeof prefix), 1);
    assert_string_equal(prefix, "89049032");
    assert_int_equal(x509_permitted_serial(c.ci, prefix, sizeof prefix), 0);

    /* notAfter 7496-01-24 (GeneralizedTime) parses and compares */
    struct tm tm;
    const ASN1_TIME *na = X509_get0_notAfter(c.euicc);
    assert_int_equal(ASN1_TIME_to_tm(na, &tm), 1);
    assert_int_equal(tm.tm_year + 1900, 7496);
    assert_int_equal(X509_cmp_current_time(na), 1);

    /* DER round trip; exact length required */
    uint8_t der[4096];
    size_t n = x509_to_der(c.euicc, der, sizeof der);
    assert_true(n > 0);
    assert_int_equal(x509_to_der(c.euicc, der, n - 1), 0);
    X509 *again = x509_from_der(der, n);
    assert_non_null(again);
    assert_int_equal(X509_cmp(again, c.euicc), 0);
    X509_free(again);
    der[n] = 0;
    assert_null(x509_from_der(der, n + 1));
    assert_null(x509_from_der(der, n - 1));
    assert_null(x509_from_der(der, 0));
    free_chain(&c);
}

static void test_sgp26_nist(void **state)
{
    (void)state;
    check_chain("NIST", EC_CURVE_P256, "F54172BDF98A95D65CBEB88A38A1C11D800A85C3",
                "DD3DA24D350C1CC5D0AF0965F40EC34C5EE409F1");
}

static void test_sgp26_brp(void **state)
{
    (void)state;
    check_chain("BRP", EC_CURVE_BP256R1, "C0BC70BA36929D43B467FF57570530E57AB8FCD8",
                "6FA1E5217363A822BDED988A1A0D0FF5D7620DB7");
}

static void test_load_file(void **state)
{
    (void)state;
    char err[512] = "";
    X509 *x = x509_load_file("/nonexistent/dir/cert.der", err, sizeof err);
    assert_null(x);
    assert_non_null(strstr(err, "/nonexistent/dir/cert.der"));
    /* not a certificate */
    char tmpl[] = "/tmp/x509testXXXXXX";
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "garbage", 7), 7);
    close(fd);
    err[0] = 0;
    assert_null(x509_load_file(tmpl, err, sizeof err));
    assert_non_null(strstr(err, "not a DER or PEM"));
    unlink(tmpl);
    /* PEM form of the SGP.26 CI */
    char path[1024];
    snprintf(path, sizeof path, "%s/CI/CERT_CI_ECDSA_NIST.pem", tu_sgp26_dir());
    if (access(path, R_OK) != 0)
        skip();
    x = x509_load_file(path, err, sizeof err);
    assert_non_null(x);
    assert_int_equal(x509_curve(x), EC_CURVE_P256);
    X509_free(x);
}

static void test_null_and_other_constraints(void **state)
{
    (void)state;
    uint8_t buf[32];
    char txt[32];
    assert_int_equal(x509_ski(NULL, buf, sizeof buf), 0);
    assert_int_equal(x509_aki(NULL, buf, sizeof buf), 0);
    assert_false(x509_has_policy(NULL, "1.2.3"));
    assert_int_equal(x509_curve(NULL), EC_CURVE_NONE);
    assert_int_equal(x509_subject_serial(NULL, txt, sizeof txt), 0);
    assert_false(x509_is_ca(NULL));
    assert_int_equal(x509_to_der(NULL, buf, sizeof buf), 0);
    /* nameConstraints without a DirName: -1 */
    X509 *x = X509_new();
    assert_non_null(x);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, NULL, NID_name_constraints,
                                              "critical,permitted;DNS:example.com");
    assert_non_null(ext);
    assert_int_equal(X509_add_ext(x, ext, -1), 1);
    assert_int_equal(x509_permitted_serial(x, txt, sizeof txt), -1);
    X509_EXTENSION_free(ext);
    X509_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sgp26_nist),
        cmocka_unit_test(test_sgp26_brp),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_null_and_other_constraints),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
