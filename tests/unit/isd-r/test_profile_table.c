/* tests/unit/isd-r/test_profile_table.c — the persistent profile table API and the
 * ISD-R's small decoders (BIT STRING with pySim tolerance, UTF-8). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "card/store.h"
#include "card/store_ids.h"
#include "isd-r/profile_table.h"
#include "isdr_test_util.h"

static void full_record(struct profile_record *p)
{
    fx_profile(p, 4, "98001122334455667788", PROFILE_CLASS_PROVISIONING, PROFILE_ENABLED);
    p->present = PROFILE_HAS_NICKNAME | PROFILE_HAS_SPN | PROFILE_HAS_NAME |
                 PROFILE_HAS_ICON_TYPE | PROFILE_HAS_ICON | PROFILE_HAS_NOTIF_CFG |
                 PROFILE_HAS_OWNER | PROFILE_HAS_DP_PROP | PROFILE_HAS_PPR | PROFILE_HAS_SSD;
    memcpy(p->nickname, "n", 1); p->nickname_len = 1;
    memcpy(p->spn, "s", 1); p->spn_len = 1;
    memcpy(p->name, "name", 4); p->name_len = 4;
    p->icon_type = 1;
    memset(p->icon, 0x42, 1024); p->icon_len = 1024;
    p->notif_cfg_len = tu_unhex("3009 81020780 0C03612E62", p->notif_cfg, sizeof p->notif_cfg);
    p->owner_len = tu_unhex("0403 21F354", p->owner, sizeof p->owner);
    p->dp_prop_len = tu_unhex("0603 2B0601", p->dp_prop, sizeof p->dp_prop);
    p->ppr = 0x6;
    p->ssd_len = tu_unhex("3000", p->ssd, sizeof p->ssd);
}

static void test_roundtrip_all_fields(void **state)
{
    struct fx *f = *state;
    struct profile_record p, q;
    full_record(&p);
    assert_int_equal(profile_save(f->store, &p), 0);
    assert_int_equal(store_reload(f->store), 0);
    assert_int_equal(profile_load(f->store, 4, &q), 0);
    assert_int_equal(q.slot, 4);
    assert_memory_equal(q.iccid, p.iccid, 10);
    assert_memory_equal(q.aid, "\xA0\x00\x00\x05\x59\x10\x10\xFF\xFF\xFF\xFF\x89\x00\x00\x13\x00", 16);
    assert_int_equal(q.state, PROFILE_ENABLED);
    assert_int_equal(q.profile_class, PROFILE_CLASS_PROVISIONING);
    assert_int_equal(q.present, p.present);
    assert_int_equal(q.icon_len, 1024);
    assert_memory_equal(q.icon, p.icon, 1024);
    assert_int_equal(q.ppr, 0x6);
    expect_bytes(q.notif_cfg, q.notif_cfg_len, p.notif_cfg, p.notif_cfg_len);
    expect_bytes(q.owner, q.owner_len, p.owner, p.owner_len);
    expect_bytes(q.dp_prop, q.dp_prop_len, p.dp_prop, p.dp_prop_len);
    expect_bytes(q.ssd, q.ssd_len, p.ssd, p.ssd_len);
    expect_bytes(q.name, q.name_len, (const uint8_t *)"name", 4);
}

static void test_write_info_order(void **state)
{
    (void)state;
    struct profile_record p;
    uint8_t buf[2048], exp[2048];
    struct tlv_writer w;
    full_record(&p);
    p.icon_len = 2;
    tlv_writer_init(&w, buf, sizeof buf);
    profile_write_info(&p, NULL, 0, &w);
    assert_true(tlv_writer_ok(&w));
    size_t n = tu_unhex("E35C 5A0A98001122334455667788 4F10A0000005591010FFFFFFFF8900001300"
                   "9F700101 90016E 910173 92046E616D65 930101 94024242 950101"
                   "B60B3009810207800C03612E62 B705040321F354 B80506032B0601 99020560"
                   "BF22023000", exp, sizeof exp);
    expect_bytes(buf, w.len, exp, n);
}

static void test_iterate_find_count_delete(void **state)
{
    struct fx *f = *state;
    struct profile_record p;
    size_t n, len;
    uint8_t slot;
    assert_int_equal(profile_count(f->store, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(profile_next(f->store, 0, &p), STORE_ENOTFOUND);
    assert_int_equal(profile_free_slot(f->store, &slot), 0);
    assert_int_equal(slot, 1);

    fx_profile(&p, 1, "98000000000000000001", 2, 0);
    assert_int_equal(profile_save(f->store, &p), 0);
    fx_profile(&p, 3, "98000000000000000003", 2, 1);
    assert_int_equal(profile_save(f->store, &p), 0);
    assert_int_equal(store_put(f->store, SID_PROFILE_DATA(3) + 0xFFFF, (const uint8_t *)"x", 1), 0);
    assert_int_equal(store_put(f->store, SID_PROFILE_DATA(4), (const uint8_t *)"y", 1), 0);

    assert_int_equal(profile_count(f->store, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(profile_free_slot(f->store, &slot), 0);
    assert_int_equal(slot, 2);
    assert_int_equal(profile_next(f->store, 0, &p), 0);
    assert_int_equal(p.slot, 1);
    assert_int_equal(profile_next(f->store, 1, &p), 0);
    assert_int_equal(p.slot, 3);
    assert_int_equal(profile_next(f->store, 3, &p), STORE_ENOTFOUND);

    uint8_t iccid[10], aid[16];
    tu_unhex("98000000000000000003", iccid, 10);
    assert_int_equal(profile_find_iccid(f->store, iccid, &p), 0);
    assert_int_equal(p.slot, 3);
    profile_isdp_aid(1, aid);
    assert_int_equal(profile_find_aid(f->store, aid, 16, &p), 0);
    assert_int_equal(p.slot, 1);
    assert_int_equal(profile_find_aid(f->store, aid, 15, &p), STORE_ENOTFOUND);
    iccid[9] = 0x99;
    assert_int_equal(profile_find_iccid(f->store, iccid, &p), STORE_ENOTFOUND);

    assert_int_equal(profile_delete(f->store, 3), 0);
    assert_int_equal(profile_load(f->store, 3, &p), STORE_ENOTFOUND);
    assert_int_equal(store_size(f->store, SID_PROFILE_DATA(3) + 0xFFFF, &len), STORE_ENOTFOUND);
    assert_int_equal(store_size(f->store, SID_PROFILE_DATA(4), &len), 0);   /* neighbour kept */
    assert_int_equal(profile_load(f->store, 0, &p), STORE_ENOTFOUND);
    assert_int_equal(profile_load(f->store, PROFILE_SLOTS + 1, &p), STORE_ENOTFOUND);
}

static void test_table_full_and_bytes(void **state)
{
    struct fx *f = *state;
    struct profile_record p;
    uint8_t slot;
    size_t len, total = 0;
    for (unsigned i = 1; i <= PROFILE_SLOTS; i++) {
        fx_profile(&p, (uint8_t)i, "98000000000000000000", 2, 0);
        assert_int_equal(profile_save(f->store, &p), 0);
        assert_int_equal(store_size(f->store, SID_PROFILE_FIRST + i, &len), 0);
        total += len;
    }
    assert_int_equal(profile_free_slot(f->store, &slot), STORE_EFULL);
    p.slot = 0;
    assert_int_not_equal(profile_save(f->store, &p), 0);
    assert_int_equal(store_put(f->store, SID_PROFILE_DATA(255) + 0xFFFF, (const uint8_t *)"abc", 3), 0);
    assert_int_equal(store_put(f->store, SID_ISDR_RAT, (const uint8_t *)"zz", 2), 0);
    assert_int_equal(profile_bytes_used(f->store), total + 3);
}

static void test_decode_rejects_garbage(void **state)
{
    (void)state;
    struct profile_record p;
    uint8_t b[64];
    size_t n = tu_unhex("E303 5A0100", b, sizeof b);                  /* short ICCID */
    assert_int_equal(profile_decode(b, n, &p), -1);
    n = tu_unhex("E304 9F700102", b, sizeof b);                       /* bad state */
    assert_int_equal(profile_decode(b, n, &p), -1);
    n = tu_unhex("E305 5A0A00", b, sizeof b);                         /* truncated */
    assert_int_equal(profile_decode(b, n, &p), -1);
    n = tu_unhex("3000", b, sizeof b);                                /* not E3 */
    assert_int_equal(profile_decode(b, n, &p), -1);
    n = tu_unhex("E300 00", b, sizeof b);                             /* trailing */
    assert_int_equal(profile_decode(b, n, &p), -1);
    n = tu_unhex("E304 99020860", b, sizeof b);                       /* unused bits > 7 */
    assert_int_equal(profile_decode(b, n, &p), -1);
    n = tu_unhex("E303 DF0100", b, sizeof b);                         /* unknown: ignored */
    assert_int_equal(profile_decode(b, n, &p), 0);
}

static void test_get_bits(void **state)
{
    (void)state;
    uint32_t b;
    assert_true(isdr_get_bits((const uint8_t *)"\x05\xE0", 2, &b));
    assert_int_equal(b, 0x7);
    assert_true(isdr_get_bits((const uint8_t *)"\x80", 1, &b));     /* pySim */
    assert_int_equal(b, 0x1);
    assert_true(isdr_get_bits((const uint8_t *)"\x00", 1, &b));
    assert_int_equal(b, 0);
    assert_true(isdr_get_bits((const uint8_t *)"\x07\x80", 2, &b));
    assert_int_equal(b, 0x1);
    assert_true(isdr_get_bits((const uint8_t *)"\x06\xFF", 2, &b)); /* unused bits ignored */
    assert_int_equal(b, 0x3);
    assert_true(isdr_get_bits((const uint8_t *)"\x00\x00\x80", 3, &b));
    assert_int_equal(b, 1u << 8);
    assert_false(isdr_get_bits((const uint8_t *)"", 0, &b));
    assert_false(isdr_get_bits((const uint8_t *)"\x03", 1, &b));
}

static void test_utf8(void **state)
{
    (void)state;
    size_t n;
    assert_true(isdr_utf8_valid((const uint8_t *)"abc", 3, &n));
    assert_int_equal(n, 3);
    assert_true(isdr_utf8_valid((const uint8_t *)"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", 9, &n));
    assert_int_equal(n, 3);
    assert_true(isdr_utf8_valid((const uint8_t *)"", 0, &n));
    assert_false(isdr_utf8_valid((const uint8_t *)"\xC3", 1, &n));          /* truncated */
    assert_false(isdr_utf8_valid((const uint8_t *)"\xC0\xAF", 2, &n));      /* overlong */
    assert_false(isdr_utf8_valid((const uint8_t *)"\xED\xA0\x80", 3, &n));  /* surrogate */
    assert_false(isdr_utf8_valid((const uint8_t *)"\xF4\x90\x80\x80", 4, &n)); /* > 10FFFF */
    assert_false(isdr_utf8_valid((const uint8_t *)"\xFF", 1, &n));
    assert_false(isdr_utf8_valid((const uint8_t *)"\xE2\x28\xA1", 3, &n));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_roundtrip_all_fields),
        T(test_write_info_order),
        T(test_iterate_find_count_delete),
        T(test_table_full_and_bytes),
        T(test_decode_rejects_garbage),
        T(test_get_bits),
        T(test_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
