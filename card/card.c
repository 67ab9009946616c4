/* card/card.c — the runtime's front door: card_transmit() decodes a C-APDU, routes it
 * (GET RESPONSE, MANAGE CHANNEL, TERMINAL CAPABILITY, SELECT by AID, the selected
 * applet, or the MF context) and converts the result for T=0 clients (61xx + GET RESPONSE); power
 * events; services for applets; the APDU trace. Lifecycle with state lives in
 * card_open.c. */
#include "card/card_internal.h"
#include "card/uicc_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct card *card_runtime_new(FILE *trace)
{
    struct card *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;
    for (size_t i = 0; i < CHANNEL_MAX; i++) {
        c->ch[i].number = (uint8_t)i;
        c->ch[i].cur_df = 0x3F00;
    }
    c->ch[0].open = true;
    profile_image_init(&c->uicc.img);
    c->trace = trace;
    c->mode = CARD_MODE_CONSUMER;
    c->capacity = CARD_DEFAULT_CAPACITY;
    return c;
}

void card_runtime_free(struct card *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < CHANNEL_MAX; i++) {
        struct channel *ch = &c->ch[i];
        if (ch->open)
            channel_clear(c, ch);
        free(ch->pending);
        ch->pending = NULL;
        storedata_free(&ch->sd);
    }
    uicc_free(c);
    memset(&c->reg, 0, sizeof(c->reg));
    free(c);
}

void card_power(struct card *c, enum card_power ev)
{
    (void)ev; /* ON, OFF and RESET all start from a clean transient state */
    if (c == NULL)
        return;
    for (size_t i = 0; i < CHANNEL_MAX; i++) {
        struct channel *ch = &c->ch[i];
        if (ch->open)
            channel_clear(c, ch);
        ch->open = (i == 0);
    }
    for (size_t i = 0; i < c->reg.n; i++) {
        struct applet *a = c->reg.applets[i];
        if (a->ops->reset != NULL)
            a->ops->reset(a, c);
    }
    uicc_reset(c);
}

struct store *card_store(struct card *c) { return c ? c->store : NULL; }
struct rng *card_rng(struct card *c) { return c ? c->rng : NULL; }
struct ecasd *card_ecasd(struct card *c) { return c ? c->ecasd : NULL; }
struct registry *card_registry(struct card *c) { return c ? &c->reg : NULL; }
enum card_mode card_mode(const struct card *c) { return c ? c->mode : CARD_MODE_DEFAULT; }
size_t card_capacity(const struct card *c) { return c ? c->capacity : 0; }
bool card_tracing(const struct card *c) { return c != NULL && c->trace != NULL; }

void card_trace(struct card *c, const char *fmt, ...)
{
    if (!card_tracing(c))
        return;
    va_list ap;
    va_start(ap, fmt);
    if (c->in_command) {
        /* held until the command line is printed; a line that does not fit is cut */
        size_t room = sizeof c->trace_lines - c->trace_len;
        if (room > 4) {
            c->trace_lines[c->trace_len++] = ' ';
            c->trace_lines[c->trace_len++] = ' ';
            room -= 2;
            int n = vsnprintf(c->trace_lines + c->trace_len, room - 1, fmt, ap);
            if (n > 0)
                c->trace_len += (size_t)n < room - 1 ? (size_t)n : room - 2;
            c->trace_lines[c->trace_len++] = '\n';
        }
    } else {
        fputs("  ", c->trace);
        vfprintf(c->trace, fmt, ap);
        fputc('\n', c->trace);
        fflush(c->trace);
    }
    va_end(ap);
}

static size_t put_sw(uint8_t *out, size_t at, uint16_t sw)
{
    out[at] = (uint8_t)(sw >> 8);
    out[at + 1] = (uint8_t)sw;
    return at + 2;
}

static uint16_t sw_remaining(size_t n)
{
    return (uint16_t)(0x6100 | (n >= 256 ? 0 : n));
}

/* Turn the applet's (resp, sw) into the R-APDU: data with 9000 is returned directly
 * up to Ne when the command had Le, the rest (or all of it, without Le) is kept for
 * GET RESPONSE and announced with 61xx. */
static size_t finish(struct channel *ch, struct apdu *a, uint8_t *out, size_t cap)
{
    uint16_t sw = a->sw != 0 ? a->sw : SW_UNKNOWN;
    if ((sw & 0xFF00) == 0x9100)
        sw = SW_OK;                            /* no proactive session: never 91xx */
    size_t rlen = a->resp_len;
    if (rlen > CARD_MAX_RAPDU - 2 || (rlen > 0 && a->resp == NULL))
        return put_sw(out, 0, SW_UNKNOWN);
    if (rlen > 0 && a->resp != ch->pending)
        memmove(ch->pending, a->resp, rlen);
    if (sw != SW_OK || rlen == 0) {
        if (rlen + 2 > cap)
            return put_sw(out, 0, SW_UNKNOWN);
        memcpy(out, ch->pending, rlen);
        return put_sw(out, rlen, sw);
    }
    ch->pending_cla = a->cla;
    ch->pending_secret = a->secret;
    if (!a->has_le) {
        ch->pending_len = rlen;
        ch->pending_off = 0;
        return put_sw(out, 0, sw_remaining(rlen));
    }
    size_t n = a->ne < rlen ? a->ne : rlen;
    if (n + 2 > cap)
        return put_sw(out, 0, SW_UNKNOWN);
    memcpy(out, ch->pending, n);
    if (n < rlen) {
        ch->pending_len = rlen;
        ch->pending_off = n;
        return put_sw(out, n, sw_remaining(rlen - n));
    }
    return put_sw(out, n, SW_OK);
}

static size_t dispatch(struct card *c, struct channel *ch, struct apdu *a, uint8_t *out,
                       size_t cap)
{
    if (a->ins == 0xC0) {
        a->secret = ch->pending_secret && ch->pending_len > 0;
        return channel_get_response(ch, a, out, cap);
    }
    ch->pending_len = 0;                       /* any other command drops it */
    ch->pending_off = 0;
    if (!channel_buffer(ch))
        return put_sw(out, 0, SW_UNKNOWN);
    a->resp = ch->pending;
    a->resp_cap = CARD_MAX_RAPDU - 2;
    if (!a->proprietary && a->ins == 0x70) {
        channel_manage(c, ch, a);
    } else if (a->proprietary && a->ins == 0xAA) {
        mf_terminal_capability(a);
    } else if (!a->proprietary && a->ins == 0xA4 && a->p1 == 0x04) {
        if (uicc_select_claims_aid(c, ch, a)) {
            if (ch->selected != NULL)
                channel_clear(c, ch);          /* an ADF of the profile leaves the applet */
            uicc_process(c, ch, a);
        } else {
            select_by_aid(c, ch, a);           /* applets win for their AIDs */
        }
    } else if (!a->proprietary && a->ins == 0xA4 && mf_select_names_mf(a)) {
        if (ch->selected != NULL)
            channel_clear(c, ch);              /* SELECT MF leaves the applet */
        uicc_process(c, ch, a);
    } else if (ch->selected != NULL) {
        ch->selected->ops->process(ch->selected, c, ch, a);
    } else {
        uicc_process(c, ch, a);
    }
    return finish(ch, a, out, cap);
}

static bool pin_ins(uint8_t ins)
{
    return ins == 0x20 || ins == 0x24 || ins == 0x26 || ins == 0x28 || ins == 0x2C;
}

static void trace_hex(FILE *f, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02X", p[i]);
}

static void trace_apdus(struct card *c, const uint8_t *capdu, size_t len, bool secret,
                        const uint8_t *rapdu, size_t rlen)
{
    if (!card_tracing(c))
        return;
    FILE *f = c->trace;
    fputs("> ", f);
    if (secret && len > 4) {
        trace_hex(f, capdu, 4);
        fputs(" <secret>", f);
    } else {
        trace_hex(f, capdu, len);
    }
    fputc('\n', f);
    fwrite(c->trace_lines, 1, c->trace_len, f);
    c->trace_len = 0;
    fflush(f);
    fputs("< ", f);
    if (secret && rlen > 2) {
        fputs("<secret> ", f);
        trace_hex(f, rapdu + rlen - 2, 2);
    } else {
        trace_hex(f, rapdu, rlen);
    }
    fputc('\n', f);
    fflush(f);
}

size_t card_transmit(struct card *c, const uint8_t *capdu, size_t len, uint8_t *rapdu,
                     size_t cap)
{
    if (rapdu == NULL || cap < 2)
        return 0;
    if (c == NULL)
        return put_sw(rapdu, 0, SW_UNKNOWN);
    struct apdu a;
    size_t out;
    c->in_command = true;
    c->trace_len = 0;
    uint16_t sw = apdu_decode(&a, capdu, len);
    if (sw != 0) {
        out = put_sw(rapdu, 0, sw);
    } else if (a.channel >= CHANNEL_MAX || !c->ch[a.channel].open) {
        out = put_sw(rapdu, 0, SW_LOGICAL_CHANNEL_NOT_SUPPORTED);
    } else {
        out = dispatch(c, &c->ch[a.channel], &a, rapdu, cap);
    }
    bool secret = a.secret || (capdu != NULL && len >= 2 && pin_ins(capdu[1]));
    trace_apdus(c, capdu, capdu != NULL ? len : 0, secret, rapdu, out);
    c->in_command = false;
    return out;
}
