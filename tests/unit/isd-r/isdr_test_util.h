/* tests/unit/isd-r/isdr_test_util.h — fixtures for the ISD-R tests: an ISD-R driven
 * without a card (in-memory store, seeded RNG, generated test identity); hex via test_util. */
#ifndef ISDR_TEST_UTIL_H
#define ISDR_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "isd-r/isdr_internal.h"
#include "isd-r/profile_table.h"
#include "tests/common/test_util.h"

#define FX_OUT_MAX 65536u
#define FX_CAPACITY 500000u

struct fx {
    struct card *card;          /* a whole card on an in-memory store */
    struct store *store;
    struct rng *rng;
    struct ecasd *ecasd;
    struct isdr *r;             /* the card's ISD-R (for white-box checks) */
    uint8_t out[FX_OUT_MAX];
    size_t out_len;
    uint16_t sw;
};

/* cmocka setup/teardown: *state = struct fx * */
int fx_setup(void **state);
int fx_teardown(void **state);

/* Run one ES10 request given in hex through isdr_dispatch; returns the SW. */
uint16_t fx_run(struct fx *f, const char *req_hex);
uint16_t fx_run_bin(struct fx *f, const uint8_t *req, size_t len);

/* Assert the last response equals expected (hex). */
void fx_expect(const struct fx *f, const char *expected_hex);

/* Assert buffers equal, printing both in hex on mismatch. */
void expect_bytes(const uint8_t *got, size_t got_len, const uint8_t *exp, size_t exp_len);

/* Hex of p into a static buffer (for building expected strings). */
const char *tohex(const uint8_t *p, size_t len);

/* A test profile record in slot with the given ICCID hex / class / state. */
void fx_profile(struct profile_record *p, uint8_t slot, const char *iccid_hex,
                uint8_t profile_class, uint8_t state);

#endif
