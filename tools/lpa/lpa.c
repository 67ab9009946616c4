/* tools/lpa/lpa.c — ES10 transport of an LPA (see lpa.h): SELECT ISD-R, STORE DATA
 * chaining in 120-octet blocks, GET RESPONSE while the card answers 61xx. */
#include "tools/lpa/lpa.h"

#include <stdbool.h>
#include <string.h>

#include "isd-r/isdr.h"

#define LPA_BLOCK 120u          /* lpac's default ES10x block size */
#define RAPDU_MAX 258u
#define SW_FAILED 0x6F00u       /* transport failure: no status word came back */

/* Class byte for an inter-industry (0x00) or proprietary (0x80) command on channel. */
static uint8_t cla_for(uint8_t base, uint8_t channel)
{
    if (channel < 4)
        return (uint8_t)(base | channel);
    return (uint8_t)(base | 0x40 | ((channel - 4) & 0x0F));
}

/* One exchange; data goes to rdata (appended at *rlen when rdata is non-NULL, else
 * dropped). Returns the SW, SW_FAILED when the transport failed or data overflowed. */
static uint16_t exchange(const struct lpa_transport *t, const uint8_t *capdu, size_t len,
                         uint8_t *rdata, size_t cap, size_t *rlen)
{
    uint8_t rapdu[RAPDU_MAX];
    size_t n = t->transmit(t->ctx, capdu, len, rapdu, sizeof rapdu);
    if (n < 2 || n > sizeof rapdu)
        return SW_FAILED;
    size_t dl = n - 2;
    if (dl && rdata) {
        if (dl > cap - *rlen)
            return SW_FAILED;
        memcpy(rdata + *rlen, rapdu, dl);
        *rlen += dl;
    }
    return (uint16_t)(rapdu[n - 2] << 8 | rapdu[n - 1]);
}

/* GET RESPONSE while sw is 61xx; returns the final SW. */
static uint16_t get_responses(const struct lpa_transport *t, uint8_t cla, uint16_t sw,
                              uint8_t *rdata, size_t cap, size_t *rlen)
{
    unsigned guard = 0;
    while ((sw >> 8) == 0x61 && guard++ < 1024) {
        uint8_t gr[5] = { cla, 0xC0, 0x00, 0x00, (uint8_t)(sw & 0xFF) };
        sw = exchange(t, gr, sizeof gr, rdata, cap, rlen);
    }
    return sw;
}

int lpa_select_isdr(const struct lpa_transport *t)
{
    uint8_t capdu[5 + ISDR_AID_LEN];
    uint8_t fci[256];
    size_t fl = 0;
    capdu[0] = cla_for(0x00, t->channel);
    capdu[1] = 0xA4;
    capdu[2] = 0x04;
    capdu[3] = 0x00;
    capdu[4] = ISDR_AID_LEN;
    memcpy(capdu + 5, ISDR_AID, ISDR_AID_LEN);
    uint16_t sw = exchange(t, capdu, sizeof capdu, fci, sizeof fci, &fl);
    sw = get_responses(t, capdu[0], sw, fci, sizeof fci, &fl);
    return sw == 0x9000 ? 0 : (int)sw;
}

uint16_t lpa_es10(const struct lpa_transport *t, const uint8_t *req, size_t len,
                  uint8_t *resp, size_t cap, size_t *resp_len)
{
    uint8_t capdu[5 + LPA_BLOCK];
    uint8_t cla = cla_for(0x80, t->channel);
    size_t off = 0;
    unsigned block = 0;
    uint16_t sw = SW_FAILED;

    *resp_len = 0;
    if (len == 0 || len > (size_t)LPA_BLOCK * 256u)
        return SW_FAILED;
    do {
        size_t chunk = len - off > LPA_BLOCK ? LPA_BLOCK : len - off;
        bool last = off + chunk == len;
        capdu[0] = cla;
        capdu[1] = 0xE2;
        capdu[2] = last ? 0x91 : 0x11;
        capdu[3] = (uint8_t)block++;
        capdu[4] = (uint8_t)chunk;
        memcpy(capdu + 5, req + off, chunk);
        sw = exchange(t, capdu, 5 + chunk, resp, cap, resp_len);
        sw = get_responses(t, cla, sw, resp, cap, resp_len);
        off += chunk;
        if (!last && sw != 0x9000)
            return sw;
    } while (off < len);
    return sw;
}
