/* Fuzz target: vpcd framing (vicc/vpcd.c) in front of the real card. The input is the
 * byte stream vpcd would send (2-byte big-endian length + payload, any garbage
 * included); it is written into one end of a socket pair and vpcd_serve() handles the
 * other end until end of stream. A thread drains the card's replies. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "card/card.h"
#include "vicc/vpcd.h"

static struct card *card;

static void fe_power(void *ctx, enum card_power ev) { card_power(ctx, ev); }
static size_t fe_atr(void *ctx, uint8_t *atr, size_t cap) { return card_atr(ctx, atr, cap); }
static size_t fe_transmit(void *ctx, const uint8_t *c, size_t n, uint8_t *r, size_t cap)
{
    return card_transmit(ctx, c, n, r, cap);
}

struct feed { int fd; const uint8_t *p; size_t n; };

static void *feed_and_drain(void *arg)
{
    struct feed *f = arg;
    size_t off = 0;
    uint8_t sink[4096];
    /* write everything (the card side reads concurrently), then half-close and drain */
    while (off < f->n) {
        ssize_t w = send(f->fd, f->p + off, f->n - off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w > 0) {
            off += (size_t)w;
            continue;
        }
        if (recv(f->fd, sink, sizeof sink, MSG_DONTWAIT) == 0)
            break;                                  /* the card side closed */
    }
    shutdown(f->fd, SHUT_WR);
    while (recv(f->fd, sink, sizeof sink, 0) > 0)
        ;
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (card == NULL) {
        static const uint8_t seed[] = "euicc-emu vicc fuzz";
        struct card_config cfg = {0};
        char err[256];
        cfg.rng_seed = seed;
        cfg.rng_seed_len = sizeof seed;
        if (card_open(&card, &cfg, err, sizeof err) != 0)
            abort();
    }
    card_power(card, CARD_POWER_OFF);     /* transient state from the last input gone */
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        abort();
    struct frontend_card fe = { card, fe_power, fe_atr, fe_transmit };
    struct vpcd_options o;
    vpcd_options_init(&o);
    struct feed f = { sv[1], data, size };
    pthread_t t;
    if (pthread_create(&t, NULL, feed_and_drain, &f) != 0)
        abort();
    (void)vpcd_serve(&fe, sv[0], &o);
    close(sv[0]);
    pthread_join(t, NULL);
    close(sv[1]);
    return 0;
}
