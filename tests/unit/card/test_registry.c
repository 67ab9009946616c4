/* Unit tests: card/applet.c — the applet registry. */
#include "card_test_util.h"

static void test_add_find(void **state)
{
    (void)state;
    struct registry r = { 0 };
    struct applet a, b;
    struct fake fa, fb;
    fake_init(&a, &fa, "A0000005591010FFFFFFFF8900000100", 1);
    fake_init(&b, &fb, "A0000005591010FFFFFFFF8900000200", 2);
    assert_int_equal(registry_add(&r, &a), 0);
    assert_int_equal(registry_add(&r, &b), 0);
    assert_int_equal(r.n, 2);
    assert_ptr_equal(registry_find(&r, b.aid, b.aid_len), &b);
    assert_null(registry_find(&r, b.aid, b.aid_len - 1));
    assert_null(registry_find(NULL, b.aid, b.aid_len));
}

static void test_add_errors(void **state)
{
    (void)state;
    struct registry r = { 0 };
    struct applet a, dup, shortaid, longaid;
    struct fake f;
    fake_init(&a, &f, "A000000559", 1);
    fake_init(&dup, &f, "A000000559", 1);
    fake_init(&shortaid, &f, "A0000005", 1);
    fake_init(&longaid, &f, "A000000559", 1);
    longaid.aid_len = AID_MAX + 1;
    assert_int_equal(registry_add(&r, &a), 0);
    assert_int_equal(registry_add(&r, &a), -1);          /* same applet twice */
    assert_int_equal(registry_add(&r, &dup), -1);        /* same AID */
    assert_int_equal(registry_add(&r, &shortaid), -1);   /* AID < 5 octets */
    assert_int_equal(registry_add(&r, &longaid), -1);
    assert_int_equal(registry_add(&r, NULL), -1);
    assert_int_equal(registry_add(NULL, &a), -1);
    struct applet noops;
    fake_init(&noops, &f, "A000000560", 1);
    noops.ops = NULL;
    assert_int_equal(registry_add(&r, &noops), -1);
    assert_int_equal(r.n, 1);
}

static void test_full(void **state)
{
    (void)state;
    static struct registry r;
    static struct applet apps[REGISTRY_MAX + 1];
    static struct fake f;
    memset(&r, 0, sizeof(r));
    for (size_t i = 0; i <= REGISTRY_MAX; i++) {
        char hex[16];
        snprintf(hex, sizeof(hex), "A0000005%02X", (unsigned)i);
        fake_init(&apps[i], &f, hex, 0);
        assert_int_equal(registry_add(&r, &apps[i]), i < REGISTRY_MAX ? 0 : -1);
    }
    assert_int_equal(r.n, REGISTRY_MAX);
}

static void test_remove(void **state)
{
    (void)state;
    struct registry r = { 0 };
    struct applet a, b, c;
    struct fake f;
    fake_init(&a, &f, "A00000000101", 1);
    fake_init(&b, &f, "A00000000102", 2);
    fake_init(&c, &f, "A00000000103", 3);
    registry_add(&r, &a);
    registry_add(&r, &b);
    registry_add(&r, &c);
    registry_remove(&r, b.aid, b.aid_len);
    assert_int_equal(r.n, 2);
    assert_ptr_equal(r.applets[0], &a);
    assert_ptr_equal(r.applets[1], &c);
    assert_null(registry_find(&r, b.aid, b.aid_len));
    registry_remove(&r, b.aid, b.aid_len);                /* absent: no-op */
    assert_int_equal(r.n, 2);
    registry_remove(NULL, b.aid, b.aid_len);
}

static void test_prefix(void **state)
{
    (void)state;
    struct registry r = { 0 };
    struct applet a, b, c;
    struct fake f;
    fake_init(&a, &f, "A00000000101", 1);
    fake_init(&b, &f, "A00000000201", 2);
    fake_init(&c, &f, "A00000000102", 3);
    registry_add(&r, &a);
    registry_add(&r, &b);
    registry_add(&r, &c);
    const uint8_t p[] = { 0xA0, 0x00, 0x00, 0x00, 0x01 };
    assert_ptr_equal(registry_find_prefix(&r, p, sizeof(p), NULL), &a);
    assert_ptr_equal(registry_find_prefix(&r, p, sizeof(p), &a), &c);
    assert_null(registry_find_prefix(&r, p, sizeof(p), &c));
    struct applet other;
    fake_init(&other, &f, "B00000000101", 1);
    /* `after` not in the registry: search from the start */
    assert_ptr_equal(registry_find_prefix(&r, p, sizeof(p), &other), &a);
    /* longer than every AID */
    uint8_t longp[AID_MAX] = { 0xA0 };
    assert_null(registry_find_prefix(&r, longp, sizeof(longp), NULL));
    /* empty prefix matches everything */
    assert_ptr_equal(registry_find_prefix(&r, NULL, 0, NULL), &a);
    assert_null(registry_find_prefix(&r, NULL, 3, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_find),
        cmocka_unit_test(test_add_errors),
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_remove),
        cmocka_unit_test(test_prefix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
