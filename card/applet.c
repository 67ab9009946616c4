/* card/applet.c — the applet registry: AIDs in registration order, exact and
 * partial (right-truncated) AID lookup for SELECT by DF name. */
#include "card/applet.h"

#include <string.h>

int registry_add(struct registry *r, struct applet *a)
{
    if (r == NULL || a == NULL || a->ops == NULL || a->aid_len < 5 || a->aid_len > AID_MAX)
        return -1;
    if (r->n >= REGISTRY_MAX)
        return -1;
    for (size_t i = 0; i < r->n; i++) {
        if (r->applets[i] == a)
            return -1;
    }
    if (registry_find(r, a->aid, a->aid_len) != NULL)
        return -1;
    r->applets[r->n++] = a;
    return 0;
}

void registry_remove(struct registry *r, const uint8_t *aid, size_t aid_len)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n; i++) {
        struct applet *a = r->applets[i];
        if (a->aid_len == aid_len && memcmp(a->aid, aid, aid_len) == 0) {
            memmove(&r->applets[i], &r->applets[i + 1], (r->n - i - 1) * sizeof(struct applet *));
            r->n--;
            r->applets[r->n] = NULL;
            return;
        }
    }
}

struct applet *registry_find(const struct registry *r, const uint8_t *aid, size_t aid_len)
{
    if (r == NULL || (aid == NULL && aid_len > 0))
        return NULL;
    for (size_t i = 0; i < r->n; i++) {
        struct applet *a = r->applets[i];
        if (a->aid_len == aid_len && memcmp(a->aid, aid, aid_len) == 0)
            return a;
    }
    return NULL;
}

struct applet *registry_find_prefix(const struct registry *r, const uint8_t *prefix,
                                    size_t len, const struct applet *after)
{
    if (r == NULL || (prefix == NULL && len > 0))
        return NULL;
    size_t start = 0;
    if (after != NULL) {
        for (size_t i = 0; i < r->n; i++) {
            if (r->applets[i] == after) {
                start = i + 1;
                break;
            }
        }
    }
    for (size_t i = start; i < r->n; i++) {
        struct applet *a = r->applets[i];
        if (a->aid_len >= len && (len == 0 || memcmp(a->aid, prefix, len) == 0))
            return a;
    }
    return NULL;
}
