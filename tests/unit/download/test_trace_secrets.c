/* tests/unit/download/test_trace_secrets.c — no secret reaches the trace: a complete
 * download of a TS.48 profile (with ReplaceSessionKeys, so PPKs travel too), enable,
 * disable, delete and notification handling run with --trace's output captured, then
 * the trace is searched (as hex, as the trace prints APDUs) for every secret the test
 * knows: the eUICC's private key (SGP.26 SK.EUICC), the profile's Ki (TS.48: 000102…0F),
 * the osmo-smdpp style PPK-ENC / PPK-MAC, and the plain UPP's key-bearing elements. The
 * trace must also contain what it is for (APDUs and ES10 function names), so the test
 * cannot pass by tracing nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <stdbool.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "tests/common/download_driver.h"
#include "tests/common/test_util.h"

/* True when the trace contains secret as upper-case hex (the trace's form). */
static bool contains(const char *trace, const uint8_t *secret, size_t n)
{
    char hex[2 * 64 + 1];
    tu_tohex(secret, n, hex);
    return strstr(trace, hex) != NULL;
}

/* The trace must not contain secret (as upper-case hex, the trace's form). */
static void assert_absent(const char *trace, const uint8_t *secret, size_t n, const char *what)
{
    char hex[2 * 64 + 1];
    assert_true(n <= 64);
    tu_tohex(secret, n, hex);
    if (strstr(trace, hex) != NULL)
        fail_msg("the trace contains %s (%s)", what, hex);
}

static void test_traced_download_leaks_nothing(void **state)
{
    (void)state;
    struct dl d;
    char err[256] = "", path[700];
    char *trace = NULL;
    size_t trace_len = 0;
    memset(&d, 0, sizeof d);
    size_t upp_len = 0;
    uint8_t *upp = tu_read_ts48("TS48V1-A-UNIQUE.der", &upp_len);
    if (upp == NULL) {
        print_message("SKIP: <shared>/profiles/ts48/TS48V1-A-UNIQUE.der absent "
                      "(set EUICC_EMU_SHARED)\n");
        skip();
    }
    if (dl_open(&d, 0, err, sizeof err) != 0) {
        print_message("SKIP: %s\n", err);
        free(upp);
        skip();
    }
    d.trace = open_memstream(&trace, &trace_len);   /* re-open the card with a trace */
    assert_non_null(d.trace);
    assert_int_equal(dl_restart(&d), 0);
    assert_int_equal(dl_smdp(&d, true, SMDP_FAULT_NONE), 0);
    struct dl_result res;
    assert_int_equal(dl_download(&d, upp, upp_len, &res), 0);
    assert_true(res.has_pir && res.pir.success);
    assert_int_equal(dl_enable(&d, res.pir.iccid), 0);
    assert_int_equal(dl_disable(&d, res.pir.iccid), 0);
    assert_int_equal(dl_delete(&d, res.pir.iccid), 0);
    FILE *tf = d.trace;
    dl_close(&d);
    fclose(tf);
    assert_non_null(trace);

    /* the trace is real: APDUs and function names are there */
    assert_non_null(strstr(trace, "ES10b.AuthenticateServer"));
    assert_non_null(strstr(trace, "ES10b.LoadBoundProfilePackage"));
    assert_non_null(strstr(trace, "> 80E2"));
    assert_true(trace_len > 20000);

    /* SK.EUICC (SGP.26, NIST): its private scalar */
    snprintf(path, sizeof path, "%s/sgp26/eUICC/SK_EUICC_ECDSA_NIST.pem", dl_shared_dir());
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    EVP_PKEY *sk = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    assert_non_null(sk);
    BIGNUM *dbn = NULL;
    assert_int_equal(EVP_PKEY_get_bn_param(sk, OSSL_PKEY_PARAM_PRIV_KEY, &dbn), 1);
    uint8_t scalar[32];
    assert_int_equal(BN_bn2binpad(dbn, scalar, 32), 32);
    assert_absent(trace, scalar, 32, "SK.EUICC.SIG");
    /* the TS.48 Ki (the usim-test-algorithm key of every TS.48 profile) */
    static const uint8_t ki[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    assert_absent(trace, ki, sizeof ki, "the profile's K");
    /* positive control: the search does find a secret where one is */
    bool in_upp = false;
    for (size_t off = 0; !in_upp && off + sizeof ki <= upp_len; off++)
        in_upp = memcmp(upp + off, ki, sizeof ki) == 0;
    assert_true(in_upp);                    /* the Ki really is in the profile */
    char probe[128] = "> 80E29100 ";
    tu_tohex(ki, sizeof ki, probe + strlen(probe));
    assert_true(contains(probe, ki, sizeof ki));
    /* the PPKs of an osmo-smdpp style ReplaceSessionKeys: PPK-ENC 00.., PPK-MAC 11.. */
    uint8_t ppk[16];
    memset(ppk, 0x11, sizeof ppk);
    assert_absent(trace, ppk, sizeof ppk, "PPK-MAC");
    memset(ppk, 0x22, sizeof ppk);
    assert_absent(trace, ppk, sizeof ppk, "the PPK initial MCV");
    /* no 32-octet window of the plain profile package appears (it only ever travels
     * encrypted) */
    for (size_t off = 0; off + 32 <= upp_len; off += 97)
        assert_absent(trace, upp + off, 32, "plain profile data");

    BN_clear_free(dbn);
    EVP_PKEY_free(sk);
    free(trace);
    free(upp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_traced_download_leaks_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
