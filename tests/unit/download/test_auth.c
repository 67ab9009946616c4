/* tests/unit/download/test_auth.c — ES10b mutual authentication end to end through
 * card_transmit(): a card with the SGP.26 identity, driven by tools/lpa (STORE DATA in
 * 120-octet blocks, GET RESPONSE) and the test SM-DP+ of tools/smdp with the SGP.26
 * DPauth/DPpb NIST keys. GetEUICCChallenge → AuthenticateServer → PrepareDownload,
 * CancelSession, and every error code of the three functions.
 * Needs <shared>/sgp26 (EUICC_EMU_SHARED or ../shared); skips when absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include <openssl/ec.h>
#include <openssl/x509.h>

#include "card/card.h"
#include "card/store.h"
#include "card/tlv.h"
#include "crypto/ec.h"
#include "tools/lpa/lpa.h"
#include "tools/smdp/smdp.h"
#include "tools/smdp/smdp_internal.h"
#include "tests/common/test_util.h"

#define BUF 16384

struct fx {
    char dir[512];              /* <shared>/sgp26 */
    struct store *store;
    struct card *card;
    struct lpa_transport t;
    struct smdp *dp;
    uint8_t info1[512];
    size_t info1_len;
    uint8_t chal[64];
    size_t chal_len;
    uint8_t req[BUF], resp[BUF];
    size_t req_len, resp_len;
    uint16_t sw;
};

static size_t transmit(void *ctx, const uint8_t *capdu, size_t len, uint8_t *rapdu,
                       size_t cap)
{
    return card_transmit(ctx, capdu, len, rapdu, cap);
}

static void path(const struct fx *f, char *out, size_t cap, const char *rel)
{
    snprintf(out, cap, "%s/%s", f->dir, rel);
}

static void open_smdp(struct fx *f, enum smdp_fault fault, const char *dppb)
{
    char a[600], ak[600], b[600], bk[600], ci[600], err[256] = "";
    path(f, a, sizeof a, "DPauth/CERT_S_SM_DPauth_ECDSA_NIST.der");
    path(f, ak, sizeof ak, "DPauth/SK_S_SM_DPauth_ECDSA_NIST.pem");
    snprintf(b, sizeof b, "%s/DPpb/CERT_S_SM_%s_ECDSA_NIST.der", f->dir, dppb);
    snprintf(bk, sizeof bk, "%s/DPpb/SK_S_SM_%s_ECDSA_NIST.pem", f->dir, dppb);
    path(f, ci, sizeof ci, "CI/CERT_CI_ECDSA_NIST.der");
    struct smdp_config cfg = { .dpauth_cert = a, .dpauth_key = ak, .dppb_cert = b,
                               .dppb_key = bk, .ci_cert = ci, .fault = fault };
    smdp_close(f->dp);
    f->dp = NULL;
    if (smdp_open(&f->dp, &cfg, err, sizeof err) != 0)
        fail_msg("smdp_open: %s", err);
}

static int setup(void **state)
{
    static const uint8_t seed[] = "download auth test seed";
    char err[256] = "";
    struct stat st;
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "%s/sgp26", tu_shared_dir());
    if (stat(f->dir, &st) != 0) {
        static bool told;
        if (!told)
            fprintf(stderr, "SKIP: SGP.26 identity not found at %s (set EUICC_EMU_SHARED)\n",
                    f->dir);
        told = true;
        free(f);
        *state = NULL;
        return 0;
    }
    assert_int_equal(store_open_memory(&f->store), 0);
    struct card_config cfg = { .store = f->store, .identity_dir = f->dir,
                               .rng_seed = seed, .rng_seed_len = sizeof seed };
    if (card_open(&f->card, &cfg, err, sizeof err) != 0)
        fail_msg("card_open: %s", err);
    f->t.ctx = f->card;
    f->t.transmit = transmit;
    f->t.channel = 0;
    assert_int_equal(lpa_select_isdr(&f->t), 0);
    open_smdp(f, SMDP_FAULT_NONE, "DPpb");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    if (!f)
        return 0;
    smdp_close(f->dp);
    card_close(f->card);
    store_close(f->store);
    free(f);
    return 0;
}

#define FX()                                                                          \
    struct fx *f = *state;                                                            \
    if (!f)                                                                           \
        skip()

/* Send req[0..req_len) as one ES10 request; response in f->resp. */
static uint16_t send_req(struct fx *f)
{
    f->sw = lpa_es10(&f->t, f->req, f->req_len, f->resp, sizeof f->resp, &f->resp_len);
    return f->sw;
}

static uint16_t send_hex(struct fx *f, const uint8_t *p, size_t len)
{
    memcpy(f->req, p, len);
    f->req_len = len;
    return send_req(f);
}

static void get_info1_and_challenge(struct fx *f)
{
    static const uint8_t info1[] = { 0xBF, 0x20, 0x00 }, chal[] = { 0xBF, 0x2E, 0x00 };
    assert_int_equal(send_hex(f, info1, sizeof info1), 0x9000);
    memcpy(f->info1, f->resp, f->resp_len);
    f->info1_len = f->resp_len;
    assert_int_equal(send_hex(f, chal, sizeof chal), 0x9000);
    assert_int_equal(f->resp_len, 3 + 2 + 16);
    memcpy(f->chal, f->resp, f->resp_len);
    f->chal_len = f->resp_len;
}

/* Build the AuthenticateServer request for the last challenge into f->req. */
static void build_auth(struct fx *f)
{
    assert_int_equal(smdp_authenticate_server_request(f->dp, f->info1, f->info1_len,
                                                      f->chal, f->chal_len, "MATCHING-ID",
                                                      f->req, sizeof f->req,
                                                      &f->req_len), 0);
}

/* The code of an error answer `tag {A1 {80 txid, 02 code}}`, 0 for `tag {A0 …}`. */
static int result_code(const struct fx *f, uint32_t tag)
{
    struct tlv r, e, c;
    assert_int_equal(f->sw, 0x9000);
    assert_true(tlv_parse(f->resp, f->resp_len, &r));
    assert_int_equal(r.tag, tag);
    assert_true(r.raw_len == f->resp_len);
    if (tlv_find(r.value, r.len, 0xA0, &e))
        return 0;
    assert_true(tlv_find(r.value, r.len, 0xA1, &e));
    assert_true(tlv_find(e.value, e.len, 0x80, &c));
    assert_true(tlv_find(e.value, e.len, 0x02, &c));
    int64_t v;
    assert_true(tlv_get_int(c.value, c.len, &v));
    return (int)v;
}

/* Challenge + AuthenticateServer; returns the result code. */
static int authenticate(struct fx *f)
{
    get_info1_and_challenge(f);
    build_auth(f);
    send_req(f);
    return result_code(f, 0xBF38);
}

/* PrepareDownload built by the SM-DP+ from the last AuthenticateServer answer. */
static int prepare(struct fx *f)
{
    uint8_t auth[BUF];
    size_t n = f->resp_len;
    memcpy(auth, f->resp, n);
    assert_int_equal(smdp_prepare_download_request(f->dp, auth, n, f->req, sizeof f->req,
                                                   &f->req_len), 0);
    send_req(f);
    return result_code(f, 0xBF21);
}

/* otPK.EUICC of a PrepareDownload ok answer; also checks euiccSignature2. */
static void prepared_otpk(struct fx *f, uint8_t otpk[65])
{
    struct tlv r, ok, s2, sig, pk;
    uint8_t input[512];
    assert_true(tlv_parse(f->resp, f->resp_len, &r));
    assert_true(tlv_find(r.value, r.len, 0xA0, &ok));
    assert_true(tlv_find(ok.value, ok.len, 0x30, &s2));
    assert_true(tlv_find(ok.value, ok.len, 0x5F37, &sig));
    assert_true(tlv_find(s2.value, s2.len, 0x5F49, &pk));
    assert_int_equal(pk.len, 65);
    memcpy(otpk, pk.value, 65);
    /* euiccSignature2 over euiccSigned2 ‖ 5F37 40 smdpSignature2, with PK.EUICC */
    memcpy(input, s2.raw, s2.raw_len);
    input[s2.raw_len] = 0x5F;
    input[s2.raw_len + 1] = 0x37;
    input[s2.raw_len + 2] = 0x40;
    memcpy(input + s2.raw_len + 3, f->dp->smdp_signature2, 64);
    assert_true(ecdsa_verify_raw(f->dp->euicc_key, input, s2.raw_len + 67, sig.value,
                                 sig.len));
    struct tlv txid;
    assert_true(tlv_find(s2.value, s2.len, 0x80, &txid));
    assert_memory_equal(txid.value, f->dp->transaction_id, 16);
}

/* Position of needle in the request (fails when absent). */
static size_t find_in_req(const struct fx *f, const uint8_t *needle, size_t n)
{
    for (size_t i = 0; i + n <= f->req_len; i++)
        if (memcmp(f->req + i, needle, n) == 0)
            return i;
    fail_msg("needle not found in request");
    return 0;
}

/* Replace bytes [at, at+old) of the request by new_[0..n) and fix the outer BF38/BF21
 * length (requests here are > 255 octets: 82 LL LL). */
static void splice_req(struct fx *f, size_t at, size_t old, const uint8_t *new_, size_t n)
{
    assert_int_equal(f->req[2], 0x82);
    memmove(f->req + at + n, f->req + at + old, f->req_len - at - old);
    memcpy(f->req + at, new_, n);
    f->req_len = f->req_len - old + n;
    size_t v = f->req_len - 5;
    f->req[3] = (uint8_t)(v >> 8);
    f->req[4] = (uint8_t)v;
}

/* A self-signed certificate with a secp384r1 key (DER into out); the card must refuse
 * it for its curve before anything else. */
static size_t p384_cert(uint8_t *out, size_t cap)
{
    EVP_PKEY *k = EVP_EC_gen("secp384r1");
    X509 *x = X509_new();
    assert_non_null(k);
    assert_non_null(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_NAME *nm = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC, (const unsigned char *)"P384 DP", -1,
                               -1, 0);
    X509_set_issuer_name(x, nm);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, k);
    assert_true(X509_sign(x, k, EVP_sha256()) > 0);
    unsigned char *p = NULL;
    int n = i2d_X509(x, &p);
    assert_true(n > 0 && (size_t)n <= cap);
    memcpy(out, p, (size_t)n);
    OPENSSL_free(p);
    X509_free(x);
    EVP_PKEY_free(k);
    return (size_t)n;
}

/* ------------------------------------------------------------------ success path */

static void test_download_auth_success(void **state)
{
    FX();
    uint8_t otpk[65];
    assert_int_equal(authenticate(f), 0);
    assert_int_equal(prepare(f), 0);          /* SM-DP+ verified chain + signature1 */
    prepared_otpk(f, otpk);
    assert_int_equal(otpk[0], 0x04);
    assert_string_equal(f->dp->eid, "89049032123451234512345678901235");
}

static void test_auth_euicc_signed1_content(void **state)
{
    FX();
    struct tlv r, ok, s1, t;
    assert_int_equal(authenticate(f), 0);
    assert_true(tlv_parse(f->resp, f->resp_len, &r));
    assert_true(tlv_find(r.value, r.len, 0xA0, &ok));
    assert_true(tlv_find(ok.value, ok.len, 0x30, &s1));
    assert_true(tlv_find(s1.value, s1.len, 0x80, &t));
    assert_memory_equal(t.value, f->dp->transaction_id, 16);
    assert_true(tlv_find(s1.value, s1.len, 0x83, &t));
    assert_int_equal(t.len, strlen("testsmdpplus1.example.com"));
    assert_true(tlv_find(s1.value, s1.len, 0x84, &t));
    assert_memory_equal(t.value, f->dp->server_challenge, 16);
    assert_true(tlv_find(s1.value, s1.len, 0xBF22, &t));
    assert_true(tlv_find(s1.value, s1.len, 0xA0, &t));   /* ctxParams1 copied */
    struct tlv mid;
    assert_true(tlv_find(t.value, t.len, 0x80, &mid));
    assert_memory_equal(mid.value, "MATCHING-ID", 11);
}

/* ----------------------------------------------------------- AuthenticateServer errors */

static void test_auth_invalid_certificate(void **state)
{
    FX();
    get_info1_and_challenge(f);
    build_auth(f);
    /* flip the last octet of CERT.DPauth (inside its signature) */
    size_t at = find_in_req(f, f->dp->dpauth_der, f->dp->dpauth_der_len);
    f->req[at + f->dp->dpauth_der_len - 1] ^= 0x55;
    send_req(f);
    assert_int_equal(result_code(f, 0xBF38), 1);
}

static void test_auth_invalid_certificate_other_ci(void **state)
{
    FX();
    /* BRP DPauth certificate while euiccCiPKIdToBeUsed names the NIST CI */
    char p[600];
    uint8_t brp[2048];
    get_info1_and_challenge(f);
    build_auth(f);
    snprintf(p, sizeof p, "%s/DPauth/CERT_S_SM_DPauth_ECDSA_BRP.der", f->dir);
    FILE *fp = fopen(p, "rb");
    assert_non_null(fp);
    size_t n = fread(brp, 1, sizeof brp, fp);
    fclose(fp);
    size_t at = find_in_req(f, f->dp->dpauth_der, f->dp->dpauth_der_len);
    splice_req(f, at, f->dp->dpauth_der_len, brp, n);
    send_req(f);
    assert_int_equal(result_code(f, 0xBF38), 1);
}

static void test_auth_invalid_signature(void **state)
{
    FX();
    open_smdp(f, SMDP_FAULT_SERVER_SIGNATURE1, "DPpb");
    assert_int_equal(authenticate(f), 2);
}

static void test_auth_unsupported_curve(void **state)
{
    FX();
    uint8_t cert[2048];
    size_t n = p384_cert(cert, sizeof cert);
    get_info1_and_challenge(f);
    build_auth(f);
    size_t at = find_in_req(f, f->dp->dpauth_der, f->dp->dpauth_der_len);
    splice_req(f, at, f->dp->dpauth_der_len, cert, n);
    send_req(f);
    assert_int_equal(result_code(f, 0xBF38), 3);
}

static void test_auth_no_session(void **state)
{
    FX();
    /* no GetEUICCChallenge: the SM-DP+ is given a made-up challenge */
    static const uint8_t info1[] = { 0xBF, 0x20, 0x00 };
    assert_int_equal(send_hex(f, info1, sizeof info1), 0x9000);
    memcpy(f->info1, f->resp, f->resp_len);
    f->info1_len = f->resp_len;
    static const uint8_t fake[] = { 0xBF, 0x2E, 0x12, 0x80, 0x10, 1, 2, 3, 4, 5, 6, 7, 8,
                                    9, 10, 11, 12, 13, 14, 15, 16 };
    memcpy(f->chal, fake, sizeof fake);
    f->chal_len = sizeof fake;
    build_auth(f);
    send_req(f);
    assert_int_equal(result_code(f, 0xBF38), 4);
}

static void test_auth_session_used_once(void **state)
{
    FX();
    uint8_t again[BUF];
    size_t n;
    get_info1_and_challenge(f);
    build_auth(f);
    memcpy(again, f->req, f->req_len);
    n = f->req_len;
    send_req(f);
    assert_int_equal(result_code(f, 0xBF38), 0);
    assert_int_equal(send_hex(f, again, n), 0x9000);   /* replay: session already used */
    assert_int_equal(result_code(f, 0xBF38), 4);
}

static void test_auth_invalid_oid(void **state)
{
    FX();
    open_smdp(f, SMDP_FAULT_DPAUTH_OID, "DPpb");
    assert_int_equal(authenticate(f), 5);
}

static void test_auth_challenge_mismatch(void **state)
{
    FX();
    open_smdp(f, SMDP_FAULT_CHALLENGE, "DPpb");
    assert_int_equal(authenticate(f), 6);
}

static void test_auth_replayed_challenge(void **state)
{
    FX();
    static const uint8_t chal[] = { 0xBF, 0x2E, 0x00 };
    get_info1_and_challenge(f);               /* challenge 1 kept in f->chal */
    assert_int_equal(send_hex(f, chal, sizeof chal), 0x9000);   /* challenge 2 */
    build_auth(f);                            /* signed for challenge 1 */
    send_req(f);
    assert_int_equal(result_code(f, 0xBF38), 6);
}

static void test_auth_ci_unknown(void **state)
{
    FX();
    open_smdp(f, SMDP_FAULT_CI_UNKNOWN, "DPpb");
    assert_int_equal(authenticate(f), 7);
}

static void test_auth_undefined_error(void **state)
{
    FX();
    get_info1_and_challenge(f);
    build_auth(f);
    /* serverAddress made invalid UTF-8 */
    size_t at = find_in_req(f, (const uint8_t *)"testsmdpplus1", 13);
    f->req[at] = 0xFF;
    send_req(f);
    assert_int_equal(result_code(f, 0xBF38), 127);
}

static void test_auth_malformed(void **state)
{
    FX();
    static const uint8_t bad[] = { 0xBF, 0x38, 0x03, 0x80, 0x01, 0x00 };
    assert_int_equal(send_hex(f, bad, sizeof bad), 0x6A80);
}

static void test_auth_error_ends_session(void **state)
{
    FX();
    /* a failed AuthenticateServer ends the session: the retry with the same
     * (valid) challenge answers noSessionContext */
    get_info1_and_challenge(f);
    build_auth(f);
    uint8_t good[BUF];
    size_t n = f->req_len;
    memcpy(good, f->req, n);
    size_t at = find_in_req(f, f->dp->dpauth_der, f->dp->dpauth_der_len);
    f->req[at + f->dp->dpauth_der_len - 1] ^= 0x55;
    send_req(f);
    assert_int_equal(result_code(f, 0xBF38), 1);
    assert_int_equal(send_hex(f, good, n), 0x9000);
    assert_int_equal(result_code(f, 0xBF38), 4);
}

/* ------------------------------------------------------------- PrepareDownload errors */

static void test_prepare_invalid_certificate(void **state)
{
    FX();
    uint8_t auth[BUF];
    assert_int_equal(authenticate(f), 0);
    memcpy(auth, f->resp, f->resp_len);
    assert_int_equal(smdp_prepare_download_request(f->dp, auth, f->resp_len, f->req,
                                                   sizeof f->req, &f->req_len), 0);
    size_t at = find_in_req(f, f->dp->dppb_der, f->dp->dppb_der_len);
    f->req[at + f->dp->dppb_der_len - 1] ^= 0x55;
    send_req(f);
    assert_int_equal(result_code(f, 0xBF21), 1);
}

static void test_prepare_other_smdp_oid(void **state)
{
    FX();
    /* CERT.DP2pb (SM-DP+ OID 2.999.12) after CERT.DPauth (2.999.10) */
    open_smdp(f, SMDP_FAULT_NONE, "DP2pb");
    assert_int_equal(authenticate(f), 0);
    assert_int_equal(prepare(f), 1);
}

static void test_prepare_wrong_role(void **state)
{
    FX();
    uint8_t auth[BUF];
    assert_int_equal(authenticate(f), 0);
    memcpy(auth, f->resp, f->resp_len);
    assert_int_equal(smdp_prepare_download_request(f->dp, auth, f->resp_len, f->req,
                                                   sizeof f->req, &f->req_len), 0);
    size_t at = find_in_req(f, f->dp->dppb_der, f->dp->dppb_der_len);
    splice_req(f, at, f->dp->dppb_der_len, f->dp->dpauth_der, f->dp->dpauth_der_len);
    send_req(f);
    assert_int_equal(result_code(f, 0xBF21), 1);
}

static void test_prepare_invalid_signature(void **state)
{
    FX();
    open_smdp(f, SMDP_FAULT_SMDP_SIGNATURE2, "DPpb");
    assert_int_equal(authenticate(f), 0);
    assert_int_equal(prepare(f), 2);
}

static void test_prepare_unsupported_curve(void **state)
{
    FX();
    uint8_t auth[BUF], cert[2048];
    size_t n = p384_cert(cert, sizeof cert);
    assert_int_equal(authenticate(f), 0);
    memcpy(auth, f->resp, f->resp_len);
    assert_int_equal(smdp_prepare_download_request(f->dp, auth, f->resp_len, f->req,
                                                   sizeof f->req, &f->req_len), 0);
    size_t at = find_in_req(f, f->dp->dppb_der, f->dp->dppb_der_len);
    splice_req(f, at, f->dp->dppb_der_len, cert, n);
    send_req(f);
    assert_int_equal(result_code(f, 0xBF21), 3);
}

static void test_prepare_no_session(void **state)
{
    FX();
    static const uint8_t chal[] = { 0xBF, 0x2E, 0x00 };
    uint8_t auth[BUF];
    assert_int_equal(authenticate(f), 0);
    memcpy(auth, f->resp, f->resp_len);
    assert_int_equal(smdp_prepare_download_request(f->dp, auth, f->resp_len, f->req,
                                                   sizeof f->req, &f->req_len), 0);
    uint8_t prep[BUF];
    size_t n = f->req_len;
    memcpy(prep, f->req, n);
    assert_int_equal(send_hex(f, chal, sizeof chal), 0x9000);   /* new session */
    assert_int_equal(send_hex(f, prep, n), 0x9000);
    assert_int_equal(result_code(f, 0xBF21), 4);
}

static void test_prepare_invalid_transaction_id(void **state)
{
    FX();
    open_smdp(f, SMDP_FAULT_TRANSACTION_ID, "DPpb");
    assert_int_equal(authenticate(f), 0);
    assert_int_equal(prepare(f), 5);
}

static void test_prepare_undefined_error(void **state)
{
    FX();
    /* ccRequiredFlag set but no hashCc */
    assert_int_equal(authenticate(f), 0);
    f->dp->cc_required = true;
    assert_int_equal(prepare(f), 127);
}

static void test_prepare_hash_cc(void **state)
{
    FX();
    uint8_t auth[BUF], hcc[34] = { 0x04, 0x20 };
    struct tlv r, ok, s2, h;
    for (int i = 0; i < 32; i++)
        hcc[2 + i] = (uint8_t)i;
    assert_int_equal(authenticate(f), 0);
    f->dp->cc_required = true;
    memcpy(auth, f->resp, f->resp_len);
    assert_int_equal(smdp_prepare_download_request(f->dp, auth, f->resp_len, f->req,
                                                   sizeof f->req, &f->req_len), 0);
    /* the LPA inserts hashCc before CERT.DPpb */
    size_t at = find_in_req(f, f->dp->dppb_der, f->dp->dppb_der_len);
    splice_req(f, at, 0, hcc, sizeof hcc);
    send_req(f);
    assert_int_equal(result_code(f, 0xBF21), 0);
    assert_true(tlv_parse(f->resp, f->resp_len, &r));
    assert_true(tlv_find(r.value, r.len, 0xA0, &ok));
    assert_true(tlv_find(ok.value, ok.len, 0x30, &s2));
    assert_true(tlv_find(s2.value, s2.len, 0x04, &h));
    assert_memory_equal(h.value, hcc + 2, 32);
    uint8_t pk[65];
    prepared_otpk(f, pk);                      /* signature covers hashCc too */
}

static void test_prepare_error_ends_session(void **state)
{
    FX();
    uint8_t auth[BUF], good[BUF];
    assert_int_equal(authenticate(f), 0);
    memcpy(auth, f->resp, f->resp_len);
    assert_int_equal(smdp_prepare_download_request(f->dp, auth, f->resp_len, f->req,
                                                   sizeof f->req, &f->req_len), 0);
    size_t n = f->req_len;
    memcpy(good, f->req, n);
    size_t at = find_in_req(f, f->dp->dppb_der, f->dp->dppb_der_len);
    f->req[at + f->dp->dppb_der_len - 1] ^= 0x55;
    send_req(f);
    assert_int_equal(result_code(f, 0xBF21), 1);
    assert_int_equal(send_hex(f, good, n), 0x9000);
    assert_int_equal(result_code(f, 0xBF21), 4);
}

/* ----------------------------------------------------------------- one-time key reuse */

static void test_otpk_reuse(void **state)
{
    FX();
    uint8_t pk1[65], pk2[65], pk3[65];
    assert_int_equal(authenticate(f), 0);
    assert_int_equal(prepare(f), 0);
    prepared_otpk(f, pk1);
    /* retried download: new session, bppEuiccOtpk names the held key → reused */
    f->dp->send_bpp_euicc_otpk = true;
    memcpy(f->dp->bpp_euicc_otpk, pk1, 65);
    assert_int_equal(authenticate(f), 0);
    assert_int_equal(prepare(f), 0);
    prepared_otpk(f, pk2);
    assert_memory_equal(pk1, pk2, 65);
    /* a key the card does not hold → a new one */
    f->dp->bpp_euicc_otpk[40] ^= 0x01;
    assert_int_equal(authenticate(f), 0);
    assert_int_equal(prepare(f), 0);
    prepared_otpk(f, pk3);
    assert_memory_not_equal(pk1, pk3, 65);
    /* no bppEuiccOtpk → a new one */
    f->dp->send_bpp_euicc_otpk = false;
    assert_int_equal(authenticate(f), 0);
    assert_int_equal(prepare(f), 0);
    prepared_otpk(f, pk2);
    assert_memory_not_equal(pk2, pk3, 65);
}

static void test_power_reset_clears_session(void **state)
{
    FX();
    uint8_t auth[BUF], pk1[65], pk2[65];
    assert_int_equal(authenticate(f), 0);
    assert_int_equal(prepare(f), 0);
    prepared_otpk(f, pk1);
    assert_int_equal(authenticate(f), 0);
    memcpy(auth, f->resp, f->resp_len);
    f->dp->send_bpp_euicc_otpk = true;
    memcpy(f->dp->bpp_euicc_otpk, pk1, 65);
    assert_int_equal(smdp_prepare_download_request(f->dp, auth, f->resp_len, f->req,
                                                   sizeof f->req, &f->req_len), 0);
    uint8_t prep[BUF];
    size_t n = f->req_len;
    memcpy(prep, f->req, n);
    card_power(f->card, CARD_POWER_RESET);
    assert_int_equal(lpa_select_isdr(&f->t), 0);
    assert_int_equal(send_hex(f, prep, n), 0x9000);
    assert_int_equal(result_code(f, 0xBF21), 4);      /* session gone */
    /* and the one-time key did not survive: a retry gets a new key */
    assert_int_equal(authenticate(f), 0);
    assert_int_equal(prepare(f), 0);
    prepared_otpk(f, pk2);
    assert_memory_not_equal(pk1, pk2, 65);
}

/* -------------------------------------------------------------------- CancelSession */

static void cancel_req(struct fx *f, const uint8_t *txid, size_t tl, uint8_t reason)
{
    struct tlv_writer w;
    tlv_writer_init(&w, f->req, sizeof f->req);
    tlv_open(&w, 0xBF41);
    tlv_put(&w, 0x80, txid, tl);
    tlv_put_int(&w, 0x81, reason);
    tlv_close(&w);
    assert_true(tlv_writer_ok(&w));
    f->req_len = w.len;
    send_req(f);
    assert_int_equal(f->sw, 0x9000);
}

static int cancel_code(const struct fx *f)
{
    struct tlv r, e;
    assert_true(tlv_parse(f->resp, f->resp_len, &r));
    assert_int_equal(r.tag, 0xBF41);
    if (tlv_find(r.value, r.len, 0xA0, &e))
        return 0;
    assert_true(tlv_find(r.value, r.len, 0x81, &e));
    int64_t v;
    assert_true(tlv_get_int(e.value, e.len, &v));
    return (int)v;
}

static void test_cancel_session_ok(void **state)
{
    FX();
    struct tlv r, ok, s, sig, t;
    uint8_t txid[16];
    assert_int_equal(authenticate(f), 0);
    memcpy(txid, f->dp->transaction_id, 16);
    uint8_t auth[BUF];
    size_t an = f->resp_len;
    memcpy(auth, f->resp, an);
    /* the SM-DP+ verifies the card (so it knows PK.EUICC) */
    assert_int_equal(smdp_prepare_download_request(f->dp, auth, an, f->req, sizeof f->req,
                                                   &f->req_len), 0);
    uint8_t prep[BUF];
    size_t pn = f->req_len;
    memcpy(prep, f->req, pn);
    cancel_req(f, txid, 16, 1 /* postponed */);
    assert_int_equal(cancel_code(f), 0);
    assert_true(tlv_parse(f->resp, f->resp_len, &r));
    assert_true(tlv_find(r.value, r.len, 0xA0, &ok));
    assert_true(tlv_find(ok.value, ok.len, 0x30, &s));
    assert_true(tlv_find(ok.value, ok.len, 0x5F37, &sig));
    assert_true(tlv_find(s.value, s.len, 0x80, &t));
    assert_memory_equal(t.value, txid, 16);
    assert_true(tlv_find(s.value, s.len, 0x81, &t));    /* smdpOid 2.999.10 */
    static const uint8_t oid[] = { 0x88, 0x37, 0x0A };
    assert_int_equal(t.len, sizeof oid);
    assert_memory_equal(t.value, oid, sizeof oid);
    assert_true(tlv_find(s.value, s.len, 0x82, &t));
    assert_int_equal(t.value[0], 1);
    assert_true(ecdsa_verify_raw(f->dp->euicc_key, s.raw, s.raw_len, sig.value, sig.len));
    /* the session is over */
    assert_int_equal(send_hex(f, prep, pn), 0x9000);
    assert_int_equal(result_code(f, 0xBF21), 4);
    cancel_req(f, txid, 16, 1);
    assert_int_equal(cancel_code(f), 5);
}

static void test_cancel_session_after_prepare(void **state)
{
    FX();
    uint8_t txid[16];
    assert_int_equal(authenticate(f), 0);
    assert_int_equal(prepare(f), 0);
    memcpy(txid, f->dp->transaction_id, 16);
    cancel_req(f, txid, 16, 0 /* endUserRejection */);
    assert_int_equal(cancel_code(f), 0);
}

static void test_cancel_session_invalid_transaction_id(void **state)
{
    FX();
    uint8_t txid[16];
    assert_int_equal(authenticate(f), 0);
    memcpy(txid, f->dp->transaction_id, 16);
    txid[15] ^= 1;
    cancel_req(f, txid, 16, 1);
    assert_int_equal(cancel_code(f), 5);
    /* no session at all */
    static const uint8_t chal[] = { 0xBF, 0x2E, 0x00 };
    assert_int_equal(send_hex(f, chal, sizeof chal), 0x9000);
    cancel_req(f, f->dp->transaction_id, 16, 1);
    assert_int_equal(cancel_code(f), 5);
}

static void test_cancel_session_undefined_error(void **state)
{
    FX();
    assert_int_equal(authenticate(f), 0);
    cancel_req(f, f->dp->transaction_id, 16, 99);   /* not a CancelSessionReason */
    assert_int_equal(cancel_code(f), 127);
}

static void test_cancel_session_aborts_load(void **state)
{
    FX();
    char p[600];
    uint8_t *upp = malloc(1 << 20), *bpp = NULL;
    size_t upp_len, bpp_len, n;
    struct bpp_piece pieces[512];
    uint8_t prep_resp[BUF];
    assert_non_null(upp);
    snprintf(p, sizeof p, "%s/../profiles/ts48/TS48V1-A-UNIQUE.der", f->dir);
    FILE *fp = fopen(p, "rb");
    if (!fp) {
        free(upp);
        skip();
    }
    upp_len = fread(upp, 1, 1 << 20, fp);
    fclose(fp);
    assert_int_equal(authenticate(f), 0);
    assert_int_equal(prepare(f), 0);
    memcpy(prep_resp, f->resp, f->resp_len);
    assert_int_equal(smdp_bound_profile_package(f->dp, prep_resp, f->resp_len, upp,
                                                upp_len, &bpp, &bpp_len), 0);
    assert_int_equal(bpp_pieces(bpp, bpp_len, pieces, 512, &n), 0);
    assert_true(n > 3);
    /* BF36 + BF23, then A0: the load is under way, no answer data yet */
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(send_hex(f, bpp + pieces[i].offset, pieces[i].len), 0x9000);
        assert_int_equal(f->resp_len, 0);
    }
    cancel_req(f, f->dp->transaction_id, 16, 5 /* loadBppExecutionError */);
    assert_int_equal(cancel_code(f), 0);
    /* the rest of the BPP has nowhere to go: A1 header without a load is malformed */
    assert_int_equal(send_hex(f, bpp + pieces[2].offset, pieces[2].len), 0x6A80);
    free(bpp);
    free(upp);
}

static void test_cancel_session_malformed(void **state)
{
    FX();
    static const uint8_t bad[] = { 0xBF, 0x41, 0x03, 0x80, 0x01, 0x00 };
    assert_int_equal(send_hex(f, bad, sizeof bad), 0x6A80);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_download_auth_success),
        T(test_auth_euicc_signed1_content),
        T(test_auth_invalid_certificate),
        T(test_auth_invalid_certificate_other_ci),
        T(test_auth_invalid_signature),
        T(test_auth_unsupported_curve),
        T(test_auth_no_session),
        T(test_auth_session_used_once),
        T(test_auth_invalid_oid),
        T(test_auth_challenge_mismatch),
        T(test_auth_replayed_challenge),
        T(test_auth_ci_unknown),
        T(test_auth_undefined_error),
        T(test_auth_malformed),
        T(test_auth_error_ends_session),
        T(test_prepare_invalid_certificate),
        T(test_prepare_other_smdp_oid),
        T(test_prepare_wrong_role),
        T(test_prepare_invalid_signature),
        T(test_prepare_unsupported_curve),
        T(test_prepare_no_session),
        T(test_prepare_invalid_transaction_id),
        T(test_prepare_undefined_error),
        T(test_prepare_hash_cc),
        T(test_prepare_error_ends_session),
        T(test_otpk_reuse),
        T(test_power_reset_clears_session),
        T(test_cancel_session_ok),
        T(test_cancel_session_after_prepare),
        T(test_cancel_session_invalid_transaction_id),
        T(test_cancel_session_undefined_error),
        T(test_cancel_session_aborts_load),
        T(test_cancel_session_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
