/* isd-p/isdp_internal.h — the LoadBoundProfilePackage state shared by the isd-p files
 * (not a public contract: the ISD-R uses isd-p/isdp.h).
 *
 * One load = one BPP (BF36) parsed as a single stream across the pieces the LPA sends
 * (bpp_stream.c), the ES8+ functions it carries (es8.c), the ProfileInstallationResult
 * (pir.c) and the install transaction (isdp.c). */
#ifndef EUICC_ISDP_INTERNAL_H
#define EUICC_ISDP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/scp03t.h"
#include "isd-r/profile_table.h"

struct isdr;
struct ppi_install;

/* BppCommandId (SGP.22 v2.5 ProfileInstallationResultData.finalResult.errorResult) */
enum bpp_command_id {
    BPP_CMD_INITIALISE_SECURE_CHANNEL = 0,
    BPP_CMD_CONFIGURE_ISDP = 1,
    BPP_CMD_STORE_METADATA = 2,
    BPP_CMD_STORE_METADATA2 = 3,
    BPP_CMD_REPLACE_SESSION_KEYS = 4,
    BPP_CMD_LOAD_PROFILE_ELEMENTS = 5,
};

/* ErrorReason (SGP.22 v2.5; v3 names 7/8 bspStructureError/bspSecurityError) */
enum bpp_error_reason {
    BPP_ERR_INCORRECT_INPUT_VALUES = 1,
    BPP_ERR_INVALID_SIGNATURE = 2,
    BPP_ERR_INVALID_TRANSACTION_ID = 3,
    BPP_ERR_UNSUPPORTED_CRT_VALUES = 4,
    BPP_ERR_UNSUPPORTED_REMOTE_OPERATION_TYPE = 5,
    BPP_ERR_UNSUPPORTED_PROFILE_CLASS = 6,
    BPP_ERR_SCP03T_STRUCTURE = 7,
    BPP_ERR_SCP03T_SECURITY = 8,
    BPP_ERR_ICCID_ALREADY_EXISTS = 9,
    BPP_ERR_INSUFFICIENT_MEMORY = 10,
    BPP_ERR_INTERRUPTION = 11,
    BPP_ERR_PE_PROCESSING = 12,
    BPP_ERR_DATA_MISMATCH = 13,
    BPP_ERR_INVALID_NAA_KEY = 14,
    BPP_ERR_PPR_NOT_ALLOWED = 15,
    BPP_ERR_UNKNOWN = 127,
};

/* Where the stream is: what the next element must be. */
enum bpp_stage {
    BPP_ST_BF36,          /* BoundProfilePackage header */
    BPP_ST_BF23,          /* InitialiseSecureChannelRequest (whole TLV) */
    BPP_ST_A0_HDR,        /* firstSequenceOf87 header */
    BPP_ST_A0,            /* 87 segments: ConfigureISDP */
    BPP_ST_A1_HDR,        /* sequenceOf88 header */
    BPP_ST_A1,            /* 88 segments: StoreMetadata */
    BPP_ST_A2_OR_A3_HDR,  /* secondSequenceOf87 (optional) or sequenceOf86 header */
    BPP_ST_A2,            /* 87 segments: ReplaceSessionKeys */
    BPP_ST_A3_HDR,        /* sequenceOf86 header */
    BPP_ST_A3,            /* 86 segments: LoadProfileElements */
    BPP_ST_DONE,          /* last octet of BF36 consumed */
};

#define ISDP_PLAIN_MAX   16384u   /* concatenated 87/88 plaintexts of one sequence */
#define ISDP_SIMA_MAX    4096u    /* EUICCResponse from the PPI */

struct isdp_load {
    enum bpp_stage stage;
    size_t bpp_left;            /* octets of the BF36 value still to come */
    size_t seq_left;            /* octets of the current A0..A3 value still to come */
    struct scp03t keys;         /* session keys, then PPKs after ReplaceSessionKeys */
    bool keys_set;
    uint8_t *plain;             /* concatenated plaintexts of the current A0/A1/A2 */
    size_t plain_len;
    uint8_t *seg;               /* scratch for one unwrapped segment (grown) */
    size_t seg_cap;
    struct profile_record rec;  /* the profile being installed (metadata) */
    bool has_iccid;             /* rec.iccid is known (StoreMetadata done) */
    struct ppi_install *ppi;    /* LoadProfileElements (after StoreMetadata) */
    /* the first failure: ends the load with an error PIR */
    bool failed;
    uint8_t fail_cmd;           /* enum bpp_command_id */
    uint8_t fail_reason;        /* enum bpp_error_reason */
    const char *fail_what;      /* short description for the trace (no secrets) */
};

/* Record the first failure of the load (later ones are ignored); returns -1. */
int isdp_fail(struct isdp_load *l, uint8_t cmd, uint8_t reason, const char *what);

/* bpp_stream.c: consume one piece of the BPP stream p[0..len) (whole TLVs or headers of
 * BF36/A0..A3, never a partial element). 0: consumed (l->stage may be BPP_ST_DONE);
 * -1: the load failed (l->fail_* set). */
int bpp_stream_feed(struct isdr *r, struct isdp_load *l, const uint8_t *p, size_t len);

/* es8.c: the ES8+ functions carried by the BPP. Each returns 0 or -1 (l->fail_* set). */
int es8_initialise_secure_channel(struct isdr *r, struct isdp_load *l,
                                  const uint8_t *bf23, size_t len);
int es8_configure_isdp(struct isdr *r, struct isdp_load *l, const uint8_t *p, size_t len);
int es8_store_metadata(struct isdr *r, struct isdp_load *l, const uint8_t *p, size_t len);
int es8_replace_session_keys(struct isdp_load *l, const uint8_t *p, size_t len);
int es8_load_profile_elements(struct isdp_load *l, const uint8_t *p, size_t len);

/* es8.c: true when the RAT stored by the ISD-R allows every PPR of rec (ppr1, ppr2)
 * for its profileOwner; a profile without PPRs is always allowed. */
bool es8_ppr_allowed(struct isdr *r, const struct profile_record *rec);

/* pir.c: the ProfileInstallationResult's final result. */
struct pir_result {
    bool success;
    const uint8_t *aid;         /* success: ISD-P AID */
    size_t aid_len;
    uint8_t cmd;                /* error: bppCommandId */
    uint8_t reason;             /* error: errorReason */
    const uint8_t *sima;        /* EUICCResponse (success: mandatory; error: optional) */
    size_t sima_len;
};

/* pir.c: build and sign BF37 {BF27 {80 transactionId, BF2F metadata(seq, install,
 * serverAddress, iccid), 06 smdpOid, A2 finalResult}, 5F37 euiccSignPIR} for the
 * current RSP session into out. iccid may be NULL. 0 or -1. */
int pir_build(struct isdr *r, uint32_t seq, const uint8_t *iccid,
              const struct pir_result *res, uint8_t *out, size_t cap, size_t *out_len);

/* Test hook: observe every plaintext octet handed to the PPI (NULL to stop). */
typedef void (*isdp_feed_observer)(void *ctx, const uint8_t *p, size_t len);
void isdp_set_feed_observer(isdp_feed_observer fn, void *ctx);

/* Encoded size of a profile record (E3), for the memory check of an install. */
size_t isdp_record_size(const struct profile_record *rec);

#endif
