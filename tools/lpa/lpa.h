/* tools/lpa/lpa.h — the LPA side of ES10 for host tools, tests and benchmarks: sends an
 * ES10 request to the ISD-R the way lpac does (STORE DATA blocks of up to 120 octets,
 * P1 11/91, P2 = block number; GET RESPONSE while 61xx) over any transmit function
 * (card_transmit in-process, or SCardTransmit through pcscd). */
#ifndef EUICC_LPA_H
#define EUICC_LPA_H

#include <stddef.h>
#include <stdint.h>

struct lpa_transport {
    void *ctx;
    /* send one C-APDU, receive data||SW into rapdu (cap >= 258); returns length or 0 */
    size_t (*transmit)(void *ctx, const uint8_t *capdu, size_t len, uint8_t *rapdu,
                       size_t cap);
    uint8_t channel;              /* logical channel the ISD-R is selected on */
};

/* SELECT the ISD-R on t->channel (reading the FCI through GET RESPONSE). 0 or the SW. */
int lpa_select_isdr(const struct lpa_transport *t);

/* One ES10 request (a whole DO, or one BPP piece); response data into resp (may be
 * empty). Returns the final status word (0x9000 on success). */
uint16_t lpa_es10(const struct lpa_transport *t, const uint8_t *req, size_t len,
                  uint8_t *resp, size_t cap, size_t *resp_len);

#endif
