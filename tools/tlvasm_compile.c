/* tools/tlvasm_compile.c — the TLV source compiler (see tools/tlvasm.h and the syntax in
 * profiles/README.md). Recursive descent over whitespace-separated tokens; every value
 * is written with card/tlv.h's writer (lengths are back-patched, DER minimal). */
#include "tools/tlvasm.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card/tlv.h"

#define TOK_SHOW   24u      /* characters of a token quoted in a message */
#define OID_MAX    128u     /* content octets of one OBJECT IDENTIFIER */

struct tok {
    const char *p;
    size_t len;
    unsigned line;
    bool eof;
};

struct asm_ctx {
    const char *s;
    size_t len, pos;
    unsigned line;
    const char *name;
    struct tlv_writer w;
    char *err;
    size_t errcap;
    bool failed;
};

static int error_at(struct asm_ctx *c, unsigned line, const char *fmt, ...)
{
    if (!c->failed && c->err && c->errcap) {
        int n = snprintf(c->err, c->errcap, "%s:%u: ", c->name, line);
        if (n >= 0 && (size_t)n < c->errcap) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(c->err + n, c->errcap - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    c->failed = true;
    return TLVASM_ESYNTAX;
}

/* Skip blanks and comments; newlines only when cross_lines. */
static void skip_space(struct asm_ctx *c, bool cross_lines)
{
    while (c->pos < c->len) {
        char ch = c->s[c->pos];
        if (ch == '\n') {
            if (!cross_lines)
                return;
            c->line++;
            c->pos++;
        } else if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v') {
            c->pos++;
        } else if (ch == '#') {
            while (c->pos < c->len && c->s[c->pos] != '\n')
                c->pos++;
        } else {
            return;
        }
    }
}

static bool is_delim(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\f' || ch == '\v' ||
           ch == '{' || ch == '}' || ch == '#' || ch == '"';
}

/* Next token: '{', '}', a quoted string (quotes included) or a run of other characters.
 * An unterminated string is an error. */
static int next_token(struct asm_ctx *c, struct tok *t, bool cross_lines)
{
    skip_space(c, cross_lines);
    t->line = c->line;
    t->p = c->s + c->pos;
    t->len = 0;
    t->eof = c->pos >= c->len || c->s[c->pos] == '\n';
    if (t->eof)
        return TLVASM_OK;
    char ch = c->s[c->pos];
    if (ch == '{' || ch == '}') {
        t->len = 1;
    } else if (ch == '"') {
        size_t i = c->pos + 1;
        while (i < c->len && c->s[i] != '"' && c->s[i] != '\n')
            i += (c->s[i] == '\\' && i + 1 < c->len && c->s[i + 1] != '\n') ? 2 : 1;
        if (i >= c->len || c->s[i] != '"')
            return error_at(c, t->line, "unterminated string");
        t->len = i + 1 - c->pos;
    } else {
        size_t i = c->pos;
        while (i < c->len && !is_delim(c->s[i]))
            i++;
        t->len = i - c->pos;
    }
    c->pos += t->len;
    return TLVASM_OK;
}

static bool tok_is(const struct tok *t, const char *word)
{
    size_t n = strlen(word);
    return t->len == n && memcmp(t->p, word, n) == 0;
}

static bool tok_prefix(const struct tok *t, const char *word)
{
    size_t n = strlen(word);
    return t->len >= n && memcmp(t->p, word, n) == 0;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static bool all_hex(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (hexval(p[i]) < 0)
            return false;
    return true;
}

/* Decode an even run of hex digits into out (n/2 octets). */
static void hex_decode(const char *p, size_t n, uint8_t *out)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        out[i / 2] = (uint8_t)((unsigned)hexval(p[i]) << 4 | (unsigned)hexval(p[i + 1]));
}

/* A tag token: 2, 4 or 6 hex digits forming one well-formed BER identifier. */
static bool parse_tag(const struct tok *t, uint32_t *tag)
{
    uint8_t b[3];
    if ((t->len != 2 && t->len != 4 && t->len != 6) || !all_hex(t->p, t->len))
        return false;
    size_t n = t->len / 2;
    hex_decode(t->p, t->len, b);
    if ((b[0] & 0x1F) != 0x1F) {
        if (n != 1)
            return false;
    } else {
        if (n < 2 || b[1] < 0x1F || b[1] == 0x80)    /* minimal: numbers >= 31 only */
            return false;
        for (size_t i = 1; i < n; i++)
            if (((b[i] & 0x80) != 0) != (i + 1 < n))
                return false;
    }
    *tag = 0;
    for (size_t i = 0; i < n; i++)
        *tag = *tag << 8 | b[i];
    return true;
}

static bool tag_constructed(uint32_t tag)
{
    return ((tag >> (8 * (tlv_tag_size(tag) - 1))) & 0x20) != 0;
}

/* Decimal integer (optional '-') into int64. */
static bool parse_i64(const char *p, size_t n, int64_t *out)
{
    bool neg = false;
    uint64_t v = 0;
    if (n && *p == '-') {
        neg = true;
        p++;
        n--;
    }
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        uint64_t d = (uint64_t)(p[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (!neg && v > (uint64_t)INT64_MAX)
        return false;
    if (neg && v > (uint64_t)INT64_MAX + 1)
        return false;
    *out = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
    return true;
}

static bool parse_u64(const char *p, size_t n, uint64_t *out)
{
    int64_t v;
    if (n == 0 || *p == '-' || !parse_i64(p, n, &v))
        return false;
    *out = (uint64_t)v;
    return true;
}

/* Append v in base 128 (high groups first, continuation bits). */
static bool put_base128(uint8_t *out, size_t *n, uint64_t v)
{
    uint8_t tmp[10];
    size_t k = 0;
    do {
        tmp[k++] = (uint8_t)(v & 0x7F);
        v >>= 7;
    } while (v);
    if (*n + k > OID_MAX)
        return false;
    while (k--)
        out[(*n)++] = (uint8_t)(tmp[k] | (k ? 0x80 : 0));
    return true;
}

/* "2.23.143.1.2.1" → OID content octets. */
static bool encode_oid(const char *p, size_t len, uint8_t *out, size_t *n)
{
    uint64_t arcs[2] = {0, 0};
    size_t narcs = 0, i = 0;
    *n = 0;
    while (i <= len) {
        size_t j = i;
        while (j < len && p[j] != '.')
            j++;
        uint64_t v;
        if (!parse_u64(p + i, j - i, &v))
            return false;
        if (narcs < 2) {
            arcs[narcs] = v;
            if (narcs == 1) {
                if (arcs[0] > 2 || (arcs[0] < 2 && v > 39) || v > UINT64_MAX - 80)
                    return false;
                if (!put_base128(out, n, arcs[0] * 40 + v))
                    return false;
            }
        } else if (!put_base128(out, n, v)) {
            return false;
        }
        narcs++;
        i = j + 1;
    }
    return narcs >= 2;
}

/* "0,3,5" → bit mask (bit 0 = first named bit) and number of bits. */
static bool parse_bits(const char *p, size_t len, uint32_t *bits, unsigned *nbits)
{
    size_t i = 0;
    *bits = 0;
    *nbits = 0;
    if (len == 0)
        return true;
    while (i <= len) {
        size_t j = i;
        while (j < len && p[j] != ',')
            j++;
        uint64_t v;
        if (!parse_u64(p + i, j - i, &v) || v > 31 || (*bits & (1u << v)))
            return false;
        *bits |= 1u << v;
        if (v + 1 > *nbits)
            *nbits = (unsigned)v + 1;
        i = j + 1;
    }
    return true;
}

/* Well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
static bool utf8_valid(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t b = p[i];
        size_t k;
        uint32_t cp;
        if (b < 0x80) {
            i++;
            continue;
        } else if (b >= 0xC2 && b <= 0xDF) {
            k = 1;
            cp = b & 0x1F;
        } else if (b >= 0xE0 && b <= 0xEF) {
            k = 2;
            cp = b & 0x0F;
        } else if (b >= 0xF0 && b <= 0xF4) {
            k = 3;
            cp = b & 0x07;
        } else {
            return false;
        }
        if (n - i <= k)
            return false;
        for (size_t j = 1; j <= k; j++) {
            if ((p[i + j] & 0xC0) != 0x80)
                return false;
            cp = cp << 6 | (p[i + j] & 0x3F);
        }
        if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += k + 1;
    }
    return true;
}

/* Decode a quoted string token (escapes \\ \" \n \t \xHH) into out (cap >= len). */
static bool decode_string(const struct tok *t, uint8_t *out, size_t *n)
{
    *n = 0;
    for (size_t i = 1; i + 1 < t->len; i++) {
        char ch = t->p[i];
        if (ch != '\\') {
            out[(*n)++] = (uint8_t)ch;
            continue;
        }
        ch = t->p[++i];
        if (ch == '\\' || ch == '"')
            out[(*n)++] = (uint8_t)ch;
        else if (ch == 'n')
            out[(*n)++] = '\n';
        else if (ch == 't')
            out[(*n)++] = '\t';
        else if (ch == 'x' && i + 2 < t->len - 1 && hexval(t->p[i + 1]) >= 0 &&
                 hexval(t->p[i + 2]) >= 0) {
            out[(*n)++] = (uint8_t)(hexval(t->p[i + 1]) << 4 | hexval(t->p[i + 2]));
            i += 2;
        } else {
            return false;
        }
    }
    return true;
}

static int parse_elements(struct asm_ctx *c, unsigned depth, unsigned open_line);

/* `hex:` then hex tokens up to the end of the line, written raw. */
static int raw_block(struct asm_ctx *c, const struct tok *kw)
{
    struct tok t;
    size_t count = 0;
    for (;;) {
        if (next_token(c, &t, false) != TLVASM_OK)
            return TLVASM_ESYNTAX;
        if (t.eof)
            break;
        if (t.len % 2 || !all_hex(t.p, t.len))
            return error_at(c, t.line, "hex: expects hex octets, got '%.*s'",
                            (int)(t.len > TOK_SHOW ? TOK_SHOW : t.len), t.p);
        uint8_t buf[64];
        for (size_t i = 0; i < t.len; i += 2 * sizeof buf) {
            size_t chunk = t.len - i < 2 * sizeof buf ? t.len - i : 2 * sizeof buf;
            hex_decode(t.p + i, chunk, buf);
            tlv_put_raw(&c->w, buf, chunk / 2);
        }
        count += t.len / 2;
    }
    if (count == 0)
        return error_at(c, kw->line, "hex: without octets");
    return TLVASM_OK;
}

/* The value after tag `tag` (token v). */
static int value(struct asm_ctx *c, uint32_t tag, const struct tok *tagtok,
                 const struct tok *v, unsigned depth)
{
    bool cons = tag_constructed(tag);
    int tw = (int)tagtok->len;
    if (v->eof)
        return error_at(c, tagtok->line, "tag %.*s without a value", tw, tagtok->p);
    if (tok_is(v, "{")) {
        if (!cons)
            return error_at(c, v->line, "tag %.*s is primitive: '{' needs a constructed tag",
                            tw, tagtok->p);
        if (depth + 1 >= TLV_WRITER_MAX_DEPTH)
            return error_at(c, v->line, "nesting deeper than %d levels",
                            TLV_WRITER_MAX_DEPTH - 1);
        tlv_open(&c->w, tag);
        int rc = parse_elements(c, depth + 1, v->line);
        tlv_close(&c->w);
        return rc;
    }
    if (tok_is(v, "}"))
        return error_at(c, v->line, "tag %.*s without a value", tw, tagtok->p);
    if (cons)
        return error_at(c, v->line, "tag %.*s is constructed: give its content in { }",
                        tw, tagtok->p);
    if (v->p[0] == '"') {
        uint8_t *buf = malloc(v->len);
        size_t n;
        if (!buf)
            return error_at(c, v->line, "out of memory");
        int rc = TLVASM_OK;
        if (!decode_string(v, buf, &n))
            rc = error_at(c, v->line, "bad escape in string (use \\\\ \\\" \\n \\t \\xHH)");
        else if (!utf8_valid(buf, n))
            rc = error_at(c, v->line, "string is not valid UTF-8");
        else
            tlv_put(&c->w, tag, buf, n);
        free(buf);
        return rc;
    }
    if (tok_is(v, "null")) {
        tlv_put(&c->w, tag, NULL, 0);
        return TLVASM_OK;
    }
    if (tok_prefix(v, "int:")) {
        int64_t n;
        if (!parse_i64(v->p + 4, v->len - 4, &n))
            return error_at(c, v->line, "bad integer '%.*s'",
                            (int)(v->len > TOK_SHOW ? TOK_SHOW : v->len), v->p);
        tlv_put_int(&c->w, tag, n);
        return TLVASM_OK;
    }
    if (tok_prefix(v, "oid:")) {
        uint8_t oid[OID_MAX];
        size_t n;
        if (!encode_oid(v->p + 4, v->len - 4, oid, &n))
            return error_at(c, v->line, "bad object identifier '%.*s'",
                            (int)(v->len > TOK_SHOW ? TOK_SHOW : v->len), v->p);
        tlv_put(&c->w, tag, oid, n);
        return TLVASM_OK;
    }
    if (tok_prefix(v, "bits:")) {
        uint32_t bits;
        unsigned nbits;
        if (!parse_bits(v->p + 5, v->len - 5, &bits, &nbits))
            return error_at(c, v->line, "bad bit list '%.*s' (named bits 0..31, no repeats)",
                            (int)(v->len > TOK_SHOW ? TOK_SHOW : v->len), v->p);
        tlv_put_bits(&c->w, tag, bits, nbits);
        return TLVASM_OK;
    }
    if (v->len % 2 == 0 && all_hex(v->p, v->len)) {
        uint8_t *buf = malloc(v->len / 2 + 1);
        if (!buf)
            return error_at(c, v->line, "out of memory");
        hex_decode(v->p, v->len, buf);
        tlv_put(&c->w, tag, buf, v->len / 2);
        free(buf);
        return TLVASM_OK;
    }
    return error_at(c, v->line, "bad value '%.*s' for tag %.*s",
                    (int)(v->len > TOK_SHOW ? TOK_SHOW : v->len), v->p, tw, tagtok->p);
}

/* Elements until '}' (depth > 0) or the end of the source (depth 0). */
static int parse_elements(struct asm_ctx *c, unsigned depth, unsigned open_line)
{
    struct tok t, v;
    for (;;) {
        if (next_token(c, &t, true) != TLVASM_OK)
            return TLVASM_ESYNTAX;
        if (t.eof) {
            if (depth > 0)
                return error_at(c, open_line, "'{' not closed");
            return TLVASM_OK;
        }
        if (tok_is(&t, "}")) {
            if (depth == 0)
                return error_at(c, t.line, "'}' without '{'");
            return TLVASM_OK;
        }
        if (tok_is(&t, "hex:")) {
            if (raw_block(c, &t) != TLVASM_OK)
                return TLVASM_ESYNTAX;
            continue;
        }
        uint32_t tag;
        if (!parse_tag(&t, &tag))
            return error_at(c, t.line, "expected a tag (hex, e.g. 80, A0, BF22), got '%.*s'",
                            (int)(t.len > TOK_SHOW ? TOK_SHOW : t.len), t.p);
        if (next_token(c, &v, true) != TLVASM_OK)
            return TLVASM_ESYNTAX;
        if (value(c, tag, &t, &v, depth) != TLVASM_OK)
            return TLVASM_ESYNTAX;
    }
}

int tlvasm_compile(const char *src, size_t len, const char *name, uint8_t *out, size_t cap,
                   size_t *out_len, char *err, size_t errcap)
{
    struct asm_ctx c = {
        .s = src, .len = src ? len : 0, .line = 1, .name = name ? name : "<input>",
        .err = err, .errcap = errcap,
    };
    if (err && errcap)
        err[0] = '\0';
    if (out_len)
        *out_len = 0;
    if (!out_len || (!src && len) || (!out && cap))
        return error_at(&c, 0, "bad arguments");
    for (size_t i = 0; i < c.len; i++) {
        if (src[i] == '\0')
            return error_at(&c, c.line, "NUL character in source");
        if (src[i] == '\n')
            c.line++;
    }
    c.line = 1;
    tlv_writer_init(&c.w, out, cap);
    if (parse_elements(&c, 0, 1) != TLVASM_OK)
        return TLVASM_ESYNTAX;
    if (!tlv_writer_ok(&c.w))
        return TLVASM_ESPACE;
    *out_len = c.w.len;
    return TLVASM_OK;
}
