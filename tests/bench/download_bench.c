/* tests/bench/download_bench.c — card-side CPU time of a complete profile download
 * against the crypto floor (a benchmark program, not a pass/fail test).
 *
 * A card with the SGP.26 identity on an in-memory store downloads a UPP (default
 * <shared>/profiles/ts48/TS48V1-A-UNIQUE.der) R times from GetEUICCChallenge to the
 * ProfileInstallationResult, driven in-process by tools/lpa (STORE DATA in 120-octet
 * blocks, GET RESPONSE) and the test SM-DP+ of tools/smdp. The profile and the
 * notifications are removed between repetitions (not timed).
 *
 * Card side: only the time spent inside card_transmit() counts (thread CPU time,
 * CLOCK_THREAD_CPUTIME_ID); the SM-DP+ and the LPA run outside those calls. It is
 * broken down by ES10 request kind (one STORE DATA sequence = one request).
 *
 * Crypto floor: the libcrypto operations the card must do for one download, done bare
 * on the same bytes with raw EVP calls, algorithms fetched and long-lived keys' contexts
 * made once (the most a careful implementation could save): verify CERT.DPauth's
 * signature (CI key), verify serverSignature1, sign euiccSigned1, verify CERT.DPpb's
 * signature, verify smdpSignature2, generate otSK/otPK.EUICC.ECKA, sign euiccSigned2,
 * verify the InitialiseSecureChannel signature, ECDH with smdpOtpk (peer decoded and
 * checked on the curve), the X9.63 KDF, AES-CMAC over every segment and AES-128 ICV +
 * CBC decryption of every 86/87 segment (same sizes, same count), sign the PIR.
 * Certificate parsing and key import of the received certificates are NOT in the floor.
 *
 * Usage: download_bench [-n R] [--upp FILE]
 * Shared dir: $EUICC_EMU_SHARED, else the build's default (<repo>/../shared). */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "card/card.h"
#include "card/store.h"
#include "card/tlv.h"
#include "ecasd/ecasd.h"
#include "isd-r/notifications.h"
#include "tools/lpa/lpa.h"
#include "tools/smdp/smdp.h"

#ifndef DEFAULT_SHARED
#define DEFAULT_SHARED "../shared"
#endif

#define BUF 16384
#define PIECES_MAX 256
#define SEG_MAX 128

/* ---------------------------------------------------------------- time */

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(const double *v, size_t n)
{
    double *c = malloc(n * sizeof *c);
    if (!c || n == 0) {
        free(c);
        return 0;
    }
    memcpy(c, v, n * sizeof *c);
    qsort(c, n, sizeof *c, cmp_double);
    double m = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
    free(c);
    return m;
}

static double minimum(const double *v, size_t n)
{
    double m = n ? v[0] : 0;
    for (size_t i = 1; i < n; i++)
        if (v[i] < m)
            m = v[i];
    return m;
}

/* ---------------------------------------------------------------- the card side */

enum cat {
    CAT_CHALLENGE, CAT_AUTH, CAT_PREPARE, CAT_ISC, CAT_A0, CAT_SEQ_HDR, CAT_88, CAT_A2,
    CAT_86, CAT_86_LAST, NCAT
};

static const char *const CAT_NAMES[NCAT] = {
    [CAT_CHALLENGE] = "GetEUICCChallenge",
    [CAT_AUTH] = "AuthenticateServer",
    [CAT_PREPARE] = "PrepareDownload",
    [CAT_ISC] = "BPP BF36+InitialiseSecureChannel",
    [CAT_A0] = "BPP ConfigureISDP (A0/87)",
    [CAT_SEQ_HDR] = "BPP A1/A3 headers",
    [CAT_88] = "BPP StoreMetadata (88 segments)",
    [CAT_A2] = "BPP ReplaceSessionKeys (A2)",
    [CAT_86] = "BPP LoadProfileElements (86, not last)",
    [CAT_86_LAST] = "BPP last 86 + install + PIR",
};

struct bench {
    struct store *store;
    struct card *card;
    struct lpa_transport t;
    struct smdp *dp;
    int cat;
    double acc[NCAT];             /* card CPU ns of the current download per kind */
    unsigned ncat[NCAT];          /* APDUs of the current download per kind */
    unsigned napdu;
    uint8_t info1[1024];
    size_t info1_len;
    /* captured from the last download, for the floor */
    uint8_t auth_req[BUF], auth_resp[BUF], prep_req[BUF], prep_resp[BUF], pir[BUF];
    size_t auth_req_len, auth_resp_len, prep_req_len, prep_resp_len, pir_len;
    uint8_t *bpp;
    size_t bpp_len;
};

static size_t timed_transmit(void *ctx, const uint8_t *capdu, size_t len, uint8_t *rapdu,
                             size_t cap)
{
    struct bench *b = ctx;
    double t0 = now_ns();
    size_t n = card_transmit(b->card, capdu, len, rapdu, cap);
    b->acc[b->cat] += now_ns() - t0;
    b->ncat[b->cat]++;
    b->napdu++;
    return n;
}

static void die(const char *what)
{
    fprintf(stderr, "download_bench: %s\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!p || fread(p, 1, (size_t)n, f) != (size_t)n) {
        free(p);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return p;
}

static uint16_t es10(struct bench *b, int cat, const uint8_t *req, size_t len, uint8_t *resp,
                     size_t cap, size_t *resp_len)
{
    b->cat = cat;
    return lpa_es10(&b->t, req, len, resp, cap, resp_len);
}

/* Category of a BPP piece by its first tag; the last piece has its own. */
static int piece_cat(const uint8_t *p, size_t len, bool last)
{
    uint32_t tag;
    size_t hl, vl;
    if (last)
        return CAT_86_LAST;
    if (!tlv_parse_header(p, len, &tag, &hl, &vl))
        return CAT_86;
    switch (tag) {
    case 0xBF36: return CAT_ISC;
    case 0xA0: return CAT_A0;
    case 0xA1: case 0xA3: return CAT_SEQ_HDR;
    case 0x88: return CAT_88;
    case 0xA2: return CAT_A2;
    default: return CAT_86;
    }
}

/* The AID of a successful PIR (BF37 BF27 A2 A0 4F); false when it reports an error. */
static bool pir_aid(const uint8_t *p, size_t len, struct tlv *aid)
{
    struct tlv bf37, bf27, a2, a0;
    return tlv_parse(p, len, &bf37) && bf37.tag == 0xBF37 &&
           tlv_find(bf37.value, bf37.len, 0xBF27, &bf27) &&
           tlv_find(bf27.value, bf27.len, 0xA2, &a2) && tlv_find(a2.value, a2.len, 0xA0, &a0) &&
           tlv_find(a0.value, a0.len, 0x4F, aid);
}

/* One complete download; b->acc holds its card time per kind. */
static void download(struct bench *b, const uint8_t *upp, size_t upp_len)
{
    static const uint8_t chal_req[] = { 0xBF, 0x2E, 0x00 };
    uint8_t chal[64], resp[BUF];
    size_t chal_len, resp_len;
    struct bpp_piece pc[PIECES_MAX];
    size_t np;

    memset(b->acc, 0, sizeof b->acc);
    memset(b->ncat, 0, sizeof b->ncat);
    if (es10(b, CAT_CHALLENGE, chal_req, sizeof chal_req, chal, sizeof chal, &chal_len) !=
        0x9000)
        die("GetEUICCChallenge failed");
    if (smdp_authenticate_server_request(b->dp, b->info1, b->info1_len, chal, chal_len, NULL,
                                         b->auth_req, sizeof b->auth_req,
                                         &b->auth_req_len) != 0)
        die("SM-DP+: InitiateAuthentication failed");
    if (es10(b, CAT_AUTH, b->auth_req, b->auth_req_len, b->auth_resp, sizeof b->auth_resp,
             &b->auth_resp_len) != 0x9000)
        die("AuthenticateServer failed");
    if (smdp_prepare_download_request(b->dp, b->auth_resp, b->auth_resp_len, b->prep_req,
                                      sizeof b->prep_req, &b->prep_req_len) != 0)
        die("SM-DP+: AuthenticateClient failed (card answered an error?)");
    if (es10(b, CAT_PREPARE, b->prep_req, b->prep_req_len, b->prep_resp, sizeof b->prep_resp,
             &b->prep_resp_len) != 0x9000)
        die("PrepareDownload failed");
    free(b->bpp);
    b->bpp = NULL;
    if (smdp_bound_profile_package(b->dp, b->prep_resp, b->prep_resp_len, upp, upp_len,
                                   &b->bpp, &b->bpp_len) != 0)
        die("SM-DP+: GetBoundProfilePackage failed");
    if (bpp_pieces(b->bpp, b->bpp_len, pc, PIECES_MAX, &np) != 0 || np == 0)
        die("cannot cut the BPP");
    b->pir_len = 0;
    for (size_t i = 0; i < np; i++) {
        const uint8_t *p = b->bpp + pc[i].offset;
        bool last = i + 1 == np;
        uint16_t sw = es10(b, piece_cat(p, pc[i].len, last), p, pc[i].len, resp, sizeof resp,
                           &resp_len);
        if (sw != 0x9000)
            die("LoadBoundProfilePackage piece refused");
        if (resp_len && !last)
            die("LoadBoundProfilePackage ended early (error PIR)");
        if (last) {
            memcpy(b->pir, resp, resp_len);
            b->pir_len = resp_len;
        }
    }
    struct tlv aid;
    if (!pir_aid(b->pir, b->pir_len, &aid))
        die("the PIR reports an error");
}

/* Not timed: delete the profile, remove every notification. */
static void cleanup(struct bench *b)
{
    struct tlv aid;
    uint8_t req[64], resp[256];
    size_t resp_len, n = 0;
    struct tlv_writer w;
    if (!pir_aid(b->pir, b->pir_len, &aid))
        die("no AID");
    tlv_writer_init(&w, req, sizeof req);
    tlv_open(&w, 0xBF33);
    tlv_put(&w, 0x4F, aid.value, aid.len);
    tlv_close(&w);
    if (es10(b, CAT_CHALLENGE, req, w.len, resp, sizeof resp, &resp_len) != 0x9000 ||
        resp_len < 6 || resp[resp_len - 1] != 0)
        die("DeleteProfile failed");
    static struct notification_meta m[NOTIF_MAX];
    if (notification_list(b->store, m, NOTIF_MAX, &n) != 0)
        die("notification_list");
    for (size_t i = 0; i < n; i++)
        if (notification_remove(b->store, m[i].seq) != 0)
            die("notification_remove");
}

/* ---------------------------------------------------------------- the crypto floor */

struct segment { uint8_t tag; size_t off, hlen, body; };

struct floor_data {
    /* long-lived, prepared once: algorithms and the card's own keys' contexts */
    EVP_MD *sha256;
    EVP_CIPHER *aes_cbc, *aes_ecb;
    EVP_MAC *cmac;
    EVP_PKEY *ci_pk, *euicc_sk, *dpauth_pk, *dppb_pk;
    EVP_PKEY_CTX *ci_verify, *euicc_sign, *keygen, *fromdata;
    EVP_MD_CTX *md;
    EVP_MAC_CTX *mac;
    EVP_CIPHER_CTX *ecb, *cbc;
    uint8_t eid[16];
    /* the data (views into struct bench's captured buffers) */
    struct tlv dpauth_tbs, dpauth_sig;    /* sig: DER ECDSA-Sig-Value */
    struct tlv signed1, sig1;             /* serverSigned1, serverSignature1 (raw) */
    struct tlv euicc_signed1;
    struct tlv dppb_tbs, dppb_sig;
    uint8_t smdp_signed2[1024]; size_t smdp_signed2_len;  /* ‖ 5F37 euiccSignature1 */
    struct tlv sig2;
    uint8_t euicc_signed2[1024]; size_t euicc_signed2_len; /* ‖ 5F37 smdpSignature2 */
    uint8_t isc_msg[1024]; size_t isc_msg_len;             /* ‖ 5F49 otPK.EUICC */
    struct tlv isc_sig, smdp_otpk;
    uint8_t host_id[64]; size_t host_id_len;
    struct segment seg[SEG_MAX]; size_t nseg;
    const uint8_t *bpp;
    uint8_t *bpp_copy;
    struct tlv pir_data;
};

/* Certificate DER → TBS TLV and the signature BIT STRING's content (a DER signature). */
static void split_cert(const struct tlv *cert, struct tlv *tbs, struct tlv *sig)
{
    struct tlv_cursor c;
    struct tlv alg, bits = {0};
    if (!tlv_enter(cert, &c) || !tlv_next(&c, tbs) || !tlv_next(&c, &alg) ||
        !tlv_next(&c, &bits) || bits.tag != 0x03 || bits.len < 2 || bits.value[0] != 0)
        die("cannot split a certificate");
    *sig = bits;
    sig->value++;
    sig->len--;
}

/* Second 30 element of a request (the certificate). */
static void nth_30(const struct tlv *req, unsigned nth, struct tlv *out)
{
    struct tlv_cursor c;
    struct tlv t;
    unsigned k = 0;
    tlv_enter(req, &c);
    while (tlv_next(&c, &t))
        if (t.tag == 0x30 && k++ == nth) {
            *out = t;
            return;
        }
    die("request element missing");
}

static EVP_PKEY *pubkey_of(const struct tlv *cert)
{
    const uint8_t *q = cert->raw;
    X509 *x = d2i_X509(NULL, &q, (long)cert->raw_len);
    EVP_PKEY *k = x ? X509_get_pubkey(x) : NULL;
    X509_free(x);
    if (!k)
        die("certificate key");
    return k;
}

static EVP_PKEY *load_pem_key(const char *path)
{
    FILE *f = fopen(path, "rb");
    EVP_PKEY *k = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    if (!k)
        die("cannot read SK.EUICC");
    return k;
}

static EVP_PKEY *cert_file_key(const char *path)
{
    size_t len;
    uint8_t *der = read_file(path, &len);
    if (!der)
        die("cannot read the CI certificate");
    struct tlv t;
    if (!tlv_parse(der, len, &t))
        die("CI certificate");
    EVP_PKEY *k = pubkey_of(&t);
    free(der);
    return k;
}

static void append(uint8_t *dst, size_t cap, size_t *len, const uint8_t *p, size_t n)
{
    if (*len + n > cap)
        die("floor buffer too small");
    memcpy(dst + *len, p, n);
    *len += n;
}

static void floor_prepare(struct floor_data *d, const struct bench *live, const char *sgp26)
{
    /* the floor works on its own copy of the captured messages (later downloads
     * overwrite the live ones) */
    static struct bench snap;
    struct bench *b = &snap;
    memcpy(b, live, sizeof *b);
    b->bpp = malloc(live->bpp_len);
    if (!b->bpp)
        die("memory");
    memcpy(b->bpp, live->bpp, live->bpp_len);
    char path[1200];
    struct tlv req, resp, a0, t, isc, crt;
    memset(d, 0, sizeof *d);

    d->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    d->aes_cbc = EVP_CIPHER_fetch(NULL, "AES-128-CBC", NULL);
    d->aes_ecb = EVP_CIPHER_fetch(NULL, "AES-128-ECB", NULL);
    d->cmac = EVP_MAC_fetch(NULL, "CMAC", NULL);
    if (!d->sha256 || !d->aes_cbc || !d->aes_ecb || !d->cmac)
        die("fetch");
    snprintf(path, sizeof path, "%s/CI/CERT_CI_ECDSA_NIST.der", sgp26);
    d->ci_pk = cert_file_key(path);
    snprintf(path, sizeof path, "%s/eUICC/SK_EUICC_ECDSA_NIST.pem", sgp26);
    d->euicc_sk = load_pem_key(path);
    d->ci_verify = EVP_PKEY_CTX_new_from_pkey(NULL, d->ci_pk, NULL);
    d->euicc_sign = EVP_PKEY_CTX_new_from_pkey(NULL, d->euicc_sk, NULL);
    d->keygen = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    d->fromdata = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (!d->ci_verify || EVP_PKEY_verify_init(d->ci_verify) != 1 || !d->euicc_sign ||
        EVP_PKEY_sign_init(d->euicc_sign) != 1 || !d->keygen ||
        EVP_PKEY_keygen_init(d->keygen) != 1 ||
        EVP_PKEY_CTX_set_group_name(d->keygen, "P-256") != 1 || !d->fromdata ||
        EVP_PKEY_fromdata_init(d->fromdata) != 1)
        die("floor contexts");
    d->md = EVP_MD_CTX_new();
    d->mac = EVP_MAC_CTX_new(d->cmac);
    d->ecb = EVP_CIPHER_CTX_new();
    d->cbc = EVP_CIPHER_CTX_new();
    if (!d->md || !d->mac || !d->ecb || !d->cbc)
        die("floor contexts");
    ecasd_eid(card_ecasd(b->card), d->eid);
    d->bpp_copy = b->bpp;

    /* AuthenticateServer */
    if (!tlv_parse(b->auth_req, b->auth_req_len, &req))
        die("BF38");
    nth_30(&req, 0, &d->signed1);
    nth_30(&req, 1, &t);
    split_cert(&t, &d->dpauth_tbs, &d->dpauth_sig);
    d->dpauth_pk = pubkey_of(&t);
    if (!tlv_find(req.value, req.len, 0x5F37, &d->sig1))
        die("serverSignature1");
    if (!tlv_parse(b->auth_resp, b->auth_resp_len, &resp) ||
        !tlv_find(resp.value, resp.len, 0xA0, &a0) ||
        !tlv_find(a0.value, a0.len, 0x30, &d->euicc_signed1) ||
        !tlv_find(a0.value, a0.len, 0x5F37, &t))
        die("BF38 response");
    struct tlv euicc_sig1 = t;

    /* PrepareDownload */
    if (!tlv_parse(b->prep_req, b->prep_req_len, &req))
        die("BF21");
    struct tlv smdp_signed2;
    nth_30(&req, 0, &smdp_signed2);
    nth_30(&req, 1, &t);
    split_cert(&t, &d->dppb_tbs, &d->dppb_sig);
    d->dppb_pk = pubkey_of(&t);
    if (!tlv_find(req.value, req.len, 0x5F37, &d->sig2))
        die("smdpSignature2");
    append(d->smdp_signed2, sizeof d->smdp_signed2, &d->smdp_signed2_len, smdp_signed2.raw,
           smdp_signed2.raw_len);
    append(d->smdp_signed2, sizeof d->smdp_signed2, &d->smdp_signed2_len, euicc_sig1.raw,
           euicc_sig1.raw_len);
    struct tlv signed2, otpk;
    if (!tlv_parse(b->prep_resp, b->prep_resp_len, &resp) ||
        !tlv_find(resp.value, resp.len, 0xA0, &a0) ||
        !tlv_find(a0.value, a0.len, 0x30, &signed2) ||
        !tlv_find(signed2.value, signed2.len, 0x5F49, &otpk))
        die("BF21 response");
    append(d->euicc_signed2, sizeof d->euicc_signed2, &d->euicc_signed2_len, signed2.raw,
           signed2.raw_len);
    append(d->euicc_signed2, sizeof d->euicc_signed2, &d->euicc_signed2_len, d->sig2.raw,
           d->sig2.raw_len);

    /* BPP: BF23 and the segments */
    uint32_t tag;
    size_t hl, vl;
    d->bpp = b->bpp;
    if (!tlv_parse_header(b->bpp, b->bpp_len, &tag, &hl, &vl) ||
        !tlv_parse(b->bpp + hl, b->bpp_len - hl, &isc) || isc.tag != 0xBF23 ||
        !tlv_find(isc.value, isc.len, 0x5F37, &d->isc_sig) ||
        !tlv_find(isc.value, isc.len, 0x5F49, &d->smdp_otpk) ||
        !tlv_find(isc.value, isc.len, 0xA6, &crt) || !tlv_find(crt.value, crt.len, 0x84, &t) ||
        t.len > sizeof d->host_id)
        die("BF23");
    memcpy(d->host_id, t.value, t.len);
    d->host_id_len = t.len;
    append(d->isc_msg, sizeof d->isc_msg, &d->isc_msg_len, isc.value,
           (size_t)(d->isc_sig.raw - isc.value));
    append(d->isc_msg, sizeof d->isc_msg, &d->isc_msg_len, otpk.raw, otpk.raw_len);
    size_t pos = hl + isc.raw_len;
    while (pos < b->bpp_len) {
        struct tlv sq, sg;
        struct tlv_cursor c;
        if (!tlv_parse(b->bpp + pos, b->bpp_len - pos, &sq) || !tlv_enter(&sq, &c))
            die("BPP sequence");
        while (tlv_next(&c, &sg)) {
            if (d->nseg == SEG_MAX)
                die("too many segments");
            struct segment *s = &d->seg[d->nseg++];
            s->tag = (uint8_t)sg.tag;
            s->off = (size_t)(sg.raw - b->bpp);
            s->hlen = (size_t)(sg.value - sg.raw);
            s->body = sg.len - 8;
        }
        pos += sq.raw_len;
    }

    /* PIR */
    struct tlv bf37;
    if (!tlv_parse(b->pir, b->pir_len, &bf37) ||
        !tlv_find(bf37.value, bf37.len, 0xBF27, &d->pir_data))
        die("PIR");
}

/* raw r||s (64) → DER ECDSA-Sig-Value; returns its length. */
static size_t sig_to_der(const uint8_t *raw, uint8_t der[72])
{
    size_t n = 2;
    for (int h = 0; h < 2; h++) {
        const uint8_t *v = raw + 32 * h;
        size_t skip = 0;
        while (skip < 31 && v[skip] == 0)
            skip++;
        bool pad = v[skip] & 0x80;
        size_t l = 32 - skip + pad;
        der[n++] = 0x02;
        der[n++] = (uint8_t)l;
        if (pad)
            der[n++] = 0;
        memcpy(der + n, v + skip, 32 - skip);
        n += 32 - skip;
    }
    der[0] = 0x30;
    der[1] = (uint8_t)(n - 2);
    return n;
}

/* DER ECDSA-Sig-Value → raw r||s (what the card sends). */
static void der_to_sig(const uint8_t *der, size_t len, uint8_t raw[64])
{
    struct tlv seq, r, s;
    struct tlv_cursor c;
    if (!tlv_parse(der, len, &seq) || !tlv_enter(&seq, &c) || !tlv_next(&c, &r) ||
        !tlv_next(&c, &s))
        die("signature DER");
    const struct tlv *v[2] = { &r, &s };
    for (int h = 0; h < 2; h++) {
        size_t l = v[h]->len;
        const uint8_t *p = v[h]->value;
        while (l > 32) {
            p++;
            l--;
        }
        memset(raw + 32 * h, 0, 32 - l);
        memcpy(raw + 32 * h + 32 - l, p, l);
    }
}

static int g_floor_bad;

/* floor time per stage of the current run */
enum fstage { F_AUTH, F_PREPARE, F_ISC, F_SEGMENTS, F_PIR, NFSTAGE };
static const char *const FSTAGE_NAMES[NFSTAGE] = {
    "AuthenticateServer (2 verify, 1 sign)", "PrepareDownload (2 verify, keygen, sign)",
    "ISC (verify, ECDH, KDF)", "segments (CMAC, ICV, CBC)", "PIR (sign)",
};
static double g_fst[NFSTAGE];
static double g_fmark;

static void fmark(int stage)
{
    double t = now_ns();
    if (stage >= 0)
        g_fst[stage] = t - g_fmark;
    g_fmark = t;
}

static void digest(struct floor_data *d, const uint8_t *p, size_t n, uint8_t out[32])
{
    if (EVP_DigestInit_ex2(d->md, d->sha256, NULL) != 1 || EVP_DigestUpdate(d->md, p, n) != 1 ||
        EVP_DigestFinal_ex(d->md, out, NULL) != 1)
        g_floor_bad++;
}

/* verify with a context already initialised (long-lived key) or made here */
static void verify(struct floor_data *d, EVP_PKEY_CTX *pre, EVP_PKEY *k, const uint8_t *msg,
                   size_t n, const uint8_t *der, size_t der_len)
{
    uint8_t h[32];
    digest(d, msg, n, h);
    EVP_PKEY_CTX *ctx = pre ? pre : EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL);
    if (!ctx || (!pre && EVP_PKEY_verify_init(ctx) != 1) ||
        EVP_PKEY_verify(ctx, der, der_len, h, sizeof h) != 1)
        g_floor_bad++;
    if (!pre)
        EVP_PKEY_CTX_free(ctx);
}

static void verify_raw(struct floor_data *d, EVP_PKEY *k, const uint8_t *msg, size_t n,
                       const uint8_t *raw)
{
    uint8_t der[72];
    size_t dl = sig_to_der(raw, der);
    verify(d, NULL, k, msg, n, der, dl);
}

static void sign(struct floor_data *d, const uint8_t *msg, size_t n, uint8_t raw[64])
{
    uint8_t h[32], der[80];
    size_t dl = sizeof der;
    digest(d, msg, n, h);
    if (EVP_PKEY_sign(d->euicc_sign, der, &dl, h, sizeof h) != 1)
        g_floor_bad++;
    else
        der_to_sig(der, dl, raw);
}

/* One download's worth of crypto, bare. */
static void floor_run(struct floor_data *d)
{
    uint8_t sig[64];
    fmark(-1);
    /* AuthenticateServer */
    verify(d, d->ci_verify, NULL, d->dpauth_tbs.raw, d->dpauth_tbs.raw_len,
           d->dpauth_sig.value, d->dpauth_sig.len);
    verify_raw(d, d->dpauth_pk, d->signed1.raw, d->signed1.raw_len, d->sig1.value);
    sign(d, d->euicc_signed1.raw, d->euicc_signed1.raw_len, sig);
    fmark(F_AUTH);
    /* PrepareDownload */
    verify(d, d->ci_verify, NULL, d->dppb_tbs.raw, d->dppb_tbs.raw_len, d->dppb_sig.value,
           d->dppb_sig.len);
    verify_raw(d, d->dppb_pk, d->smdp_signed2, d->smdp_signed2_len, d->sig2.value);
    EVP_PKEY *ot = NULL;
    uint8_t otpk[65];
    size_t otpk_len = 0;
    if (EVP_PKEY_generate(d->keygen, &ot) != 1 ||
        EVP_PKEY_get_octet_string_param(ot, OSSL_PKEY_PARAM_PUB_KEY, otpk, sizeof otpk,
                                        &otpk_len) != 1)
        g_floor_bad++;
    sign(d, d->euicc_signed2, d->euicc_signed2_len, sig);
    fmark(F_PREPARE);
    /* InitialiseSecureChannel: signature, ECDH, KDF */
    verify_raw(d, d->dppb_pk, d->isc_msg, d->isc_msg_len, d->isc_sig.value);
    char group[] = "P-256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)d->smdp_otpk.value,
                                          d->smdp_otpk.len),
        OSSL_PARAM_construct_end(),
    };
    EVP_PKEY *peer = NULL;
    uint8_t z[32], keys[64];
    size_t zl = sizeof z;
    if (EVP_PKEY_fromdata(d->fromdata, &peer, EVP_PKEY_PUBLIC_KEY, params) != 1)
        g_floor_bad++;
    EVP_PKEY_CTX *dc = EVP_PKEY_CTX_new_from_pkey(NULL, ot, NULL);
    if (!dc || EVP_PKEY_derive_init(dc) != 1 || EVP_PKEY_derive_set_peer_ex(dc, peer, 0) != 1 ||
        EVP_PKEY_derive(dc, z, &zl) != 1)
        g_floor_bad++;
    EVP_PKEY_CTX_free(dc);
    EVP_PKEY_free(peer);
    EVP_PKEY_free(ot);
    uint8_t si[128];
    size_t sn = 0;
    si[sn++] = 0x88;
    si[sn++] = 0x10;
    si[sn++] = (uint8_t)d->host_id_len;
    memcpy(si + sn, d->host_id, d->host_id_len);
    sn += d->host_id_len;
    si[sn++] = 0x10;
    memcpy(si + sn, d->eid, 16);
    sn += 16;
    for (uint8_t ctr = 1; ctr <= 2; ctr++) {
        const uint8_t c[4] = { 0, 0, 0, ctr };
        if (EVP_DigestInit_ex2(d->md, d->sha256, NULL) != 1 ||
            EVP_DigestUpdate(d->md, z, sizeof z) != 1 || EVP_DigestUpdate(d->md, c, 4) != 1 ||
            EVP_DigestUpdate(d->md, si, sn) != 1 ||
            EVP_DigestFinal_ex(d->md, keys + 32 * (ctr - 1), NULL) != 1)
            g_floor_bad++;
    }
    fmark(F_ISC);
    /* segments: keys set once, then per segment CMAC + ICV + CBC */
    const uint8_t *s_enc = keys + 16, *s_mac = keys + 32;
    uint8_t mcv[16], out[1100], icv[16], ctrb[16] = {0};
    int n;
    memcpy(mcv, keys, 16);
    char cipher[] = "AES-128-CBC";
    OSSL_PARAM mp[] = { OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0),
                        OSSL_PARAM_construct_end() };
    if (EVP_MAC_init(d->mac, s_mac, 16, mp) != 1 ||
        EVP_EncryptInit_ex2(d->ecb, d->aes_ecb, s_enc, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_set_padding(d->ecb, 0) != 1 ||
        EVP_DecryptInit_ex2(d->cbc, d->aes_cbc, s_enc, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_set_padding(d->cbc, 0) != 1)
        g_floor_bad++;
    for (size_t i = 0; i < d->nseg; i++) {
        const struct segment *s = &d->seg[i];
        const uint8_t *p = d->bpp + s->off;
        size_t ml = 16;
        if (EVP_MAC_init(d->mac, NULL, 0, NULL) != 1 || EVP_MAC_update(d->mac, mcv, 16) != 1 ||
            EVP_MAC_update(d->mac, p, s->hlen + s->body) != 1 ||
            EVP_MAC_final(d->mac, mcv, &ml, sizeof mcv) != 1)
            g_floor_bad++;
        if (s->tag == 0x88 || s->body > sizeof out)
            continue;
        ctrb[15] = (uint8_t)(i + 1);
        if (EVP_EncryptUpdate(d->ecb, icv, &n, ctrb, 16) != 1 ||
            EVP_DecryptInit_ex2(d->cbc, NULL, NULL, icv, NULL) != 1 ||
            EVP_DecryptUpdate(d->cbc, out, &n, p + s->hlen, (int)s->body) != 1)
            g_floor_bad++;
    }
    fmark(F_SEGMENTS);
    /* PIR */
    sign(d, d->pir_data.raw, d->pir_data.raw_len, sig);
    fmark(F_PIR);
}

static void floor_free(struct floor_data *d)
{
    EVP_MD_free(d->sha256);
    EVP_CIPHER_free(d->aes_cbc);
    EVP_CIPHER_free(d->aes_ecb);
    EVP_MAC_free(d->cmac);
    EVP_PKEY_free(d->ci_pk);
    EVP_PKEY_free(d->euicc_sk);
    EVP_PKEY_free(d->dpauth_pk);
    EVP_PKEY_free(d->dppb_pk);
    EVP_PKEY_CTX_free(d->ci_verify);
    EVP_PKEY_CTX_free(d->euicc_sign);
    EVP_PKEY_CTX_free(d->keygen);
    EVP_PKEY_CTX_free(d->fromdata);
    EVP_MD_CTX_free(d->md);
    EVP_MAC_CTX_free(d->mac);
    EVP_CIPHER_CTX_free(d->ecb);
    EVP_CIPHER_CTX_free(d->cbc);
    free(d->bpp_copy);
}

/* ---------------------------------------------------------------- main */

int main(int argc, char **argv)
{
    unsigned reps = 20;
    const char *upp_path = NULL;
    char sgp26[1100], upp_default[1200], err[256] = "";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
            reps = (unsigned)strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--upp") == 0 && i + 1 < argc) {
            upp_path = argv[++i];
        } else {
            fprintf(stderr, "usage: %s [-n R] [--upp FILE]\n", argv[0]);
            return 2;
        }
    }
    if (reps == 0)
        reps = 1;
    const char *shared = getenv("EUICC_EMU_SHARED");
    if (!shared)
        shared = DEFAULT_SHARED;
    snprintf(sgp26, sizeof sgp26, "%s/sgp26", shared);
    struct stat st;
    if (stat(sgp26, &st) != 0) {
        fprintf(stderr, "download_bench: SGP.26 identity not found at %s "
                        "(set EUICC_EMU_SHARED)\n", sgp26);
        return 77;
    }
    snprintf(upp_default, sizeof upp_default, "%s/profiles/ts48/TS48V1-A-UNIQUE.der", shared);
    if (!upp_path)
        upp_path = upp_default;
    size_t upp_len;
    uint8_t *upp = read_file(upp_path, &upp_len);
    if (!upp) {
        fprintf(stderr, "download_bench: cannot read the UPP %s\n", upp_path);
        return 77;
    }

    static struct bench b;
    if (store_open_memory(&b.store) != 0)
        die("store");
    /* the system RNG, as a deployed card runs (a seeded DRBG switches the card to
     * deterministic test signatures) */
    struct card_config cfg = { .store = b.store, .identity_dir = sgp26 };
    if (card_open(&b.card, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "download_bench: card_open: %s\n", err);
        return 1;
    }
    b.t.ctx = &b;
    b.t.transmit = timed_transmit;
    if (lpa_select_isdr(&b.t) != 0)
        die("SELECT ISD-R");
    char a[1200], ak[1200], p[1200], pk[1200], ci[1200];
    snprintf(a, sizeof a, "%s/DPauth/CERT_S_SM_DPauth_ECDSA_NIST.der", sgp26);
    snprintf(ak, sizeof ak, "%s/DPauth/SK_S_SM_DPauth_ECDSA_NIST.pem", sgp26);
    snprintf(p, sizeof p, "%s/DPpb/CERT_S_SM_DPpb_ECDSA_NIST.der", sgp26);
    snprintf(pk, sizeof pk, "%s/DPpb/SK_S_SM_DPpb_ECDSA_NIST.pem", sgp26);
    snprintf(ci, sizeof ci, "%s/CI/CERT_CI_ECDSA_NIST.der", sgp26);
    struct smdp_config sc = { .dpauth_cert = a, .dpauth_key = ak, .dppb_cert = p,
                              .dppb_key = pk, .ci_cert = ci };
    if (smdp_open(&b.dp, &sc, err, sizeof err) != 0) {
        fprintf(stderr, "download_bench: smdp_open: %s\n", err);
        return 1;
    }
    static const uint8_t info1_req[] = { 0xBF, 0x20, 0x00 };
    if (es10(&b, CAT_CHALLENGE, info1_req, sizeof info1_req, b.info1, sizeof b.info1,
             &b.info1_len) != 0x9000)
        die("GetEUICCInfo1");

    /* warm-up download (not counted): caches, lazily fetched algorithms, the data */
    download(&b, upp, upp_len);
    double cold = 0;
    unsigned cold_apdus = b.napdu;
    for (int c = 0; c < NCAT; c++)
        cold += b.acc[c];
    static struct floor_data fd;
    floor_prepare(&fd, &b, sgp26);
    floor_run(&fd);
    if (g_floor_bad)
        die("a floor operation failed on the captured data");
    cleanup(&b);

    double *card = calloc(reps, sizeof *card), *flo = calloc(reps, sizeof *flo);
    double *per[NCAT], *fper[NFSTAGE];
    for (int c = 0; c < NFSTAGE; c++)
        fper[c] = calloc(reps, sizeof *fper[c]);
    for (int c = 0; c < NCAT; c++)
        per[c] = calloc(reps, sizeof *per[c]);
    if (!card || !flo)
        die("memory");
    unsigned napdu = 0, ncat[NCAT] = {0};
    for (unsigned r = 0; r < reps; r++) {
        b.napdu = 0;
        download(&b, upp, upp_len);
        napdu = b.napdu;
        memcpy(ncat, b.ncat, sizeof ncat);
        double tot = 0;
        for (int c = 0; c < NCAT; c++) {
            per[c][r] = b.acc[c];
            tot += b.acc[c];
        }
        card[r] = tot;
        cleanup(&b);
        double t0 = now_ns();
        floor_run(&fd);
        flo[r] = now_ns() - t0;
        for (int c = 0; c < NFSTAGE; c++)
            fper[c][r] = g_fst[c];
    }
    if (g_floor_bad)
        die("a floor operation failed");

    size_t nseg86 = 0, nseg88 = 0, nseg87 = 0;
    for (size_t i = 0; i < fd.nseg; i++)
        fd.seg[i].tag == 0x86 ? nseg86++ : fd.seg[i].tag == 0x88 ? nseg88++ : nseg87++;
    /* the timer's own cost, counted once per timed APDU: calibrated and subtracted */
    double cal[1001];
    for (int i = 0; i < 1001; i++) {
        double t0 = now_ns();
        cal[i] = now_ns() - t0;
    }
    double tick = median(cal, 1001), overhead = tick * napdu;
    double *ratio = calloc(reps, sizeof *ratio);
    if (!ratio)
        die("memory");
    for (unsigned r = 0; r < reps; r++) {
        card[r] -= overhead;
        ratio[r] = card[r] / flo[r];     /* paired: same moment, same machine load */
        for (int c = 0; c < NCAT; c++)
            per[c][r] -= tick * ncat[c];
    }
    cold -= tick * cold_apdus;
    double cm = median(card, reps), fm = median(flo, reps);
    printf("download_bench: UPP %s (%zu octets), BPP %zu octets, %zu segments "
           "(86: %zu, 88: %zu, 87: %zu), %u APDUs per download, %u repetitions\n",
           upp_path, upp_len, b.bpp_len, fd.nseg, nseg86, nseg88, nseg87, napdu, reps);
    printf("card side (CPU in card_transmit): median %8.1f us  min %8.1f us  "
           "(timer cost %.2f us x %u APDUs subtracted)\n", cm / 1e3,
           minimum(card, reps) / 1e3, tick / 1e3, napdu);
    printf("first download (cold: parses, lazy fetches): %8.1f us\n", cold / 1e3);
    printf("crypto floor (bare libcrypto)   : median %8.1f us  min %8.1f us\n", fm / 1e3,
           minimum(flo, reps) / 1e3);
    printf("ratio card/floor                : %.3f (median of per-repetition ratios; "
           "median/median %.3f, min/min %.3f)  goal <= 1.3\n", median(ratio, reps),
           fm > 0 ? cm / fm : 0, minimum(flo, reps) > 0 ? minimum(card, reps) /
           minimum(flo, reps) : 0);
    printf("card time per ES10 request kind (median per download):\n");
    for (int c = 0; c < NCAT; c++) {
        double m = median(per[c], reps);
        printf("  %-40s %8.1f us  %5.1f%%  (%u APDUs)\n", CAT_NAMES[c], m / 1e3,
               cm > 0 ? 100 * m / cm : 0, ncat[c]);
    }
    printf("crypto floor per stage (median per download):\n");
    for (int c = 0; c < NFSTAGE; c++) {
        double m = median(fper[c], reps);
        printf("  %-40s %8.1f us  %5.1f%%\n", FSTAGE_NAMES[c], m / 1e3, fm > 0 ? 100 * m / fm : 0);
    }
    for (int c = 0; c < NCAT; c++)
        free(per[c]);
    for (int c = 0; c < NFSTAGE; c++)
        free(fper[c]);
    free(card);
    free(flo);
    free(ratio);
    floor_free(&fd);
    free(b.bpp);
    free(upp);
    smdp_close(b.dp);
    card_close(b.card);
    store_close(b.store);
    return 0;
}
