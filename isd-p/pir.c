/* isd-p/pir.c — ProfileInstallationResult (SGP.22 v2.5 §5.5.5, ASN.1 BF37):
 *   BF37 { BF27 ProfileInstallationResultData {
 *            80 transactionId, BF2F notificationMetadata {80 seq, 81 install, 0C address,
 *            5A iccid?}, 06 smdpOid,
 *            A2 finalResult { A0 SuccessResult {4F aid, 04 simaResponse}
 *                           | A1 ErrorResult {80 bppCommandId, 81 errorReason,
 *                                             82 simaResponse?} } },
 *          5F37 euiccSignPIR }
 * euiccSignPIR is the ECASD signature over the whole BF27 TLV (tag included). */
#include <stdlib.h>
#include <string.h>

#include "card/tlv.h"
#include "ecasd/ecasd.h"
#include "isd-p/isdp_internal.h"
#include "isd-r/isdr_internal.h"
#include "isd-r/notifications.h"

int pir_build(struct isdr *r, uint32_t seq, const uint8_t *iccid,
              const struct pir_result *res, uint8_t *out, size_t cap, size_t *out_len)
{
    struct rsp_session *s = &r->session;
    struct notification_meta m;
    struct tlv_writer w;
    uint8_t sig[64];

    memset(&m, 0, sizeof m);
    m.seq = seq;
    m.event = NOTIF_EVENT_INSTALL;
    m.address_len = strnlen(s->server_address, sizeof s->server_address);
    if (m.address_len > sizeof m.address)
        m.address_len = sizeof m.address;
    memcpy(m.address, s->server_address, m.address_len);
    if (iccid) {
        m.has_iccid = true;
        memcpy(m.iccid, iccid, sizeof m.iccid);
    }

    tlv_writer_init(&w, out, cap);
    tlv_open(&w, 0xBF37);
    size_t data_at = w.len;
    tlv_open(&w, 0xBF27);
    tlv_put(&w, 0x80, s->transaction_id, s->transaction_id_len);
    notification_write_metadata(&m, &w);
    tlv_put(&w, 0x06, s->smdp_oid, s->smdp_oid_len);
    tlv_open(&w, 0xA2);
    if (res->success) {
        tlv_open(&w, 0xA0);
        tlv_put(&w, 0x4F, res->aid, res->aid_len);
        tlv_put(&w, 0x04, res->sima, res->sima_len);
        tlv_close(&w);
    } else {
        tlv_open(&w, 0xA1);
        tlv_put_int(&w, 0x80, res->cmd);
        tlv_put_int(&w, 0x81, res->reason);
        if (res->sima_len)
            tlv_put(&w, 0x82, res->sima, res->sima_len);
        tlv_close(&w);
    }
    tlv_close(&w);
    tlv_close(&w);
    if (w.overflow)
        return -1;
    /* BF27 is complete (its length patched): sign it as encoded */
    size_t data_len = w.len - data_at;
    if (ecasd_sign(r->ecasd, s->ci, out + data_at, data_len, sig) != 0)
        return -1;
    tlv_put(&w, 0x5F37, sig, sizeof sig);
    tlv_close(&w);
    if (!tlv_writer_ok(&w))
        return -1;
    *out_len = w.len;
    return 0;
}
