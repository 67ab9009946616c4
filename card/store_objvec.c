/* card/store_objvec.c — a vector of objects sorted by id (see card/store_objvec.h). */
#include "card/store_objvec.h"

#include <stdlib.h>

size_t store_objvec_lower_bound(const struct store_objvec *vec, uint32_t id)
{
    size_t lo = 0, hi = vec->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (vec->v[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct store_obj *store_objvec_find(const struct store_objvec *vec, uint32_t id)
{
    size_t i = store_objvec_lower_bound(vec, id);
    return (i < vec->n && vec->v[i].id == id) ? &vec->v[i] : NULL;
}

bool store_objvec_reserve(struct store_objvec *vec, size_t extra)
{
    if (vec->n + extra <= vec->cap)
        return true;
    size_t cap = vec->cap ? vec->cap : 16;
    while (cap < vec->n + extra)
        cap *= 2;
    struct store_obj *v = realloc(vec->v, cap * sizeof *v);
    if (!v)
        return false;
    vec->v = v;
    vec->cap = cap;
    return true;
}

void store_objvec_clear(struct store_objvec *vec)
{
    for (size_t i = 0; i < vec->n; i++)
        free(vec->v[i].bytes);
    vec->n = 0;
}

void store_objvec_free(struct store_objvec *vec)
{
    store_objvec_clear(vec);
    free(vec->v);
    vec->v = NULL;
    vec->cap = 0;
}
