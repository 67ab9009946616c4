/* card/tlv.h — the one BER-TLV codec of the project.
 *
 * Reader: zero-copy cursor over a caller-owned buffer. Tags are the identifier
 * octets as a big-endian integer (0x5A, 0xBF3E, 0x5F37, 0x9F70); up to 3
 * identifier octets. Definite lengths only, up to 4 length octets. Nothing is
 * ever read past the buffer given; every length is checked against what remains.
 *
 * Writer: appends into a caller-owned buffer; constructed TLVs are opened and
 * closed, the length is back-patched on close. Overflow is sticky: once the
 * buffer is too small every later call is a no-op and tlv_writer_ok() is false.
 */
#ifndef EUICC_TLV_H
#define EUICC_TLV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tlv {
    uint32_t tag;          /* identifier octets, big-endian (e.g. 0xBF3E) */
    bool constructed;      /* bit 6 of the first identifier octet */
    const uint8_t *value;  /* points into the parsed buffer */
    size_t len;            /* length of value */
    const uint8_t *raw;    /* start of the whole TLV (tag octets) */
    size_t raw_len;        /* tag + length + value octets */
};

struct tlv_cursor {
    const uint8_t *p;
    size_t len;
    size_t pos;
    bool error;            /* set when malformed input stopped the cursor */
};

/* Parse only the tag and length octets at p. On success *hdr_len is the number of
 * header octets and *val_len the announced value length, which may exceed len - hdr
 * (for streaming callers). Returns false on malformed or truncated header. */
bool tlv_parse_header(const uint8_t *p, size_t len, uint32_t *tag, size_t *hdr_len,
                      size_t *val_len);

/* Parse one complete TLV at the start of p; value must fit inside len. */
bool tlv_parse(const uint8_t *p, size_t len, struct tlv *out);

/* Initialise a cursor over p[0..len). */
void tlv_cursor_init(struct tlv_cursor *c, const uint8_t *p, size_t len);

/* Next TLV at this level; false at the end or on bad input (then c->error is set). */
bool tlv_next(struct tlv_cursor *c, struct tlv *out);

/* A cursor over the value of t (t must be constructed; false otherwise). */
bool tlv_enter(const struct tlv *t, struct tlv_cursor *c);

/* First TLV with this tag among the siblings in p[0..len) (one level, no recursion). */
bool tlv_find(const uint8_t *p, size_t len, uint32_t tag, struct tlv *out);

/* True when p[0..len) is exactly a sequence of well-formed TLVs, recursing into
 * constructed ones up to max_depth levels. */
bool tlv_well_formed(const uint8_t *p, size_t len, unsigned max_depth);

/* Number of identifier octets of a tag value (1..3). */
size_t tlv_tag_size(uint32_t tag);

/* Decode a DER/BER INTEGER value (two's complement, big-endian) of 1..8 octets. */
bool tlv_get_int(const uint8_t *v, size_t len, int64_t *out);

/* Decode a non-negative INTEGER value that fits in uint32_t. */
bool tlv_get_uint(const uint8_t *v, size_t len, uint32_t *out);

/* Decode a non-negative INTEGER value that fits in uint64_t (leading zero octets allowed;
 * false when empty, negative or wider than 64 bits). */
bool tlv_get_u64(const uint8_t *v, size_t len, uint64_t *out);

#define TLV_WRITER_MAX_DEPTH 16

struct tlv_writer {
    uint8_t *buf;
    size_t cap;
    size_t len;
    bool overflow;         /* sticky: buffer too small or nesting too deep */
    unsigned depth;
    size_t open_at[TLV_WRITER_MAX_DEPTH]; /* offset of the 1-byte length placeholder */
};

/* Start writing into buf[0..cap). */
void tlv_writer_init(struct tlv_writer *w, uint8_t *buf, size_t cap);

/* True when nothing overflowed and every opened TLV was closed. */
bool tlv_writer_ok(const struct tlv_writer *w);

/* Append tag, DER length and value. */
void tlv_put(struct tlv_writer *w, uint32_t tag, const uint8_t *v, size_t len);

/* Append a DER INTEGER with this tag (minimal two's complement). */
void tlv_put_int(struct tlv_writer *w, uint32_t tag, int64_t v);

/* Append a DER INTEGER with this tag holding an unsigned 64-bit value (00 prefixed when
 * its top bit is set). */
void tlv_put_uint(struct tlv_writer *w, uint32_t tag, uint64_t v);

/* p[0..len) followed by a DER INTEGER v with this tag, in a fresh malloc'd buffer (the
 * SGP.32 signed-data input DER(x) || 84 associationToken); NULL when out of memory. */
uint8_t *tlv_dup_with_int(const uint8_t *p, size_t len, uint32_t tag, int64_t v,
                          size_t *out_len);

/* Append a BOOLEAN (FF/00) with this tag. */
void tlv_put_bool(struct tlv_writer *w, uint32_t tag, bool v);

/* Append a BIT STRING with this tag from a value whose bit 0 is the first (named) bit;
 * nbits is the number of named bits, trailing zero bits are trimmed (DER). */
void tlv_put_bits(struct tlv_writer *w, uint32_t tag, uint32_t bits, unsigned nbits);

/* Append raw octets (an already-encoded TLV, for instance). */
void tlv_put_raw(struct tlv_writer *w, const uint8_t *p, size_t len);

/* Open a constructed TLV; its length is patched by tlv_close. */
void tlv_open(struct tlv_writer *w, uint32_t tag);

/* Close the innermost open TLV, writing its DER length. */
void tlv_close(struct tlv_writer *w);

/* Encode a DER length into out (cap >= 5); returns the number of octets. */
size_t tlv_encode_length(size_t len, uint8_t out[5]);

#endif
