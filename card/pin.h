/* card/pin.h — the PINs of one profile (ETSI TS 102 221 §9.5, §11.1.9-13): PIN1/
 * PIN2/universal PIN/ADM keys with their PUKs, retry counters and enabled state, as the
 * profile's pinCodes/pukCodes elements set them. Values are secrets: compared in
 * constant time, never traced, wiped when freed. Retry counters are persistent and
 * decremented in the store BEFORE the comparison (a power cut cannot give a free try). */
#ifndef EUICC_PIN_H
#define EUICC_PIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PIN_MAX 16            /* key references per profile */
#define PIN_VALUE_LEN 8       /* stored padded with FF to 8 octets (TS 102 221 §9.5.1) */

/* key references (TS 102 221 Table 9.3) */
#define PINREF_PIN1      0x01
#define PINREF_UNIVERSAL 0x11
#define PINREF_PIN2      0x81
#define PINREF_ADM1      0x0A

struct pin {
    uint8_t ref;                      /* key reference */
    bool present;
    bool enabled;                     /* verification required (DISABLE clears it) */
    bool verified;                    /* transient: verified since reset */
    uint8_t value[PIN_VALUE_LEN];     /* secret */
    uint8_t tries_max, tries_left;
    bool has_puk;
    uint8_t puk[PIN_VALUE_LEN];       /* secret */
    uint8_t puk_tries_max, puk_tries_left;
    bool unblockable;                 /* SAIP pinAttributes */
    bool changeable;
    bool use_universal;               /* disabled with the universal PIN (11) as its
                                         replacement: DISABLE PIN with P1 b8 set
                                         (TS 102 221 §11.1.11); application PINs only */
};

struct pin_set {
    struct pin pins[PIN_MAX];
    size_t n;
};

/* The PIN object for a key reference, or NULL. */
struct pin *pin_find(struct pin_set *s, uint8_t ref);

/* Clear every `verified` flag (reset, profile switch). */
void pin_reset_session(struct pin_set *s);

/* Is the access condition "key reference ref" met now (TS 102 221 §9.5.1, §11.1.11)?
 * ADM keys: verified. Other PINs: verified, or disabled; a PIN disabled with the
 * universal PIN as replacement needs the universal PIN verified (or not enabled). */
bool pin_condition_met(struct pin_set *s, uint8_t ref);

/* Wipe all secret values. */
void pin_set_wipe(struct pin_set *s);

#endif
