/* card/uicc_internal.h — what the UICC personality's files share: the card's UICC,
 * a channel's file selection, and the command handlers of card/uicc_pin.c (PIN
 * commands) and card/uicc_auth.c (AUTHENTICATE) that card/uicc.c dispatches to. */
#ifndef EUICC_UICC_INTERNAL_H
#define EUICC_UICC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "card/apdu.h"
#include "card/uicc.h"

struct card;
struct channel;

/* What fs_ctx of a channel points to: the selection and the state of multi-block
 * RETRIEVE DATA / SET DATA (TS 102 221 §11.3). */
struct uicc_chan {
    struct uicc_selection sel;
    int retrieve_file;          /* BER-TLV EF of a RETRIEVE DATA in progress, FS_NONE */
    uint32_t retrieve_tag;
    size_t retrieve_off;        /* octets of the object already returned */
    int set_file;               /* BER-TLV EF of a SET DATA in progress, FS_NONE */
    uint32_t set_tag;
    size_t set_expected;        /* value octets announced in the first block */
    uint8_t *set_buf;           /* value octets gathered so far (heap) */
    size_t set_len;
};

/* The card's UICC (the enabled profile in RAM; u->active false when none). */
struct uicc *card_uicc(struct card *c);

/* The channel's selection (allocated on first use, starts at the MF); NULL when out of
 * memory. */
struct uicc_selection *uicc_selection_of(struct card *c, struct channel *ch);

/* Index of the ADF selected on the channel (the NAA whose PINs/keys apply), or FS_NONE. */
int uicc_current_adf(struct card *c, struct channel *ch);

/* Persist the PIN states of the enabled profile (after a counter/value/enabled change).
 * STORE_* code (STORE_OK when done). */
int uicc_save_pins(struct card *c);

/* Persist one file's content of the enabled profile after a change. STORE_* code. */
int uicc_save_file(struct card *c, int file_idx);

/* Access condition of a file for an operation: true when the security attributes of
 * file `idx` allow access mode bit `am` (UICC_AM_*) with the PINs as verified now. */
bool uicc_access_allowed(struct card *c, struct channel *ch, int idx, uint8_t am);

/* access mode bits for EFs (TS 102 221 §9.2.4 / ISO 7816-4 Table 17) */
#define UICC_AM_READ        0x01   /* READ BINARY/RECORD, SEARCH, RETRIEVE DATA */
#define UICC_AM_UPDATE      0x02   /* UPDATE BINARY/RECORD, SET DATA */
#define UICC_AM_INCREASE    0x80   /* INCREASE (AM_DO 84 32, else the UPDATE rule) */
#define UICC_AM_DEACTIVATE  0x08
#define UICC_AM_ACTIVATE    0x10
#define UICC_AM_TERMINATE   0x20
#define UICC_AM_DELETE      0x40

/* uicc.c: free the UICC (image and every channel's fs_ctx) at card_runtime_free. */
void uicc_free(struct card *c);

/* uicc_select.c: SELECT (A4) with a profile enabled. */
void uicc_select(struct card *c, struct channel *ch, struct apdu *a);

/* uicc_select.c: STATUS (F2) with a profile enabled. */
void uicc_status(struct card *c, struct channel *ch, struct apdu *a);

/* uicc_select.c: the file a SELECT-style reference names (P1 00/01/03/08/09, data as in
 * SELECT) from the channel's selection, or FS_NONE. */
int uicc_resolve(struct card *c, const struct uicc_selection *sel, uint8_t p1,
                 const uint8_t *data, size_t len);

/* uicc_select.c: make file idx the channel's current file (DF or EF). */
void uicc_make_current(struct card *c, struct channel *ch, int idx);

/* uicc_select.c: write the FCP (62) of file idx; its length, 0 when it does not fit. */
size_t uicc_fcp(struct card *c, int idx, uint8_t *out, size_t cap);

/* uicc_file.c: READ BINARY (B0) / UPDATE BINARY (D6). */
void uicc_read_binary(struct card *c, struct channel *ch, struct apdu *a);
void uicc_update_binary(struct card *c, struct channel *ch, struct apdu *a);

/* uicc_file.c: READ RECORD (B2) / UPDATE RECORD (DC) / SEARCH RECORD (A2). */
void uicc_read_record(struct card *c, struct channel *ch, struct apdu *a);
void uicc_update_record(struct card *c, struct channel *ch, struct apdu *a);
void uicc_search_record(struct card *c, struct channel *ch, struct apdu *a);

/* uicc_file.c: INCREASE (32) on a cyclic EF. */
void uicc_increase(struct card *c, struct channel *ch, struct apdu *a);

/* uicc_file.c: RETRIEVE DATA (CB) / SET DATA (DB) on a BER-TLV EF. */
void uicc_retrieve_data(struct card *c, struct channel *ch, struct apdu *a);
void uicc_set_data(struct card *c, struct channel *ch, struct apdu *a);

/* uicc_file.c: ACTIVATE (44) / DEACTIVATE (04) FILE. */
void uicc_activate(struct card *c, struct channel *ch, struct apdu *a, bool activate);

/* card/uicc_pin.c: VERIFY (20), CHANGE (24), DISABLE (26), ENABLE (28) and UNBLOCK
 * (2C) PIN on a channel without an applet, with a profile enabled. */
void uicc_pin_command(struct card *c, struct channel *ch, struct apdu *a);

/* card/uicc_pin.c: constant-time comparison of a presented value (8 octets, FF padded)
 * with PIN p's stored value; only the verdict is public. */
bool pin_value_matches(const struct pin *p, const uint8_t v[PIN_VALUE_LEN]);

/* card/uicc_auth.c: AUTHENTICATE (88) in the context of the channel's current ADF. */
void uicc_authenticate(struct card *c, struct channel *ch, struct apdu *a);

#endif
