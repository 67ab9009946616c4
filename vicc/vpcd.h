/* vicc/vpcd.h — client of vsmartcard's vpcd protocol (the card side).
 *
 * Wire format: every frame is a 2-byte big-endian length followed by the payload.
 * 1-byte payloads are control messages from vpcd: 0 power off, 1 power on, 2 reset
 * (no reply), 4 get ATR (reply: the ATR). Anything else is a C-APDU, answered with
 * the R-APDU (data || SW1 SW2).
 *
 * Latency: Debian's vpcd writes length and payload separately with Nagle on, so the
 * card side sets TCP_NODELAY, sends each reply in one send() and re-arms
 * TCP_QUICKACK before every receive; without this each APDU costs ~44 ms. */
#ifndef EUICC_VICC_VPCD_H
#define EUICC_VICC_VPCD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vicc/frontend.h"

#define VPCD_DEFAULT_HOST "127.0.0.1"
#define VPCD_DEFAULT_PORT 35963u
#define VPCD_MAX_FRAME    0xFFFFu   /* the length field is 16 bits */
#define VPCD_HOST_MAX     256u

enum vpcd_ctrl { VPCD_CTRL_OFF = 0, VPCD_CTRL_ON = 1, VPCD_CTRL_RESET = 2, VPCD_CTRL_ATR = 4 };

struct vpcd_options {
    char host[VPCD_HOST_MAX];     /* name or address (IPv6 without brackets) */
    uint16_t port;
    int stop_fd;                  /* readable (e.g. self-pipe) = stop; -1: none */
    FILE *log;                    /* status messages (connect, lost, waiting); NULL: none */
    FILE *trace;                  /* control events (power, ATR); NULL: none */
    unsigned backoff_min_ms;      /* first reconnect delay; 0: 50 ms */
    unsigned backoff_max_ms;      /* largest reconnect delay; 0: 1000 ms */
};

/* Fill o with the defaults (127.0.0.1:35963, no stop fd, no log). */
void vpcd_options_init(struct vpcd_options *o);

/* Parse "HOST:PORT" or "[V6ADDR]:PORT" into o->host / o->port. Returns 0, or -1 with a
 * message in err. */
int vpcd_parse_endpoint(struct vpcd_options *o, const char *s, char *err, size_t errcap);

/* Connect once (TCP_NODELAY set). Returns the socket, -1 when nothing listens / the
 * host is unreachable (err says why), or -2 on a fatal error (e.g. unknown host). */
int vpcd_connect(const struct vpcd_options *o, char *err, size_t errcap);

/* Read one frame into buf (cap >= VPCD_MAX_FRAME recommended). Returns 1 with *len set,
 * 0 on orderly close, -1 on error (also a frame longer than cap), -2 when stop_fd became
 * readable. Handles short reads; re-arms TCP_QUICKACK before every receive. */
int vpcd_read_frame(int fd, int stop_fd, uint8_t *buf, size_t cap, size_t *len);

/* Send one frame (length + payload in a single send()). Returns 0 or -1. */
int vpcd_send_frame(int fd, const uint8_t *p, size_t len);

/* Answer one received frame: power events, ATR request or C-APDU. Returns 0, or -1 when
 * the reply could not be sent. */
int vpcd_handle_frame(const struct frontend_card *card, int fd, const uint8_t *frame,
                      size_t len, FILE *trace);

/* Serve one connection until vpcd closes it (returns 0), an I/O error (-1) or stop (-2). */
int vpcd_serve(const struct frontend_card *card, int fd, const struct vpcd_options *o);

/* Connect, serve, and on loss power the card off and reconnect with backoff, until
 * stop_fd becomes readable. Returns 0 on stop, -1 on a fatal error. */
int vpcd_run(const struct frontend_card *card, const struct vpcd_options *o);

#endif
