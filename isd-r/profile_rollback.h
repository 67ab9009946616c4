/* isd-r/profile_rollback.h — the SGP.32 rollback point (ES10b.ProfileRollback, §5.9.16):
 * set by an enable PSMO that carried rollbackFlag, persisted so that it survives the
 * REFRESH / reset / power loss that typically follows the enable. */
#ifndef EUICC_PROFILE_ROLLBACK_H
#define EUICC_PROFILE_ROLLBACK_H

#include <stdbool.h>
#include <stdint.h>

#include "isd-r/profile_table.h"

struct store;

struct rollback_point {
    bool had_previous;                              /* a profile was enabled before */
    uint8_t previous_iccid[PROFILE_ICCID_LEN];      /* it (valid when had_previous) */
    uint8_t enabled_iccid[PROFILE_ICCID_LEN];       /* the profile the PSMO enabled */
};

/* Record the rollback point inside the open transaction. STORE_OK or a store error. */
int rollback_point_set(struct store *s, const struct rollback_point *p);

/* Forget the rollback point (none is fine) inside the open transaction. */
int rollback_point_clear(struct store *s);

/* The recorded point: STORE_OK, STORE_ENOTFOUND, STORE_ECORRUPT or a store error. */
int rollback_point_get(struct store *s, struct rollback_point *out);

#endif
