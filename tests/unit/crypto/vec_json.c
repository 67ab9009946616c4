/* tests/unit/crypto/vec_json.c — a tiny read-only JSON path lookup for test vectors. */
#include "vec_json.h"
#include "tests/common/test_util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *vj_shared_dir(void)
{
    return tu_shared_dir();
}

char *vj_load(const char *rel)
{
    char path[1024];
    size_t len;
    snprintf(path, sizeof path, "%s/%s", vj_shared_dir(), rel);
    return (char *)tu_read_file(path, &len);
}

static const char *ws(const char *p)
{
    while (p != NULL && isspace((unsigned char)*p))
        p++;
    return p;
}

static const char *skip_string(const char *p)
{
    if (*p != '"')
        return NULL;
    for (p++; *p != '\0'; p++) {
        if (*p == '\\' && p[1] != '\0')
            p++;
        else if (*p == '"')
            return p + 1;
    }
    return NULL;
}

/* Pointer past the value at p, NULL when malformed. */
static const char *skip_value(const char *p)
{
    p = ws(p);
    if (p == NULL || *p == '\0')
        return NULL;
    if (*p == '"')
        return skip_string(p);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        p = ws(p + 1);
        if (*p == close)
            return p + 1;
        for (;;) {
            if (close == '}') {
                p = ws(skip_string(ws(p)));
                if (p == NULL || *p != ':')
                    return NULL;
                p++;
            }
            p = ws(skip_value(p));
            if (p == NULL)
                return NULL;
            if (*p == close)
                return p + 1;
            if (*p != ',')
                return NULL;
            p++;
        }
    }
    while (*p != '\0' && *p != ',' && *p != '}' && *p != ']' && !isspace((unsigned char)*p))
        p++;
    return p;
}

/* Member `key` (klen octets) of the object at p. */
static const char *member(const char *p, const char *key, size_t klen)
{
    p = ws(p);
    if (p == NULL || *p != '{')
        return NULL;
    p = ws(p + 1);
    while (p != NULL && *p == '"') {
        const char *k = p + 1;
        const char *e = skip_string(p);
        if (e == NULL)
            return NULL;
        bool hit = (size_t)(e - 1 - k) == klen && memcmp(k, key, klen) == 0;
        p = ws(e);
        if (*p != ':')
            return NULL;
        p = ws(p + 1);
        if (hit)
            return p;
        p = ws(skip_value(p));
        if (p == NULL || *p != ',')
            return NULL;
        p = ws(p + 1);
    }
    return NULL;
}

/* Element i of the array at p. */
static const char *element(const char *p, long i)
{
    p = ws(p);
    if (p == NULL || *p != '[')
        return NULL;
    p = ws(p + 1);
    for (long k = 0; p != NULL && *p != ']' && *p != '\0'; k++) {
        if (k == i)
            return p;
        p = ws(skip_value(p));
        if (p == NULL || *p != ',')
            return NULL;
        p = ws(p + 1);
    }
    return NULL;
}

const char *vj_get(const char *json, const char *path)
{
    const char *p = json;
    while (p != NULL && *path != '\0') {
        if (*path == '.') {
            path++;
        } else if (*path == '[') {
            char *end = NULL;
            long i = strtol(path + 1, &end, 10);
            if (end == NULL || *end != ']')
                return NULL;
            p = element(p, i);
            path = end + 1;
        } else {
            size_t n = strcspn(path, ".[");
            p = member(p, path, n);
            path += n;
        }
    }
    return ws(p);
}

int vj_count(const char *val)
{
    const char *p = ws(val);
    if (p == NULL || *p != '[')
        return -1;
    int n = 0;
    while (element(p, n) != NULL)
        n++;
    return n;
}

bool vj_str(const char *val, char *out, size_t cap)
{
    const char *p = ws(val);
    const char *e = p != NULL ? skip_string(p) : NULL;
    if (e == NULL || (size_t)(e - p - 2) >= cap)
        return false;
    memcpy(out, p + 1, (size_t)(e - p - 2));
    out[e - p - 2] = '\0';
    return true;
}

uint8_t *vj_hex(const char *val, size_t *len)
{
    const char *p = ws(val);
    const char *e = p != NULL ? skip_string(p) : NULL;
    if (e == NULL)
        return NULL;
    size_t digits = (size_t)(e - p - 2);
    if (digits % 2 != 0)
        return NULL;
    uint8_t *out = malloc(digits / 2 + 1);
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < digits / 2; i++) {
        unsigned v;
        char two[3] = {p[1 + 2 * i], p[2 + 2 * i], '\0'};
        if (!isxdigit((unsigned char)two[0]) || !isxdigit((unsigned char)two[1]) ||
            sscanf(two, "%2x", &v) != 1) {
            free(out);
            return NULL;
        }
        out[i] = (uint8_t)v;
    }
    *len = digits / 2;
    return out;
}
