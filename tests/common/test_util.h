/* tests/common/test_util.h — small helpers shared by the unit tests (CMocka): files,
 * the shared data directory, hex, and hex C-APDUs through card_transmit(). */
#ifndef TESTS_COMMON_TEST_UTIL_H
#define TESTS_COMMON_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "card/card.h"

/* The shared test-data directory: $EUICC_EMU_SHARED (unless empty), else "../shared". */
const char *tu_shared_dir(void);

/* The SGP.26 identity directory: $EUICC_SGP26_DIR, else "../shared/sgp26". */
const char *tu_sgp26_dir(void);

/* A whole file in a malloc'd buffer (NUL appended, not counted in *len); NULL when it
 * cannot be read. */
uint8_t *tu_read_file(const char *path, size_t *len);

/* A TS.48 profile package <shared>/profiles/ts48/name (tu_read_file); NULL when it
 * cannot be read. */
uint8_t *tu_read_ts48(const char *name, size_t *len);

/* tu_read_ts48, failing the test (with the path) when the file cannot be read. */
uint8_t *tu_load_ts48(const char *name, size_t *len);

/* Write len octets to path (created or truncated); fails the test on any error. */
void tu_write_file(const char *path, const uint8_t *p, size_t len);

/* Hex (spaces ignored) into out; fails the test on a bad digit, an odd count or more
 * than cap octets. Returns the octet count. */
size_t tu_unhex(const char *s, uint8_t *out, size_t cap);

/* tu_unhex of exactly n octets; fails the test on any other count. */
void tu_unhex_n(const char *s, uint8_t *out, size_t n);

/* n octets as upper-case hex into out (2n + 1 chars with the NUL). */
void tu_tohex(const uint8_t *p, size_t n, char *out);

/* card_open(cfg) into *c; fails the test with card_open's message on error. */
void tu_card_open(struct card **c, const struct card_config *cfg);

/* SELECT ISD-R (no Le) on the basic channel; fails unless the card answers 61xx alone. */
void tu_select_isdr(struct card *c);

/* A hex C-APDU through card_transmit() into r; fails unless the R-APDU has a status word.
 * Returns the R-APDU length. */
size_t tu_transmit_hex(struct card *c, const char *capdu_hex, uint8_t *r, size_t cap);

#endif
