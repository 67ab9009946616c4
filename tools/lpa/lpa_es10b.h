/* tools/lpa/lpa_es10b.h — the LPA side of the ES10b functions a user drives after the
 * download (SGP.22 §5.7.9-11): ListNotification (BF28), RetrieveNotificationsList
 * (BF2B), NotificationSent (BF30); the decoding of a ProfileInstallationResult (BF37)
 * and of the error answers of AuthenticateServer (BF38) / PrepareDownload (BF21); the
 * spec's names of their codes. Pure functions over buffers: the transport is
 * tools/lpa/lpa.h. Decoders take (p, len) and never read past it. */
#ifndef EUICC_LPA_ES10B_H
#define EUICC_LPA_ES10B_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tools/lpa/lpa_es10c.h"

#define LPA_ADDRESS_MAX 255u

/* NotificationMetadata (BF2F). */
struct lpa_notification {
    uint32_t seq;
    int event;                          /* first bit of profileManagementOperation */
    char address[LPA_ADDRESS_MAX + 1];  /* notificationAddress (control chars → '?') */
    bool has_iccid;
    uint8_t iccid[LPA_ICCID_LEN];
};

/* One PendingNotification of a RetrieveNotificationsList answer. */
struct lpa_pending {
    struct lpa_notification meta;
    bool is_pir;                        /* BF37 ProfileInstallationResult, else 30 */
    const uint8_t *tlv;                 /* the whole PendingNotification TLV (into p) */
    size_t tlv_len;
};

/* A decoded ProfileInstallationResult. */
struct lpa_pir {
    struct lpa_notification meta;
    bool success;
    uint8_t aid[LPA_AID_MAX];           /* success: ISD-P AID */
    size_t aid_len;
    int64_t bpp_command_id, error_reason;  /* error */
};

/* ListNotification BF28 {81 event}; event < 0: all events. 0 or -1 (cap). */
int lpa_list_notification_request(int event, uint8_t *out, size_t cap, size_t *len);

/* Decode a ListNotification answer: up to max entries into out, count in *n. 0; the
 * error code (> 0) the card answered; LPA_DECODE_ERROR (malformed, more than max). */
int lpa_list_notification_decode(const uint8_t *p, size_t len, struct lpa_notification *out,
                                 size_t max, size_t *n);

/* RetrieveNotificationsList BF2B {A0 {80 seq}} when by_seq, else BF2B {} (all). */
int lpa_retrieve_notifications_request(bool by_seq, uint32_t seq, uint8_t *out, size_t cap,
                                       size_t *len);

/* Decode a RetrieveNotificationsList answer (entries point into p). Same returns as
 * lpa_list_notification_decode. */
int lpa_retrieve_notifications_decode(const uint8_t *p, size_t len, struct lpa_pending *out,
                                      size_t max, size_t *n);

/* NotificationSent (RemoveNotificationFromList) BF30 {80 seq}. 0 or -1 (cap). */
int lpa_notification_sent_request(uint32_t seq, uint8_t *out, size_t cap, size_t *len);

/* deleteNotificationStatus of a BF30 answer, or LPA_DECODE_ERROR. */
int lpa_notification_sent_result(const uint8_t *p, size_t len);

/* Decode a ProfileInstallationResult (BF37) — the signature is not checked here. 0 or
 * LPA_DECODE_ERROR. */
int lpa_pir_decode(const uint8_t *p, size_t len, struct lpa_pir *out);

/* The error code of an AuthenticateServer (tag 0xBF38) / PrepareDownload (0xBF21) /
 * other ES10b answer of the form tag {A1 {80 transactionId?, 02 code}}: > 0 the code;
 * 0 when the answer is tag {A0 ...} (success); LPA_DECODE_ERROR when malformed. */
int lpa_es10b_error_code(uint32_t tag, const uint8_t *p, size_t len);

/* Names in the spec's words; "unknown" for a code the spec does not define. */
const char *lpa_notification_event_name(int event);           /* install, enable, … */
const char *lpa_notification_sent_result_name(int code);      /* ok, nothingToDelete, … */
const char *lpa_notification_list_error_name(int code);       /* noResult, undefinedError */
const char *lpa_authenticate_error_name(int code);            /* AuthenticateErrorCode */
const char *lpa_download_error_name(int code);                /* DownloadErrorCode */
const char *lpa_bpp_command_name(int64_t id);                 /* BppCommandId */
const char *lpa_error_reason_name(int64_t reason);            /* ErrorReason */

#endif
