/* tests/unit/uicc_auth/uicc_fixture.c — see uicc_fixture.h. */
#include "uicc_fixture.h"

#include <stdlib.h>
#include <string.h>

#include "card/fs.h"
#include "card/uicc.h"

char fx_data[2 * CARD_MAX_RAPDU + 1];

unsigned fx_txb(struct fx *f, const uint8_t *capdu, size_t len, uint8_t *out, size_t cap,
                size_t *out_len)
{
    static uint8_t r[CARD_MAX_RAPDU];
    size_t rl = card_transmit(f->c, capdu, len, r, sizeof r);
    assert_true(rl >= 2);
    unsigned sw = (unsigned)(r[rl - 2] << 8 | r[rl - 1]);
    size_t n = rl - 2;
    if ((sw & 0xFF00) == 0x6100) {
        assert_int_equal(n, 0);
        uint8_t gr[5] = {(uint8_t)(capdu[0] & 0x03), 0xC0, 0x00, 0x00, (uint8_t)(sw & 0xFF)};
        rl = card_transmit(f->c, gr, sizeof gr, r, sizeof r);
        assert_true(rl >= 2);
        sw = (unsigned)(r[rl - 2] << 8 | r[rl - 1]);
        n = rl - 2;
    }
    assert_true(n <= cap);
    memcpy(out, r, n);
    *out_len = n;
    return sw;
}

unsigned fx_tx(struct fx *f, const char *capdu_hex)
{
    static uint8_t c[CARD_MAX_CAPDU], d[CARD_MAX_RAPDU];
    size_t cl = tu_unhex(capdu_hex, c, sizeof c), dl;
    unsigned sw = fx_txb(f, c, cl, d, sizeof d, &dl);
    tu_tohex(d, dl, fx_data);
    return sw;
}

int fx_add_file(struct fx *f, enum fs_type type, uint16_t fid, int parent, int link,
                const char *aid_hex, const char *data_hex, uint16_t rec_len,
                uint16_t rec_count, uint32_t size, const char *pinstat_hex)
{
    struct fs_file x;
    uint8_t data[256];
    memset(&x, 0, sizeof x);
    x.type = type;
    x.fid = fid;
    x.parent = parent;
    x.link = link;
    x.lcsi = FS_LCSI_ACTIVATED;
    x.rec_len = rec_len;
    x.rec_count = rec_count;
    x.size = size;
    if (aid_hex != NULL)
        x.aid_len = (uint8_t)tu_unhex(aid_hex, x.aid, sizeof x.aid);
    if (pinstat_hex != NULL)
        x.pinstat_len = (uint8_t)tu_unhex(pinstat_hex, x.pinstat, sizeof x.pinstat);
    if (data_hex != NULL) {
        x.data_len = (uint32_t)tu_unhex(data_hex, data, sizeof data);
        x.data = data;
    }
    int idx = fs_add(&f->img.fs, &x);
    assert_int_not_equal(idx, FS_NONE);
    return idx;
}

static void set_pin(struct pin *p, uint8_t ref, const char *value, uint8_t tries,
                    const char *puk)
{
    memset(p, 0, sizeof *p);
    p->ref = ref;
    p->present = true;
    p->enabled = true;
    tu_unhex(value, p->value, sizeof p->value);
    p->tries_max = p->tries_left = tries;
    if (puk != NULL) {
        p->has_puk = true;
        tu_unhex(puk, p->puk, sizeof p->puk);
        p->puk_tries_max = p->puk_tries_left = 10;
    }
    p->unblockable = true;
    p->changeable = true;
}

static void set_test_naa(struct naa_auth *n, int adf)
{
    memset(n, 0, sizeof *n);
    n->adf = adf;
    aka_params_defaults(&n->aka, AKA_TEST);
    for (int i = 0; i < 16; i++)
        n->aka.k[i] = (uint8_t)i;
    n->aka.k_len = 16;
    n->sqn_check = true;
    n->ind_bits = 5;
    n->sqn_delta = 0;
}

void fx_build(struct fx *f)
{
    memset(f, 0, sizeof *f);
    profile_image_init(&f->img);
    int mf = fx_add_file(f, FS_MF, 0x3F00, FS_NONE, FS_NONE, NULL, NULL, 0, 0, 0,
                         "90014083010183010A");
    /* EF.DIR: one application template per NAA */
    char dir[2 * 2 * 38 + 1];
    snprintf(dir, sizeof dir, "61184F10%s50045553494DFFFFFFFFFFFFFFFFFFFFFFFF"
             "61184F10%s50044953494DFFFFFFFFFFFFFFFFFFFFFFFF", FX_USIM_AID, FX_ISIM_AID);
    fx_add_file(f, FS_EF_LINEAR, 0x2F00, mf, FS_NONE, NULL, dir, 38, 2, 76, NULL);
    f->usim = fx_add_file(f, FS_ADF, 0x7FF0, mf, FS_NONE, FX_USIM_AID, NULL, 0, 0, 0,
                          "90017083010183018183010A");
    /* EF.UST: services 1..32; service 27 (GSM access) = byte 3 bit 3 (0x04) */
    f->ust = fx_add_file(f, FS_EF_TRANSPARENT, 0x6F38, f->usim, FS_NONE, NULL, "0E000004", 0,
                         0, 4, NULL);
    f->isim = fx_add_file(f, FS_ADF, 0x7FF1, mf, FS_NONE, FX_ISIM_AID, NULL, 0, 0, 0,
                          "90017083010183010A");
    struct pin_set *ps = &f->img.pins;
    set_pin(&ps->pins[0], 0x01, FX_PIN1, 3, FX_PUK1);
    set_pin(&ps->pins[1], 0x81, FX_PIN2, 3, NULL);
    set_pin(&ps->pins[2], 0x0A, FX_ADM1, 3, NULL);
    ps->n = 3;
    set_test_naa(&f->img.naa[0], f->usim);
    set_test_naa(&f->img.naa[1], f->isim);
    f->img.n_naa = 2;
}

static void open_card(struct fx *f)
{
    struct card_config cfg;
    static const uint8_t seed[] = "uicc_auth test seed";
    memset(&cfg, 0, sizeof cfg);
    cfg.store = f->s;
    cfg.trace = f->trace;
    cfg.rng_seed = seed;
    cfg.rng_seed_len = sizeof seed;
    tu_card_open(&f->c, &cfg);
    assert_int_equal(uicc_switch_profile(f->c, FX_SLOT), 0);
}

void fx_start(struct fx *f)
{
    assert_int_equal(store_open_memory(&f->s), STORE_OK);
    assert_int_equal(store_begin(f->s), STORE_OK);
    assert_int_equal(profile_image_save(f->s, FX_SLOT, &f->img), STORE_OK);
    assert_int_equal(store_commit(f->s), STORE_OK);
    open_card(f);
}

void fx_restart(struct fx *f)
{
    card_close(f->c);
    f->c = NULL;
    assert_int_equal(store_reload(f->s), STORE_OK);
    open_card(f);
}

int fx_setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    fx_build(f);
    *state = f;
    return 0;
}

int fx_teardown(void **state)
{
    fx_stop(*state);
    free(*state);
    return 0;
}

void fx_stop(struct fx *f)
{
    card_close(f->c);
    store_close(f->s);
    profile_image_free(&f->img);
    memset(f, 0, sizeof *f);
}

void fx_select_usim(struct fx *f)
{
    unsigned sw = fx_tx(f, "00A40404 10" FX_USIM_AID);
    assert_int_equal(sw, 0x9000);
}

void fx_select_isim(struct fx *f)
{
    unsigned sw = fx_tx(f, "00A40404 10" FX_ISIM_AID);
    assert_int_equal(sw, 0x9000);
}
