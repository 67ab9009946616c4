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

#include "card/card.h"
#include "card/card_internal.h"
#include "card/store.h"
#include "crypto/rng.h"
#include "ecasd/ecasd.h"
#include "isd-r/profile_table.h"

int fx_setup(void **state)
{
    static const uint8_t seed[] = "isd-r unit test seed";
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    struct card_config cfg = {0};
    assert_int_equal(store_open_memory(&f->store), 0);
    cfg.store = f->store;
    cfg.rng_seed = seed;
    cfg.rng_seed_len = sizeof seed;
    cfg.capacity = FX_CAPACITY;
    tu_card_open(&f->card, &cfg);
    f->rng = card_rng(f->card);
    f->ecasd = card_ecasd(f->card);
    f->r = f->card->isdr;
    /* SELECT ISD-R on the basic channel, as a terminal does: 61xx, then GET RESPONSE */
    tu_select_isdr(f->card);
    *state = f;
    return 0;
}

int fx_teardown(void **state)
{
    struct fx *f = *state;
    card_close(f->card);
    store_close(f->store);
    free(f);
    return 0;
}

const char *tohex(const uint8_t *p, size_t len)
{
    static char buf[2 * FX_OUT_MAX + 1];
    tu_tohex(p, len < FX_OUT_MAX ? len : FX_OUT_MAX, buf);
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

/* One ES10 request through card_transmit() exactly as lpac sends it: STORE DATA
 * blocks of at most 120 bytes (CLA 80, P1 11/91, P2 = block number), then GET
 * RESPONSE (CLA 80) while the card answers 61xx. Returns the final status word. */
uint16_t fx_run_bin(struct fx *f, const uint8_t *req, size_t len)
{
    static uint8_t capdu[5 + 256], rapdu[258];
    size_t off = 0, n;
    uint8_t block = 0;
    uint16_t sw;

    memset(f->out, 0xEE, sizeof f->out);
    f->out_len = 0;
    do {
        size_t chunk = len - off > 120 ? 120 : len - off;
        bool last = off + chunk == len;
        capdu[0] = 0x80;
        capdu[1] = 0xE2;
        capdu[2] = last ? 0x91 : 0x11;
        capdu[3] = block++;
        capdu[4] = (uint8_t)chunk;
        if (chunk)
            memcpy(capdu + 5, req + off, chunk);
        n = card_transmit(f->card, capdu, 5 + chunk, rapdu, sizeof rapdu);
        assert_true(n >= 2);
        sw = (uint16_t)(rapdu[n - 2] << 8 | rapdu[n - 1]);
        assert_int_equal(n, 2);                /* T=0 style: no data with the SW */
        off += chunk;
        if (!last && sw != 0x9000)
            return f->sw = sw;
    } while (off < len);
    while ((sw >> 8) == 0x61) {
        const uint8_t get[] = { 0x80, 0xC0, 0x00, 0x00, (uint8_t)sw };
        n = card_transmit(f->card, get, sizeof get, rapdu, sizeof rapdu);
        assert_true(n >= 2);
        assert_true(f->out_len + n - 2 <= sizeof f->out);
        memcpy(f->out + f->out_len, rapdu, n - 2);
        f->out_len += n - 2;
        sw = (uint16_t)(rapdu[n - 2] << 8 | rapdu[n - 1]);
    }
    return f->sw = sw;
}

uint16_t fx_run(struct fx *f, const char *req_hex)
{
    uint8_t *req = malloc(FX_OUT_MAX);
    size_t n = tu_unhex(req_hex, req, FX_OUT_MAX);
    uint16_t sw = fx_run_bin(f, req, n);
    free(req);
    return sw;
}

void fx_expect(const struct fx *f, const char *expected_hex)
{
    uint8_t *exp = malloc(FX_OUT_MAX);
    size_t n = tu_unhex(expected_hex, exp, FX_OUT_MAX);
    assert_int_equal(f->sw, 0x9000);
    expect_bytes(f->out, f->out_len, exp, n);
    free(exp);
}

void fx_profile(struct profile_record *p, uint8_t slot, const char *iccid_hex,
                uint8_t profile_class, uint8_t state)
{
    memset(p, 0, sizeof *p);
    p->slot = slot;
    assert_int_equal(tu_unhex(iccid_hex, p->iccid, sizeof p->iccid), 10);
    profile_isdp_aid(slot, p->aid);
    p->aid_len = 16;
    p->profile_class = profile_class;
    p->state = state;
}
