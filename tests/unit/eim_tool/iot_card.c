/* tests/unit/eim_tool/iot_card.c — see iot_card.h. */
#include "tests/unit/eim_tool/iot_card.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card/card.h"
#include "card/store.h"
#include "isd-r/eim_config.h"

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

int iot_card_eim_counter(struct dl *d, const char *id, uint64_t *out)
{
    struct eim_config *c = malloc(sizeof *c);
    int rc = c && eim_find(d->store, id, strlen(id), c) == STORE_OK ? 0 : -1;
    if (rc == 0)
        *out = c->counter;
    free(c);
    return rc;
}
