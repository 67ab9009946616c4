/* isd-r/rsp_session.h — the transient RSP session of the ISD-R (SGP.22 §3.1.2, §3.1.3):
 * GetEUICCChallenge starts it, AuthenticateServer authenticates the SM-DP+,
 * PrepareDownload binds the one-time key, LoadBoundProfilePackage consumes it. Lives in
 * RAM only: a power reset clears it, a new GetEUICCChallenge replaces it, CancelSession
 * and any download error end it. */
#ifndef EUICC_RSP_SESSION_H
#define EUICC_RSP_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

struct rng;

#define RSP_CHALLENGE_LEN 16
#define RSP_TRANSACTION_ID_MAX 16
#define RSP_SMDP_OID_MAX 64
#define RSP_ADDRESS_MAX 255

enum rsp_state {
    RSP_NONE = 0,           /* no session */
    RSP_CHALLENGED,         /* GetEUICCChallenge done */
    RSP_AUTHENTICATED,      /* AuthenticateServer ok: SM-DP+ authenticated */
    RSP_PREPARED,           /* PrepareDownload ok: one-time key bound, BPP may come */
    RSP_LOADING,            /* InitialiseSecureChannel ok: BPP segments flowing */
};

struct rsp_session {
    enum rsp_state state;
    bool has_challenge;
    uint8_t euicc_challenge[RSP_CHALLENGE_LEN];
    /* set by AuthenticateServer */
    uint8_t transaction_id[RSP_TRANSACTION_ID_MAX];
    size_t transaction_id_len;
    size_t ci;                               /* ECASD CI index chosen (euiccCiPKIdToBeUsed) */
    uint8_t smdp_oid[RSP_SMDP_OID_MAX];      /* OID content octets of CERT.DPauth's SAN */
    size_t smdp_oid_len;
    char server_address[RSP_ADDRESS_MAX + 1];/* serverSigned1.serverAddress (PIR address) */
    uint8_t euicc_signature1[64];            /* for smdpSignature2's input */
    /* set by PrepareDownload */
    EVP_PKEY *dppb_key;                      /* CERT.DPpb.SIG public key (owned) */
    uint8_t smdp_signature2[64];
    bool cc_required;
};

/* Forget everything (power reset, end of session); frees keys, wipes the buffers. */
void rsp_session_clear(struct rsp_session *s);

/* Start a new session with a fresh eUICC challenge from rng. 0 or -1. */
int rsp_session_new_challenge(struct rsp_session *s, struct rng *rng);

#endif
