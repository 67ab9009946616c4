/* tests/common/download_driver.h — an in-process LPA + SM-DP+ driving a whole card
 * through card_transmit() the way lpac does (tools/lpa STORE DATA blocks, tools/smdp
 * ES9+): complete downloads, the ES10c profile functions and the notification
 * functions, with every answer parsed and every eUICC signature verified with the
 * SGP.26 CERT.EUICC. No cmocka inside: every function reports failure by its return
 * value, so the power-loss sweep can tell an injected fault from a test failure.
 * Needs <shared>/sgp26 (EUICC_EMU_SHARED, default ../shared). */
#ifndef DOWNLOAD_DRIVER_H
#define DOWNLOAD_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <openssl/evp.h>

#include "tools/lpa/lpa.h"
#include "tools/lpa/lpa_es10b.h"
#include "tools/lpa/lpa_es10c.h"
#include "tools/smdp/smdp.h"

#define DL_RESP_MAX   65536u
#define DL_LIST_MAX   64u
#define DL_PIECES_MAX 64u

struct store;
struct card;

struct dl {
    char sgp26[600];              /* <shared>/sgp26 */
    struct store *store;          /* memory store, owned; survives dl_card_close */
    struct card *card;
    size_t capacity;              /* card_config.capacity (0 = default) */
    struct lpa_transport t;
    struct smdp *dp;
    EVP_PKEY *euicc_pk;           /* PK.EUICC.SIG from CERT_EUICC_ECDSA_NIST.der */
    uint8_t *euicc_cert;          /* its DER (notifications must carry it) */
    size_t euicc_cert_len;
    uint8_t resp[DL_RESP_MAX];    /* last ES10 response */
    size_t resp_len;
    uint16_t sw;                  /* last status word */
    /* SM-DP+ fault switched on after PrepareDownload, before binding the BPP (so a
     * wrong BF23 transactionId reaches the card); SMDP_FAULT_NONE: none */
    enum smdp_fault bpp_fault;
    FILE *trace;                  /* card_config.trace of the card (NULL: none) */
};

/* Steps of a download (where dl_download stopped). */
enum dl_step {
    DL_STEP_INFO1, DL_STEP_CHALLENGE, DL_STEP_AUTH, DL_STEP_SMDP_AUTH, DL_STEP_PREPARE,
    DL_STEP_SMDP_BPP, DL_STEP_BPP, DL_STEP_DONE,
};

/* A parsed ProfileInstallationResult. */
struct dl_pir {
    bool sig_ok;                  /* euiccSignPIR verifies with CERT.EUICC */
    bool success;
    uint32_t seq;
    bool has_iccid;
    uint8_t iccid[10];
    uint8_t aid[16];
    size_t aid_len;
    int64_t cmd, reason;          /* error: bppCommandId, errorReason */
    uint8_t tid[16];
    size_t tid_len;
};

struct dl_result {
    enum dl_step step;            /* DL_STEP_DONE when a PIR arrived */
    uint16_t sw;                  /* SW of the failing request (0x9000 when it answered) */
    int code;                     /* AuthenticateServer/PrepareDownload error code, or 0 */
    size_t piece, npieces;        /* index of the BPP piece that answered the PIR */
    bool has_pir;
    struct dl_pir pir;
};

/* One pending notification as RetrieveNotificationsList returns it, verified. */
struct dl_notif {
    struct lpa_notification meta;   /* seq, event, address, iccid */
    bool is_pir;                    /* BF37, else OtherSignedNotification */
    bool sig_ok;                    /* signature verifies with CERT.EUICC (and an
                                     * OtherSignedNotification carries that very
                                     * certificate, then CERT.EUM) */
};

/* The shared dir, or NULL when <shared>/sgp26 is absent. */
const char *dl_shared_dir(void);

/* A fresh card (SGP.26 identity, memory store, seeded RNG, given capacity) with the
 * ISD-R selected, and a test SM-DP+ (no fault, no ReplaceSessionKeys). 0 or -1
 * (message in err). */
int dl_open(struct dl *d, size_t capacity, char *err, size_t errcap);
void dl_close(struct dl *d);

/* Restart: close the card, store_reload() the store (a power loss), open the card on
 * it again and select the ISD-R. 0 or -1. */
int dl_restart(struct dl *d);
void dl_card_close(struct dl *d);
int dl_card_open(struct dl *d);

/* Replace the SM-DP+ by one with these options (SGP.26 DPauth/DPpb NIST keys). */
int dl_smdp(struct dl *d, bool replace_session_keys, enum smdp_fault fault);

/* One ES10 request; the response data in d->resp. Returns the SW. */
uint16_t dl_es10(struct dl *d, const uint8_t *req, size_t len);

/* A complete download of upp: EUICCInfo1, challenge, AuthenticateServer,
 * PrepareDownload, every BPP piece. 0 when a success PIR arrived whose signature
 * verifies; -1 otherwise (res tells where and why). */
int dl_download(struct dl *d, const uint8_t *upp, size_t upp_len, struct dl_result *res);

/* Parse and verify a PIR (BF37). 0 or -1 when it does not decode. */
int dl_pir_parse(const struct dl *d, const uint8_t *p, size_t len, struct dl_pir *o);

/* The ICCID of the UPP's ProfileHeader in EF.ICCID coding (as the card keeps it). */
int dl_upp_iccid(const uint8_t *upp, size_t len, uint8_t iccid[10]);

/* ES10c Enable / Disable / Delete by ICCID (tools/lpa builders): the result code, or -1
 * when the card gave no valid answer. */
int dl_enable(struct dl *d, const uint8_t iccid[10]);
int dl_disable(struct dl *d, const uint8_t iccid[10]);
int dl_delete(struct dl *d, const uint8_t iccid[10]);

/* The same by ISD-P AID: fn_tag 0xBF31 / 0xBF32 / 0xBF33. */
int dl_profile_op_aid(struct dl *d, uint32_t fn_tag, const uint8_t *aid, size_t aid_len);

/* GetProfilesInfo (tools/lpa's tag list); every entry has its ICCID. 0 or -1. */
int dl_profiles(struct dl *d, struct lpa_profile_info *out, size_t cap, size_t *n);

/* RetrieveNotificationsList: all (seq = 0 and event < 0), by seqNumber (seq > 0) or by
 * event (event >= 0), each entry's signature checked. 0, or -1 (SW error, error
 * answer, does not decode). */
int dl_notifications(struct dl *d, uint32_t seq, int event, struct dl_notif *out,
                     size_t cap, size_t *n);

/* ListNotification (BF28) metadata only; event < 0: all. 0 or -1. */
int dl_list_notifications(struct dl *d, int event, struct lpa_notification *out, size_t cap,
                          size_t *n);

/* NotificationSent / RemoveNotificationFromList (BF30): result code or -1. */
int dl_remove_notification(struct dl *d, uint32_t seq);

/* SetNickname (BF29), SetDefaultDpAddress (BF3F), eUICCMemoryReset (BF34 with the
 * given resetOptions bits): result code or -1. */
int dl_set_nickname(struct dl *d, const uint8_t iccid[10], const char *nick);
int dl_set_default_dp(struct dl *d, const char *address);
int dl_memory_reset(struct dl *d, uint32_t bits);

/* GetEuiccConfiguredAddresses: the default SM-DP+ address into out ("" when none).
 * 0 or -1. */
int dl_default_dp(struct dl *d, char *out, size_t cap);

#endif
