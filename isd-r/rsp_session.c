/* isd-r/rsp_session.c — transient RSP session state. */
#include "isd-r/rsp_session.h"

#include "crypto/ct.h"
#include "crypto/rng.h"

void rsp_session_clear(struct rsp_session *s)
{
    EVP_PKEY_free(s->dppb_key);
    ct_wipe(s, sizeof *s);
    s->dppb_key = NULL;
    s->state = RSP_NONE;
    s->has_challenge = false;
}

int rsp_session_new_challenge(struct rsp_session *s, struct rng *rng)
{
    rsp_session_clear(s);
    if (rng_bytes(rng, s->euicc_challenge, sizeof s->euicc_challenge) != 0) {
        rsp_session_clear(s);
        return -1;
    }
    s->has_challenge = true;
    s->state = RSP_CHALLENGED;
    return 0;
}
