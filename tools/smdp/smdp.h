/* tools/smdp/smdp.h — a test SM-DP+ (the server side of ES9+) as a library: mutual
 * authentication with the SGP.26 DPauth/DPpb keys (or any given), binding a UPP into a
 * BPP for the eUICC's one-time key, and cutting it into the pieces an LPA sends. It can
 * also produce wrong inputs on demand for negative tests (enum smdp_fault). */
#ifndef EUICC_SMDP_H
#define EUICC_SMDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct smdp;

enum smdp_fault {
    SMDP_FAULT_NONE = 0,
    SMDP_FAULT_SERVER_SIGNATURE1,   /* serverSignature1 does not verify */
    SMDP_FAULT_CI_UNKNOWN,          /* euiccCiPKIdToBeUsed names no CI of the card */
    SMDP_FAULT_CHALLENGE,           /* serverSigned1 carries another euiccChallenge */
    SMDP_FAULT_DPAUTH_OID,          /* CERT.DPpb sent as serverCertificate (wrong role) */
    SMDP_FAULT_SMDP_SIGNATURE2,     /* smdpSignature2 does not verify */
    SMDP_FAULT_TRANSACTION_ID,      /* PrepareDownload / BPP with another transactionId */
    SMDP_FAULT_ISC_SIGNATURE,       /* InitialiseSecureChannel smdpSign does not verify */
    SMDP_FAULT_CRT,                 /* unsupported keyType/keyLen in the CRT */
    SMDP_FAULT_MAC,                 /* one 86 segment's MAC altered */
    SMDP_FAULT_METADATA_ICCID,      /* StoreMetadata ICCID ≠ the profile header's */
};

struct smdp_config {
    const char *dpauth_cert;        /* DER file of CERT.DPauth.SIG */
    const char *dpauth_key;         /* PEM private key */
    const char *dppb_cert;          /* DER file of CERT.DPpb.SIG */
    const char *dppb_key;
    const char *ci_cert;            /* CI certificate file (DER/PEM) the SM-DP+ checks
                                     * CERT.EUM against; NULL: AKI = CI PKID check only */
    const char *address;            /* SM-DP+ address (default testsmdpplus1.example.com) */
    bool replace_session_keys;      /* osmo-smdpp style: A2 with fixed PPKs */
    enum smdp_fault fault;
};

int smdp_open(struct smdp **out, const struct smdp_config *cfg, char *err, size_t errcap);
void smdp_close(struct smdp *s);

/* ES9+ InitiateAuthentication: from the card's EUICCInfo1 (BF20 TLV) and challenge
 * (BF2E response TLV), build the ES10b AuthenticateServer request (BF38 TLV). */
int smdp_authenticate_server_request(struct smdp *s, const uint8_t *euicc_info1, size_t l1,
                                     const uint8_t *challenge_resp, size_t l2,
                                     const char *matching_id, uint8_t *out, size_t cap,
                                     size_t *out_len);

/* ES9+ AuthenticateClient: verify the card's AuthenticateServer response (BF38: chain
 * CERT.EUICC → CERT.EUM → CI, euiccSignature1) and build PrepareDownload (BF21). */
int smdp_prepare_download_request(struct smdp *s, const uint8_t *auth_resp, size_t len,
                                  uint8_t *out, size_t cap, size_t *out_len);

/* ES9+ GetBoundProfilePackage: verify the PrepareDownload response (BF21, euiccSignature2)
 * and bind upp into a BPP (BF36) for its otPK.EUICC. *bpp is malloc'd (caller frees). */
int smdp_bound_profile_package(struct smdp *s, const uint8_t *prep_resp, size_t len,
                               const uint8_t *upp, size_t upp_len, uint8_t **bpp,
                               size_t *bpp_len);

/* SGP.32 fields the next BPPs' StoreMetadata (BF25) carries: ecallIndication (9F7B)
 * and fallbackAllowed (9F67), each only when its has_ flag is set. */
struct smdp_iot_metadata {
    bool has_ecall_indication;
    bool ecall_indication;
    bool has_fallback_allowed;
    bool fallback_allowed;
};

/* Use m for the metadata of the BPPs bound from now on (NULL: none of these fields,
 * the default). */
void smdp_set_iot_metadata(struct smdp *s, const struct smdp_iot_metadata *m);

struct bpp_piece { size_t offset, len; };

/* Cut a BPP into the pieces an LPA sends, one per STORE DATA sequence (lpac's rule:
 * BF36 header + BF23; A0; A1 header; each 88; A2; A3 header; each 86). */
int bpp_pieces(const uint8_t *bpp, size_t len, struct bpp_piece *pieces, size_t max,
               size_t *n);

#endif
