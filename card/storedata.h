/* card/storedata.h — GlobalPlatform STORE DATA block chaining (P1 b8 = last block,
 * P2 = block number) reassembled into one request. */
#ifndef EUICC_STOREDATA_H
#define EUICC_STOREDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apdu.h"

#define STOREDATA_MAX 98304u   /* 96 KiB: reassembled request limit (>= 64 KiB) */

struct storedata {
    uint8_t *buf;         /* heap, STOREDATA_MAX, allocated on first use */
    size_t len;
    bool active;          /* a chain is in progress */
    uint8_t next_block;   /* expected P2 of the next block */
};

enum storedata_result {
    STOREDATA_MORE,       /* block accepted, more to come: answer 9000 */
    STOREDATA_COMPLETE,   /* last block accepted: sd->buf[0..len) is the request */
    STOREDATA_ERROR,      /* *sw tells why; the chain is discarded */
};

/* Feed one STORE DATA command. */
enum storedata_result storedata_accept(struct storedata *sd, const struct apdu *a,
                                       uint16_t *sw);

/* Discard any chain in progress (keeps the buffer). */
void storedata_reset(struct storedata *sd);

/* Free the buffer. */
void storedata_free(struct storedata *sd);

#endif
