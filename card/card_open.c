/* card/card_open.c — the card's lifecycle with its state: the store, the state
 * format version and card mode (both fixed at first start), the RNG, the ECASD and
 * the ISD-R; card_close() undoes it in reverse order. */
#include "card/card_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "card/store.h"
#include "card/store_ids.h"
#include "crypto/rng.h"
#include "ecasd/ecasd.h"
#include "isd-r/isdr.h"

static int fail(char *err, size_t errcap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errcap, const char *fmt, ...)
{
    if (err != NULL && errcap > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errcap, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static const char *mode_name(enum card_mode m)
{
    return m == CARD_MODE_IOT ? "iot" : m == CARD_MODE_CONSUMER ? "consumer" : "default";
}

/* Check (or, at first start, write) the state format version and the card mode. */
static int card_state_init(struct card *c, const struct card_config *cfg, char *err,
                           size_t errcap)
{
    uint8_t v[4];
    size_t len = 0;
    int rc = store_get(c->store, SID_CARD_FORMAT, v, sizeof(v), &len);
    if (rc == STORE_ENOTFOUND) {
        enum card_mode m = cfg->mode == CARD_MODE_IOT ? CARD_MODE_IOT : CARD_MODE_CONSUMER;
        const uint8_t fmt[4] = { (uint8_t)(CARD_STATE_FORMAT >> 24),
                                 (uint8_t)(CARD_STATE_FORMAT >> 16),
                                 (uint8_t)(CARD_STATE_FORMAT >> 8), (uint8_t)CARD_STATE_FORMAT };
        const uint8_t mb = (uint8_t)m;
        if (store_begin(c->store) != STORE_OK)
            return fail(err, errcap, "card state: cannot start a transaction");
        if (store_put(c->store, SID_CARD_FORMAT, fmt, sizeof(fmt)) != STORE_OK ||
            store_put(c->store, SID_CARD_MODE, &mb, 1) != STORE_OK ||
            store_commit(c->store) != STORE_OK) {
            store_abort(c->store);
            return fail(err, errcap, "card state: cannot write the state format and mode");
        }
        c->mode = m;
        return 0;
    }
    if (rc != STORE_OK || len != sizeof(v))
        return fail(err, errcap, "card state: unreadable state format version (store error %d)", rc);
    uint32_t stored = ((uint32_t)v[0] << 24) | ((uint32_t)v[1] << 16) | ((uint32_t)v[2] << 8) | v[3];
    if (stored != CARD_STATE_FORMAT)
        return fail(err, errcap,
                    "card state: the stored state has format version %u, this build reads "
                    "version %u; use another state directory or convert the state",
                    (unsigned)stored, (unsigned)CARD_STATE_FORMAT);
    uint8_t mb = 0;
    rc = store_get(c->store, SID_CARD_MODE, &mb, 1, &len);
    if (rc != STORE_OK || len != 1 || (mb != CARD_MODE_CONSUMER && mb != CARD_MODE_IOT))
        return fail(err, errcap, "card state: missing or invalid card mode (store error %d)", rc);
    if (cfg->mode != CARD_MODE_DEFAULT && cfg->mode != (enum card_mode)mb)
        return fail(err, errcap,
                    "card state: this card was created in %s mode and cannot become %s; "
                    "the mode is chosen at first start (use another state directory)",
                    mode_name((enum card_mode)mb), mode_name(cfg->mode));
    c->mode = (enum card_mode)mb;
    return 0;
}

static int card_open_store(struct card *c, const struct card_config *cfg, char *err,
                           size_t errcap)
{
    if (cfg->store != NULL) {
        c->store = cfg->store;
        c->store_owned = false;
        return 0;
    }
    errno = 0;
    int rc = cfg->state_dir != NULL ? store_open_dir(&c->store, cfg->state_dir)
                                    : store_open_memory(&c->store);
    if (rc != STORE_OK) {
        int e = errno;
        c->store = NULL;
        if (cfg->state_dir != NULL)
            return fail(err, errcap, "cannot open the card state in %s: %s%s%s",
                        cfg->state_dir, store_strerror(rc), rc == STORE_EIO && e ? ": " : "",
                        rc == STORE_EIO && e ? strerror(e) : "");
        return fail(err, errcap, "cannot create an in-memory store (store error %d)", rc);
    }
    c->store_owned = true;
    return 0;
}

int card_open(struct card **out, const struct card_config *cfg, char *err, size_t errcap)
{
    if (err != NULL && errcap > 0)
        err[0] = '\0';
    if (out == NULL)
        return fail(err, errcap, "card_open: no output pointer");
    *out = NULL;
    if (cfg == NULL)
        return fail(err, errcap, "card_open: no configuration");
    if (cfg->mode != CARD_MODE_DEFAULT && cfg->mode != CARD_MODE_CONSUMER &&
        cfg->mode != CARD_MODE_IOT)
        return fail(err, errcap, "card_open: unknown card mode %d", (int)cfg->mode);
    struct card *c = card_runtime_new(cfg->trace);
    if (c == NULL)
        return fail(err, errcap, "card_open: out of memory");
    c->capacity = cfg->capacity != 0 ? cfg->capacity : CARD_DEFAULT_CAPACITY;
    if (card_open_store(c, cfg, err, errcap) != 0 || card_state_init(c, cfg, err, errcap) != 0)
        goto failed;
    c->rng = cfg->rng_seed != NULL ? rng_new_seeded(cfg->rng_seed, cfg->rng_seed_len)
                                   : rng_new_system();
    if (c->rng == NULL) {
        fail(err, errcap, "card_open: cannot create the random number generator");
        goto failed;
    }
    if (ecasd_open(&c->ecasd, c->store, c->rng, cfg->identity_dir, cfg->ci_paths,
                   cfg->n_ci_paths, err, errcap) != 0) {
        c->ecasd = NULL;
        if (err != NULL && errcap > 0 && err[0] == '\0')
            fail(err, errcap, "card_open: the ECASD failed to open");
        goto failed;
    }
    if (ecasd_install(c, c->ecasd) != 0) {
        fail(err, errcap, "card_open: cannot register the ECASD applet");
        goto failed;
    }
    c->isdr = isdr_install(c, err, errcap);
    if (c->isdr == NULL) {
        if (err != NULL && errcap > 0 && err[0] == '\0')
            fail(err, errcap, "card_open: cannot install the ISD-R");
        goto failed;
    }
    uicc_load_enabled(c);
    *out = c;
    return 0;
failed:
    card_close(c);
    return -1;
}

void card_close(struct card *c)
{
    if (c == NULL)
        return;
    struct isdr *isdr = c->isdr;
    struct ecasd *ecasd = c->ecasd;
    struct rng *rng = c->rng;
    struct store *store = c->store_owned ? c->store : NULL;
    card_runtime_free(c);        /* deselects every applet and drops the registry */
    if (isdr != NULL)
        isdr_free(isdr);
    if (ecasd != NULL)
        ecasd_close(ecasd);
    if (rng != NULL)
        rng_free(rng);
    store_close(store);
}
