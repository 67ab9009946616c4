/* isd-p/bpp_stream.c — the BoundProfilePackage (SGP.22 v2.5 §2.5.4) parsed as one
 * stream across the pieces of ES10b.LoadBoundProfilePackage (§2.5.5, REFERENCE §3.2).
 *
 * BF36 { BF23, A0 {87..}, A1 {88..}, [A2 {87..}], A3 {86..} }. The constructed BF36 and
 * A0..A3 arrive as headers whose values follow in later pieces; BF23 and the 86/87/88
 * segments arrive whole. A piece may hold several elements but never ends inside one
 * (the LPA cuts at element boundaries): a partial element is a structure error. Every
 * element must fit inside the BF36 and sequence lengths announced before it. */
#include <stdlib.h>
#include <string.h>

#include "card/tlv.h"
#include "crypto/ct.h"
#include "isd-p/isdp_internal.h"
#include "isd-r/isdr_internal.h"

/* The command a structure error is charged to: the one whose part was expected. */
static uint8_t stage_command(enum bpp_stage st)
{
    switch (st) {
    case BPP_ST_BF36:
    case BPP_ST_BF23:
        return BPP_CMD_INITIALISE_SECURE_CHANNEL;
    case BPP_ST_A0_HDR:
    case BPP_ST_A0:
        return BPP_CMD_CONFIGURE_ISDP;
    case BPP_ST_A1_HDR:
    case BPP_ST_A1:
        return BPP_CMD_STORE_METADATA;
    case BPP_ST_A2:
        return BPP_CMD_REPLACE_SESSION_KEYS;
    default:
        return BPP_CMD_LOAD_PROFILE_ELEMENTS;
    }
}

static int structure_error(struct isdp_load *l, const char *what)
{
    return isdp_fail(l, stage_command(l->stage), BPP_ERR_SCP03T_STRUCTURE, what);
}

/* Make room for one segment's plaintext (never more than the segment itself). */
static int seg_reserve(struct isdp_load *l, size_t n)
{
    if (n <= l->seg_cap)
        return 0;
    uint8_t *b = malloc(n);
    if (!b)
        return isdp_fail(l, stage_command(l->stage), BPP_ERR_UNKNOWN, "out of memory");
    if (l->seg) {
        ct_wipe(l->seg, l->seg_cap);
        free(l->seg);
    }
    l->seg = b;
    l->seg_cap = n;
    return 0;
}

/* Unwrap one 86/87/88 segment into l->seg; *out_len = plaintext length. */
static int unwrap(struct isdp_load *l, const uint8_t *tlv, size_t len, size_t *out_len)
{
    if (seg_reserve(l, len) != 0)
        return -1;
    int rc = scp03t_unwrap(&l->keys, tlv, len, l->seg, l->seg_cap, out_len);
    switch (rc) {
    case SCP03T_OK:
        return 0;
    case SCP03T_EMAC:
        return isdp_fail(l, stage_command(l->stage), BPP_ERR_SCP03T_SECURITY,
                         "segment MAC does not verify");
    case SCP03T_EFORMAT:
        return structure_error(l, "segment padding or length");
    default:
        return isdp_fail(l, stage_command(l->stage), BPP_ERR_UNKNOWN, "segment unwrap");
    }
}

/* Append an 87/88 plaintext to the sequence's concatenation. */
static int plain_append(struct isdp_load *l, const uint8_t *p, size_t n)
{
    if (n > ISDP_PLAIN_MAX - l->plain_len)
        return isdp_fail(l, stage_command(l->stage), BPP_ERR_INCORRECT_INPUT_VALUES,
                         "sequence too long");
    memcpy(l->plain + l->plain_len, p, n);
    l->plain_len += n;
    return 0;
}

/* The sequence in progress has been consumed entirely: run its command. */
static int sequence_end(struct isdr *r, struct isdp_load *l)
{
    int rc = 0;
    switch (l->stage) {
    case BPP_ST_A0:
        rc = es8_configure_isdp(r, l, l->plain, l->plain_len);
        l->stage = BPP_ST_A1_HDR;
        break;
    case BPP_ST_A1:
        rc = es8_store_metadata(r, l, l->plain, l->plain_len);
        l->stage = BPP_ST_A2_OR_A3_HDR;
        break;
    case BPP_ST_A2:
        rc = es8_replace_session_keys(l, l->plain, l->plain_len);
        l->stage = BPP_ST_A3_HDR;
        break;
    case BPP_ST_A3:
        l->stage = BPP_ST_DONE;
        if (l->bpp_left != 0)
            return structure_error(l, "data after sequenceOf86");
        break;
    default:
        break;
    }
    ct_wipe(l->plain, l->plain_len);
    l->plain_len = 0;
    return rc;
}

/* A sequence header (A0..A3): its value must fit in the BF36 and must not be empty. */
static int sequence_start(struct isdp_load *l, size_t vl, enum bpp_stage next)
{
    if (vl == 0)
        return structure_error(l, "empty sequence");
    if (vl > l->bpp_left)
        return structure_error(l, "sequence longer than the BPP");
    l->seq_left = vl;
    l->stage = next;
    return 0;
}

/* A whole segment inside the current sequence. */
static int segment(struct isdr *r, struct isdp_load *l, uint32_t tag, const uint8_t *tlv,
                   size_t len)
{
    uint32_t want = l->stage == BPP_ST_A1 ? 0x88 : l->stage == BPP_ST_A3 ? 0x86 : 0x87;
    size_t n;
    if (tag != want)
        return structure_error(l, "unexpected segment tag");
    if (len > l->seq_left)
        return structure_error(l, "segment longer than its sequence");
    if (unwrap(l, tlv, len, &n) != 0)
        return -1;
    l->seq_left -= len;
    int rc = l->stage == BPP_ST_A3 ? es8_load_profile_elements(l, l->seg, n)
                                   : plain_append(l, l->seg, n);
    ct_wipe(l->seg, n);
    if (rc != 0)
        return -1;
    return l->seq_left == 0 ? sequence_end(r, l) : 0;
}

int bpp_stream_feed(struct isdr *r, struct isdp_load *l, const uint8_t *p, size_t len)
{
    size_t pos = 0;
    while (pos < len) {
        uint32_t tag;
        size_t hl, vl;
        if (l->stage == BPP_ST_DONE)
            return structure_error(l, "data after the BPP");
        if (!tlv_parse_header(p + pos, len - pos, &tag, &hl, &vl))
            return structure_error(l, "malformed or partial header");
        if (l->stage != BPP_ST_BF36 && hl > l->bpp_left)
            return structure_error(l, "element longer than the BPP");
        switch (l->stage) {
        case BPP_ST_BF36:
            if (tag != 0xBF36)
                return structure_error(l, "BPP does not start with BF36");
            l->bpp_left = vl;
            l->stage = BPP_ST_BF23;
            pos += hl;
            continue;
        case BPP_ST_A0_HDR:
        case BPP_ST_A1_HDR:
        case BPP_ST_A2_OR_A3_HDR:
        case BPP_ST_A3_HDR: {
            enum bpp_stage next;
            if (tag == 0xA0 && l->stage == BPP_ST_A0_HDR)
                next = BPP_ST_A0;
            else if (tag == 0xA1 && l->stage == BPP_ST_A1_HDR)
                next = BPP_ST_A1;
            else if (tag == 0xA2 && l->stage == BPP_ST_A2_OR_A3_HDR)
                next = BPP_ST_A2;
            else if (tag == 0xA3 && (l->stage == BPP_ST_A2_OR_A3_HDR ||
                                     l->stage == BPP_ST_A3_HDR))
                next = BPP_ST_A3;
            else
                return structure_error(l, "unexpected element");
            l->bpp_left -= hl;
            pos += hl;
            if (sequence_start(l, vl, next) != 0)
                return -1;
            continue;
        }
        default:
            break;
        }
        /* a whole TLV: BF23 or a segment */
        if (vl > len - pos - hl)
            return structure_error(l, "partial element");
        size_t raw = hl + vl;
        if (raw > l->bpp_left)
            return structure_error(l, "element longer than the BPP");
        if (l->stage == BPP_ST_BF23) {
            if (tag != 0xBF23)
                return structure_error(l, "InitialiseSecureChannel expected");
            l->bpp_left -= raw;
            if (es8_initialise_secure_channel(r, l, p + pos, raw) != 0)
                return -1;
            l->stage = BPP_ST_A0_HDR;
        } else {
            l->bpp_left -= raw;
            if (segment(r, l, tag, p + pos, raw) != 0)
                return -1;
        }
        pos += raw;
    }
    if (l->bpp_left == 0 && l->stage != BPP_ST_DONE)
        return structure_error(l, "BPP ends before sequenceOf86");
    return 0;
}
