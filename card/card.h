/* card/card.h — the one door every front end uses (vicc, tests, fuzzers, tools). */
#ifndef EUICC_CARD_H
#define EUICC_CARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct card;
struct store;
struct rng;
struct ecasd;
struct registry;

enum card_power { CARD_POWER_OFF, CARD_POWER_ON, CARD_POWER_RESET };

enum card_mode { CARD_MODE_DEFAULT = 0, CARD_MODE_CONSUMER = 1, CARD_MODE_IOT = 2 };

#define CARD_STATE_FORMAT 1u           /* bump when the persistent layout changes */
#define CARD_MAX_CAPDU   (65536u + 9u) /* extended APDU: header + 3 + 65535 + 3 */
#define CARD_MAX_RAPDU   (65536u + 2u)

struct card_config {
    const char *state_dir;            /* NULL: in-memory store (unless store is set) */
    struct store *store;              /* optional: an already-open store, not owned */
    const char *identity_dir;         /* NULL: keep stored identity or generate a test PKI */
    const char *const *ci_paths;      /* extra trusted CI certificates (DER or PEM) */
    size_t n_ci_paths;
    FILE *trace;                      /* NULL: no trace */
    const uint8_t *rng_seed;          /* non-NULL: deterministic DRBG seeded with this */
    size_t rng_seed_len;
    enum card_mode mode;              /* used at first start only; DEFAULT = consumer */
    size_t capacity;                  /* profile memory in bytes; 0 = default */
};

/* Load or create the card state. Returns 0, or -1 with a message in err. */
int card_open(struct card **out, const struct card_config *cfg, char *err, size_t errcap);

/* Free the card (closes the store unless it was given in cfg->store). NULL ok. */
void card_close(struct card *c);

/* Power events: OFF and RESET clear all transient state (channels, selections,
 * pending responses, chained STORE DATA, RSP session). */
void card_power(struct card *c, enum card_power ev);

/* The ATR (offers T=0 and T=1, announces logical channels); returns its length. */
size_t card_atr(const struct card *c, uint8_t *atr, size_t cap);

/* Process one C-APDU; writes data || SW1 SW2 into rapdu and returns its length
 * (always >= 2 when cap >= 2). */
size_t card_transmit(struct card *c, const uint8_t *capdu, size_t len, uint8_t *rapdu,
                     size_t cap);

/* Services the runtime offers to applets. */
struct store *card_store(struct card *c);
struct rng *card_rng(struct card *c);
struct ecasd *card_ecasd(struct card *c);
/* The applet registry: applets (ECASD, ISD-R, ...) register here with registry_add(). */
struct registry *card_registry(struct card *c);
enum card_mode card_mode(const struct card *c);
size_t card_capacity(const struct card *c);

/* Trace a line (prefixed, newline added) when tracing is on. Never pass secrets. */
void card_trace(struct card *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool card_tracing(const struct card *c);

#endif
