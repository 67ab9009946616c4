/* isd-r/notifications.h — the persistent list of pending notifications (SGP.22
 * §3.5): each entry keeps its NotificationMetadata and the full PendingNotification
 * TLV (ProfileInstallationResult BF37 or OtherSignedNotification 30). seqNumbers come
 * from a persistent counter that never goes back. At most NOTIF_MAX entries are
 * kept; adding to a full list fails with STORE_EFULL (nothing is ever dropped, and the
 * counter does not advance). Functions that change the store run
 * inside the caller's transaction when one is open, else in their own. */
#ifndef EUICC_NOTIFICATIONS_H
#define EUICC_NOTIFICATIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct ecasd;
struct tlv_writer;

#define NOTIF_MAX          48u   /* all of them (certificates included) fit one BF2B answer */
#define NOTIF_ADDRESS_MAX  255u
#define NOTIF_RECORD_MAX   16384u   /* metadata + pending notification */

/* NotificationEvent bit numbers */
enum notification_event {
    NOTIF_EVENT_INSTALL = 0,
    NOTIF_EVENT_ENABLE = 1,
    NOTIF_EVENT_DISABLE = 2,
    NOTIF_EVENT_DELETE = 3,
};

struct notification_meta {
    uint32_t seq;
    uint8_t event;                        /* enum notification_event */
    uint8_t address[NOTIF_ADDRESS_MAX];   /* notificationAddress (UTF-8 FQDN) */
    size_t address_len;
    bool has_iccid;
    uint8_t iccid[10];
};

/* Take the next seqNumber (persists the counter). 0 or a STORE_E* code. */
int notification_alloc_seq(struct store *s, uint32_t *seq);

/* Append NotificationMetadata (BF2F) of m. */
void notification_write_metadata(const struct notification_meta *m, struct tlv_writer *w);

/* Store a pending notification: m (with a seq from notification_alloc_seq) and the
 * PendingNotification TLV pending[0..len). */
int notification_add(struct store *s, const struct notification_meta *m,
                     const uint8_t *pending, size_t len);

/* Build, sign (ecasd_sign with the key for CI index ci, over the BF2F TLV) and store an
 * OtherSignedNotification 30 {BF2F, 5F37 sig, CERT.EUICC, CERT.EUM}. iccid may be
 * NULL. *seq_out (may be NULL) receives its seqNumber. 0 or -1. */
int notification_add_other_signed(struct store *s, const struct ecasd *e, size_t ci,
                                  enum notification_event ev, const uint8_t *address,
                                  size_t address_len, const uint8_t *iccid,
                                  uint32_t *seq_out);

/* All pending notifications' metadata, ordered by seqNumber. */
int notification_list(struct store *s, struct notification_meta *out, size_t cap,
                      size_t *n);

/* The PendingNotification TLV of seq into out[0..cap). 0, STORE_ENOTFOUND, ... */
int notification_get_pending(struct store *s, uint32_t seq, uint8_t *out, size_t cap,
                             size_t *len);

/* Remove the notification seq. 0 or STORE_ENOTFOUND. */
int notification_remove(struct store *s, uint32_t seq);

/* SGP.32: signed EuiccPackageResults (BF51) kept until NotificationSent. They share
 * the seqNumber space of notifications (notification_alloc_seq) and are removed by
 * notification_remove like them. At most EPR_MAX are kept (STORE_EFULL beyond). */
#define EPR_MAX            16u
#define EPR_RECORD_MAX     16384u

/* Store the EuiccPackageResult TLV epr[0..len) under seq (caller's transaction when
 * one is open, else its own). */
int notification_add_epr(struct store *s, uint32_t seq, const uint8_t *epr, size_t len);

/* seqNumbers of the stored EuiccPackageResults, ascending. */
int notification_list_eprs(struct store *s, uint32_t *seqs, size_t cap, size_t *n);

/* The EuiccPackageResult TLV of seq into out[0..cap). 0, STORE_ENOTFOUND, ... */
int notification_get_epr(struct store *s, uint32_t seq, uint8_t *out, size_t cap,
                         size_t *len);

#endif
