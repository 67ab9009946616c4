/* tests/unit/isd-r/isdr_test_util.c — see isdr_test_util.h */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "isdr_test_util.h"

#include "card/store.h"
#include "crypto/rng.h"
#include "ecasd/ecasd.h"
#include "isd-r/profile_table.h"

int fx_setup(void **state)
{
    static const uint8_t seed[] = "isd-r unit test seed";
    char err[256] = "";
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(store_open_memory(&f->store), 0);
    f->rng = rng_new_seeded(seed, sizeof seed);
    assert_non_null(f->rng);
    if (ecasd_open(&f->ecasd, f->store, f->rng, NULL, NULL, 0, err, sizeof err) != 0)
        fail_msg("ecasd_open: %s", err);
    f->r.store = f->store;
    f->r.rng = f->rng;
    f->r.ecasd = f->ecasd;
    f->r.capacity = FX_CAPACITY;
    *state = f;
    return 0;
}

int fx_teardown(void **state)
{
    struct fx *f = *state;
    ecasd_close(f->ecasd);
    rng_free(f->rng);
    store_close(f->store);
    free(f);
    return 0;
}

static int nib(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

size_t hex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (; *s; s++) {
        if (*s == ' ')
            continue;
        int v = nib(*s);
        if (v < 0)
            fail_msg("bad hex char '%c'", *s);
        if (hi < 0) {
            hi = v;
        } else {
            if (n == cap)
                fail_msg("hex too long");
            out[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    if (hi >= 0)
        fail_msg("odd hex length");
    return n;
}

const char *tohex(const uint8_t *p, size_t len)
{
    static char buf[2 * FX_OUT_MAX + 1];
    size_t i;
    for (i = 0; i < len && i < FX_OUT_MAX; i++)
        snprintf(buf + 2 * i, 3, "%02X", p[i]);
    buf[2 * i] = 0;
    return buf;
}

void expect_bytes(const uint8_t *got, size_t got_len, const uint8_t *exp, size_t exp_len)
{
    if (got_len != exp_len || memcmp(got, exp, got_len) != 0) {
        char *e = strdup(tohex(exp, exp_len));
        print_error("expected %s\n     got %s\n", e, tohex(got, got_len));
        free(e);
        fail();
    }
}

uint16_t fx_run_bin(struct fx *f, const uint8_t *req, size_t len)
{
    memset(f->out, 0xEE, sizeof f->out);
    f->sw = isdr_dispatch(&f->r, req, len, f->out, sizeof f->out, &f->out_len);
    return f->sw;
}

uint16_t fx_run(struct fx *f, const char *req_hex)
{
    uint8_t *req = malloc(FX_OUT_MAX);
    size_t n = hex(req_hex, req, FX_OUT_MAX);
    uint16_t sw = fx_run_bin(f, req, n);
    free(req);
    return sw;
}

void fx_expect(const struct fx *f, const char *expected_hex)
{
    uint8_t *exp = malloc(FX_OUT_MAX);
    size_t n = hex(expected_hex, exp, FX_OUT_MAX);
    assert_int_equal(f->sw, 0x9000);
    expect_bytes(f->out, f->out_len, exp, n);
    free(exp);
}

void fx_profile(struct profile_record *p, uint8_t slot, const char *iccid_hex,
                uint8_t profile_class, uint8_t state)
{
    memset(p, 0, sizeof *p);
    p->slot = slot;
    assert_int_equal(hex(iccid_hex, p->iccid, sizeof p->iccid), 10);
    profile_isdp_aid(slot, p->aid);
    p->aid_len = 16;
    p->profile_class = profile_class;
    p->state = state;
}
