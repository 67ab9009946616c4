/* tools/smdp/smdp_auth.c — the test SM-DP+'s half of the common mutual authentication
 * (SGP.22 §3.1.2, ES9+ InitiateAuthentication and AuthenticateClient): builds the
 * AuthenticateServer and PrepareDownload requests and verifies the card's answers for
 * real (CERT.EUICC → CERT.EUM → CI, euiccSignature1). Faults of enum smdp_fault that
 * concern authentication are produced here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "card/tlv.h"
#include "crypto/cert_rules.h"
#include "crypto/ct.h"
#include "crypto/ec.h"
#include "crypto/x509.h"
#include "tools/smdp/smdp_internal.h"

#define DEFAULT_ADDRESS "testsmdpplus1.example.com"
#define KEY_FILE_MAX 16384u
#define SIG_LEN 64

static const uint8_t HOST_ID[] = { 'e', 'u', 'i', 'c', 'c', '-', 'e', 'm', 'u' };

static int fail(char *err, size_t errcap, const char *what, const char *path)
{
    if (err && errcap)
        snprintf(err, errcap, "%s%s%s", what, path ? ": " : "", path ? path : "");
    return -1;
}

static EVP_PKEY *load_key(const char *path)
{
    uint8_t *buf = malloc(KEY_FILE_MAX);
    EVP_PKEY *k = NULL;
    FILE *f = fopen(path, "rb");
    if (buf && f) {
        size_t n = fread(buf, 1, KEY_FILE_MAX, f);
        if (n > 0 && n < KEY_FILE_MAX)
            k = ec_private_from_bytes(buf, n);
        ct_wipe(buf, KEY_FILE_MAX);
    }
    if (f)
        fclose(f);
    free(buf);
    return k;
}

/* Certificate file → X509 and its DER into der[SMDP_CERT_MAX]. */
static X509 *load_cert(const char *path, uint8_t *der, size_t *der_len, char *err,
                       size_t errcap)
{
    X509 *x = x509_load_file(path, err, errcap);
    if (!x)
        return NULL;
    *der_len = x509_to_der(x, der, SMDP_CERT_MAX);
    if (*der_len == 0) {
        X509_free(x);
        fail(err, errcap, "certificate too large", path);
        return NULL;
    }
    return x;
}

int smdp_open(struct smdp **out, const struct smdp_config *cfg, char *err, size_t errcap)
{
    *out = NULL;
    if (!cfg->dpauth_cert || !cfg->dpauth_key || !cfg->dppb_cert || !cfg->dppb_key)
        return fail(err, errcap, "DPauth and DPpb certificates and keys are required", NULL);
    struct smdp *s = calloc(1, sizeof *s);
    if (!s)
        return fail(err, errcap, "out of memory", NULL);
    s->dpauth_cert = load_cert(cfg->dpauth_cert, s->dpauth_der, &s->dpauth_der_len, err,
                               errcap);
    if (!s->dpauth_cert)
        goto bad;
    s->dppb_cert = load_cert(cfg->dppb_cert, s->dppb_der, &s->dppb_der_len, err, errcap);
    if (!s->dppb_cert)
        goto bad;
    if (!(s->dpauth_sk = load_key(cfg->dpauth_key))) {
        fail(err, errcap, "cannot read EC private key", cfg->dpauth_key);
        goto bad;
    }
    if (!(s->dppb_sk = load_key(cfg->dppb_key))) {
        fail(err, errcap, "cannot read EC private key", cfg->dppb_key);
        goto bad;
    }
    if (cfg->ci_cert && !(s->ci_cert = x509_load_file(cfg->ci_cert, err, errcap)))
        goto bad;
    s->curve = ec_key_curve(s->dppb_sk);
    const char *addr = cfg->address ? cfg->address : DEFAULT_ADDRESS;
    if (strlen(addr) > SMDP_ADDRESS_MAX) {
        fail(err, errcap, "SM-DP+ address too long", NULL);
        goto bad;
    }
    memcpy(s->address, addr, strlen(addr) + 1);      /* length checked above */
    s->fault = cfg->fault;
    s->replace_session_keys = cfg->replace_session_keys;
    memcpy(s->host_id, HOST_ID, sizeof HOST_ID);
    s->host_id_len = sizeof HOST_ID;
    *out = s;
    return 0;
bad:
    smdp_close(s);
    return -1;
}

void smdp_close(struct smdp *s)
{
    if (!s)
        return;
    X509_free(s->dpauth_cert);
    X509_free(s->dppb_cert);
    X509_free(s->ci_cert);
    EVP_PKEY_free(s->dpauth_sk);
    EVP_PKEY_free(s->dppb_sk);
    EVP_PKEY_free(s->euicc_key);
    ct_wipe(s, sizeof *s);
    free(s);
}

/* True when the 20-octet pkid is in the list TLV `tag {04 pkid …}` of EUICCInfo1. */
static bool info1_lists(const struct tlv *info1, uint32_t tag, const uint8_t *pkid,
                        size_t len)
{
    struct tlv list, id;
    struct tlv_cursor c;
    if (!tlv_find(info1->value, info1->len, tag, &list) || !tlv_enter(&list, &c))
        return false;
    while (tlv_next(&c, &id))
        if (id.tag == 0x04 && id.len == len && memcmp(id.value, pkid, len) == 0)
            return true;
    return false;
}

int smdp_authenticate_server_request(struct smdp *s, const uint8_t *euicc_info1, size_t l1,
                                     const uint8_t *challenge_resp, size_t l2,
                                     const char *matching_id, uint8_t *out, size_t cap,
                                     size_t *out_len)
{
    struct tlv info1, chal, c80;
    struct tlv_writer w;
    uint8_t sig[SIG_LEN];

    *out_len = 0;
    if (!tlv_parse(euicc_info1, l1, &info1) || info1.tag != 0xBF20 ||
        !tlv_parse(challenge_resp, l2, &chal) || chal.tag != 0xBF2E ||
        !tlv_find(chal.value, chal.len, 0x80, &c80) || c80.len != SMDP_CHALLENGE_LEN)
        return -1;
    memcpy(s->euicc_challenge, c80.value, SMDP_CHALLENGE_LEN);

    /* euiccCiPKIdToBeUsed: the CI that issued CERT.DPauth; the card must be able to
     * verify with it and sign for it (EUICCInfo1 A9 and AA) */
    s->ci_pkid_len = x509_aki(s->dpauth_cert, s->ci_pkid, sizeof s->ci_pkid);
    if (s->ci_pkid_len == 0 ||
        !info1_lists(&info1, 0xA9, s->ci_pkid, s->ci_pkid_len) ||
        !info1_lists(&info1, 0xAA, s->ci_pkid, s->ci_pkid_len))
        return -1;

    s->transaction_id_len = SMDP_TXID_LEN;
    if (RAND_bytes(s->transaction_id, SMDP_TXID_LEN) != 1 ||
        RAND_bytes(s->server_challenge, SMDP_CHALLENGE_LEN) != 1)
        return -1;

    uint8_t signed1[512];
    uint8_t challenge[SMDP_CHALLENGE_LEN];
    memcpy(challenge, s->euicc_challenge, sizeof challenge);
    if (s->fault == SMDP_FAULT_CHALLENGE)
        challenge[0] ^= 0x01;
    tlv_writer_init(&w, signed1, sizeof signed1);
    tlv_open(&w, 0x30);
    tlv_put(&w, 0x80, s->transaction_id, s->transaction_id_len);
    tlv_put(&w, 0x81, challenge, sizeof challenge);
    tlv_put(&w, 0x83, (const uint8_t *)s->address, strlen(s->address));
    tlv_put(&w, 0x84, s->server_challenge, SMDP_CHALLENGE_LEN);
    tlv_close(&w);
    if (!tlv_writer_ok(&w) || ecdsa_sign_raw(s->dpauth_sk, signed1, w.len, sig) != 0)
        return -1;
    size_t signed1_len = w.len;
    if (s->fault == SMDP_FAULT_SERVER_SIGNATURE1)
        sig[10] ^= 0x01;

    uint8_t pkid[20];
    memcpy(pkid, s->ci_pkid, s->ci_pkid_len);
    if (s->fault == SMDP_FAULT_CI_UNKNOWN)
        pkid[s->ci_pkid_len - 1] ^= 0xFF;
    const uint8_t *cert = s->dpauth_der;
    size_t cert_len = s->dpauth_der_len;
    if (s->fault == SMDP_FAULT_DPAUTH_OID) {
        cert = s->dppb_der;
        cert_len = s->dppb_der_len;
    }

    tlv_writer_init(&w, out, cap);
    tlv_open(&w, 0xBF38);
    tlv_put_raw(&w, signed1, signed1_len);
    tlv_put(&w, 0x5F37, sig, SIG_LEN);
    tlv_put(&w, 0x04, pkid, s->ci_pkid_len);
    tlv_put_raw(&w, cert, cert_len);
    tlv_open(&w, 0xA0);                         /* ctxParamsForCommonAuthentication */
    if (matching_id)
        tlv_put(&w, 0x80, (const uint8_t *)matching_id, strlen(matching_id));
    tlv_open(&w, 0xA1);                         /* deviceInfo */
    static const uint8_t tac[4] = { 0x35, 0x29, 0x06, 0x11 };
    tlv_put(&w, 0x80, tac, sizeof tac);
    tlv_open(&w, 0xA1);                         /* deviceCapabilities */
    static const uint8_t rel[3] = { 0x0F, 0x00, 0x00 };
    tlv_put(&w, 0x85, rel, sizeof rel);         /* eutranSupportedRelease */
    tlv_close(&w);
    tlv_close(&w);
    tlv_close(&w);
    tlv_close(&w);
    if (!tlv_writer_ok(&w))
        return -1;
    *out_len = w.len;
    return 0;
}

/* EID text (32 decimal digits) → 16 octets. */
static bool eid_from_text(const char *t, uint8_t eid[16])
{
    if (strlen(t) != 32)
        return false;
    for (size_t i = 0; i < 32; i++) {
        if (t[i] < '0' || t[i] > '9')
            return false;
        unsigned d = (unsigned)(t[i] - '0');
        if (i % 2 == 0)
            eid[i / 2] = (uint8_t)(d << 4);
        else
            eid[i / 2] |= (uint8_t)d;
    }
    return true;
}

/* CERT.EUICC → CERT.EUM → CI (or the CI named by ci_pkid when no CI certificate was
 * configured), roles, EID within the EUM's permitted range. */
static bool verify_euicc_chain(struct smdp *s, X509 *euicc, X509 *eum)
{
    uint8_t aki[20];
    char permitted[64];
    if (!x509_has_policy(euicc, OID_RSP_ROLE_EUICC) || !x509_has_policy(eum, OID_RSP_ROLE_EUM))
        return false;
    if (!x509_signed_by(euicc, eum))
        return false;
    size_t n = x509_aki(eum, aki, sizeof aki);
    if (n != s->ci_pkid_len || memcmp(aki, s->ci_pkid, n) != 0)
        return false;
    if (s->ci_cert && !x509_signed_by(eum, s->ci_cert))
        return false;
    if (x509_subject_serial(euicc, s->eid, sizeof s->eid) != 32 ||
        !eid_from_text(s->eid, s->eid_bin))
        return false;
    int pc = x509_permitted_serial(eum, permitted, sizeof permitted);
    if (pc < 0 || (pc == 1 && strncmp(s->eid, permitted, strlen(permitted)) != 0))
        return false;
    return true;
}

struct auth_ok {
    struct tlv signed1, signature, cert_euicc, cert_eum;
};

static bool parse_auth_response(const uint8_t *p, size_t len, struct auth_ok *a)
{
    struct tlv resp, ok, t;
    struct tlv_cursor c;
    unsigned n30 = 0;
    memset(a, 0, sizeof *a);
    if (!tlv_parse(p, len, &resp) || resp.tag != 0xBF38 ||
        !tlv_find(resp.value, resp.len, 0xA0, &ok) || !tlv_enter(&ok, &c))
        return false;
    while (tlv_next(&c, &t)) {
        if (t.tag == 0x5F37) {
            a->signature = t;
        } else if (t.tag == 0x30) {
            if (n30 == 0)
                a->signed1 = t;
            else if (n30 == 1)
                a->cert_euicc = t;
            else if (n30 == 2)
                a->cert_eum = t;
            n30++;
        }
    }
    return !c.error && n30 == 3 && a->signature.raw;
}

/* The card's euiccSigned1 echoes our transaction, address and challenge. */
static bool check_signed1(const struct smdp *s, const struct tlv *signed1)
{
    struct tlv t;
    if (!tlv_find(signed1->value, signed1->len, 0x80, &t) ||
        t.len != s->transaction_id_len ||
        memcmp(t.value, s->transaction_id, t.len) != 0)
        return false;
    if (!tlv_find(signed1->value, signed1->len, 0x83, &t) ||
        t.len != strlen(s->address) || memcmp(t.value, s->address, t.len) != 0)
        return false;
    if (!tlv_find(signed1->value, signed1->len, 0x84, &t) || t.len != SMDP_CHALLENGE_LEN ||
        memcmp(t.value, s->server_challenge, SMDP_CHALLENGE_LEN) != 0)
        return false;
    return tlv_find(signed1->value, signed1->len, 0xBF22, &t);
}

int smdp_prepare_download_request(struct smdp *s, const uint8_t *auth_resp, size_t len,
                                  uint8_t *out, size_t cap, size_t *out_len)
{
    struct auth_ok a;
    struct tlv_writer w;
    uint8_t sig[SIG_LEN];
    int rc = -1;

    *out_len = 0;
    if (!parse_auth_response(auth_resp, len, &a) || !check_signed1(s, &a.signed1) ||
        a.signature.len != SIG_LEN)
        return -1;
    X509 *euicc = x509_from_der(a.cert_euicc.raw, a.cert_euicc.raw_len);
    X509 *eum = x509_from_der(a.cert_eum.raw, a.cert_eum.raw_len);
    if (!euicc || !eum || !verify_euicc_chain(s, euicc, eum))
        goto out;
    EVP_PKEY_free(s->euicc_key);
    s->euicc_key = X509_get_pubkey(euicc);
    if (!s->euicc_key || !ecdsa_verify_raw(s->euicc_key, a.signed1.raw, a.signed1.raw_len,
                                           a.signature.value, a.signature.len))
        goto out;
    memcpy(s->euicc_signature1, a.signature.value, SIG_LEN);

    /* smdpSigned2 ‖ euiccSignature1 TLV, signed with SK.DPpb */
    uint8_t input[512];
    uint8_t txid[SMDP_TXID_LEN];
    memcpy(txid, s->transaction_id, s->transaction_id_len);
    if (s->fault == SMDP_FAULT_TRANSACTION_ID)
        txid[0] ^= 0x01;
    tlv_writer_init(&w, input, sizeof input);
    tlv_open(&w, 0x30);
    tlv_put(&w, 0x80, txid, s->transaction_id_len);
    tlv_put_bool(&w, 0x01, s->cc_required);
    if (s->send_bpp_euicc_otpk)
        tlv_put(&w, 0x5F49, s->bpp_euicc_otpk, sizeof s->bpp_euicc_otpk);
    tlv_close(&w);
    size_t signed2_len = w.len;
    tlv_put(&w, 0x5F37, s->euicc_signature1, SIG_LEN);
    if (!tlv_writer_ok(&w) || ecdsa_sign_raw(s->dppb_sk, input, w.len, sig) != 0)
        goto out;
    if (s->fault == SMDP_FAULT_SMDP_SIGNATURE2)
        sig[10] ^= 0x01;
    memcpy(s->smdp_signature2, sig, SIG_LEN);
    s->has_euicc_otpk = false;

    tlv_writer_init(&w, out, cap);
    tlv_open(&w, 0xBF21);
    tlv_put_raw(&w, input, signed2_len);
    tlv_put(&w, 0x5F37, sig, SIG_LEN);
    tlv_put_raw(&w, s->dppb_der, s->dppb_der_len);
    tlv_close(&w);
    if (!tlv_writer_ok(&w))
        goto out;
    *out_len = w.len;
    rc = 0;
out:
    X509_free(euicc);
    X509_free(eum);
    return rc;
}
