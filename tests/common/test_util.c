/* tests/common/test_util.c — see test_util.h. */
#include "test_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

const char *tu_shared_dir(void)
{
    const char *d = getenv("EUICC_EMU_SHARED");
    return d != NULL && d[0] != '\0' ? d : "../shared";
}

const char *tu_sgp26_dir(void)
{
    const char *d = getenv("EUICC_SGP26_DIR");
    return d != NULL ? d : "../shared/sgp26";
}

uint8_t *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0) {
        fclose(f);
        return NULL;
    }
    long n = ftell(f);
    uint8_t *b = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!b || fseek(f, 0, SEEK_SET) != 0 || fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        fclose(f);
        return NULL;
    }
    fclose(f);
    b[n] = 0;
    *len = (size_t)n;
    return b;
}

static void ts48_path(const char *name, char *p, size_t cap)
{
    snprintf(p, cap, "%s/profiles/ts48/%s", tu_shared_dir(), name);
}

uint8_t *tu_read_ts48(const char *name, size_t *len)
{
    char p[900];
    ts48_path(name, p, sizeof p);
    return tu_read_file(p, len);
}

uint8_t *tu_load_ts48(const char *name, size_t *len)
{
    char p[900];
    ts48_path(name, p, sizeof p);
    uint8_t *b = tu_read_file(p, len);
    if (!b)
        fail_msg("cannot read %s", p);
    return b;
}

void tu_write_file(const char *path, const uint8_t *p, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static int nibble(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

size_t tu_unhex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (; *s; s++) {
        if (*s == ' ')
            continue;
        int v = nibble(*s);
        if (v < 0)
            fail_msg("bad hex char '%c'", *s);
        if (hi < 0) {
            hi = v;
        } else {
            if (n == cap)
                fail_msg("hex longer than %zu octets", cap);
            out[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    if (hi >= 0)
        fail_msg("odd hex length");
    return n;
}

void tu_unhex_n(const char *s, uint8_t *out, size_t n)
{
    assert_int_equal(tu_unhex(s, out, n), n);
}

void tu_tohex(const uint8_t *p, size_t n, char *out)
{
    static const char digits[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 0x0F];
    }
    out[2 * n] = '\0';
}

void tu_card_open(struct card **c, const struct card_config *cfg)
{
    char err[256] = "";
    if (card_open(c, cfg, err, sizeof err) != 0)
        fail_msg("card_open: %s", err);
}

void tu_select_isdr(struct card *c)
{
    static const uint8_t select[] = { 0x00, 0xA4, 0x04, 0x00, 0x10, 0xA0, 0x00, 0x00,
                                      0x05, 0x59, 0x10, 0x10, 0xFF, 0xFF, 0xFF, 0xFF,
                                      0x89, 0x00, 0x00, 0x01, 0x00 };
    uint8_t r[300];
    size_t n = card_transmit(c, select, sizeof select, r, sizeof r);
    assert_int_equal(n, 2);
    assert_int_equal(r[0], 0x61);
}

size_t tu_transmit_hex(struct card *c, const char *capdu_hex, uint8_t *r, size_t cap)
{
    static uint8_t cmd[CARD_MAX_CAPDU];
    size_t n = tu_unhex(capdu_hex, cmd, sizeof cmd);
    size_t rl = card_transmit(c, cmd, n, r, cap);
    assert_true(rl >= 2);
    return rl;
}
