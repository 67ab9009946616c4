/* Unit tests: card/card_open.c — card_open/card_close with real state: first start,
 * state format version, card mode persistence, external store, errors. */
#include "card_test_util.h"

#include <sys/stat.h>
#include <unistd.h>

#include "card/store.h"
#include "card/store_ids.h"

/* assert_tx here checks SW1 only */
#undef assert_tx
#define assert_tx(c, capdu, sw1) assert_memory_equal(tx((c), (capdu)), (sw1), 2)

static const uint8_t SEED[] = "euicc-emu card_open test seed";

static struct card_config cfg_for(struct store *s, enum card_mode m)
{
    struct card_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.store = s;
    cfg.mode = m;
    cfg.rng_seed = SEED;
    cfg.rng_seed_len = sizeof(SEED);
    return cfg;
}

static void test_open_memory(void **state)
{
    (void)state;
    struct card *c = NULL;
    char err[256];
    struct card_config cfg = cfg_for(NULL, CARD_MODE_DEFAULT);
    assert_int_equal(card_open(&c, &cfg, err, sizeof(err)), 0);
    assert_non_null(c);
    assert_int_equal(card_mode(c), CARD_MODE_CONSUMER);
    assert_int_equal(card_capacity(c), 512u * 1024u);
    assert_non_null(card_store(c));
    assert_non_null(card_rng(c));
    assert_non_null(card_ecasd(c));
    /* lpac's opening sequence: TERMINAL CAPABILITY, MANAGE CHANNEL, SELECT ISD-R */
    assert_string_equal(tx(c, "80AA00000AA9088100820101830107"), "9000");
    assert_string_equal(tx(c, "0070000001"), "019000");
    assert_tx(c, "01A4040010A0000005591010FFFFFFFF8900000100", "61");
    assert_string_equal(tx(c, "0070800100"), "9000");
    card_close(c);
}

static void test_open_select_ecasd(void **state)
{
    (void)state;
    struct card *c = NULL;
    char err[256];
    struct card_config cfg = cfg_for(NULL, CARD_MODE_DEFAULT);
    cfg.capacity = 1234;
    assert_int_equal(card_open(&c, &cfg, err, sizeof(err)), 0);
    assert_int_equal(card_capacity(c), 1234);
    assert_tx(c, "00A4040010A0000005591010FFFFFFFF8900000200", "61");
    assert_tx(c, "0070000001", "01");
    card_close(c);
    card_close(NULL);
}

static void test_mode_persisted(void **state)
{
    (void)state;
    struct store *s = NULL;
    assert_int_equal(store_open_memory(&s), STORE_OK);
    struct card *c = NULL;
    char err[256];
    struct card_config cfg = cfg_for(s, CARD_MODE_IOT);
    assert_int_equal(card_open(&c, &cfg, err, sizeof(err)), 0);
    assert_int_equal(card_mode(c), CARD_MODE_IOT);
    card_close(c);                                   /* external store stays open */
    uint8_t m = 0;
    size_t len = 0;
    assert_int_equal(store_get(s, SID_CARD_MODE, &m, 1, &len), STORE_OK);
    assert_int_equal(m, CARD_MODE_IOT);
    /* later start without a mode: keeps iot */
    assert_int_equal(store_reload(s), STORE_OK);
    cfg = cfg_for(s, CARD_MODE_DEFAULT);
    assert_int_equal(card_open(&c, &cfg, err, sizeof(err)), 0);
    assert_int_equal(card_mode(c), CARD_MODE_IOT);
    card_close(c);
    /* same mode again: fine; another mode: refused with both names */
    cfg = cfg_for(s, CARD_MODE_IOT);
    assert_int_equal(card_open(&c, &cfg, err, sizeof(err)), 0);
    card_close(c);
    cfg = cfg_for(s, CARD_MODE_CONSUMER);
    assert_int_equal(card_open(&c, &cfg, err, sizeof(err)), -1);
    assert_null(c);
    assert_non_null(strstr(err, "iot"));
    assert_non_null(strstr(err, "consumer"));
    store_close(s);
}

static void test_format_mismatch(void **state)
{
    (void)state;
    struct store *s = NULL;
    assert_int_equal(store_open_memory(&s), STORE_OK);
    const uint8_t v99[4] = { 0, 0, 0, 99 };
    assert_int_equal(store_put(s, SID_CARD_FORMAT, v99, 4), STORE_OK);
    struct card *c = NULL;
    char err[256];
    struct card_config cfg = cfg_for(s, CARD_MODE_DEFAULT);
    assert_int_equal(card_open(&c, &cfg, err, sizeof(err)), -1);
    assert_null(c);
    assert_non_null(strstr(err, "version 99"));
    char mine[32];
    snprintf(mine, sizeof(mine), "version %u", CARD_STATE_FORMAT);
    assert_non_null(strstr(err, mine));
    /* wrong size */
    assert_int_equal(store_put(s, SID_CARD_FORMAT, v99, 3), STORE_OK);
    assert_int_equal(card_open(&c, &cfg, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "format"));
    store_close(s);
}

static void test_bad_stored_mode(void **state)
{
    (void)state;
    struct store *s = NULL;
    assert_int_equal(store_open_memory(&s), STORE_OK);
    const uint8_t v[4] = { (uint8_t)(CARD_STATE_FORMAT >> 24), (uint8_t)(CARD_STATE_FORMAT >> 16),
                           (uint8_t)(CARD_STATE_FORMAT >> 8), (uint8_t)CARD_STATE_FORMAT };
    assert_int_equal(store_put(s, SID_CARD_FORMAT, v, 4), STORE_OK);
    struct card *c = NULL;
    char err[256];
    struct card_config cfg = cfg_for(s, CARD_MODE_DEFAULT);
    assert_int_equal(card_open(&c, &cfg, err, sizeof(err)), -1);   /* mode missing */
    assert_non_null(strstr(err, "mode"));
    const uint8_t bad = 7;
    assert_int_equal(store_put(s, SID_CARD_MODE, &bad, 1), STORE_OK);
    assert_int_equal(card_open(&c, &cfg, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "mode"));
    store_close(s);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    struct card *c = (struct card *)1;
    char err[128];
    assert_int_equal(card_open(&c, NULL, err, sizeof(err)), -1);
    assert_null(c);
    assert_true(strlen(err) > 0);
    struct card_config cfg = cfg_for(NULL, (enum card_mode)9);
    assert_int_equal(card_open(&c, &cfg, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "mode"));
    cfg = cfg_for(NULL, CARD_MODE_DEFAULT);
    assert_int_equal(card_open(NULL, &cfg, err, sizeof(err)), -1);
    assert_int_equal(card_open(&c, NULL, NULL, 0), -1);
}

static void test_store_write_fails(void **state)
{
    (void)state;
    struct store *s = NULL;
    assert_int_equal(store_open_memory(&s), STORE_OK);
    store_fail_after(s, 0);
    struct card *c = NULL;
    char err[256];
    struct card_config cfg = cfg_for(s, CARD_MODE_DEFAULT);
    assert_int_equal(card_open(&c, &cfg, err, sizeof(err)), -1);
    assert_null(c);
    assert_non_null(strstr(err, "card state"));
    store_close(s);
}

static void test_state_dir(void **state)
{
    (void)state;
    char dir[] = "/tmp/euicc-card-open-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[64];
    snprintf(sub, sizeof(sub), "%s/state", dir);
    struct card *c = NULL;
    char err[256];
    struct card_config cfg = cfg_for(NULL, CARD_MODE_IOT);
    cfg.state_dir = sub;
    assert_int_equal(card_open(&c, &cfg, err, sizeof(err)), 0);
    card_close(c);
    cfg.mode = CARD_MODE_DEFAULT;
    assert_int_equal(card_open(&c, &cfg, err, sizeof(err)), 0);   /* survives a restart */
    assert_int_equal(card_mode(c), CARD_MODE_IOT);
    card_close(c);
    /* a state directory that cannot be created */
    char bad[96];
    snprintf(bad, sizeof(bad), "%s/file", dir);
    FILE *f = fopen(bad, "w");
    assert_non_null(f);
    fclose(f);
    snprintf(bad, sizeof(bad), "%s/file/state", dir);
    cfg.state_dir = bad;
    assert_int_equal(card_open(&c, &cfg, err, sizeof(err)), -1);
    assert_non_null(strstr(err, bad));
    char cmd[160];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_memory),
        cmocka_unit_test(test_open_select_ecasd),
        cmocka_unit_test(test_mode_persisted),
        cmocka_unit_test(test_format_mismatch),
        cmocka_unit_test(test_bad_stored_mode),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_store_write_fails),
        cmocka_unit_test(test_state_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
