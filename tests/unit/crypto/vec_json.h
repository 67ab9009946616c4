/* tests/unit/crypto/vec_json.h — a tiny read-only JSON path lookup for the shared
 * test vectors (shared vectors directory, JSON files): objects, arrays, strings, numbers. */
#ifndef EUICC_TEST_VEC_JSON_H
#define EUICC_TEST_VEC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Directory of the shared test data: $EUICC_EMU_SHARED or "../shared". */
const char *vj_shared_dir(void);

/* Read <shared>/<rel> into a NUL-terminated heap buffer; NULL when absent. */
char *vj_load(const char *rel);

/* Value at a path like "a.b[2].c" (start of the value text), NULL when absent. */
const char *vj_get(const char *json, const char *path);

/* Number of elements of an array value, -1 when not an array. */
int vj_count(const char *val);

/* Copy a string value (no escapes) into out; false when not a string or too long. */
bool vj_str(const char *val, char *out, size_t cap);

/* Decode a hex string value into a new heap buffer (free it); NULL when not hex. */
uint8_t *vj_hex(const char *val, size_t *len);

#endif
