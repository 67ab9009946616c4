/* tests/common/iot_card.c — see iot_card.h. */
#include "tests/common/iot_card.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "card/card.h"
#include "card/store.h"
#include "card/tlv.h"
#include "ecasd/ecasd.h"
#include "isd-r/eim_config.h"
#include "isd-r/notifications.h"

int iot_card_open(struct dl *d)
{
    char err[256] = "";
    struct card *first = NULL;
    if (dl_open(d, 0, err, sizeof err) != 0) {
        fprintf(stderr, "dl_open: %s\n", err);
        return -1;
    }
    /* dl_open's card is a consumer card: start over on an empty store */
    dl_card_close(d);
    store_close(d->store);
    d->store = NULL;
    if (store_open_memory(&d->store) != STORE_OK)
        return -1;
    struct card_config cfg = { .store = d->store, .identity_dir = d->sgp26,
                               .mode = CARD_MODE_IOT };
    if (card_open(&first, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "card_open (IoT): %s\n", err);
        return -1;
    }
    card_close(first);
    return dl_card_open(d);
}

uint64_t iot_card_eim_counter(struct dl *d, const char *id)
{
    struct eim_config *c = malloc(sizeof *c);
    assert_non_null(c);
    int rc = eim_find(d->store, id, strlen(id), c);
    uint64_t v = rc == STORE_OK ? c->counter : 0;
    free(c);
    if (rc != STORE_OK)
        fail_msg("eIM %s is not associated (store %d)", id, rc);
    return v;
}

void iot_card_eim_init(struct dl *d, struct eimt *e, const char *id)
{
    char key[900];
    snprintf(key, sizeof key, "%s/eIM/SK_S_EIMsign_ECDSA_NIST.pem", d->sgp26);
    assert_int_equal(eimt_init(e, id, key), 0);
    ecasd_eid(card_ecasd(d->card), e->eid);
}

int iot_card_associate(struct dl *d, struct eimt *e, const char *fqdn)
{
    uint8_t req[1024];
    int64_t token, error;
    e->counter = 1;
    size_t n = eimt_add_initial_eim(e, fqdn, req, sizeof req);
    if (n == 0 || dl_es10(d, req, n) != 0x9000 ||
        eimt_parse_add_initial_eim_response(d->resp, d->resp_len, &token, &error) != 0 ||
        token == -1)
        return -1;
    e->token = token;
    return 0;
}

size_t iot_card_results(struct dl *d, int64_t token, uint32_t *seqs, size_t cap)
{
    static const uint8_t req[] = { 0xBF, 0x2B, 0x04, 0xA0, 0x02, 0x82, 0x00 };
    struct tlv top, a2, e;
    struct tlv_cursor c;
    size_t n = 0;
    assert_int_equal(dl_es10(d, req, sizeof req), 0x9000);
    assert_true(tlv_parse(d->resp, d->resp_len, &top));
    assert_int_equal(top.tag, 0xBF2B);
    assert_true(tlv_parse(top.value, top.len, &a2));
    assert_int_equal(a2.tag, 0xA2);
    assert_true(tlv_enter(&a2, &c));
    while (tlv_next(&c, &e)) {
        struct eimt_result r;
        assert_int_equal(eimt_parse_result(e.raw, e.raw_len, d->euicc_pk, token, &r), 0);
        assert_int_equal(r.kind, EIMT_RESULT_SIGNED);
        assert_true(r.sig_ok);
        assert_true(n < cap);
        seqs[n++] = r.seq;
    }
    assert_false(c.error);
    return n;
}

void iot_card_drain(struct dl *d, int64_t token)
{
    uint32_t seqs[EPR_MAX];
    size_t n = iot_card_results(d, token, seqs, EPR_MAX);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(dl_remove_notification(d, seqs[i]), 0);
}
