/* Fuzz target: the request parsers of every ES10 function. The input is one ES10
 * request (a DO); it reaches the ISD-R exactly as lpac sends it: STORE DATA blocks of
 * 120 octets (card_transmit), the answer read with GET RESPONSE. Starts from the same
 * clean card as the `card` target (fuzz_card_setup.h), the RSP session prepared by a
 * GetEUICCChallenge so the download functions get past "no session".
 * Built twice: `es10` (consumer card) and, with FUZZ_IOT, `iot`: an SGP.32 card that is
 * associated with the eIM of ../shared/vectors/sgp32 (its AddInitialEim sent once before
 * the snapshot) so eUICC Packages reach signature, EID and counter checks and beyond. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card/card.h"
#include "card/store.h"
#include "card/store_internal.h"
#include "fuzz_card_setup.h"
#include "tools/lpa/lpa.h"

static struct store *store;
static uint8_t *snapshot;
static size_t snapshot_len;
static struct card *card;
static long clean_writes = -1;
static uint8_t resp[CARD_MAX_RAPDU];

static size_t transmit(void *ctx, const uint8_t *c, size_t n, uint8_t *r, size_t cap)
{
    return card_transmit(ctx, c, n, r, cap);
}

#ifdef FUZZ_IOT
/* Send the captured AddInitialEim (when the shared vectors are there). */
static void associate_eim(struct card *c)
{
    char path[600];
    const char *shared = getenv("EUICC_EMU_SHARED");
    snprintf(path, sizeof path, "%s/vectors/sgp32/addInitialEim_request.ber",
             shared ? shared : "../shared");
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return;
    static uint8_t req[4096];
    size_t len = fread(req, 1, sizeof req, f);
    fclose(f);
    struct lpa_transport t = { .ctx = c, .transmit = transmit, .channel = 0 };
    size_t n;
    if (lpa_select_isdr(&t) != 0 || lpa_es10(&t, req, len, resp, sizeof resp, &n) != 0x9000)
        abort();
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *img;
    if (store == NULL) {
        if (store_open_memory(&store) != STORE_OK)
            abort();
#ifdef FUZZ_IOT
        struct card *c0 = fuzz_card_open_mode(store, fuzz_card_identity(), CARD_MODE_IOT);
        associate_eim(c0);
        card_close(c0);
#else
        card_close(fuzz_card_open(store, fuzz_card_identity()));
#endif
        if (store_memory_image(store, &img, &snapshot_len) != STORE_OK ||
            (snapshot = malloc(snapshot_len)) == NULL)
            abort();
        memcpy(snapshot, img, snapshot_len);
    }
    if (card == NULL || store_write_count(store) != clean_writes) {
        card_close(card);
        if (store_memory_set_image(store, snapshot, snapshot_len) != STORE_OK ||
            store_reload(store) != STORE_OK)
            abort();
        card = fuzz_card_open(store, NULL);
        clean_writes = store_write_count(store);
    }
    fuzz_card_restart(card);
    struct lpa_transport t = { .ctx = card, .transmit = transmit, .channel = 0 };
    size_t n;
    if (lpa_select_isdr(&t) != 0 ||
        lpa_es10(&t, (const uint8_t *)"\xBF\x2E\x00", 3, resp, sizeof resp, &n) != 0x9000)
        abort();
    if (size > 0)
        (void)lpa_es10(&t, data, size, resp, sizeof resp, &n);
    return 0;
}
