/* card/store_backend.h — store internals: the vtable a persistence backend implements.
 * A backend keeps one current image and one temporary image; a commit writes the
 * temporary one in chunks, syncs it and renames it over the current one.
 * Implementations: card/store_mem.c (memory blob) and card/store_dir.c (directory).
 */
#ifndef EUICC_STORE_BACKEND_H
#define EUICC_STORE_BACKEND_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct store_backend;

struct store_backend_ops {
    /* Write p[0..n) at offset off of the temporary image (off 0 starts a new one). */
    int (*write_tmp_chunk)(struct store_backend *be, size_t off, const uint8_t *p, size_t n);
    int (*sync)(struct store_backend *be);     /* make the temporary image durable */
    int (*rename)(struct store_backend *be);   /* temporary image becomes the current one */
    /* Current image in *p and *len (borrowed or in *owned, to free); STORE_ENOTFOUND if none. */
    int (*read_current)(struct store_backend *be, const uint8_t **p, size_t *len,
                        uint8_t **owned);
    void (*discard_tmp)(struct store_backend *be);  /* forget a stale temporary image */
    void (*close)(struct store_backend *be);        /* release everything and free be */
};

/* Every backend's state starts with this. */
struct store_backend {
    const struct store_backend_ops *ops;
};

/* A new memory backend with no current image: STORE_OK or STORE_ENOMEM. */
int store_mem_backend_new(struct store_backend **out);

/* Open the directory backend on dir (created 0700 if missing) and take its lock:
 * STORE_OK, STORE_EINVAL, STORE_EIO, STORE_ENOMEM or STORE_ELOCKED. */
int store_dir_backend_open(struct store_backend **out, const char *dir);

/* The backend a store runs on (for backend-specific entry points). */
struct store_backend *store_backend_of(const struct store *s);

#endif
