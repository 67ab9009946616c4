/* tools/smdp/smdp_internal.h — the test SM-DP+ state shared by smdp_auth.c (ES9+
 * InitiateAuthentication / AuthenticateClient: smdp_open, smdp_close,
 * smdp_authenticate_server_request, smdp_prepare_download_request) and smdp_bpp.c
 * (GetBoundProfilePackage: smdp_bound_profile_package, bpp_pieces). Not a public
 * contract: tools and tests use tools/smdp/smdp.h; negative tests may poke fields. */
#ifndef EUICC_SMDP_INTERNAL_H
#define EUICC_SMDP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "crypto/ec.h"
#include "tools/smdp/smdp.h"

#define SMDP_CERT_MAX      2048u  /* DER octets of one certificate */
#define SMDP_TXID_LEN      16u    /* transactionId octets this SM-DP+ generates */
#define SMDP_CHALLENGE_LEN 16u
#define SMDP_ADDRESS_MAX   255u
#define SMDP_HOST_ID_MAX   16u

struct smdp {
    /* ---- loaded by smdp_open (smdp_auth.c), read-only afterwards ---- */
    uint8_t dpauth_der[SMDP_CERT_MAX];  /* CERT.DPauth.SIG as sent (serverCertificate) */
    size_t dpauth_der_len;
    X509 *dpauth_cert;
    EVP_PKEY *dpauth_sk;                /* SK.DPauth.SIG */
    uint8_t dppb_der[SMDP_CERT_MAX];    /* CERT.DPpb.SIG as sent in PrepareDownload */
    size_t dppb_der_len;
    X509 *dppb_cert;
    EVP_PKEY *dppb_sk;                  /* SK.DPpb.SIG: signs smdpSigned2 and BF23 smdpSign */
    enum ec_curve curve;                /* curve of the DPpb key (otPK.DP is made on it) */
    X509 *ci_cert;                      /* CI trusted for CERT.EUM (NULL: AKI check only) */
    char address[SMDP_ADDRESS_MAX + 1]; /* serverAddress / PIR notification address */
    enum smdp_fault fault;              /* wrong input to produce on demand */
    bool replace_session_keys;          /* BPP carries A2 ReplaceSessionKeys (PPKs) */
    struct smdp_iot_metadata iot;       /* SGP.32 BF25 fields (smdp_set_iot_metadata) */
    uint8_t host_id[SMDP_HOST_ID_MAX];  /* BF23 A6 84 hostId (KDF shared info) */
    size_t host_id_len;

    /* ---- set by smdp_authenticate_server_request ---- */
    uint8_t transaction_id[SMDP_TXID_LEN];
    size_t transaction_id_len;
    uint8_t euicc_challenge[SMDP_CHALLENGE_LEN]; /* from GetEUICCChallenge */
    uint8_t server_challenge[SMDP_CHALLENGE_LEN];
    uint8_t ci_pkid[20];                /* euiccCiPKIdToBeUsed sent (SKI of the CI) */
    size_t ci_pkid_len;

    /* ---- set by smdp_prepare_download_request (after verifying the card) ---- */
    char eid[33];                       /* from CERT.EUICC subject serialNumber (text) */
    uint8_t eid_bin[16];                /* the same as 16 octets (KDF shared info) */
    EVP_PKEY *euicc_key;                /* PK.EUICC.SIG from the verified CERT.EUICC */
    uint8_t euicc_signature1[64];       /* smdpSignature2 input tail */
    uint8_t smdp_signature2[64];        /* euiccSignature2 input tail (smdp_bpp.c) */
    bool cc_required;                   /* ccRequiredFlag sent */
    /* bppEuiccOtpk to announce in smdpSigned2 (a retried download, key reuse); tests set
     * it before smdp_prepare_download_request */
    bool send_bpp_euicc_otpk;
    uint8_t bpp_euicc_otpk[65];

    /* ---- set by smdp_bound_profile_package (smdp_bpp.c) on the PrepareDownload
     * response ---- */
    bool has_euicc_otpk;
    uint8_t euicc_otpk[65];             /* otPK.EUICC.ECKA received (5F49) */
};

#endif
