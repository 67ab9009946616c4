/* card/store.h — persistent objects with Java Card–style atomic transactions.
 *
 * Objects are byte strings keyed by a 32-bit id (ranges in card/store_ids.h).
 * Between store_begin() and store_commit() all puts/deletes are buffered and land
 * together: after a crash (or an injected fault) at any point, re-opening the store
 * yields either the state before the transaction or the state after it, never a mix.
 * store_commit() is durable (fsync'd) when it returns 0.
 * A put/delete outside a transaction is its own one-operation transaction.
 * Reads inside a transaction see the transaction's own writes.
 *
 * Backends: a directory (state file written to a temporary file, fsync'd, renamed
 * over the old one, directory fsync'd) and memory (a byte blob that outlives a
 * simulated restart: tests and fuzzers).
 *
 * Fault injection: store_fail_after(s, n) makes the n-th backend write from now
 * (0 = the very next one) fail as if power was lost there; the store is then "dead":
 * every later operation fails with STORE_EDEAD until store_reload().
 * The commit (or single put/delete) whose write failed returns STORE_EIO.
 * store_open_dir() takes an exclusive lock on the directory (STORE_ELOCKED if taken)
 * and fails with STORE_ECORRUPT rather than start empty over a damaged state file.
 */
#ifndef EUICC_STORE_H
#define EUICC_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    STORE_OK = 0,
    STORE_ENOTFOUND = -1,   /* no object with this id */
    STORE_ETOOSMALL = -2,   /* caller's buffer too small (*len tells the size) */
    STORE_EIO = -3,         /* backend write/read failed */
    STORE_EDEAD = -4,       /* a fault was injected/occurred; reload needed */
    STORE_ESTATE = -5,      /* begin inside a transaction, commit outside one, ... */
    STORE_EFULL = -6,       /* capacity exceeded */
    STORE_ECORRUPT = -7,    /* the persistent image failed its integrity check */
    STORE_ENOMEM = -8,
    STORE_ELOCKED = -9,     /* the state directory is in use by another store/process */
    STORE_EINVAL = -10,     /* bad argument (NULL pointer, data NULL with len > 0) */
};

/* A short English description of a STORE_* code (never NULL). */
const char *store_strerror(int rc);

struct store;

/* Open (or create) the store kept in directory dir (created if missing, mode 0700). */
int store_open_dir(struct store **out, const char *dir);

/* Open an empty store whose "disk" is a memory blob. */
int store_open_memory(struct store **out);

/* Close and free (an open transaction is aborted). NULL is accepted. */
void store_close(struct store *s);

/* Drop all in-memory state and reload from the backend, as a restart after power
 * loss would; clears the dead state and any pending fault injection. */
int store_reload(struct store *s);

int store_begin(struct store *s);                 /* start a transaction */
int store_commit(struct store *s);                /* all or nothing, durable */
void store_abort(struct store *s);                /* drop the open transaction */
bool store_in_transaction(const struct store *s);

/* Join the caller's open transaction, or begin one of our own (*own = true). */
int store_begin_own(struct store *s, bool *own);

/* End what store_begin_own began: when own, commit on rc == STORE_OK, else abort;
 * returns rc or the commit's result. */
int store_end_own(struct store *s, bool own, int rc);

/* Write an object (replaces any previous value). len may be 0. */
int store_put(struct store *s, uint32_t id, const uint8_t *v, size_t len);

/* Read an object into v[0..cap); *len receives its size (also on STORE_ETOOSMALL). */
int store_get(struct store *s, uint32_t id, uint8_t *v, size_t cap, size_t *len);

/* Size of an object, or STORE_ENOTFOUND. */
int store_size(struct store *s, uint32_t id, size_t *len);

/* Delete an object; deleting a missing object is STORE_OK. */
int store_delete(struct store *s, uint32_t id);

/* Delete every object with lo <= id <= hi. */
int store_delete_range(struct store *s, uint32_t lo, uint32_t hi);

/* Smallest existing id > after and <= hi, into *id; STORE_ENOTFOUND when none. */
int store_next(struct store *s, uint32_t after, uint32_t hi, uint32_t *id);

/* Total bytes of object payloads currently stored (for memory accounting). */
size_t store_used_bytes(struct store *s);

/* Fault injection: the n-th backend write from now fails (power loss there);
 * n < 0 disables. */
void store_fail_after(struct store *s, long n);

/* Number of backend writes performed since open (for enumerating fault points). */
long store_write_count(const struct store *s);

#endif
