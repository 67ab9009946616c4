/* card/store_internal.h — store internals for tests and fuzzers only (not for card code).
 *
 * The persistent image format (all integers big-endian):
 *   header  "EUEMST01" | format version u32 (=1) | generation u64 | object count u32
 *   records id u32 | len u32 | len bytes        (ids strictly increasing)
 *   trailer SHA-256 over everything before it
 */
#ifndef EUICC_STORE_INTERNAL_H
#define EUICC_STORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "card/store.h"

#define STORE_IMAGE_MAGIC       "EUEMST01"
#define STORE_IMAGE_VERSION     1u
#define STORE_IMAGE_HEADER_LEN  24u
#define STORE_IMAGE_RECORD_HDR  8u
#define STORE_IMAGE_TRAILER_LEN 32u
#define STORE_IMAGE_MAX         67108864u  /* 64 MiB: whole image, bytes */
#define STORE_CHUNK_MAX         65536u     /* 64 KiB per counted write */

/* Parse and verify an image as store_reload() would, then free the result:
 * STORE_OK, STORE_ECORRUPT or STORE_ENOMEM; *count (may be NULL) gets the object count. */
int store_image_check(const uint8_t *p, size_t len, uint32_t *count);

/* Memory backend: the current "disk" image (borrowed; valid until the next store call);
 * STORE_ENOTFOUND when nothing was ever committed, STORE_EINVAL for a dir store. */
int store_memory_image(const struct store *s, const uint8_t **p, size_t *len);

/* Memory backend: replace the current "disk" image by a copy of p[0..len)
 * (takes effect at the next store_reload()). */
int store_memory_set_image(struct store *s, const uint8_t *p, size_t len);

#endif
