/* isd-p/isdp_preload.c — install a profile package without a download (isdp_preload in
 * isd-p/isdp.h): metadata from the header PE, the profile content through the profile
 * package interpreter, record + content in one store transaction, no notification. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card/card_internal.h"
#include "card/store.h"
#include "card/tlv.h"
#include "isd-p/isdp.h"
#include "isd-p/isdp_internal.h"
#include "isd-r/isdr_internal.h"
#include "isd-r/profile_table.h"
#include "ppi/ppi.h"

#define RESPONSE_MAX 1024u

static int failure(char *err, size_t errcap, int rc, const char *msg)
{
    if (err && errcap)
        snprintf(err, errcap, "%s", msg);
    return rc;
}

/* Metadata from the header PE: ICCID (EF.ICCID coding) and profileType as the name. */
static bool header_metadata(const uint8_t *upp, size_t len, struct profile_record *rec)
{
    struct tlv h, t;
    size_t chars;
    if (!tlv_parse(upp, len, &h) || h.tag != 0xA0 ||
        !tlv_find(h.value, h.len, 0x83, &t) || t.len != PROFILE_ICCID_LEN)
        return false;
    for (size_t i = 0; i < PROFILE_ICCID_LEN; i++)
        rec->iccid[i] = (uint8_t)(t.value[i] << 4 | t.value[i] >> 4);
    if (tlv_find(h.value, h.len, 0x82, &t) && t.len > 0 && t.len <= PROFILE_TEXT_MAX &&
        isdr_utf8_valid(t.value, t.len, &chars) && chars <= PROFILE_NAME_CHARS) {
        memcpy(rec->name, t.value, t.len);
        rec->name_len = t.len;
        rec->present |= PROFILE_HAS_NAME;
    }
    return true;
}

/* "status S (identification I)" of the last PEStatus of an EUICCResponse. */
static void describe_response(const uint8_t *r, size_t len, int ppi_rc, char *err,
                              size_t errcap)
{
    struct tlv top, list, st, f;
    struct tlv_cursor c, fc;
    int64_t status = -1, id = -1, v;
    if (tlv_parse(r, len, &top) && tlv_find(top.value, top.len, 0xA0, &list) &&
        tlv_enter(&list, &c)) {
        while (tlv_next(&c, &st)) {
            status = id = -1;
            if (!tlv_enter(&st, &fc))
                break;
            while (tlv_next(&fc, &f)) {
                if (!tlv_get_int(f.value, f.len, &v))
                    continue;
                if (f.tag == 0x80)
                    status = v;
                else if (f.tag == 0x81)
                    id = v;
            }
        }
    }
    if (err && errcap)
        snprintf(err, errcap, "profile package refused (%s): PEStatus %lld, identification %lld",
                 ppi_rc == PPI_EMISMATCH ? "ICCID mismatch" :
                 ppi_rc == PPI_EMEMORY ? "not enough memory" : "profile element error",
                 (long long)status, (long long)id);
}

int isdp_preload(struct card *c, const uint8_t *upp, size_t len, char *err, size_t errcap)
{
    struct profile_record *rec;
    struct ppi_install *p = NULL;
    uint8_t resp[RESPONSE_MAX];
    struct tlv_writer w;
    uint8_t slot;
    int rc;

    if (err && errcap)
        err[0] = '\0';
    if (!c || !c->isdr || !c->isdr->store || (!upp && len))
        return failure(err, errcap, ISDP_PRELOAD_EINVAL, "no card");
    struct isdr *r = c->isdr;
    rec = calloc(2, sizeof *rec);          /* [0] the new record, [1] scratch */
    if (!rec)
        return failure(err, errcap, ISDP_PRELOAD_EMEMORY, "out of memory");
    if (!header_metadata(upp, len, rec)) {
        rc = failure(err, errcap, ISDP_PRELOAD_EINVAL,
                     "not a profile package: no header PE (A0) with a 10-octet ICCID first");
        goto out;
    }
    if (profile_find_iccid(r->store, rec->iccid, &rec[1]) == STORE_OK) {
        rc = failure(err, errcap, ISDP_PRELOAD_EXISTS, "a profile with this ICCID exists");
        goto out;
    }
    if (profile_free_slot(r->store, &slot) != STORE_OK) {
        rc = failure(err, errcap, ISDP_PRELOAD_EMEMORY, "no free profile slot");
        goto out;
    }
    rec->slot = slot;
    profile_isdp_aid(slot, rec->aid);
    rec->aid_len = PROFILE_AID_MAX;
    rec->state = PROFILE_DISABLED;
    rec->profile_class = PROFILE_CLASS_OPERATIONAL;

    size_t used = profile_bytes_used(r->store);
    size_t avail = r->capacity > used ? r->capacity - used : 0;
    p = ppi_install_begin(rec->iccid, avail);
    if (!p) {
        rc = failure(err, errcap, ISDP_PRELOAD_EMEMORY, "out of memory");
        goto out;
    }
    tlv_writer_init(&w, resp, sizeof resp);
    int prc = ppi_install_feed(p, upp, len);
    int frc = ppi_install_finish(p, &w);
    if (prc == PPI_OK)
        prc = frc;
    if (prc != PPI_OK) {
        describe_response(resp, tlv_writer_ok(&w) ? w.len : 0, prc, err, errcap);
        rc = prc == PPI_EMEMORY ? ISDP_PRELOAD_EMEMORY : ISDP_PRELOAD_EPROFILE;
        goto out;
    }
    if (ppi_install_size(p) + isdp_record_size(rec) > avail) {
        rc = failure(err, errcap, ISDP_PRELOAD_EMEMORY, "profile larger than free memory");
        goto out;
    }
    if (store_begin(r->store) != STORE_OK) {
        rc = failure(err, errcap, ISDP_PRELOAD_ESTORE, "store");
        goto out;
    }
    int src = profile_save(r->store, rec);
    int crc = src == STORE_OK ? ppi_install_commit(p, r->store, slot) : PPI_ESTORE;
    if (src != STORE_OK || crc != PPI_OK || store_commit(r->store) != STORE_OK) {
        if (store_in_transaction(r->store))
            store_abort(r->store);
        bool full = src == STORE_EFULL || crc == PPI_EMEMORY;
        rc = failure(err, errcap, full ? ISDP_PRELOAD_EMEMORY : ISDP_PRELOAD_ESTORE,
                     full ? "store full" : "store transaction failed");
        goto out;
    }
    rc = ISDP_PRELOAD_OK;
out:
    ppi_install_free(p);
    free(rec);
    return rc;
}
