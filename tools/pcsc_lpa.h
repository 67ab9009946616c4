/* tools/pcsc_lpa.h — the PC/SC side of the host tools (euicc-smdp, euicc-eim): connect
 * to the card (T=0) in a reader, open a logical channel, SELECT the ISD-R on it and send
 * ES10 requests in STORE DATA blocks through tools/lpa; power the card down after use. */
#ifndef EUICC_TOOLS_PCSC_LPA_H
#define EUICC_TOOLS_PCSC_LPA_H

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tools/lpa/lpa.h"

/* One connection to the card's ISD-R. Zero it before pcsc_lpa_open. */
struct pcsc_lpa {
    const char *prog;                /* program name for the messages */
    SCARDCONTEXT ctx;
    SCARDHANDLE h;
    bool have_ctx, connected;
    LONG last_rv;                    /* last SCardTransmit error (shown on failure) */
    char reader[256];
    struct lpa_transport t;
};

/* Connect to the reader named reader (exact, else the first containing it; NULL: the
 * first containing "Virtual PCD"), waiting up to wait_s seconds for the card, open a
 * logical channel and SELECT the ISD-R on it. 0, or -1 (the reason is printed). */
int pcsc_lpa_open(struct pcsc_lpa *l, const char *prog, const char *reader, int wait_s);

/* Close the channel, power the card down, release the context (safe after a failed open). */
void pcsc_lpa_close(struct pcsc_lpa *l);

/* One ES10 request; what names it in messages. 0 when the card answered 9000 (the
 * answer in resp[0..*resp_len)), else -1 (the SW or PC/SC error is printed). */
int pcsc_lpa_es10(struct pcsc_lpa *l, const char *what, const uint8_t *req, size_t len,
                  uint8_t *resp, size_t cap, size_t *resp_len);

#endif
