/* isd-r/profile_rollback.c — the persisted SGP.32 rollback point.
 * Store layout: SID_ISDR_ROLLBACK = had_previous (00/01) ‖ previous ICCID (10, zero when
 * none) ‖ enabled ICCID (10). Written and removed only inside the transaction of the
 * operation that opens or ends the rollback window (enable PSMO with rollbackFlag; the
 * next eUICC Package, ProfileRollback, memory reset, fallback/emergency switches). */
#include "isd-r/profile_rollback.h"

#include <string.h>

#include "card/store.h"
#include "isd-r/isdr_internal.h"

#define RECORD_LEN (1 + 2 * PROFILE_ICCID_LEN)

int rollback_point_set(struct store *s, const struct rollback_point *p)
{
    uint8_t b[RECORD_LEN] = {0};
    b[0] = p->had_previous ? 1 : 0;
    if (p->had_previous)
        memcpy(b + 1, p->previous_iccid, PROFILE_ICCID_LEN);
    memcpy(b + 1 + PROFILE_ICCID_LEN, p->enabled_iccid, PROFILE_ICCID_LEN);
    return store_put(s, SID_ISDR_ROLLBACK, b, sizeof b);
}

int rollback_point_clear(struct store *s)
{
    return store_delete(s, SID_ISDR_ROLLBACK);
}

int rollback_point_get(struct store *s, struct rollback_point *out)
{
    uint8_t b[RECORD_LEN];
    size_t len = 0;
    int rc = store_get(s, SID_ISDR_ROLLBACK, b, sizeof b, &len);
    if (rc == STORE_ETOOSMALL || (rc == STORE_OK && (len != RECORD_LEN || b[0] > 1)))
        return STORE_ECORRUPT;
    if (rc != STORE_OK)
        return rc;
    out->had_previous = b[0] == 1;
    memcpy(out->previous_iccid, b + 1, PROFILE_ICCID_LEN);
    memcpy(out->enabled_iccid, b + 1 + PROFILE_ICCID_LEN, PROFILE_ICCID_LEN);
    return STORE_OK;
}
