/* card/store_objvec.h — store internals: a vector of objects sorted by id.
 * Holds both the committed objects and a transaction's overlay (puts and tombstones);
 * the image decoder fills one. Not for card code.
 */
#ifndef EUICC_STORE_OBJVEC_H
#define EUICC_STORE_OBJVEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store_obj {
    uint32_t id;
    uint32_t len;
    uint8_t *bytes;   /* NULL when len == 0 */
    bool tomb;        /* overlay only: pending delete */
};

struct store_objvec {
    struct store_obj *v;
    size_t n, cap;
};

/* Index of the first object whose id is >= id (vec->n when none). */
size_t store_objvec_lower_bound(const struct store_objvec *vec, uint32_t id);

/* The object with this id, or NULL. */
struct store_obj *store_objvec_find(const struct store_objvec *vec, uint32_t id);

/* Make room for extra more objects; false when out of memory (vec unchanged). */
bool store_objvec_reserve(struct store_objvec *vec, size_t extra);

/* Free every object's bytes and empty the vector (its storage is kept). */
void store_objvec_clear(struct store_objvec *vec);

/* Empty the vector and free its storage. */
void store_objvec_free(struct store_objvec *vec);

#endif
