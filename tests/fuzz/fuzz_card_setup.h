/* tests/fuzz/fuzz_card_setup.h — the card every `card` fuzz input starts from, shared by
 * the fuzz target and the seed recorder (make_card_seeds.c) so recorded sessions replay
 * exactly: a memory store holding either the GSMA SGP.26 test identity (when
 * $EUICC_EMU_SHARED/sgp26 or ../shared/sgp26 exists: then recorded downloads from the
 * test SM-DP+ verify) or a generated one, a seeded rng re-seeded per input, and a power
 * cycle. */
#ifndef EUICC_FUZZ_CARD_SETUP_H
#define EUICC_FUZZ_CARD_SETUP_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "card/card.h"
#include "card/store.h"
#include "crypto/rng.h"

static const uint8_t FUZZ_CARD_SEED[] = "euicc-emu fuzz identity";

/* <shared>/sgp26 when present, else NULL. */
static inline const char *fuzz_card_identity(void)
{
    static char dir[512];
    struct stat st;
    const char *shared = getenv("EUICC_EMU_SHARED");
    snprintf(dir, sizeof dir, "%s/sgp26", shared ? shared : "../shared");
    return stat(dir, &st) == 0 ? dir : NULL;
}

/* Open the card on store s in a mode (first call: creates the identity and fixes the
 * mode). Aborts on failure. */
static inline struct card *fuzz_card_open_mode(struct store *s, const char *identity,
                                               enum card_mode mode)
{
    struct card_config cfg = {0};
    cfg.mode = mode;
    struct card *c = NULL;
    char err[256];
    cfg.store = s;
    cfg.identity_dir = identity;
    cfg.rng_seed = FUZZ_CARD_SEED;
    cfg.rng_seed_len = sizeof FUZZ_CARD_SEED;
    if (card_open(&c, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz card: %s\n", err);
        abort();
    }
    return c;
}

/* The consumer card every `card` input starts from. */
static inline struct card *fuzz_card_open(struct store *s, const char *identity)
{
    return fuzz_card_open_mode(s, identity, CARD_MODE_DEFAULT);
}

/* Transient state cleared and the rng replayed from its seed: the state every input
 * (and every recorded seed session) starts in. */
static inline void fuzz_card_restart(struct card *c)
{
    card_power(c, CARD_POWER_OFF);
    if (rng_reseed(card_rng(c), FUZZ_CARD_SEED, sizeof FUZZ_CARD_SEED) != 0)
        abort();
    card_power(c, CARD_POWER_ON);
}

#endif
