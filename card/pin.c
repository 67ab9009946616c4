/* card/pin.c — lookups and session state of a profile's PIN set (card/pin.h). */
#include "card/pin.h"

#include "crypto/ct.h"

struct pin *pin_find(struct pin_set *s, uint8_t ref)
{
    if (s == NULL)
        return NULL;
    for (size_t i = 0; i < s->n && i < PIN_MAX; i++) {
        if (s->pins[i].present && s->pins[i].ref == ref)
            return &s->pins[i];
    }
    return NULL;
}

void pin_reset_session(struct pin_set *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < PIN_MAX; i++)
        s->pins[i].verified = false;
}

void pin_set_wipe(struct pin_set *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < PIN_MAX; i++) {
        ct_wipe(s->pins[i].value, sizeof s->pins[i].value);
        ct_wipe(s->pins[i].puk, sizeof s->pins[i].puk);
    }
}

bool pin_condition_met(struct pin_set *s, uint8_t ref)
{
    struct pin *p = pin_find(s, ref);
    if (p == NULL)
        return false;
    uint8_t r = ref & 0x7F;
    if (r >= 0x0A && r <= 0x0E)
        return p->verified;
    if (p->enabled || p->verified)
        return p->verified;
    if (!p->use_universal)
        return true;
    /* TS 102 221 §11.1.11: the universal PIN stands for the disabled one; a universal PIN
     * that is absent or not enabled asks for nothing (§9.5.1, SE 00 "no PIN") */
    struct pin *u = pin_find(s, PINREF_UNIVERSAL);
    return u == NULL || !u->enabled || u->verified;
}
