/* tests/unit/tearing/tearing_util.h — what the power-loss sweeps (test_tearing,
 * test_tearing_iot) share: the card's view through ES10 (profiles, notifications,
 * default SM-DP+), the set of seqNumbers a run has seen, the profile-completeness
 * invariant read from the store, and a fresh card from a saved store image.
 * CMocka assertions inside (test code only). */
#ifndef TEARING_UTIL_H
#define TEARING_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isd-r/profile_table.h"
#include "tests/common/download_driver.h"

#define TEARING_SEEN_MAX 256

/* What the card shows: profiles (ICCID, state, nickname, AID), notifications (seq,
 * event, ICCID; signatures checked), default SM-DP+ address. */
struct tearing_view {
    size_t np;
    struct lpa_profile_info p[PROFILE_SLOTS];
    size_t nn;
    struct dl_notif n[DL_LIST_MAX];
    char default_dp[256];
};

/* Numbers (seqNumbers, tokens) a run has seen; 0 is never recorded. */
struct tearing_seen {
    uint32_t v[TEARING_SEEN_MAX];
    size_t n;
};

/* Record v (once). */
void tearing_seen_add(struct tearing_seen *s, uint32_t v);

/* The largest recorded number (0: none). */
uint32_t tearing_seen_max(const struct tearing_seen *s);

/* Read the card's view, recording the notifications' seqNumbers in seen (may be NULL);
 * 0, or -1 when the card did not answer (a dead store). */
int tearing_read_view(struct dl *d, struct tearing_seen *seen, struct tearing_view *v);

/* Same profiles (ICCID, state, nickname, AID, in order). */
bool tearing_same_profiles(const struct tearing_view *a, const struct tearing_view *b);

/* Same notifications (events, ICCIDs, order); with seqs also the same seqNumbers. */
bool tearing_same_notifs(const struct tearing_view *a, const struct tearing_view *b,
                         bool seqs);

/* The persisted notification seqNumber counter (0 when never used). */
uint32_t tearing_seq_counter(struct store *s);

/* Every listed profile is one of iccids[0..n), complete (record + an image that loads
 * and whose EF.ICCID is the profile's), as many records as listed, no profile content
 * without its record, at most one profile enabled. */
void tearing_check_profiles(struct store *s, const struct tearing_view *v,
                            const uint8_t (*iccids)[10], size_t n);

/* A copy of the store's current image (*len its size). */
uint8_t *tearing_snapshot(struct store *s, size_t *len);

/* A new card on the store set back to img (card closed, image set, store reloaded,
 * card opened with the ISD-R selected). */
void tearing_fresh_card(struct dl *d, const uint8_t *img, size_t len);

/* The sweep: print the step table (name(ctx, k) for step k, whose writes are
 * [w[k], w[k + 1])), call inject(ctx, n) for every n in [0, w[nsteps]) and return the
 * seconds it all took. */
double tearing_sweep(const long *w, size_t nsteps, const char *(*name)(void *ctx, size_t k),
                     void (*inject)(void *ctx, long n), void *ctx);

#endif
