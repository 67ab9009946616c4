/* card/applet.h — Java Card / GlobalPlatform style applets registered by AID. */
#ifndef EUICC_APPLET_H
#define EUICC_APPLET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apdu.h"

struct card;
struct channel;
struct applet;

/* GlobalPlatform application life cycle states */
#define APPLET_LC_INSTALLED   0x03
#define APPLET_LC_SELECTABLE  0x07
#define APPLET_LC_LOCKED      0x83   /* b8 set: locked */

#define AID_MAX 16

struct applet_ops {
    /* Selection on channel ch. Write the FCI into apdu->resp and set apdu->sw; return
     * false to refuse (the previous selection on that channel stays). */
    bool (*select)(struct applet *a, struct card *c, struct channel *ch, struct apdu *apdu);
    /* The applet loses the selection on ch (another SELECT, channel close, reset). */
    void (*deselect)(struct applet *a, struct card *c, struct channel *ch);
    /* Every command other than SELECT-by-AID/MANAGE CHANNEL/GET RESPONSE that arrives
     * on a channel where this applet is selected. */
    void (*process)(struct applet *a, struct card *c, struct channel *ch, struct apdu *apdu);
    /* Power off / reset: drop the applet's transient state (may be NULL). */
    void (*reset)(struct applet *a, struct card *c);
};

struct applet {
    uint8_t aid[AID_MAX];
    uint8_t aid_len;
    uint8_t life_cycle;
    const struct applet_ops *ops;
    void *ctx;                   /* applet instance data */
};

#define REGISTRY_MAX 64

struct registry {
    struct applet *applets[REGISTRY_MAX];
    size_t n;
};

/* Register an applet (not copied; must outlive the registry). 0 or -1 when full/dup. */
int registry_add(struct registry *r, struct applet *a);

/* Remove an applet by AID. */
void registry_remove(struct registry *r, const uint8_t *aid, size_t aid_len);

/* Exact AID match, or NULL. */
struct applet *registry_find(const struct registry *r, const uint8_t *aid, size_t aid_len);

/* Partial-AID selection (ISO 7816-4): the first applet whose AID starts with prefix
 * after `after` (NULL = from the start) in registry order; NULL when none. */
struct applet *registry_find_prefix(const struct registry *r, const uint8_t *prefix,
                                    size_t len, const struct applet *after);

#endif
