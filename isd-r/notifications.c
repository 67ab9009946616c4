/* isd-r/notifications.c — persistent pending notifications. Store layout:
 * SID_NOTIF_FIRST = last seqNumber handed out (uint32 big-endian);
 * SID_NOTIF_FIRST + 1 + i = entry slot i: NotificationMetadata TLV ‖ PendingNotification TLV.
 *
 * Decisions:
 * - One seqNumber series for notifications and EuiccPackageResults: NotificationSent (BF30)
 *   names one seqNumber, so a shared series keeps every number unambiguous (ddimension's
 *   IPA emulation separates the two ranges for the same reason).
 * - SGP.32's compact forms (CompactProfileInstallationResult A0, CompactOtherSigned-
 *   Notification A1, compact AuthenticateServer/PrepareDownload/CancelSession answers) are
 *   an ESipa matter: the IPA produces them from the full forms when it has the
 *   "minimizeEsipaBytes" capability (SGP.32 IpaCapabilities bit 5), and the eIM rebuilds the
 *   full form to check the eUICC's signature, which always covers the full data. The card
 *   therefore stores and returns the full SGP.22 forms only. */
#include "isd-r/notifications.h"

#include <stdlib.h>
#include <string.h>

#include "card/store.h"
#include "card/store_ids.h"
#include "card/tlv.h"
#include "ecasd/ecasd.h"
#include "isd-r/isdr_internal.h"

#define SID_NOTIF_COUNTER SID_NOTIF_FIRST
#define SID_NOTIF_SLOT(i) (SID_NOTIF_FIRST + 1u + (uint32_t)(i))
#define TAG_METADATA 0xBF2Fu
/* EuiccPackageResults: SID_NOTIF_EPR(i) = seqNumber (uint32 big-endian) || BF51 TLV */
#define SID_NOTIF_EPR(i) (SID_NOTIF_FIRST + 0x1000u + (uint32_t)(i))

int notification_alloc_seq(struct store *s, uint32_t *seq)
{
    uint8_t b[4] = {0};
    size_t len = 0;
    uint32_t last = 0;
    int rc = store_get(s, SID_NOTIF_COUNTER, b, sizeof b, &len);
    if (rc == STORE_OK && len == 4)
        last = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    else if (rc == STORE_OK)
        return STORE_ECORRUPT;
    else if (rc != STORE_ENOTFOUND)
        return rc;
    if (last == 0x7FFFFFFFu)     /* seqNumber is a positive INTEGER; keep it int32 */
        return STORE_EFULL;
    last++;
    b[0] = (uint8_t)(last >> 24);
    b[1] = (uint8_t)(last >> 16);
    b[2] = (uint8_t)(last >> 8);
    b[3] = (uint8_t)last;
    rc = store_put(s, SID_NOTIF_COUNTER, b, sizeof b);
    if (rc == STORE_OK)
        *seq = last;
    return rc;
}

void notification_write_metadata(const struct notification_meta *m, struct tlv_writer *w)
{
    tlv_open(w, TAG_METADATA);
    tlv_put_int(w, 0x80, m->seq);
    tlv_put_bits(w, 0x81, 1u << m->event, 4);
    tlv_put(w, 0x0C, m->address, m->address_len);
    if (m->has_iccid)
        tlv_put(w, 0x5A, m->iccid, sizeof m->iccid);
    tlv_close(w);
}

/* Decode a NotificationMetadata TLV (BF2F). */
static bool parse_metadata(const struct tlv *t, struct notification_meta *m)
{
    struct tlv_cursor c;
    struct tlv f;
    bool has_seq = false, has_event = false, has_addr = false;

    memset(m, 0, sizeof *m);
    if (t->tag != TAG_METADATA || !tlv_enter(t, &c))
        return false;
    while (tlv_next(&c, &f)) {
        uint32_t v;
        switch (f.tag) {
        case 0x80:
            if (!tlv_get_uint(f.value, f.len, &v))
                return false;
            m->seq = v;
            has_seq = true;
            break;
        case 0x81:
            if (!isdr_get_bits(f.value, f.len, &v) || v == 0 || (v & 0xFFFFFFF0u))
                return false;
            for (m->event = 0; !(v & (1u << m->event)); m->event++)
                ;
            has_event = true;
            break;
        case 0x0C:
            if (f.len > sizeof m->address)
                return false;
            memcpy(m->address, f.value, f.len);
            m->address_len = f.len;
            has_addr = true;
            break;
        case 0x5A:
            if (f.len != sizeof m->iccid)
                return false;
            memcpy(m->iccid, f.value, f.len);
            m->has_iccid = true;
            break;
        default:
            break;
        }
    }
    return !c.error && has_seq && has_event && has_addr;
}

/* Read slot i's record into buf and split it. */
static int load_slot(struct store *s, uint32_t id, uint8_t *buf, struct notification_meta *m,
                     struct tlv *pending)
{
    size_t len = 0;
    struct tlv meta;
    int rc = store_get(s, id, buf, NOTIF_RECORD_MAX, &len);
    if (rc != STORE_OK)
        return rc;
    if (!tlv_parse(buf, len, &meta) || !parse_metadata(&meta, m) ||
        !tlv_parse(buf + meta.raw_len, len - meta.raw_len, pending) ||
        meta.raw_len + pending->raw_len != len)
        return STORE_ECORRUPT;
    return STORE_OK;
}

/* Store id of the entry with this seq (0 when absent). */
static int find_seq(struct store *s, uint8_t *buf, uint32_t seq, uint32_t *found,
                    struct tlv *pending)
{
    uint32_t id = SID_NOTIF_COUNTER;
    struct notification_meta m;
    int rc;
    while ((rc = store_next(s, id, SID_NOTIF_SLOT(NOTIF_MAX - 1), &id)) == STORE_OK) {
        rc = load_slot(s, id, buf, &m, pending);
        if (rc != STORE_OK)
            return rc;
        if (m.seq == seq) {
            *found = id;
            return STORE_OK;
        }
    }
    return rc;
}

/* Load the EPR record id into buf: its seq and TLV length. */
static int load_epr(struct store *s, uint32_t id, uint8_t *buf, uint32_t *seq, size_t *len)
{
    size_t n = 0;
    struct tlv t;
    int rc = store_get(s, id, buf, EPR_RECORD_MAX + 4, &n);
    if (rc != STORE_OK)
        return rc;
    if (n < 4 || !tlv_parse(buf + 4, n - 4, &t) || t.raw_len != n - 4)
        return STORE_ECORRUPT;
    *seq = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 | buf[3];
    *len = n - 4;
    return STORE_OK;
}

/* Store id of the EPR with this seq; *len (may be NULL) its TLV length in buf + 4. */
static int find_epr(struct store *s, uint8_t *buf, uint32_t seq, uint32_t *found,
                    size_t *len)
{
    uint32_t id = SID_NOTIF_EPR(0) - 1u, got;
    size_t n;
    int rc;
    while ((rc = store_next(s, id, SID_NOTIF_EPR(EPR_MAX - 1), &id)) == STORE_OK) {
        rc = load_epr(s, id, buf, &got, &n);
        if (rc != STORE_OK)
            return rc;
        if (got == seq) {
            *found = id;
            if (len)
                *len = n;
            return STORE_OK;
        }
    }
    return rc;
}

int notification_add_epr(struct store *s, uint32_t seq, const uint8_t *epr, size_t len)
{
    struct tlv check;
    size_t sz;
    if (len > EPR_RECORD_MAX || !tlv_parse(epr, len, &check) || check.raw_len != len)
        return STORE_ESTATE;
    uint8_t *buf = malloc(len + 4);
    if (!buf)
        return STORE_ENOMEM;
    buf[0] = (uint8_t)(seq >> 24);
    buf[1] = (uint8_t)(seq >> 16);
    buf[2] = (uint8_t)(seq >> 8);
    buf[3] = (uint8_t)seq;
    memcpy(buf + 4, epr, len);
    int rc = STORE_EFULL;
    for (uint32_t i = 0; i < EPR_MAX; i++) {
        int q = store_size(s, SID_NOTIF_EPR(i), &sz);
        if (q == STORE_ENOTFOUND) {
            rc = store_put(s, SID_NOTIF_EPR(i), buf, len + 4);
            break;
        }
        if (q != STORE_OK) {
            rc = q;
            break;
        }
    }
    free(buf);
    return rc;
}

int notification_list_eprs(struct store *s, uint32_t *seqs, size_t cap, size_t *n)
{
    uint8_t *buf = malloc(EPR_RECORD_MAX + 4);
    uint32_t id = SID_NOTIF_EPR(0) - 1u, seq;
    size_t len;
    int rc;
    *n = 0;
    if (!buf)
        return STORE_ENOMEM;
    while ((rc = store_next(s, id, SID_NOTIF_EPR(EPR_MAX - 1), &id)) == STORE_OK) {
        rc = load_epr(s, id, buf, &seq, &len);
        if (rc != STORE_OK)
            break;
        if (*n == cap) {
            rc = STORE_ETOOSMALL;
            break;
        }
        size_t i = (*n)++;
        while (i > 0 && seqs[i - 1] > seq) {
            seqs[i] = seqs[i - 1];
            i--;
        }
        seqs[i] = seq;
    }
    free(buf);
    return rc == STORE_ENOTFOUND ? STORE_OK : rc;
}

int notification_get_epr(struct store *s, uint32_t seq, uint8_t *out, size_t cap,
                         size_t *len)
{
    uint8_t *buf = malloc(EPR_RECORD_MAX + 4);
    uint32_t id;
    if (!buf)
        return STORE_ENOMEM;
    int rc = find_epr(s, buf, seq, &id, len);
    if (rc == STORE_OK) {
        if (*len > cap)
            rc = STORE_ETOOSMALL;
        else
            memcpy(out, buf + 4, *len);
    }
    free(buf);
    return rc;
}

int notification_list(struct store *s, struct notification_meta *out, size_t cap, size_t *n)
{
    uint8_t *buf = malloc(NOTIF_RECORD_MAX);
    uint32_t id = SID_NOTIF_COUNTER;
    struct notification_meta m;
    struct tlv pending;
    int rc;

    *n = 0;
    if (!buf)
        return STORE_ENOMEM;
    while ((rc = store_next(s, id, SID_NOTIF_SLOT(NOTIF_MAX - 1), &id)) == STORE_OK) {
        rc = load_slot(s, id, buf, &m, &pending);
        if (rc != STORE_OK)
            break;
        if (*n == cap) {
            rc = STORE_ETOOSMALL;
            break;
        }
        size_t i = (*n)++;             /* insertion sort by seqNumber */
        while (i > 0 && out[i - 1].seq > m.seq) {
            out[i] = out[i - 1];
            i--;
        }
        out[i] = m;
    }
    free(buf);
    return rc == STORE_ENOTFOUND ? STORE_OK : rc;
}

int notification_get_pending(struct store *s, uint32_t seq, uint8_t *out, size_t cap,
                             size_t *len)
{
    uint8_t *buf = malloc(NOTIF_RECORD_MAX);
    uint32_t id;
    struct tlv pending;
    if (!buf)
        return STORE_ENOMEM;
    int rc = find_seq(s, buf, seq, &id, &pending);
    if (rc == STORE_OK) {
        *len = pending.raw_len;
        if (pending.raw_len > cap)
            rc = STORE_ETOOSMALL;
        else
            memcpy(out, pending.raw, pending.raw_len);
    }
    free(buf);
    return rc;
}

int notification_remove(struct store *s, uint32_t seq)
{
    /* large enough for a notification record and for an EPR record */
    uint8_t *buf = malloc(NOTIF_RECORD_MAX + EPR_RECORD_MAX + 4);
    uint32_t id;
    struct tlv pending;
    if (!buf)
        return STORE_ENOMEM;
    int rc = find_seq(s, buf, seq, &id, &pending);
    if (rc == STORE_ENOTFOUND)
        rc = find_epr(s, buf, seq, &id, NULL);
    free(buf);
    return rc == STORE_OK ? store_delete(s, id) : rc;
}

/* A free slot id; STORE_EFULL when all are taken. A pending notification is never
 * dropped to make room: the operation that would create one must fail instead. */
static int free_slot(struct store *s, uint32_t *id)
{
    size_t len;
    for (uint32_t i = 0; i < NOTIF_MAX; i++) {
        int rc = store_size(s, SID_NOTIF_SLOT(i), &len);
        if (rc == STORE_ENOTFOUND) {
            *id = SID_NOTIF_SLOT(i);
            return STORE_OK;
        }
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_EFULL;
}

int notification_add(struct store *s, const struct notification_meta *m,
                     const uint8_t *pending, size_t len)
{
    struct tlv check;
    if (m->address_len > NOTIF_ADDRESS_MAX || m->event > NOTIF_EVENT_DELETE ||
        !tlv_parse(pending, len, &check) || check.raw_len != len)
        return STORE_ESTATE;
    uint8_t *buf = malloc(NOTIF_RECORD_MAX);
    if (!buf)
        return STORE_ENOMEM;
    struct tlv_writer w;
    tlv_writer_init(&w, buf, NOTIF_RECORD_MAX);
    notification_write_metadata(m, &w);
    tlv_put_raw(&w, pending, len);

    bool own;
    uint32_t id = 0;
    int rc = tlv_writer_ok(&w) ? store_begin_own(s, &own) : STORE_EFULL;
    if (rc == STORE_OK) {
        rc = free_slot(s, &id);
        if (rc == STORE_OK)
            rc = store_put(s, id, buf, w.len);
        rc = store_end_own(s, own, rc);
    }
    free(buf);
    return rc;
}

int notification_add_other_signed(struct store *s, const struct ecasd *e, size_t ci,
                                  enum notification_event ev, const uint8_t *address,
                                  size_t address_len, const uint8_t *iccid,
                                  uint32_t *seq_out)
{
    struct notification_meta m;
    size_t euicc_len = 0, eum_len = 0;
    const uint8_t *euicc = ecasd_cert_euicc(e, ci, &euicc_len);
    const uint8_t *eum = ecasd_cert_eum(e, ci, &eum_len);
    if (!euicc || !eum || address_len > NOTIF_ADDRESS_MAX || ev > NOTIF_EVENT_DELETE)
        return -1;

    memset(&m, 0, sizeof m);
    m.event = (uint8_t)ev;
    memcpy(m.address, address, address_len);
    m.address_len = address_len;
    if (iccid) {
        m.has_iccid = true;
        memcpy(m.iccid, iccid, sizeof m.iccid);
    }

    bool own;
    if (store_begin_own(s, &own) != STORE_OK)
        return -1;
    int rc = notification_alloc_seq(s, &m.seq);
    uint8_t *buf = malloc(NOTIF_RECORD_MAX);
    if (rc == STORE_OK && !buf)
        rc = STORE_ENOMEM;
    if (rc == STORE_OK) {
        /* tbsOtherNotification first, in place, so the signature covers exactly it */
        struct tlv_writer w;
        uint8_t sig[64];
        tlv_writer_init(&w, buf, NOTIF_RECORD_MAX);
        tlv_open(&w, 0x30);
        size_t tbs_at = w.len;
        notification_write_metadata(&m, &w);
        size_t tbs_len = w.len - tbs_at;
        if (w.overflow)
            rc = STORE_EFULL;
        else if (ecasd_sign(e, ci, buf + tbs_at, tbs_len, sig) != 0)
            rc = STORE_EIO;
        if (rc == STORE_OK) {
            tlv_put(&w, 0x5F37, sig, sizeof sig);
            tlv_put_raw(&w, euicc, euicc_len);
            tlv_put_raw(&w, eum, eum_len);
            tlv_close(&w);
            rc = tlv_writer_ok(&w) ? notification_add(s, &m, buf, w.len) : STORE_EFULL;
        }
    }
    free(buf);
    rc = store_end_own(s, own, rc);
    if (rc == STORE_OK && seq_out)
        *seq_out = m.seq;
    return rc == STORE_OK ? 0 : -1;
}
