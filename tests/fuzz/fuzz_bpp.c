/* Fuzz target: ES10b.LoadBoundProfilePackage past the MAC. At start-up, on the clean fuzz
 * card (fuzz_card_setup.h), a real download with the test SM-DP+ runs up to
 * PrepareDownload and one BPP of TS48V1-A is bound (fuzz_bpp_setup.h); the card's RSP
 * session and one-time key are kept, the BSP session keys derived. Every input starts
 * from exactly that prepared state (the store snapshot reloaded when the previous input
 * wrote: a PIR, success or error, is stored), gets the BF36 + BF23 piece, then its own
 * pieces (format in fuzz_bpp_setup.h): raw pieces, segments wrapped with the current
 * keys, sequence headers with chosen or computed lengths, ReplaceSessionKeys with chosen
 * keys. Seeds: tests/fuzz/seeds/make_card_seeds --bpp (complete TS48V1-A downloads).
 *
 * Needs the SGP.26 identity and TS.48 profile under $EUICC_EMU_SHARED (../shared): the
 * test SM-DP+'s keys must chain to the card's CI. Without them there is no session to
 * restore; the target then only sends the input's pieces raw to a card without a
 * session (the "no session" paths) and says so once on stderr. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card/store.h"
#include "card/store_internal.h"
#include "fuzz_bpp_setup.h"
#include "fuzz_card_setup.h"

static struct store *store;
static uint8_t *snapshot;
static size_t snapshot_len;
static struct card *card;
static long clean_writes = -1;
static struct bpp_fx fx;
static bool have_fx;
static uint8_t resp[65536];

static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *p = malloc(1u << 20);
    *len = p ? fread(p, 1, 1u << 20, f) : 0;
    fclose(f);
    return p;
}

/* Back to the snapshot. The card keeps no copy of what a download writes (profile
 * records, notifications, their sequence counter live in the store only; the ISD-R's
 * RAM state is reset by the power cycle that follows), so reloading the store under the
 * open card is enough and much cheaper than re-opening it (ECASD import). */
static void reload_store(void)
{
    if (card == NULL)
        card = fuzz_card_open(store, NULL);
    else if (store_memory_set_image(store, snapshot, snapshot_len) != STORE_OK ||
             store_reload(store) != STORE_OK)
        abort();
    clean_writes = store_write_count(store);
}

/* Restore the prepared state and run one input; returns what bpp_fx_send returns. */
static int run(const uint8_t *data, size_t size, size_t *rl)
{
    if (card == NULL || store_write_count(store) != clean_writes)
        reload_store();
    fuzz_card_restart(card);
    struct lpa_transport t = { .ctx = card, .transmit = bpp_fx_xmit, .channel = 0 };
    if (lpa_select_isdr(&t) != 0)
        abort();
    if (!have_fx) {                 /* no session: the pieces as they are */
        size_t off = 0;
        while (off < size) {
            size_t len = size - off >= 3 ? (size_t)data[off + 1] << 8 | data[off + 2] : 0;
            off = off + 3 > size ? size : off + 3;
            len = len > size - off ? size - off : len;
            (void)lpa_es10(&t, data + off, len, resp, sizeof resp, rl);
            off += len;
        }
        return 0;
    }
    bpp_fx_restore(&fx, card);
    return bpp_fx_send(&fx, &t, data, size, resp, sizeof resp, rl);
}

static void init(void)
{
    const uint8_t *img;
    const char *identity = fuzz_card_identity();
    if (store_open_memory(&store) != STORE_OK)
        abort();
    card_close(fuzz_card_open(store, identity));
    card = fuzz_card_open(store, NULL);
    fuzz_card_restart(card);
    if (identity) {
        char path[700];
        size_t upp_len = 0;
        snprintf(path, sizeof path, "%s/../profiles/ts48/TS48V1-A-UNIQUE.der", identity);
        uint8_t *upp = read_all(path, &upp_len);
        struct smdp *dp = upp ? bpp_fx_smdp(identity, false) : NULL;
        if (dp && bpp_fx_prepare(&fx, card, dp, upp, upp_len) == 0)
            have_fx = true;
        else
            fprintf(stderr, "fuzz_bpp: fixture download failed (%s)\n", upp ? "" : path);
        smdp_close(dp);
        free(upp);
        if (!have_fx)
            abort();
    } else {
        fprintf(stderr, "fuzz_bpp: no SGP.26 identity (EUICC_EMU_SHARED): pieces are sent "
                        "raw to a card without an RSP session\n");
    }
    /* the PrepareDownload wrote nothing: the snapshot is the clean card */
    card_close(card);
    card = NULL;
    if (store_memory_image(store, &img, &snapshot_len) != STORE_OK ||
        (snapshot = malloc(snapshot_len)) == NULL)
        abort();
    memcpy(snapshot, img, snapshot_len);
    if (have_fx) {
        /* self-check: the fixture's own BPP, in the input format, installs */
        static uint8_t in[1u << 17];
        size_t n = bpp_fx_to_input(&fx, in, sizeof in), rl = 0;
        if (n == 0 || run(in, n, &rl) < 0 || !bpp_fx_pir_success(resp, rl)) {
            fprintf(stderr, "fuzz_bpp: self-check failed: the fixture BPP does not install\n");
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t rl;
    if (store == NULL)
        init();
    (void)run(data, size, &rl);
    return 0;
}
