/* tests/unit/isdp/isdp_test_util.h — fixtures for the LoadBoundProfilePackage tests: a
 * card with the SGP.26 identity, the pySim BPP vectors, an RSP session put in state
 * RSP_PREPARED directly (white box), a BPP builder with the vector's session keys, and a
 * ProfileInstallationResult parser that verifies euiccSignPIR with CERT.EUICC.
 * Requests go through card_transmit() as lpac sends them (fx_run_bin of the ISD-R
 * fixture). */
#ifndef ISDP_TEST_UTIL_H
#define ISDP_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isdr_test_util.h"
#include "tools/smdp/smdp.h"

#define VEC_PIECES_MAX 64

/* One BPP vector file (bpp_TS48V1-A-UNIQUE_*.json) and the UPP it carries. */
struct vec {
    uint8_t *bpp; size_t bpp_len;
    struct bpp_piece piece[VEC_PIECES_MAX]; size_t npieces;
    uint8_t tid[16];
    uint8_t otsk[32], otpk[65];
    uint8_t *dppb_cert; size_t dppb_cert_len;
    uint8_t s_enc[16], s_mac[16], mcv[16];
    uint8_t *meta; size_t meta_len;           /* StoreMetadataRequest plaintext */
    uint8_t *upp; size_t upp_len;
    char address[64];
};

/* The shared dir (EUICC_EMU_SHARED, default <repo>/../shared); NULL when absent. */
const char *shared_dir(void);

/* Load a vector by file name (in <shared>/vectors); false when absent. */
bool vec_load(struct vec *v, const char *name);
void vec_free(struct vec *v);

/* A card with the SGP.26 identity on an in-memory store, capacity (0 = default), ISD-R
 * selected on the basic channel. */
void card_fx_open(struct fx *f, size_t capacity);
void card_fx_close(struct fx *f);

/* Put the ISD-R in RSP_PREPARED for the vector's transaction: transactionId, DPpb key,
 * otSK/otPK.EUICC.ECKA, CI index of the P-256 eUICC key, server address, SM-DP+ OID. */
void prepare_session(struct fx *f, const struct vec *v);

/* Build a BPP with the vector's BF23 and session keys around ConfigureISDP, the
 * metadata plaintext and the UPP (86 slices of 1008). malloc'd. */
uint8_t *build_bpp(const struct vec *v, const uint8_t *meta, size_t meta_len,
                   const uint8_t *upp, size_t upp_len, size_t *len);

/* Send every piece of bpp (cut by bpp_pieces) through the card; intermediate pieces
 * must answer 9000 with no data. Returns the index of the piece that answered data
 * (f->out), or npieces when none did. */
size_t send_bpp(struct fx *f, const uint8_t *bpp, size_t len);

/* Parsed ProfileInstallationResult. */
struct pir {
    bool success;
    uint32_t seq;
    uint8_t aid[16]; size_t aid_len;
    int64_t cmd, reason;
    bool has_iccid;
    uint8_t iccid[10];
    uint8_t tid[16]; size_t tid_len;
};

/* Parse f->out as BF37 and verify euiccSignPIR with the SGP.26 CERT.EUICC (NIST). */
void pir_check(const struct fx *f, struct pir *o);

/* Expect an error PIR with this bppCommandId and errorReason. */
void expect_pir_error(struct fx *f, int64_t cmd, int64_t reason);

/* Number of installed profiles / pending notifications. */
size_t n_profiles(struct fx *f);
size_t n_notifications(struct fx *f);

#endif
