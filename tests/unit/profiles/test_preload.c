/* tests/unit/profiles/test_preload.c — isdp_preload() (euicc-emu --preload): the
 * project's profiles from $EUICC_EMU_PROFILES installed without a download: the record
 * (ICCID from the header, name = profileType, operational, disabled) and the content
 * are stored in one transaction; a second preload of the same ICCID, a refused
 * package, something that is no package, too little memory and a failing store leave
 * the store exactly as it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "card/card.h"
#include "card/store.h"
#include "card/store_ids.h"
#include "isd-p/isdp.h"
#include "isd-r/profile_table.h"
#include "tests/common/test_util.h"

static const uint8_t ICCID_IOT[10] = { 0x98, 0x88, 0x92, 0x09, 0, 0, 0, 0, 0x10, 0xF1 };
static const uint8_t ICCID_MIL[10] = { 0x98, 0x88, 0x92, 0x09, 0, 0, 0, 0, 0x20, 0xF1 };

struct fx {
    struct store *store;
    struct card *card;
    struct profile_record rec;
};

static uint8_t *load(const char *name, size_t *len)
{
    const char *dir = getenv("EUICC_EMU_PROFILES");
    char path[1024];
    if (!dir)
        fail_msg("EUICC_EMU_PROFILES is not set (run through meson test)");
    snprintf(path, sizeof path, "%s/%s.der", dir, name);
    uint8_t *buf = tu_read_file(path, len);
    if (!buf)
        fail_msg("cannot open %s", path);
    return buf;
}

static int open_card(struct fx *f, size_t capacity)
{
    static const uint8_t seed[] = "preload test seed";
    struct card_config cfg = { 0 };
    char err[256];
    if (store_open_memory(&f->store) != 0)
        return -1;
    cfg.store = f->store;
    cfg.rng_seed = seed;
    cfg.rng_seed_len = sizeof seed;
    cfg.capacity = capacity;
    return card_open(&f->card, &cfg, err, sizeof err);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    if (!f || open_card(f, 0) != 0)
        return -1;
    *state = f;
    return 0;
}

static int setup_small(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    if (!f || open_card(f, 1000) != 0)     /* less than a full profile */
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    card_close(f->card);
    store_close(f->store);
    free(f);
    return 0;
}

/* Preload a built profile; returns isdp_preload's result, message in err. */
static int preload(struct fx *f, const char *name, char *err, size_t errcap)
{
    size_t len;
    uint8_t *der = load(name, &len);
    int rc = isdp_preload(f->card, der, len, err, errcap);
    free(der);
    return rc;
}

static void test_preload_profiles(void **state)
{
    struct fx *f = *state;
    char err[256];
    size_t n;
    assert_int_equal(preload(f, "iot-minimal", err, sizeof err), ISDP_PRELOAD_OK);
    assert_string_equal(err, "");
    assert_int_equal(profile_find_iccid(f->store, ICCID_IOT, &f->rec), 0);
    assert_int_equal(f->rec.state, PROFILE_DISABLED);
    assert_int_equal(f->rec.profile_class, PROFILE_CLASS_OPERATIONAL);
    assert_true(f->rec.present & PROFILE_HAS_NAME);
    assert_int_equal(f->rec.name_len, strlen("euicc-emu IoT minimal"));
    assert_memory_equal(f->rec.name, "euicc-emu IoT minimal", f->rec.name_len);
    uint8_t aid[16];
    profile_isdp_aid(f->rec.slot, aid);
    assert_int_equal(f->rec.aid_len, 16);
    assert_memory_equal(f->rec.aid, aid, 16);
    /* the content is there */
    size_t sz;
    assert_int_equal(store_size(f->store, SID_PROFILE_DATA(f->rec.slot), &sz), 0);
    assert_true(sz > 0);
    uint8_t first = f->rec.slot;

    assert_int_equal(preload(f, "full-milenage", err, sizeof err), ISDP_PRELOAD_OK);
    assert_int_equal(profile_find_iccid(f->store, ICCID_MIL, &f->rec), 0);
    assert_true(f->rec.slot != first);
    assert_int_equal(profile_count(f->store, &n), 0);
    assert_int_equal(n, 2);
}

static void test_preload_unchanged_on_error(void **state)
{
    struct fx *f = *state;
    char err[256];
    size_t n;
    assert_int_equal(preload(f, "iot-minimal", err, sizeof err), ISDP_PRELOAD_OK);
    size_t used = store_used_bytes(f->store);

    /* the same ICCID again */
    assert_int_equal(preload(f, "iot-minimal", err, sizeof err), ISDP_PRELOAD_EXISTS);
    assert_non_null(strstr(err, "exists"));
    /* refused by the interpreter, with the PEStatus in the message */
    assert_int_equal(preload(f, "bad-template", err, sizeof err), ISDP_PRELOAD_EPROFILE);
    assert_non_null(strstr(err, "PEStatus 9, identification 50"));
    assert_int_equal(preload(f, "bad-no-end", err, sizeof err), ISDP_PRELOAD_EPROFILE);
    assert_non_null(strstr(err, "PEStatus 5"));
    assert_int_equal(preload(f, "bad-mandated-app", err, sizeof err), ISDP_PRELOAD_EPROFILE);
    /* no header first: not a package */
    assert_int_equal(preload(f, "bad-order", err, sizeof err), ISDP_PRELOAD_EINVAL);
    static const uint8_t junk[] = { 0x30, 0x03, 0x80, 0x01, 0x00 };
    assert_int_equal(isdp_preload(f->card, junk, sizeof junk, err, sizeof err),
                     ISDP_PRELOAD_EINVAL);
    assert_int_equal(isdp_preload(f->card, NULL, 0, err, sizeof err), ISDP_PRELOAD_EINVAL);
    assert_int_equal(isdp_preload(f->card, NULL, 5, NULL, 0), ISDP_PRELOAD_EINVAL);
    assert_int_equal(isdp_preload(NULL, junk, sizeof junk, err, sizeof err),
                     ISDP_PRELOAD_EINVAL);
    /* the store fails in the middle of the transaction: nothing is installed */
    store_fail_after(f->store, 1);
    int rc = preload(f, "full-milenage", err, sizeof err);
    store_fail_after(f->store, -1);
    assert_int_equal(rc, ISDP_PRELOAD_ESTORE);
    assert_int_equal(store_reload(f->store), 0);
    assert_int_equal(store_used_bytes(f->store), used);
    assert_int_equal(profile_count(f->store, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(profile_find_iccid(f->store, ICCID_MIL, &f->rec), STORE_ENOTFOUND);
    /* and it works afterwards */
    assert_int_equal(preload(f, "full-milenage", err, sizeof err), ISDP_PRELOAD_OK);
}

static void test_preload_memory(void **state)
{
    struct fx *f = *state;
    char err[256];
    size_t used = store_used_bytes(f->store);
    assert_int_equal(preload(f, "full-milenage", err, sizeof err), ISDP_PRELOAD_EMEMORY);
    assert_non_null(strstr(err, "memory"));
    assert_int_equal(store_used_bytes(f->store), used);
    assert_int_equal(profile_find_iccid(f->store, ICCID_MIL, &f->rec), STORE_ENOTFOUND);
}

/* One ES10 request (hex, one STORE DATA block) through card_transmit(); the answer's data
 * (after GET RESPONSE when the card says 61xx) in out, its status word returned. */
static uint16_t es10(struct card *c, const char *req_hex, uint8_t *out, size_t *out_len)
{
    uint8_t req[255], cmd[300], r[300];
    size_t n = tu_unhex(req_hex, req, sizeof req);
    memcpy(cmd, "\x80\xE2\x91\x00", 4);
    cmd[4] = (uint8_t)n;
    memcpy(cmd + 5, req, n);
    cmd[5 + n] = 0x00;
    size_t k = card_transmit(c, cmd, 6 + n, r, sizeof r);
    assert_true(k >= 2);
    if (r[k - 2] == 0x61) {
        uint8_t gr[5] = { 0x80, 0xC0, 0x00, 0x00, r[k - 1] };
        k = card_transmit(c, gr, sizeof gr, r, sizeof r);
        assert_true(k >= 2);
    }
    *out_len = k - 2;
    memcpy(out, r, k - 2);
    return (uint16_t)(r[k - 2] << 8 | r[k - 1]);
}

/* SGP.32 GetConnectivityParameters answers the enabled profile's SAIP header
 * connectivityParameters (iot-minimal carries them, full-milenage does not). */
static void test_connectivity_parameters(void **state)
{
    (void)state;
    static const uint8_t seed[] = "preload test seed";
    static const char params[] = "https://eim.example.com:8443";
    struct fx f = { 0 };
    struct card_config cfg = { .rng_seed = seed, .rng_seed_len = sizeof seed,
                               .mode = CARD_MODE_IOT };
    char err[256];
    uint8_t r[300], want[64];
    size_t n;
    assert_int_equal(store_open_memory(&f.store), STORE_OK);
    cfg.store = f.store;
    tu_card_open(&f.card, &cfg);
    assert_int_equal(preload(&f, "iot-minimal", err, sizeof err), ISDP_PRELOAD_OK);
    assert_int_equal(preload(&f, "full-milenage", err, sizeof err), ISDP_PRELOAD_OK);
    tu_select_isdr(f.card);
    /* no enabled profile: parametersNotAvailable */
    assert_int_equal(es10(f.card, "BF5F00", r, &n), 0x9000);
    assert_int_equal(n, 6);
    assert_memory_equal(r, "\xBF\x5F\x03\x81\x01\x01", 6);
    /* iot-minimal enabled (ES10c, no eIM associated): its parameters as httpParams */
    assert_int_equal(es10(f.card, "BF3111A00C5A0A98889209000000001" "0F1810100", r, &n),
                     0x9000);
    assert_memory_equal(r, "\xBF\x31\x03\x80\x01\x00", 6);
    assert_int_equal(es10(f.card, "BF5F00", r, &n), 0x9000);
    size_t pl = sizeof params - 1;
    memcpy(want, "\xBF\x5F", 2);
    want[2] = (uint8_t)(pl + 4);
    want[3] = 0xA0;
    want[4] = (uint8_t)(pl + 2);
    want[5] = 0x81;
    want[6] = (uint8_t)pl;
    memcpy(want + 7, params, pl);
    assert_int_equal(n, pl + 7);
    assert_memory_equal(r, want, n);
    /* full-milenage enabled: it has none */
    assert_int_equal(es10(f.card, "BF3111A00C5A0A98889209000000002" "0F1810100", r, &n),
                     0x9000);
    assert_memory_equal(r, "\xBF\x31\x03\x80\x01\x00", 6);
    assert_int_equal(es10(f.card, "BF5F00", r, &n), 0x9000);
    assert_memory_equal(r, "\xBF\x5F\x03\x81\x01\x01", 6);
    /* the request carries no data */
    assert_int_equal(es10(f.card, "BF5F0100", r, &n), 0x6A80);
    /* a damaged stored value (longer than the card keeps) → undefinedError */
    assert_int_equal(es10(f.card, "BF3111A00C5A0A98889209000000001" "0F1810100", r, &n),
                     0x9000);
    static uint8_t junk[600];
    assert_int_equal(store_begin(f.store), STORE_OK);
    assert_int_equal(store_put(f.store, SID_PROFILE_DATA(1) + 5, junk, sizeof junk), STORE_OK);
    assert_int_equal(store_commit(f.store), STORE_OK);
    assert_int_equal(es10(f.card, "BF5F00", r, &n), 0x9000);
    assert_memory_equal(r, "\xBF\x5F\x03\x81\x01\x7F", 6);
    card_close(f.card);
    store_close(f.store);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_preload_profiles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_preload_unchanged_on_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_preload_memory, setup_small, teardown),
        cmocka_unit_test(test_connectivity_parameters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
