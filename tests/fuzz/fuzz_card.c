/* Fuzz target: the whole card through card_transmit(), as a PC/SC client reaches it.
 *
 * Input: a sequence of frames in vpcd's framing (2-byte big-endian length + payload);
 * a 1-byte payload is a power event (0 off, 1 on, 2 reset), anything else a C-APDU.
 * Every input starts from the same state: the persistent state is a fixed identity
 * generated once with a seeded rng (the card is re-opened from that memory-store
 * snapshot whenever an input wrote to the store), the transient state is cleared by a
 * power cycle, and the rng is re-seeded, so every input replays exactly. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "card/card.h"
#include "card/store.h"
#include "card/store_internal.h"
#include "fuzz_card_setup.h"

static uint8_t *snapshot;
static size_t snapshot_len;
static struct store *store;
static uint8_t rapdu[CARD_MAX_RAPDU];
static struct card *card;
static long clean_writes = -1;   /* store write count when the card was last clean */

static void init_once(void)
{
    const uint8_t *img;
    if (store_open_memory(&store) != STORE_OK)
        abort();
    /* first start: import or generate the identity and persist it */
    card_close(fuzz_card_open(store, fuzz_card_identity()));
    if (store_memory_image(store, &img, &snapshot_len) != STORE_OK)
        abort();
    snapshot = malloc(snapshot_len);
    if (!snapshot)
        abort();
    memcpy(snapshot, img, snapshot_len);
}

/* A card in the snapshot's persistent state with no transient state and a fresh rng. */
static struct card *clean_card(void)
{
    if (!snapshot)
        init_once();
    if (card == NULL || store_write_count(store) != clean_writes) {
        card_close(card);
        if (store_memory_set_image(store, snapshot, snapshot_len) != STORE_OK ||
            store_reload(store) != STORE_OK)
            abort();
        card = fuzz_card_open(store, NULL);
        clean_writes = store_write_count(store);
    }
    fuzz_card_restart(card);
    return card;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct card *c = clean_card();
    size_t off = 0;
    while (size - off >= 2) {
        size_t n = (size_t)data[off] << 8 | data[off + 1];
        off += 2;
        if (n > size - off)
            n = size - off;
        if (n == 1) {
            uint8_t ev = data[off];
            if (ev == 0)
                card_power(c, CARD_POWER_OFF);
            else if (ev == 1)
                card_power(c, CARD_POWER_ON);
            else if (ev == 2)
                card_power(c, CARD_POWER_RESET);
        } else {
            size_t r = card_transmit(c, data + off, n, rapdu, sizeof rapdu);
            if (r < 2 || r > sizeof rapdu)
                abort();
        }
        off += n;
    }
    return 0;
}
