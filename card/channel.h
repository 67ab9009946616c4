/* card/channel.h — logical channels and their transient state. */
#ifndef EUICC_CHANNEL_H
#define EUICC_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storedata.h"

#define CHANNEL_MAX 20

struct applet;

struct channel {
    uint8_t number;
    bool open;
    struct applet *selected;      /* NULL: no applet (file system context) */
    /* pending response for GET RESPONSE (61xx) */
    uint8_t *pending;             /* heap, CARD_MAX_RAPDU */
    size_t pending_len, pending_off;
    uint8_t pending_cla;          /* CLA of the command that produced it */
    bool pending_secret;          /* it carries secrets (e.g. CK/IK): GET RESPONSE masks
                                   * it in the trace as the command itself was */
    /* GlobalPlatform STORE DATA reassembly */
    struct storedata sd;
    /* per-channel file system selection (used by the UICC personality) */
    uint16_t cur_df, cur_ef;
    void *fs_ctx;
};

#endif
