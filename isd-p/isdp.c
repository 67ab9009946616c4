/* isd-p/isdp.c — ES10b.LoadBoundProfilePackage (SGP.22 v2.5 §5.7.6, §3.1.3.3): the
 * load's life cycle and the install transaction.
 *
 * Decisions (documented here, tested in tests/unit/isdp):
 * - A BF36 needs an RSP session in state RSP_PREPARED (PrepareDownload done); without one
 *   there is no transactionId to answer with: SW 6A80 (ISDR_EMALFORMED), nothing stored.
 * - A BF36 (or anything else out of order) arriving while a load is in progress is a
 *   structure error of that load (scp03tStructureError): it ends with an error PIR.
 * - Every ProfileInstallationResult, success or error, is stored as a pending
 *   notification (event install, address = serverAddress of the session) in the same
 *   transaction that installs the profile (success) or alone (error), so the LPA can
 *   send it to the SM-DP+ and remove it with RemoveNotificationFromList (§3.5). If the
 *   notification list is full, an error PIR is still returned (with a fresh seqNumber)
 *   but not stored.
 * - Any failure discards everything of the load (no profile record, no profile data),
 *   ends the RSP session and keeps otSK.EUICC.ECKA (a retried download may reuse it);
 *   success uses the one-time key up and frees it. Pieces after the end are not routed
 *   here any more (no load active): the ISD-R answers them as unknown functions. */
#include "isd-p/isdp.h"

#include <stdlib.h>
#include <string.h>

#include "card/card.h"
#include "card/store.h"
#include "card/tlv.h"
#include "crypto/ct.h"
#include "isd-p/isdp_internal.h"
#include "isd-r/isdr_internal.h"
#include "isd-r/notifications.h"
#include "isd-r/profile_table.h"
#include "ppi/ppi.h"

#define PIR_MAX (1024u + ISDP_SIMA_MAX)

int isdp_fail(struct isdp_load *l, uint8_t cmd, uint8_t reason, const char *what)
{
    if (!l->failed) {
        l->failed = true;
        l->fail_cmd = cmd;
        l->fail_reason = reason;
        l->fail_what = what;
    }
    return -1;
}

static void load_free(struct isdp_load *l)
{
    if (!l)
        return;
    ppi_install_free(l->ppi);
    scp03t_wipe(&l->keys);
    if (l->plain) {
        ct_wipe(l->plain, ISDP_PLAIN_MAX);
        free(l->plain);
    }
    if (l->seg) {
        ct_wipe(l->seg, l->seg_cap);
        free(l->seg);
    }
    ct_wipe(l, sizeof *l);
    free(l);
}

bool isdp_load_active(const struct isdr *r)
{
    return r->load != NULL;
}

void isdp_load_abort(struct isdr *r)
{
    load_free(r->load);
    r->load = NULL;
}

static void trace_end(struct isdr *r, const struct isdp_load *l)
{
    if (!r->card || !card_tracing(r->card))
        return;
    if (l->failed)
        card_trace(r->card, "LoadBoundProfilePackage: bppCommandId %u errorReason %u (%s)",
                   l->fail_cmd, l->fail_reason, l->fail_what ? l->fail_what : "");
    else
        card_trace(r->card, "LoadBoundProfilePackage: profile installed");
}

/* Store a PIR as a pending notification of this session and put it in resp; the
 * caller's transaction (if open) receives the notification. 0 or -1. */
static int pir_store(struct isdr *r, const uint8_t *iccid, const struct pir_result *res,
                     uint8_t *pir, size_t *pir_len)
{
    struct notification_meta m;
    uint32_t seq;
    if (notification_alloc_seq(r->store, &seq) != STORE_OK ||
        pir_build(r, seq, iccid, res, pir, PIR_MAX, pir_len) != 0)
        return -1;
    memset(&m, 0, sizeof m);
    m.seq = seq;
    m.event = NOTIF_EVENT_INSTALL;
    m.address_len = strnlen(r->session.server_address, sizeof m.address);
    memcpy(m.address, r->session.server_address, m.address_len);
    if (iccid) {
        m.has_iccid = true;
        memcpy(m.iccid, iccid, sizeof m.iccid);
    }
    return notification_add(r->store, &m, pir, *pir_len) == STORE_OK ? 0 : -1;
}

/* End the load with its error: error PIR (stored as a notification), nothing else. */
static int finish_error(struct isdr *r, struct isdp_load *l, const uint8_t *sima,
                        size_t sima_len, struct tlv_writer *resp)
{
    struct pir_result res = { .success = false, .cmd = l->fail_cmd,
                              .reason = l->fail_reason, .sima = sima,
                              .sima_len = sima_len };
    const uint8_t *iccid = l->has_iccid ? l->rec.iccid : NULL;
    uint8_t *pir = malloc(PIR_MAX);
    size_t pir_len = 0;
    int rc = ISDR_OK;
    if (!pir)
        return ISDR_EFAIL;
    if (store_in_transaction(r->store))
        store_abort(r->store);
    if (store_begin(r->store) == STORE_OK && pir_store(r, iccid, &res, pir, &pir_len) == 0 &&
        store_commit(r->store) == STORE_OK) {
        tlv_put_raw(resp, pir, pir_len);
    } else {
        /* not storable (list full, store failure): still answer, never reuse a seq */
        uint32_t seq = 0;
        if (store_in_transaction(r->store))
            store_abort(r->store);
        if (notification_alloc_seq(r->store, &seq) != STORE_OK)
            seq = 0;
        if (pir_build(r, seq, iccid, &res, pir, PIR_MAX, &pir_len) == 0)
            tlv_put_raw(resp, pir, pir_len);
        else
            rc = ISDR_EFAIL;
    }
    free(pir);
    return rc;
}

static uint8_t ppi_reason(int rc)
{
    switch (rc) {
    case PPI_EMISMATCH:
        return BPP_ERR_DATA_MISMATCH;
    case PPI_EMEMORY:
        return BPP_ERR_INSUFFICIENT_MEMORY;
    case PPI_EPE:
    case PPI_EVERSION:
        return BPP_ERR_PE_PROCESSING;
    default:
        return BPP_ERR_UNKNOWN;
    }
}

size_t isdp_record_size(const struct profile_record *rec)
{
    uint8_t *buf = malloc(PROFILE_RECORD_MAX);
    struct tlv_writer w;
    size_t n = PROFILE_RECORD_MAX;
    if (!buf)
        return n;
    tlv_writer_init(&w, buf, PROFILE_RECORD_MAX);
    profile_write_info(rec, NULL, 0, &w);
    if (tlv_writer_ok(&w))
        n = w.len;
    free(buf);
    return n;
}

/* The last octet of the BPP arrived: finish the PPI, then install everything in ONE
 * store transaction: record (disabled), content, PIR notification. */
static int finish_success(struct isdr *r, struct isdp_load *l, struct tlv_writer *resp)
{
    const uint8_t cmd = BPP_CMD_LOAD_PROFILE_ELEMENTS;
    uint8_t *sima = malloc(ISDP_SIMA_MAX), *pir = malloc(PIR_MAX);
    struct tlv_writer sw;
    size_t pir_len = 0;
    uint8_t slot = 0, aid[16];
    int rc;

    if (!sima || !pir) {
        free(sima);
        free(pir);
        return ISDR_EFAIL;
    }
    tlv_writer_init(&sw, sima, ISDP_SIMA_MAX);
    rc = ppi_install_finish(l->ppi, &sw);
    size_t sima_len = tlv_writer_ok(&sw) ? sw.len : 0;
    if (rc != PPI_OK) {
        isdp_fail(l, cmd, ppi_reason(rc), "profile package incomplete or invalid");
        goto fail;
    }
    if (profile_free_slot(r->store, &slot) != STORE_OK) {
        isdp_fail(l, cmd, BPP_ERR_INSUFFICIENT_MEMORY, "no free ISD-P slot");
        goto fail;
    }
    profile_isdp_aid(slot, aid);
    l->rec.slot = slot;
    memcpy(l->rec.aid, aid, sizeof aid);
    l->rec.aid_len = sizeof aid;
    l->rec.state = PROFILE_DISABLED;
    size_t used = profile_bytes_used(r->store);
    size_t avail = r->capacity > used ? r->capacity - used : 0;
    size_t need = ppi_install_size(l->ppi) + isdp_record_size(&l->rec);
    if (need > avail) {
        isdp_fail(l, cmd, BPP_ERR_INSUFFICIENT_MEMORY, "profile larger than free memory");
        goto fail;
    }
    struct pir_result res = { .success = true, .aid = aid, .aid_len = sizeof aid,
                              .sima = sima, .sima_len = sima_len };
    if (store_begin(r->store) != STORE_OK)
        goto store_fail;
    if ((rc = profile_save(r->store, &l->rec)) != STORE_OK ||
        (rc = ppi_install_commit(l->ppi, r->store, slot)) != 0 ||
        pir_store(r, l->rec.iccid, &res, pir, &pir_len) != 0 ||
        (rc = store_commit(r->store)) != STORE_OK) {
        if (store_in_transaction(r->store))
            store_abort(r->store);
        isdp_fail(l, cmd, rc == STORE_EFULL ? BPP_ERR_INSUFFICIENT_MEMORY : BPP_ERR_UNKNOWN,
                  "install transaction");
        goto fail;
    }
    tlv_put_raw(resp, pir, pir_len);
    free(sima);
    free(pir);
    return ISDR_OK;
store_fail:
    isdp_fail(l, cmd, BPP_ERR_UNKNOWN, "store");
fail:
    rc = finish_error(r, l, sima, l->fail_reason == BPP_ERR_PE_PROCESSING ||
                                  l->fail_reason == BPP_ERR_DATA_MISMATCH ? sima_len : 0,
                      resp);
    free(sima);
    free(pir);
    return rc;
}

/* After a PPI failure, its EUICCResponse goes into the error PIR's simaResponse. */
static int finish_ppi_error(struct isdr *r, struct isdp_load *l, struct tlv_writer *resp)
{
    size_t sima_len = 0;
    uint8_t *sima = NULL;
    if (l->ppi && l->fail_cmd == BPP_CMD_LOAD_PROFILE_ELEMENTS &&
        (l->fail_reason == BPP_ERR_PE_PROCESSING || l->fail_reason == BPP_ERR_DATA_MISMATCH) &&
        (sima = malloc(ISDP_SIMA_MAX)) != NULL) {
        struct tlv_writer sw;
        tlv_writer_init(&sw, sima, ISDP_SIMA_MAX);
        (void)ppi_install_finish(l->ppi, &sw);
        sima_len = tlv_writer_ok(&sw) ? sw.len : 0;
    }
    int rc = finish_error(r, l, sima, sima_len, resp);
    free(sima);
    return rc;
}

/* End of the load: session over; the one-time key is used up only by a success. */
static void load_end(struct isdr *r, bool installed)
{
    isdp_load_abort(r);
    rsp_session_clear(&r->session);
    if (installed) {
        EVP_PKEY_free(r->ot_sk);
        r->ot_sk = NULL;
        ct_wipe(r->ot_pk, sizeof r->ot_pk);
    }
}

int isdp_load_piece(struct isdr *r, const uint8_t *piece, size_t len,
                    struct tlv_writer *resp)
{
    struct isdp_load *l = r->load;
    int rc;

    if (!l) {
        uint32_t tag;
        size_t hl, vl;
        if (!tlv_parse_header(piece, len, &tag, &hl, &vl) || tag != 0xBF36 ||
            r->session.state != RSP_PREPARED)
            return ISDR_EMALFORMED;      /* no download session: nothing to answer with */
        l = calloc(1, sizeof *l);
        if (!l || !(l->plain = malloc(ISDP_PLAIN_MAX))) {
            free(l);
            return ISDR_EFAIL;
        }
        l->stage = BPP_ST_BF36;
        r->load = l;
    }
    if (bpp_stream_feed(r, l, piece, len) != 0) {
        trace_end(r, l);
        rc = finish_ppi_error(r, l, resp);
        load_end(r, false);
        return rc;
    }
    if (l->stage != BPP_ST_DONE)
        return ISDR_OK;                  /* intermediate piece: no response data */
    rc = finish_success(r, l, resp);
    bool installed = rc == ISDR_OK && !l->failed;
    trace_end(r, l);
    load_end(r, installed);
    return rc;
}
