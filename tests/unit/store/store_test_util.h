/* tests/unit/store/store_test_util.h — a reference model of the store and helpers. */
#ifndef STORE_TEST_UTIL_H
#define STORE_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "card/store.h"

#define MODEL_IDS 64          /* model covers ids 1..MODEL_IDS */
#define MODEL_MAXLEN 300

struct model {
    bool present[MODEL_IDS + 1];
    size_t len[MODEL_IDS + 1];
    uint8_t data[MODEL_IDS + 1][MODEL_MAXLEN];
    size_t extra_used;        /* payload of objects above MODEL_IDS + 1 the test tracks */
};

void model_put(struct model *m, uint32_t id, const uint8_t *v, size_t len);
void model_delete_range(struct model *m, uint32_t lo, uint32_t hi);

/* Assert (cmocka) that s holds exactly what m holds in ids 0..MODEL_IDS+1 (get, next),
 * and that used bytes = those + m->extra_used. */
void model_check(struct store *s, const struct model *m);

/* Deterministic pseudo-random numbers for tests. */
uint32_t test_rand(uint32_t *state);

/* Append SHA-256(p[0..len)) at p[len] (p must have 32 more bytes). */
void test_sha256_trailer(uint8_t *p, size_t len);

/* mkdtemp under TMPDIR or /tmp; returns a malloc'd path. */
char *test_tmpdir(void);

/* rm -r of a directory with plain files only. */
void test_rmtree(const char *dir);

/* Path dir/name into buf. */
void test_path(char *buf, size_t cap, const char *dir, const char *name);

#endif
