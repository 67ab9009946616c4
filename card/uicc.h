/* card/uicc.h — the UICC personality (ETSI TS 102 221, 3GPP TS 31.102/31.103): the
 * enabled profile's file system, PINs and NAAs as every logical channel sees them when
 * no applet (ISD-R, ECASD) is selected on it. Commands: SELECT (FID, path from MF, path
 * from current DF, DF name / ADF AID full or partial with first/next, parent), STATUS,
 * READ/UPDATE BINARY (offset or SFI), READ/UPDATE RECORD (absolute/current/next/
 * previous, SFI), SEARCH RECORD, INCREASE, RETRIEVE DATA / SET DATA (BER-TLV EFs),
 * ACTIVATE/DEACTIVATE FILE, VERIFY/CHANGE/DISABLE/ENABLE PIN, UNBLOCK PIN, AUTHENTICATE
 * (3G/GSM context), TERMINAL CAPABILITY, GET RESPONSE handled by the runtime. Access
 * rules from EF.ARR (or compact/expanded attributes) are enforced against the PINs
 * verified on the card; an applet-less channel with no enabled profile answers the
 * minimal MF of the foundation. */
#ifndef EUICC_UICC_H
#define EUICC_UICC_H

#include <stdbool.h>
#include <stdint.h>

#include "card/apdu.h"
#include "card/profile_image.h"

struct card;
struct channel;

/* per-channel file system state (struct channel's fs_ctx points to one) */
struct uicc_selection {
    int df;            /* current DF/ADF index, FS_NONE before any selection */
    int ef;            /* current EF index or FS_NONE */
    int adf;           /* the ADF selected on this channel (for SFI/"7FFF"), FS_NONE */
    int record;        /* current record number (1-based) of the current EF, 0 = none */
};

/* The enabled profile in RAM. */
struct uicc {
    bool active;               /* a profile is enabled and loaded */
    uint8_t slot;
    struct profile_image img;
};

/* Load the profile of `slot` (enabled by the ISD-R) into the card's UICC and reset every
 * channel's selection to the MF; slot 0 unloads (no profile enabled). 0 or -1. */
int uicc_switch_profile(struct card *c, uint8_t slot);

/* Load the profile the ISD-R's profile table marks enabled (none: unload), as at
 * card_open and after a memory reset. 0 or -1. */
int uicc_load_enabled(struct card *c);

/* Process a command on a channel with no applet selected. */
void uicc_process(struct card *c, struct channel *ch, struct apdu *a);

/* Power off / reset: PIN verification states and selections cleared. */
void uicc_reset(struct card *c);

#endif
