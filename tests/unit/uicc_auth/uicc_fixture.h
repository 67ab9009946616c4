/* tests/unit/uicc_auth/uicc_fixture.h — a card with a hand-built enabled profile (MF,
 * EF.DIR, ADF.USIM with EF.UST, ADF.ISIM; PIN1/PUK1, PIN2, ADM1; one NAA per ADF)
 * reached through card_transmit(), over an in-memory store that outlives
 * card_close/card_open (a restart). */
#ifndef UICC_FIXTURE_H
#define UICC_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "card/card.h"
#include "card/fs.h"
#include "card/profile_image.h"
#include "card/store.h"
#include "card/uicc.h"
#include "tests/common/test_util.h"

#define FX_SLOT 1

/* PIN values of the fixture (ASCII digits, FF padded) */
#define FX_PIN1   "31323334FFFFFFFF"       /* "1234" */
#define FX_PUK1   "3132333435363738"       /* "12345678" */
#define FX_PIN2   "35363738FFFFFFFF"       /* "5678" */
#define FX_ADM1   "3838383838383838"
#define FX_BADPIN "39393939FFFFFFFF"

#define FX_USIM_AID "A0000000871002FF33FF018900000100"
#define FX_ISIM_AID "A0000000871004FF33FF018900000100"

struct fx {
    struct store *s;
    struct card *c;
    FILE *trace;              /* optional */
    /* the image the fixture installs (tests tweak it before fx_start) */
    struct profile_image img;
    int usim, isim, ust;      /* file indices */
};

/* Build the default image (test algorithm K = 000102..0F on both ADFs, SQN check on,
 * 5 IND bits, no delta). */
void fx_build(struct fx *f);

/* Add a file to f->img.fs (hex data / AID / PIN status template, NULL for none; link
 * FS_NONE or the index of the EF / DF it shows); asserts success, returns its index. */
int fx_add_file(struct fx *f, enum fs_type type, uint16_t fid, int parent, int link,
                const char *aid_hex, const char *data_hex, uint16_t rec_len,
                uint16_t rec_count, uint32_t size, const char *pinstat_hex);

/* Save the image in the store (slot FX_SLOT), open the card and enable the profile. */
void fx_start(struct fx *f);

/* Restart: close the card, reload the store as after a power cut, open again, enable. */
void fx_restart(struct fx *f);

/* Close everything. */
void fx_stop(struct fx *f);

/* cmocka setup/teardown: *state = a calloc'd struct fx after fx_build / fx_stop and free. */
int fx_setup(void **state);
int fx_teardown(void **state);

/* Send a hex C-APDU; GET RESPONSE after 61xx. Returns SW; data (upper-case hex) into
 * the static buffer fx_data. */
extern char fx_data[];
unsigned fx_tx(struct fx *f, const char *capdu_hex);

/* Same with a binary command; response data into out (cap), *out_len. */
unsigned fx_txb(struct fx *f, const uint8_t *capdu, size_t len, uint8_t *out, size_t cap,
                size_t *out_len);

/* SELECT ADF.USIM / ADF.ISIM by AID on the basic channel; asserts success. */
void fx_select_usim(struct fx *f);
void fx_select_isim(struct fx *f);

#endif
