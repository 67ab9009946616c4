/* card/uicc_pin.c — PIN commands of the UICC personality (ETSI TS 102 221 §11.1.9-13):
 * VERIFY PIN (20), CHANGE PIN (24), DISABLE PIN (26), ENABLE PIN (28) and UNBLOCK PIN
 * (2C) on the PINs of the enabled profile.
 *
 * DISABLE PIN P1 (§11.1.11.2): 00 disables the PIN; b8 = 1 disables it with an alternative
 * global key reference as its replacement, b7-b6 00 and b5-b1 that reference, which can
 * only be the universal PIN (key reference 11, §9.4.1): P1 = 91. Any other P1: 6A86, as
 * is P1 = 91 for a PIN that is not a global application PIN (01-08). The universal PIN
 * must exist (else 6A88), be enabled and not blocked (else 6985). Afterwards files whose
 * access condition is that PIN ask for the universal PIN (pin_condition_met); ENABLE and
 * UNBLOCK of the PIN end the replacement. The state is persisted with the PINs.
 * The other PIN commands take P1 = 00 only.
 *
 * Every presentation of a value first decrements the retry counter and persists it,
 * then compares in constant time, then (on success) resets the counter and persists
 * again: a power cut between the two writes costs one try, never gives one away. */
#include <string.h>

#include "card/card.h"
#include "card/store.h"
#include "card/uicc_internal.h"
#include "crypto/ct.h"

#define SW_MEMORY_PROBLEM   0x6581   /* TS 102 221 §10.2.1.3: memory problem */
#define SW_REF_INVALIDATED  0x6984   /* referenced data invalidated: the PIN is disabled */
#define SW_VERIFY_FAILED(x) (0x63C0 | ((x) & 0x0F))

bool pin_value_matches(const struct pin *p, const uint8_t v[PIN_VALUE_LEN])
{
    bool eq = ct_memeq(p->value, v, PIN_VALUE_LEN);
    ct_public(&eq, sizeof eq);              /* the verdict is public (status word) */
    return eq;
}

static bool puk_value_matches(const struct pin *p, const uint8_t v[PIN_VALUE_LEN])
{
    bool eq = ct_memeq(p->puk, v, PIN_VALUE_LEN);
    ct_public(&eq, sizeof eq);
    return eq;
}

/* ADM key references (TS 102 221 Table 9.3: 0A-0E, 8A-8E): operator keys, not user PINs */
static bool ref_is_adm(uint8_t ref)
{
    uint8_t n = ref & 0x1F;
    return n >= 0x0A && n <= 0x0E;
}

/* A new PIN value (CHANGE, UNBLOCK) has the format of TS 102 221 §9.5.2: 4 to 8 ASCII
 * digits, then FF padding. ADM values are proprietary: any 8 octets. Checked before
 * any counter changes; the value is a secret, but its format verdict is public (the
 * terminal chose it), so the check may branch on the public verdict only. */
static bool new_value_ok(uint8_t ref, const uint8_t v[PIN_VALUE_LEN])
{
    if (ref_is_adm(ref))
        return true;
    unsigned bad = 0, digits = 0, pad = 0;
    for (size_t i = 0; i < PIN_VALUE_LEN; i++) {
        unsigned is_digit = (unsigned)((uint8_t)(v[i] - 0x30) <= 9);
        unsigned is_ff = (unsigned)(v[i] == 0xFF);
        /* a digit after padding started is malformed */
        bad |= is_digit & (pad != 0);
        bad |= (is_digit | is_ff) ^ 1u;
        digits += is_digit & (pad == 0);
        pad |= is_ff;
    }
    bool ok = bad == 0 && digits >= 4;
    ct_public(&ok, sizeof ok);
    return ok;
}

/* P2 of the PIN commands (TS 102 221 Table 11.15): b8 global/specific, b7-b6 00,
 * b5-b1 the key reference number (not 0). Returns the PIN or sets the SW. */
static struct pin *pin_of_p2(struct uicc *u, struct apdu *a)
{
    if ((a->p2 & 0x60) != 0 || (a->p2 & 0x1F) == 0) {
        apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
        return NULL;
    }
    struct pin *p = pin_find(&u->img.pins, a->p2);
    if (p == NULL || !p->present) {
        apdu_respond(a, NULL, 0, SW_REF_DATA_NOT_FOUND);
        return NULL;
    }
    return p;
}

/* Decrement-and-persist of a retry counter before a comparison. false (SW set) when
 * the counter could not be persisted: no comparison may happen then. */
static bool spend_try(struct card *c, uint8_t *tries_left, struct apdu *a)
{
    (*tries_left)--;
    if (uicc_save_pins(c) != STORE_OK) {
        apdu_respond(a, NULL, 0, SW_MEMORY_PROBLEM);
        return false;
    }
    return true;
}

/* The outcome of a wrong presentation: 63CX with the tries left (63C0 when this one
 * blocked the PIN). */
static void wrong_value(struct pin *p, uint8_t tries_left, struct apdu *a)
{
    p->verified = false;
    apdu_respond(a, NULL, 0, (uint16_t)SW_VERIFY_FAILED(tries_left));
}

/* Persist a successful change; 9000 or 6581. */
static void commit_success(struct card *c, struct apdu *a)
{
    if (uicc_save_pins(c) != STORE_OK) {
        apdu_respond(a, NULL, 0, SW_MEMORY_PROBLEM);
        return;
    }
    apdu_respond(a, NULL, 0, SW_OK);
}

/* Present value v for PIN p: decrement (persisted), compare. Returns 1 on a match
 * (counter back to max in RAM, caller persists), 0 on a mismatch (SW set), -1 when the
 * counter could not be persisted (SW set). */
static int present_pin(struct card *c, struct pin *p, const uint8_t *v, struct apdu *a)
{
    if (!spend_try(c, &p->tries_left, a))
        return -1;
    uint8_t vv[PIN_VALUE_LEN];
    memcpy(vv, v, PIN_VALUE_LEN);
    bool ok = pin_value_matches(p, vv);
    ct_wipe(vv, sizeof vv);
    if (!ok) {
        wrong_value(p, p->tries_left, a);
        return 0;
    }
    p->tries_left = p->tries_max;
    return 1;
}

/* VERIFY PIN (TS 102 221 §11.1.9). Without data: the verification status (9000 when
 * no verification is needed, 63CX otherwise). */
static void verify_pin(struct card *c, struct pin *p, struct apdu *a)
{
    if (a->lc == 0) {
        if (!p->enabled || p->verified)
            apdu_respond(a, NULL, 0, SW_OK);
        else if (p->tries_left == 0)
            apdu_respond(a, NULL, 0, SW_AUTH_BLOCKED);
        else
            apdu_respond(a, NULL, 0, (uint16_t)SW_VERIFY_FAILED(p->tries_left));
        return;
    }
    if (a->lc != PIN_VALUE_LEN) {
        apdu_respond(a, NULL, 0, SW_WRONG_LENGTH);
        return;
    }
    if (!p->enabled) {
        apdu_respond(a, NULL, 0, SW_REF_INVALIDATED);
        return;
    }
    if (p->tries_left == 0) {
        apdu_respond(a, NULL, 0, SW_AUTH_BLOCKED);
        return;
    }
    if (present_pin(c, p, a->data, a) != 1)
        return;
    p->verified = true;
    commit_success(c, a);
}

/* CHANGE PIN (§11.1.10): old PIN || new PIN. */
static void change_pin(struct card *c, struct pin *p, struct apdu *a)
{
    if (a->lc != (size_t)2 * PIN_VALUE_LEN) {
        apdu_respond(a, NULL, 0, SW_WRONG_LENGTH);
        return;
    }
    if (!p->enabled) {
        apdu_respond(a, NULL, 0, SW_REF_INVALIDATED);
        return;
    }
    if (!p->changeable) {
        apdu_respond(a, NULL, 0, SW_CONDITIONS_NOT_SATISFIED);
        return;
    }
    if (p->tries_left == 0) {
        apdu_respond(a, NULL, 0, SW_AUTH_BLOCKED);
        return;
    }
    if (!new_value_ok(p->ref, a->data + PIN_VALUE_LEN)) {
        apdu_respond(a, NULL, 0, SW_WRONG_DATA);
        return;
    }
    if (present_pin(c, p, a->data, a) != 1)
        return;
    memcpy(p->value, a->data + PIN_VALUE_LEN, PIN_VALUE_LEN);
    p->verified = true;
    commit_success(c, a);
}

#define P1_ALTERNATIVE 0x80   /* DISABLE PIN P1 b8: alternative global key reference */

/* The replacement a DISABLE PIN P1 asks for: 0 none, PINREF_UNIVERSAL, -1 a P1 the
 * card does not accept. */
static int disable_replacement(uint8_t p1)
{
    if (p1 == 0x00)
        return 0;
    if (p1 == (P1_ALTERNATIVE | PINREF_UNIVERSAL))
        return PINREF_UNIVERSAL;
    return -1;
}

/* DISABLE PIN with the universal PIN as replacement: may it happen (SW set when not)? */
static bool universal_usable(struct uicc *u, const struct pin *p, struct apdu *a)
{
    if (p->ref < 0x01 || p->ref > 0x08) {           /* only a global application PIN */
        apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
        return false;
    }
    const struct pin *up = pin_find(&u->img.pins, PINREF_UNIVERSAL);
    if (up == NULL) {
        apdu_respond(a, NULL, 0, SW_REF_DATA_NOT_FOUND);
        return false;
    }
    if (!up->enabled || up->tries_left == 0) {
        apdu_respond(a, NULL, 0, SW_CONDITIONS_NOT_SATISFIED);
        return false;
    }
    return true;
}

/* DISABLE PIN (§11.1.11): P1 00, or 91 with the universal PIN as replacement. ADM keys
 * cannot be disabled. */
static void disable_pin(struct card *c, struct pin *p, struct apdu *a)
{
    int repl = disable_replacement(a->p1);
    if (repl < 0) {
        apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
        return;
    }
    if (a->lc != PIN_VALUE_LEN) {
        apdu_respond(a, NULL, 0, SW_WRONG_LENGTH);
        return;
    }
    if (!p->enabled) {
        apdu_respond(a, NULL, 0, SW_REF_INVALIDATED);
        return;
    }
    if (ref_is_adm(p->ref)) {
        apdu_respond(a, NULL, 0, SW_CONDITIONS_NOT_SATISFIED);
        return;
    }
    if (repl == PINREF_UNIVERSAL && !universal_usable(card_uicc(c), p, a))
        return;
    if (p->tries_left == 0) {
        apdu_respond(a, NULL, 0, SW_AUTH_BLOCKED);
        return;
    }
    if (present_pin(c, p, a->data, a) != 1)
        return;
    p->enabled = false;
    p->verified = false;
    p->use_universal = repl == PINREF_UNIVERSAL;
    commit_success(c, a);
}

/* ENABLE PIN (§11.1.12). */
static void enable_pin(struct card *c, struct pin *p, struct apdu *a)
{
    if (a->lc != PIN_VALUE_LEN) {
        apdu_respond(a, NULL, 0, SW_WRONG_LENGTH);
        return;
    }
    if (p->enabled) {
        apdu_respond(a, NULL, 0, SW_CONDITIONS_NOT_SATISFIED);
        return;
    }
    if (p->tries_left == 0) {
        apdu_respond(a, NULL, 0, SW_AUTH_BLOCKED);
        return;
    }
    if (present_pin(c, p, a->data, a) != 1)
        return;
    p->enabled = true;
    p->verified = true;
    p->use_universal = false;
    commit_success(c, a);
}

/* UNBLOCK PIN (§11.1.13): UNBLOCK PIN (PUK) || new PIN. Without data: the PUK's
 * remaining tries (63CX; 6983 when the PUK is blocked). */
static void unblock_pin(struct card *c, struct pin *p, struct apdu *a)
{
    if (!p->has_puk) {
        apdu_respond(a, NULL, 0, SW_REF_DATA_NOT_FOUND);
        return;
    }
    if (a->lc == 0) {
        if (p->puk_tries_left == 0)
            apdu_respond(a, NULL, 0, SW_AUTH_BLOCKED);
        else
            apdu_respond(a, NULL, 0, (uint16_t)SW_VERIFY_FAILED(p->puk_tries_left));
        return;
    }
    if (a->lc != (size_t)2 * PIN_VALUE_LEN) {
        apdu_respond(a, NULL, 0, SW_WRONG_LENGTH);
        return;
    }
    if (!p->unblockable) {
        apdu_respond(a, NULL, 0, SW_CONDITIONS_NOT_SATISFIED);
        return;
    }
    if (p->puk_tries_left == 0) {
        apdu_respond(a, NULL, 0, SW_AUTH_BLOCKED);
        return;
    }
    if (!new_value_ok(p->ref, a->data + PIN_VALUE_LEN)) {
        apdu_respond(a, NULL, 0, SW_WRONG_DATA);
        return;
    }
    if (!spend_try(c, &p->puk_tries_left, a))
        return;
    uint8_t vv[PIN_VALUE_LEN];
    memcpy(vv, a->data, PIN_VALUE_LEN);
    bool ok = puk_value_matches(p, vv);
    ct_wipe(vv, sizeof vv);
    if (!ok) {   /* a false PUK leaves the PIN's state alone */
        apdu_respond(a, NULL, 0, (uint16_t)SW_VERIFY_FAILED(p->puk_tries_left));
        return;
    }
    p->puk_tries_left = p->puk_tries_max;
    p->tries_left = p->tries_max;
    memcpy(p->value, a->data + PIN_VALUE_LEN, PIN_VALUE_LEN);
    p->enabled = true;
    p->verified = true;
    p->use_universal = false;
    commit_success(c, a);
}

void uicc_pin_command(struct card *c, struct channel *ch, struct apdu *a)
{
    (void)ch;   /* PIN states are card-wide: valid on every logical channel */
    a->secret = true;
    struct uicc *u = card_uicc(c);
    if (u == NULL || !u->active) {
        apdu_respond(a, NULL, 0, SW_REF_DATA_NOT_FOUND);
        return;
    }
    if (a->p1 != 0x00 && a->ins != 0x26) {   /* DISABLE PIN checks its own P1 */
        apdu_respond(a, NULL, 0, SW_INCORRECT_P1P2);
        return;
    }
    struct pin *p = pin_of_p2(u, a);
    if (p == NULL)
        return;
    switch (a->ins) {
    case 0x20: verify_pin(c, p, a); break;
    case 0x24: change_pin(c, p, a); break;
    case 0x26: disable_pin(c, p, a); break;
    case 0x28: enable_pin(c, p, a); break;
    case 0x2C: unblock_pin(c, p, a); break;
    default: apdu_respond(a, NULL, 0, SW_INS_NOT_SUPPORTED); break;
    }
}
