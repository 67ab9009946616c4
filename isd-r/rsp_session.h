/* isd-r/rsp_session.h — the transient RSP session of the ISD-R (SGP.22 §3.1.2):
 * for now the eUICC challenge. Lives in RAM only: a power reset clears it and a new
 * GetEUICCChallenge replaces it. */
#ifndef EUICC_RSP_SESSION_H
#define EUICC_RSP_SESSION_H

#include <stdbool.h>
#include <stdint.h>

struct rng;

#define RSP_CHALLENGE_LEN 16

struct rsp_session {
    bool has_challenge;
    uint8_t euicc_challenge[RSP_CHALLENGE_LEN];
};

/* Forget everything (power reset, end of session); wipes the buffers. */
void rsp_session_clear(struct rsp_session *s);

/* Start a new session with a fresh eUICC challenge from rng. 0 or -1. */
int rsp_session_new_challenge(struct rsp_session *s, struct rng *rng);

#endif
