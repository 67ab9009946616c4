/* tools/pcsc_lpa.c — PC/SC connection to the ISD-R for the host tools (see pcsc_lpa.h). */
#include "tools/pcsc_lpa.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define RAPDU_MAX 258u

static size_t pcsc_transmit(void *ctx, const uint8_t *capdu, size_t len, uint8_t *rapdu,
                            size_t cap)
{
    struct pcsc_lpa *l = ctx;
    DWORD rl = (DWORD)cap;
    LONG rv = SCardTransmit(l->h, SCARD_PCI_T0, capdu, (DWORD)len, NULL, rapdu, &rl);
    if (rv != SCARD_S_SUCCESS) {
        l->last_rv = rv;
        return 0;
    }
    return rl;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* The reader named want (exact, else the first containing it), or the first one
 * containing "Virtual PCD". */
static bool pick_reader(struct pcsc_lpa *l, const char *want, LONG *rv)
{
    char buf[4096];
    DWORD len = sizeof buf;
    const char *pattern = want ? want : "Virtual PCD";
    *rv = SCardListReaders(l->ctx, NULL, buf, &len);
    if (*rv != SCARD_S_SUCCESS || len < 1 || len > sizeof buf)
        return false;
    buf[len - 1] = '\0';
    for (int exact = 1; exact >= 0; exact--)
        for (const char *r = buf; *r && r < buf + len; r += strlen(r) + 1)
            if (exact ? want && strcmp(r, want) == 0 : strstr(r, pattern) != NULL) {
                snprintf(l->reader, sizeof l->reader, "%s", r);
                return true;
            }
    return false;
}

/* A client that left the card powered (SCARD_LEAVE_CARD) before euicc-emu restarted
 * can leave pcscd unable to power up the new card ("No smart card inserted" for good):
 * a direct connection released with SCARD_UNPOWER_CARD resets pcscd's view of the
 * reader. Only used while waiting (--wait) after 2 s of failed connections. */
static void unstick(struct pcsc_lpa *l)
{
    SCARDHANDLE d;
    DWORD proto;
    if (SCardConnect(l->ctx, l->reader, SCARD_SHARE_DIRECT, 0, &d, &proto) == SCARD_S_SUCCESS)
        SCardDisconnect(d, SCARD_UNPOWER_CARD);
}

/* A card that went away while pcscd still counts it as powered (euicc-emu restarted)
 * fails its first command: then power it down so that pcscd notices, and try again
 * within wait_s. */
int pcsc_lpa_open(struct pcsc_lpa *l, const char *prog, const char *want, int wait_s)
{
    static const uint8_t open_ch[] = { 0x00, 0x70, 0x00, 0x00, 0x01 };
    uint8_t r[RAPDU_MAX];
    size_t n = 0;
    l->prog = prog;
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &l->ctx);
    if (rv != SCARD_S_SUCCESS) {
        fprintf(stderr, "%s: cannot reach pcscd: %s (is pcscd running?)\n", prog,
                pcsc_stringify_error(rv));
        return -1;
    }
    l->have_ctx = true;
    l->t.ctx = l;
    l->t.transmit = pcsc_transmit;
    for (long waited = 0;; waited += 100) {
        if (pick_reader(l, want, &rv)) {
            DWORD proto;
            rv = SCardConnect(l->ctx, l->reader, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0, &l->h,
                              &proto);
            if (rv == SCARD_S_SUCCESS) {
                if ((n = pcsc_transmit(l, open_ch, sizeof open_ch, r, sizeof r)) != 0)
                    break;
                rv = l->last_rv;
                SCardDisconnect(l->h, SCARD_UNPOWER_CARD);
            } else if (waited >= 2000 && waited % 2000 == 0) {
                unstick(l);          /* not at once: a card coming back takes ~1 s */
            }
        }
        if (waited >= (long)wait_s * 1000) {
            if (!l->reader[0])
                fprintf(stderr, "%s: no reader %s%s%s found%s%s%s; is the vpcd "
                        "reader configured in pcscd?\n", prog, want ? "'" : "containing \"",
                        want ? want : "Virtual PCD", want ? "'" : "\"",
                        rv != SCARD_S_SUCCESS ? " (" : "",
                        rv != SCARD_S_SUCCESS ? pcsc_stringify_error(rv) : "",
                        rv != SCARD_S_SUCCESS ? ")" : "");
            else
                fprintf(stderr, "%s: cannot talk to the card in '%s': %s (is "
                        "euicc-emu running? --wait SEC waits for it)\n", prog, l->reader,
                        pcsc_stringify_error(rv));
            return -1;
        }
        sleep_ms(100);
    }
    l->connected = true;
    if (n != 3 || r[1] != 0x90 || r[2] != 0x00 || r[0] == 0 || r[0] > 19) {
        fprintf(stderr, "%s: MANAGE CHANNEL (open): unexpected answer", prog);
        if (n >= 2)
            fprintf(stderr, " (SW %02X%02X)", r[n - 2], r[n - 1]);
        fputc('\n', stderr);
        return -1;
    }
    l->t.channel = r[0];
    int sw = lpa_select_isdr(&l->t);
    if (sw != 0) {
        fprintf(stderr, "%s: SELECT ISD-R on channel %u: SW %04X\n", prog, l->t.channel,
                (unsigned)sw);
        return -1;
    }
    return 0;
}

/* A card left powered keeps pcscd from noticing that euicc-emu went away and came back,
 * and the next run would meet a stale reader. */
void pcsc_lpa_close(struct pcsc_lpa *l)
{
    if (l->connected) {
        if (l->t.channel) {
            uint8_t ch = l->t.channel;
            uint8_t cla = (uint8_t)(ch < 4 ? ch : 0x40 | ((ch - 4) & 0x0F));
            uint8_t close_ch[] = { cla, 0x70, 0x80, ch, 0x00 }, r[RAPDU_MAX];
            pcsc_transmit(l, close_ch, sizeof close_ch, r, sizeof r);
        }
        SCardDisconnect(l->h, SCARD_UNPOWER_CARD);
        l->connected = false;
    }
    if (l->have_ctx)
        SCardReleaseContext(l->ctx);
    l->have_ctx = false;
}

int pcsc_lpa_es10(struct pcsc_lpa *l, const char *what, const uint8_t *req, size_t len,
                  uint8_t *resp, size_t cap, size_t *resp_len)
{
    l->last_rv = SCARD_S_SUCCESS;
    uint16_t sw = lpa_es10(&l->t, req, len, resp, cap, resp_len);
    if (sw == 0x9000)
        return 0;
    if (l->last_rv != SCARD_S_SUCCESS)
        fprintf(stderr, "%s: %s: %s\n", l->prog, what, pcsc_stringify_error(l->last_rv));
    else
        fprintf(stderr, "%s: %s: card answered SW %04X\n", l->prog, what, sw);
    return -1;
}
