/* card/card_internal.h — the card instance as the runtime's files share it, and a
 * runtime-only constructor (no store, identity or applets) for tests and fuzzers. */
#ifndef EUICC_CARD_INTERNAL_H
#define EUICC_CARD_INTERNAL_H

#include "card/applet.h"
#include "card/card.h"
#include "card/channel.h"
#include "card/uicc.h"

struct isdr;

#define CARD_DEFAULT_CAPACITY 524288u          /* 512 KiB */
#define SW_SELECT_FAILED 0x6999   /* Java Card: the applet refused selection */

struct card {
    struct registry reg;
    struct channel ch[CHANNEL_MAX];
    FILE *trace;
    struct store *store;
    bool store_owned;
    struct rng *rng;
    struct ecasd *ecasd;
    struct isdr *isdr;
    enum card_mode mode;
    size_t capacity;
    /* applet trace lines written while a command is processed: printed after the
     * command's "> " line (which waits for the applet to say whether it is secret) */
    bool in_command;
    char trace_lines[1024];
    size_t trace_len;
    struct uicc uicc;            /* the enabled profile's UICC personality */
};

/* A card with only the runtime: channel 0 open, empty registry, no store/rng/applets.
 * Register applets with registry_add(card_registry(c), ...). NULL on allocation failure. */
struct card *card_runtime_new(FILE *trace);

/* Deselect everything, free channel buffers and the card itself (not store, rng,
 * ECASD or ISD-R: card_close does those). NULL ok. */
void card_runtime_free(struct card *c);

/* channel.c: drop a channel's transient state (deselect, pending response, STORE DATA
 * chain); the channel stays open. */
void channel_clear(struct card *c, struct channel *ch);

/* channel.c: MANAGE CHANNEL (INS 70) arriving on channel ch. */
void channel_manage(struct card *c, struct channel *ch, struct apdu *a);

/* channel.c: GET RESPONSE (INS C0); writes the R-APDU into out (cap >= 2), returns its length. */
size_t channel_get_response(struct channel *ch, const struct apdu *a, uint8_t *out, size_t cap);

/* channel.c: make sure ch->pending exists (CARD_MAX_RAPDU); false when out of memory. */
bool channel_buffer(struct channel *ch);

/* select.c: SELECT by DF name (P1 = 04) on channel ch. */
void select_by_aid(struct card *c, struct channel *ch, struct apdu *a);

/* select.c: select applet app on ch (calls its select(), deselects the previous one).
 * Returns false when the applet refused (apdu->sw then tells why). */
bool select_applet(struct card *c, struct channel *ch, struct applet *app, struct apdu *a);

/* uicc.c: drop a channel's file selection back to the MF (channel clear/open). */
void uicc_channel_reset(struct channel *ch);

/* uicc.c: a channel opened from `from` inherits its file selection. */
void uicc_channel_inherit(struct channel *to, const struct channel *from);

/* uicc.c: true when a SELECT by DF name (P1 04) on ch is for the file system (an ADF
 * of the enabled profile matches and no selectable applet does). */
bool uicc_select_claims_aid(struct card *c, struct channel *ch, const struct apdu *a);

/* select.c: the selectable applet a SELECT by DF name with this AID (first occurrence)
 * selects, or NULL. */
struct applet *select_find_applet(struct card *c, const uint8_t *aid, size_t len);

/* mf.c: a command on a channel without a selected applet (minimal UICC MF context). */
void mf_process(struct card *c, struct channel *ch, struct apdu *a);

/* mf.c: TERMINAL CAPABILITY (CLA 8x INS AA), accepted on any channel. */
void mf_terminal_capability(struct apdu *a);

/* mf.c: true when a SELECT (P1 != 04) names the MF (3F00), which leaves any applet. */
bool mf_select_names_mf(const struct apdu *a);

#endif
