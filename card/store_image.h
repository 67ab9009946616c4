/* card/store_image.h — store internals: the persistent image encoder and decoder
 * (format in card/store_internal.h). Not for card code.
 */
#ifndef EUICC_STORE_IMAGE_H
#define EUICC_STORE_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "card/store_objvec.h"

/* Where the encoder gets its objects and puts its bytes; ctx is passed to both. */
struct store_image_io {
    /* Next object to encode (ids strictly increasing), NULL after the last. */
    const struct store_obj *(*next)(void *ctx);
    /* Write p[0..n) at offset off of the temporary image (one counted write). */
    int (*write)(void *ctx, size_t off, const uint8_t *p, size_t n);
};

/* Bytes of an image holding count objects with payload bytes in total. */
size_t store_image_size(size_t count, size_t payload);

/* Parse and verify a whole image into out (empty on entry; left empty on error)
 * and its generation into *gen: STORE_OK, STORE_ECORRUPT or STORE_ENOMEM. */
int store_image_decode(const uint8_t *p, size_t len, struct store_objvec *out, uint64_t *gen);

/* Encode the count objects io->next yields as the image of generation gen, in
 * writes of at most STORE_CHUNK_MAX bytes staged in chunk (that many bytes):
 * STORE_OK, STORE_ENOMEM or the first failing io->write's code. */
int store_image_encode(const struct store_image_io *io, void *ctx, uint64_t gen,
                       uint32_t count, uint8_t *chunk);

#endif
