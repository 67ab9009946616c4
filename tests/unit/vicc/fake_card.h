/* tests/unit/vicc/fake_card.h — a scripted card behind the frontend_card calls. */
#ifndef EUICC_TEST_FAKE_CARD_H
#define EUICC_TEST_FAKE_CARD_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vicc/frontend.h"

static const uint8_t fake_atr[] = {0x3B, 0x9F, 0x96, 0x80, 0x1F, 0xC7, 0x80, 0x31, 0xE0};

enum fake_mode { FAKE_ECHO, FAKE_NO_SW, FAKE_HUGE };

struct fake_card {
    pthread_mutex_t lock;
    enum card_power events[64];
    size_t n_events;
    size_t n_apdus;
    enum fake_mode mode;
};

static void fake_power(void *ctx, enum card_power ev)
{
    struct fake_card *f = ctx;
    pthread_mutex_lock(&f->lock);
    if (f->n_events < 64)
        f->events[f->n_events++] = ev;
    pthread_mutex_unlock(&f->lock);
}

static size_t fake_atr_fn(void *ctx, uint8_t *atr, size_t cap)
{
    (void)ctx;
    if (cap < sizeof(fake_atr))
        return 0;
    memcpy(atr, fake_atr, sizeof(fake_atr));
    return sizeof(fake_atr);
}

/* Echo mode: answers the C-APDU's bytes reversed, then 90 00. */
static size_t fake_transmit(void *ctx, const uint8_t *capdu, size_t len, uint8_t *rapdu,
                            size_t cap)
{
    struct fake_card *f = ctx;
    pthread_mutex_lock(&f->lock);
    f->n_apdus++;
    enum fake_mode mode = f->mode;
    pthread_mutex_unlock(&f->lock);
    if (mode == FAKE_NO_SW)
        return 0;
    if (mode == FAKE_HUGE) {
        if (cap < 65538)
            return 0;
        memset(rapdu, 0xAB, 65536);
        rapdu[65536] = 0x90;
        rapdu[65537] = 0x00;
        return 65538;
    }
    if (len + 2 > cap)
        return 0;
    for (size_t i = 0; i < len; i++)
        rapdu[i] = capdu[len - 1 - i];
    rapdu[len] = 0x90;
    rapdu[len + 1] = 0x00;
    return len + 2;
}

static inline void fake_init(struct fake_card *f, struct frontend_card *fe)
{
    memset(f, 0, sizeof(*f));
    pthread_mutex_init(&f->lock, NULL);
    fe->ctx = f;
    fe->power = fake_power;
    fe->atr = fake_atr_fn;
    fe->transmit = fake_transmit;
}

static inline size_t fake_count(struct fake_card *f, enum card_power ev)
{
    size_t n = 0;
    pthread_mutex_lock(&f->lock);
    for (size_t i = 0; i < f->n_events; i++)
        n += f->events[i] == ev;
    pthread_mutex_unlock(&f->lock);
    return n;
}

#endif
