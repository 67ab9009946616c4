/* tools/euicc-eim.c — drive an SGP.32 IoT eUICC without an eIM server: this program is
 * the eIM (tools/eim builds and signs the eUICC Packages with SK.EIM) and the IPA (it
 * sends them through PC/SC as ES10b requests in STORE DATA). Every signed answer of the
 * card is verified with the public key of CERT.EUICC (GetCerts) before it is printed.
 *
 *   euicc-eim [options] associate       AddInitialEim (the eIM's public key, token -1)
 *   euicc-eim [options] enable ICCID    PSMO enable     | disable ICCID | delete ICCID
 *   euicc-eim [options] list            PSMO listProfileInfo
 *   euicc-eim [options] rat             PSMO getRAT
 *   euicc-eim [options] list-eim        eCO listEim
 *   euicc-eim [options] config          GetEimConfigurationData
 *   euicc-eim [options] results         RetrieveNotificationsList (euiccPackageResults)
 *   euicc-eim [options] ack SEQ         NotificationSent
 *
 * The counterValue of a package is the card's stored one (GetEimConfigurationData) + 1
 * unless --counter N gives it; the associationToken is the card's too.
 * Exit status: 0 success, 1 the card refused or answered something that does not verify
 * (the reason is printed), 2 wrong command line. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "card/tlv.h"
#include "tools/eim/eim.h"
#include "tools/lpa/lpa_es10b.h"
#include "tools/lpa/lpa_es10c.h"
#include "tools/cli_opts.h"

#define PROG_NAME "euicc-eim"
#include "tools/pcsc_lpa.h"

#ifndef EUICC_EMU_SOURCE_ROOT
#define EUICC_EMU_SOURCE_ROOT "."
#endif

#define PROG         "euicc-eim"
#define REQ_MAX      32768u
#define RESP_MAX     262144u
#define EIMS_MAX     8u
#define PROFILES_MAX 64u
#define PATH_MAX_    1024u
#define DEFAULT_ID   "euicc-eim"

enum command { CMD_NONE, CMD_ASSOCIATE, CMD_ENABLE, CMD_DISABLE, CMD_DELETE, CMD_LIST,
               CMD_RAT, CMD_LIST_EIM, CMD_CONFIG, CMD_RESULTS, CMD_ACK };

struct opts {
    const char *reader, *sgp26, *eim_key, *eim_id, *fqdn;
    bool has_counter;
    uint64_t counter;
    int wait_s;
    enum command cmd;
    const char *iccid_s;
    uint8_t iccid[LPA_ICCID_LEN];
    uint32_t seq;
};

/* What GetEimConfigurationData tells about one associated eIM. */
struct known_eim {
    char id[EIMT_ID_MAX + 1];
    bool has_counter, has_token;
    uint64_t counter;
    int64_t token;
};

struct ctx {
    struct pcsc_lpa l;
    struct opts o;
    uint8_t *req, *resp;
    size_t resp_len;
    struct known_eim eims[EIMS_MAX];
    size_t n_eims;
    EVP_PKEY *euicc_pk;            /* PK.EUICC.SIG from CERT.EUICC */
    uint8_t eid[16];
};

static void usage(FILE *f)
{
    fprintf(f,
        "Usage: euicc-eim [options] COMMAND\n"
        "Commands (an SGP.32 IoT eUICC through PC/SC, this program being eIM and IPA):\n"
        "  associate           AddInitialEim: associate the eIM (its public key, token -1)\n"
        "  enable ICCID        eUICC Package with the PSMO enable\n"
        "  disable ICCID       ... disable\n"
        "  delete ICCID        ... delete\n"
        "  list                ... listProfileInfo\n"
        "  rat                 ... getRAT\n"
        "  list-eim            eUICC Package with the eCO listEim\n"
        "  config              GetEimConfigurationData\n"
        "  results             RetrieveNotificationsList (euiccPackageResults), verified\n"
        "  ack SEQ             NotificationSent: remove the stored result SEQ\n"
        "Options:\n"
        "  --reader NAME       PC/SC reader (default: the first containing \"Virtual PCD\")\n"
        "  --wait SEC          wait up to SEC seconds for the card (default 0)\n"
        "  --sgp26 DIR         SGP.26 test PKI folder (default: $EUICC_EMU_SHARED/sgp26 or\n"
        "                      <source>/../shared/sgp26); the eIM key is DIR/eIM/"
        "SK_S_EIMsign_ECDSA_NIST.pem\n"
        "  --eim-key PEM       the eIM's private key (SK.EIM) instead\n"
        "  --eim-id ID         eimId (associate: default \"" DEFAULT_ID "\"; otherwise the\n"
        "                      first eIM the card has)\n"
        "  --fqdn FQDN         eimFqdn (associate)\n"
        "  --counter N         counterValue (default: the card's stored value + 1; for\n"
        "                      associate the initial value, default 0)\n");
}

static int bad_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, PROG ": ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(try --help)\n");
    return 2;
}

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (!s || *s < '0' || *s > '9')
        return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return false;
    *out = (uint64_t)v;
    return true;
}

static const struct { const char *name; enum command cmd; int args; } commands[] = {
    { "associate", CMD_ASSOCIATE, 0 }, { "enable", CMD_ENABLE, 1 },
    { "disable", CMD_DISABLE, 1 }, { "delete", CMD_DELETE, 1 }, { "list", CMD_LIST, 0 },
    { "rat", CMD_RAT, 0 }, { "list-eim", CMD_LIST_EIM, 0 }, { "config", CMD_CONFIG, 0 },
    { "results", CMD_RESULTS, 0 }, { "ack", CMD_ACK, 1 },
};

static int parse_command(struct opts *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i], *next = *i + 1 < argc ? argv[*i + 1] : NULL;
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++) {
        if (strcmp(a, commands[k].name) != 0)
            continue;
        if (o->cmd != CMD_NONE)
            return bad_usage("only one command at a time ('%s' given after another)", a);
        o->cmd = commands[k].cmd;
        if (commands[k].args == 0)
            return 0;
        (*i)++;
        if (o->cmd == CMD_ACK) {
            uint64_t v;
            if (!parse_u64(next, &v) || v > UINT32_MAX)
                return bad_usage("'%s' needs a result sequence number", a);
            o->seq = (uint32_t)v;
            return 0;
        }
        if (!next || lpa_iccid_from_string(next, o->iccid) != 0)
            return bad_usage("'%s' needs an ICCID (19 or 20 digits)", a);
        o->iccid_s = next;
        return 0;
    }
    return bad_usage("unknown command or option '%s'", a);
}

/* Returns 0, 2 (usage error) or 3 (help printed). */
static int parse_args(int argc, char **argv, struct opts *o)
{
    static const struct cli_str_opt str_opts[] = {
        { "--reader", offsetof(struct opts, reader) },
        { "--sgp26", offsetof(struct opts, sgp26) },
        { "--eim-key", offsetof(struct opts, eim_key) },
        { "--eim-id", offsetof(struct opts, eim_id) },
        { "--fqdn", offsetof(struct opts, fqdn) },
    };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        int got = cli_str_option(PROG_NAME, str_opts, sizeof str_opts / sizeof str_opts[0], o, argc, argv, &i);
        if (got < 0)
            return 2;
        if (got > 0)
            continue;
        int rc = 0;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 3;
        } else if (strcmp(a, "--counter") == 0) {
            if (!parse_u64(next, &o->counter))
                return bad_usage("--counter needs a number%s", "");
            o->has_counter = true;
            i++;
        } else if (strcmp(a, "--wait") == 0) {
            uint64_t w;
            if (!parse_u64(next, &w) || w > 3600)
                return bad_usage("--wait needs a number of seconds (0-3600)%s", "");
            o->wait_s = (int)w;
            i++;
        } else {
            rc = parse_command(o, argc, argv, &i);
        }
        if (rc)
            return rc;
    }
    if (o->cmd == CMD_NONE)
        return bad_usage("no command given: associate, enable ICCID, list, results, …%s", "");
    if (o->eim_id && (strlen(o->eim_id) < 1 || strlen(o->eim_id) > EIMT_ID_MAX))
        return bad_usage("--eim-id must have 1 to 128 characters%s", "");
    return 0;
}

/* ---- helpers ---- */

static void hex(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%02X", p[i]);
}

static int malformed(const char *what)
{
    fprintf(stderr, PROG ": the card's answer to %s is malformed\n", what);
    return 1;
}

static int bad_answer(const char *what)
{
    malformed(what);
    return -1;
}

static int es10(struct ctx *c, const char *what, const uint8_t *req, size_t len)
{
    return pcsc_lpa_es10(&c->l, what, req, len, c->resp, RESP_MAX, &c->resp_len);
}

/* The eIM key path: --eim-key, else <sgp26>/eIM/SK_S_EIMsign_ECDSA_NIST.pem. */
static int key_path(const struct opts *o, char *out, size_t cap)
{
    const char *shared = getenv("EUICC_EMU_SHARED");
    int n;
    if (o->eim_key)
        n = snprintf(out, cap, "%s", o->eim_key);
    else if (o->sgp26)
        n = snprintf(out, cap, "%s/eIM/SK_S_EIMsign_ECDSA_NIST.pem", o->sgp26);
    else if (shared && *shared)
        n = snprintf(out, cap, "%s/sgp26/eIM/SK_S_EIMsign_ECDSA_NIST.pem", shared);
    else
        n = snprintf(out, cap, "%s/../shared/sgp26/eIM/SK_S_EIMsign_ECDSA_NIST.pem",
                     EUICC_EMU_SOURCE_ROOT);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

static bool get_u64(const struct tlv *t, uint64_t *out)
{
    if (t->len < 1 || t->len > 9 || (t->value[0] & 0x80) || (t->len == 9 && t->value[0]))
        return false;
    uint64_t x = 0;
    for (size_t i = 0; i < t->len; i++)
        x = x << 8 | t->value[i];
    *out = x;
    return true;
}

/* ---- the card's identity: EID, CERT.EUICC ---- */

static int get_eid(struct ctx *c)
{
    static const uint8_t req[] = { 0xBF, 0x3E, 0x03, 0x5C, 0x01, 0x5A };
    struct tlv top, eid;
    if (es10(c, "GetEID", req, sizeof req) != 0)
        return -1;
    if (!tlv_parse(c->resp, c->resp_len, &top) || top.tag != 0xBF3E ||
        !tlv_find(top.value, top.len, 0x5A, &eid) || eid.len != sizeof c->eid)
        return bad_answer("GetEID");
    memcpy(c->eid, eid.value, sizeof c->eid);
    return 0;
}

/* GetCerts (BF56): CERT.EUICC's public key. */
static int get_euicc_key(struct ctx *c)
{
    static const uint8_t req[] = { 0xBF, 0x56, 0x00 };
    struct tlv top, a0, cert;
    int64_t code;
    if (es10(c, "GetCerts", req, sizeof req) != 0)
        return -1;
    if (!tlv_parse(c->resp, c->resp_len, &top) || top.tag != 0xBF56)
        return bad_answer("GetCerts");
    if (tlv_find(top.value, top.len, 0x81, &a0) && tlv_get_int(a0.value, a0.len, &code)) {
        printf("GetCerts: getCertsError %s(%lld)\n", code == 1 ? "invalidCiPKId" :
               code == 127 ? "undefinedError" : "unknown", (long long)code);
        return -1;
    }
    if (!tlv_find(top.value, top.len, 0xA0, &a0) ||
        !tlv_find(a0.value, a0.len, 0xA6, &cert))
        return bad_answer("GetCerts");
    /* euiccCertificate [6] Certificate: rebuild the SEQUENCE to decode it */
    uint8_t *der = malloc(cert.len + 8);
    struct tlv_writer w;
    if (!der)
        return -1;
    tlv_writer_init(&w, der, cert.len + 8);
    tlv_put(&w, 0x30, cert.value, cert.len);
    const unsigned char *q = der;
    X509 *x = tlv_writer_ok(&w) ? d2i_X509(NULL, &q, (long)w.len) : NULL;
    c->euicc_pk = x ? X509_get_pubkey(x) : NULL;
    X509_free(x);
    free(der);
    if (!c->euicc_pk)
        return bad_answer("GetCerts (CERT.EUICC)");
    return 0;
}

/* ---- GetEimConfigurationData ---- */

static void print_config(const struct tlv *cfg)
{
    struct tlv_cursor cc;
    struct tlv f, k;
    uint64_t u;
    int64_t v;
    tlv_cursor_init(&cc, cfg->value, cfg->len);
    while (tlv_next(&cc, &f)) {
        switch (f.tag) {
        case 0x80: printf("eimId \"%.*s\"", (int)f.len, (const char *)f.value); break;
        case 0x81: printf(" eimFqdn \"%.*s\"", (int)f.len, (const char *)f.value); break;
        case 0x82:
            if (tlv_get_int(f.value, f.len, &v))
                printf(" eimIdType %s(%lld)", v == 1 ? "eimIdTypeOid" : v == 2 ?
                       "eimIdTypeFqdn" : v == 3 ? "eimIdTypeProprietary" : "unknown",
                       (long long)v);
            break;
        case 0x83:
            if (get_u64(&f, &u))
                printf(" counterValue %llu", (unsigned long long)u);
            break;
        case 0x84:
            if (tlv_get_int(f.value, f.len, &v))
                printf(" associationToken %lld", (long long)v);
            break;
        case 0xA5:
            if (tlv_parse(f.value, f.len, &k))
                printf(" eimPublicKeyData %s", k.tag == 0xA0 ? "eimPublicKey" :
                       k.tag == 0xA1 ? "eimCertificate" : "unknown");
            break;
        case 0xA6: fputs(" trustedPublicKeyDataTls present", stdout); break;
        case 0x87: fputs(" eimSupportedProtocol ", stdout); hex(f.value, f.len); break;
        case 0x88: fputs(" euiccCiPKId ", stdout); hex(f.value, f.len); break;
        case 0x89: fputs(" indirectProfileDownload", stdout); break;
        default: printf(" [%X] ", (unsigned)f.tag); hex(f.value, f.len); break;
        }
    }
    putchar('\n');
}

static int get_config(struct ctx *c, bool print)
{
    static const uint8_t req[] = { 0xBF, 0x55, 0x00 };
    struct tlv top, a0, cfg, f;
    struct tlv_cursor lc, cc;
    if (es10(c, "GetEimConfigurationData", req, sizeof req) != 0)
        return -1;
    if (!tlv_parse(c->resp, c->resp_len, &top) || top.tag != 0xBF55 ||
        !tlv_find(top.value, top.len, 0xA0, &a0) || !tlv_enter(&a0, &lc))
        return bad_answer("GetEimConfigurationData");
    c->n_eims = 0;
    while (tlv_next(&lc, &cfg)) {
        struct known_eim *e = &c->eims[c->n_eims];
        if (cfg.tag != 0x30 || c->n_eims >= EIMS_MAX || !tlv_enter(&cfg, &cc))
            return bad_answer("GetEimConfigurationData");
        memset(e, 0, sizeof *e);
        while (tlv_next(&cc, &f)) {
            if (f.tag == 0x80 && f.len <= EIMT_ID_MAX)
                memcpy(e->id, f.value, f.len);
            else if (f.tag == 0x83)
                e->has_counter = get_u64(&f, &e->counter);
            else if (f.tag == 0x84)
                e->has_token = tlv_get_int(f.value, f.len, &e->token);
        }
        if (print)
            print_config(&cfg);
        c->n_eims++;
    }
    if (lc.error)
        return bad_answer("GetEimConfigurationData");
    if (print && c->n_eims == 0)
        fprintf(stderr, "no eIM associated\n");
    return 0;
}

static const struct known_eim *find_eim(const struct ctx *c, const char *id)
{
    for (size_t i = 0; i < c->n_eims; i++)
        if (strcmp(c->eims[i].id, id) == 0)
            return &c->eims[i];
    return NULL;
}

/* ---- AddInitialEim ---- */

static const char *add_eim_error_name(int64_t code)
{
    switch (code) {
    case 1: return "insufficientMemory";
    case 2: return "associatedEimAlreadyExists";
    case 3: return "ciPKUnknown";
    case 5: return "invalidAssociationToken";
    case 6: return "counterValueOutOfRange";
    case 7: return "commandError";
    case 127: return "undefinedError";
    default: return "unknown";
    }
}

static int cmd_associate(struct ctx *c, struct eimt *e)
{
    struct tlv top, a0, tok;
    int64_t v;
    e->counter = c->o.has_counter ? c->o.counter : 0;
    size_t n = eimt_add_initial_eim(e, c->o.fqdn, c->req, REQ_MAX);
    if (n == 0) {
        fprintf(stderr, PROG ": cannot build AddInitialEim\n");
        return 1;
    }
    if (es10(c, "AddInitialEim", c->req, n) != 0)
        return 1;
    if (!tlv_parse(c->resp, c->resp_len, &top) || top.tag != 0xBF57)
        return malformed("AddInitialEim");
    if (tlv_find(top.value, top.len, 0x81, &a0) && tlv_get_int(a0.value, a0.len, &v)) {
        printf("AddInitialEim: addInitialEimError %s(%lld)\n", add_eim_error_name(v),
               (long long)v);
        return 1;
    }
    if (!tlv_find(top.value, top.len, 0xA0, &a0) || !tlv_find(a0.value, a0.len, 0x84, &tok) ||
        !tlv_get_int(tok.value, tok.len, &v))
        return malformed("AddInitialEim");
    printf("AddInitialEim: ok: eimId \"%s\" associationToken %lld counterValue %llu\n", e->id,
           (long long)v, (unsigned long long)e->counter);
    return 0;
}

/* ---- eUICC Package results ---- */

static const char *profile_result_name(uint32_t tag, int64_t code)
{
    enum lpa_profile_op op = tag == 0x83 ? LPA_OP_ENABLE : tag == 0x84 ? LPA_OP_DISABLE
                                                                       : LPA_OP_DELETE;
    if (code < 0 || code > 255)
        return "unknown";
    return lpa_profile_op_result_name(op, (int)code);
}

static const char *processing_terminated_name(int64_t code)
{
    switch (code) {
    case 1: return "resultSizeOverflow";
    case 2: return "unknownOrDamagedCommand";
    case 3: return "interruption";
    case 127: return "undefinedError";
    default: return "unknown";
    }
}

static const char *package_error_name(int64_t code)
{
    switch (code) {
    case 3: return "invalidEid";
    case 4: return "replayError";
    case 6: return "counterValueOutOfRange";
    case 15: return "sizeOverflow";
    case 127: return "undefinedError";
    default: return "unknown";
    }
}

static void print_profiles(const struct tlv *t)
{
    struct lpa_profile_info *p = malloc(PROFILES_MAX * sizeof *p);
    char s[LPA_ICCID_STR];
    size_t n = 0;
    int code = p ? lpa_get_profiles_info_decode(t->raw, t->raw_len, p, PROFILES_MAX, &n) : -1;
    if (code != 0) {
        printf("  listProfileInfoResult %s(%d)\n", code == 1 ? "incorrectInputValues" :
               code == 127 ? "undefinedError" : code < 0 ? "malformed" : "unknown", code);
        free(p);
        return;
    }
    printf("  listProfileInfoResult: %zu profile%s\n", n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        fputs("    ", stdout);
        if (p[i].has_iccid && lpa_iccid_to_string(p[i].iccid, s) == 0)
            fputs(s, stdout);
        else
            putchar('-');
        putchar(' ');
        if (p[i].aid_len)
            hex(p[i].aid, p[i].aid_len);
        else
            putchar('-');
        printf(" %s %s \"%s\"\n", lpa_profile_state_name(p[i].state),
               lpa_profile_class_name(p[i].profile_class), p[i].name);
    }
    free(p);
}

static void print_eim_list(const struct tlv *t)
{
    struct tlv a0, e, f;
    struct tlv_cursor lc, ec;
    int64_t v;
    if (!tlv_parse(t->value, t->len, &a0) || a0.tag != 0xA0 || !tlv_enter(&a0, &lc)) {
        if (tlv_parse(t->value, t->len, &a0) && tlv_get_int(a0.value, a0.len, &v))
            printf("  listEimResult listEimError %s(%lld)\n",
                   v == 127 ? "undefinedError" : "unknown", (long long)v);
        else
            fputs("  listEimResult malformed\n", stdout);
        return;
    }
    fputs("  listEimResult eimIdList:\n", stdout);
    while (tlv_next(&lc, &e)) {
        if (!tlv_enter(&e, &ec))
            continue;
        fputs("    ", stdout);
        while (tlv_next(&ec, &f)) {
            if (f.tag == 0x80)
                printf("eimId \"%.*s\"", (int)f.len, (const char *)f.value);
            else if (f.tag == 0x82 && tlv_get_int(f.value, f.len, &v))
                printf(" eimIdType %lld", (long long)v);
        }
        putchar('\n');
    }
}

/* One EuiccResultData by its spec name; false when it reports a failure. */
static bool print_result_item(const struct tlv *t)
{
    int64_t v = -1;
    bool prim = !t->constructed && tlv_get_int(t->value, t->len, &v);
    switch (t->tag) {
    case 0x83: case 0x84: case 0x85:
        printf("  %s %s(%lld)\n", t->tag == 0x83 ? "enableResult" : t->tag == 0x84 ?
               "disableResult" : "deleteResult", profile_result_name(t->tag, v), (long long)v);
        return prim && v == 0;
    case 0xBF2D:
        print_profiles(t);
        return true;
    case 0xA6: {
        struct tlv_cursor rc;
        struct tlv rule;
        size_t n = 0;
        tlv_cursor_init(&rc, t->value, t->len);
        while (tlv_next(&rc, &rule))
            n++;
        printf("  getRATResult: %zu ProfilePolicyAuthorisationRule%s\n", n, n == 1 ? "" : "s");
        tlv_cursor_init(&rc, t->value, t->len);
        while (tlv_next(&rc, &rule)) {
            fputs("    ", stdout);
            hex(rule.raw, rule.raw_len);
            putchar('\n');
        }
        return true;
    }
    case 0xAB:
        print_eim_list(t);
        return true;
    case 0x8F:
        printf("  processingTerminated %s(%lld)\n", processing_terminated_name(v), (long long)v);
        return false;
    default:
        printf("  [%X] ", (unsigned)t->tag);
        hex(t->value, t->len);
        putchar('\n');
        return !prim || v == 0;
    }
}

/* Print a decoded EuiccPackageResult; 0 when it verified and every item succeeded. */
static int print_result(const struct eimt_result *r)
{
    if (r->kind == EIMT_ERROR_UNSIGNED) {
        printf("euiccPackageErrorUnsigned: eimId \"%s\"", r->eim_id);
        if (r->has_token)
            printf(" associationToken %lld", (long long)r->token);
        printf(" code %lld\n", (long long)r->code);
        return 1;
    }
    printf("%s: eimId \"%s\" counterValue %llu",
           r->kind == EIMT_RESULT_SIGNED ? "euiccPackageResultSigned" :
           "euiccPackageErrorSigned", r->eim_id, (unsigned long long)r->counter);
    if (r->has_tx) {
        fputs(" eimTransactionId ", stdout);
        hex(r->tx, r->tx_len);
    }
    if (r->kind == EIMT_RESULT_SIGNED)
        printf(" seqNumber %u", r->seq);
    printf(" euiccSignEPR %s\n", r->sig_ok ? "verified" : "DOES NOT VERIFY");
    if (r->kind == EIMT_ERROR_SIGNED) {
        printf("  euiccPackageErrorCode %s(%lld)\n", package_error_name(r->code),
               (long long)r->code);
        return 1;
    }
    bool ok = r->sig_ok;
    struct tlv_cursor c;
    struct tlv t;
    tlv_cursor_init(&c, r->results, r->results_len);
    while (tlv_next(&c, &t))
        ok &= print_result_item(&t);
    if (c.error) {
        fputs("  (malformed euiccResult)\n", stdout);
        ok = false;
    }
    return ok ? 0 : 1;
}

/* ---- eUICC Packages ---- */

static int send_package(struct ctx *c, struct eimt *e, enum command cmd)
{
    uint8_t items[1024];
    struct tlv_writer w;
    const struct known_eim *k = find_eim(c, e->id);
    if (!k || !k->has_token) {
        fprintf(stderr, PROG ": the card has no eIM \"%s\" (GetEimConfigurationData); "
                "run 'associate' first or pass --eim-id\n", e->id);
        return 1;
    }
    e->token = k->token;
    memcpy(e->eid, c->eid, sizeof e->eid);
    if (c->o.has_counter) {
        if (c->o.counter == 0) {
            fprintf(stderr, PROG ": --counter must be at least 1 for a package\n");
            return 2;
        }
        e->counter = c->o.counter - 1;
    } else {
        e->counter = k->has_counter ? k->counter : 0;
    }
    tlv_writer_init(&w, items, sizeof items);
    bool eco = cmd == CMD_LIST_EIM;
    switch (cmd) {
    case CMD_ENABLE: eimt_psmo_enable(&w, c->o.iccid, false); break;
    case CMD_DISABLE: eimt_psmo_disable(&w, c->o.iccid); break;
    case CMD_DELETE: eimt_psmo_delete(&w, c->o.iccid); break;
    case CMD_LIST: eimt_psmo_list_profile_info(&w, NULL, 0, NULL, 0); break;
    case CMD_RAT: eimt_psmo_get_rat(&w); break;
    default: eimt_eco_list_eim(&w); break;
    }
    size_t n = tlv_writer_ok(&w) ? eimt_package(e, eco, items, w.len, NULL, 0,
                                                EIMT_FAULT_NONE, c->req, REQ_MAX) : 0;
    if (n == 0) {
        fprintf(stderr, PROG ": cannot build or sign the eUICC Package\n");
        return 1;
    }
    if (es10(c, "EuiccPackageRequest", c->req, n) != 0)
        return 1;
    struct eimt_result r;
    if (eimt_parse_result(c->resp, c->resp_len, c->euicc_pk, e->token, &r) != 0)
        return malformed("EuiccPackageRequest (EuiccPackageResult)");
    if (r.kind != EIMT_ERROR_UNSIGNED &&
        (strcmp(r.eim_id, e->id) != 0 || r.counter != e->counter)) {
        fprintf(stderr, PROG ": the result names eimId \"%s\" counterValue %llu, not the "
                "package's\n", r.eim_id, (unsigned long long)r.counter);
        print_result(&r);
        return 1;
    }
    return print_result(&r);
}

/* ---- stored results ---- */

static int cmd_results(struct ctx *c)
{
    static const uint8_t req[] = { 0xBF, 0x2B, 0x04, 0xA0, 0x02, 0x82, 0x00 };
    struct tlv top, a2, item;
    struct tlv_cursor lc;
    int64_t v;
    size_t n = 0;
    int rc = 0;
    if (es10(c, "RetrieveNotificationsList", req, sizeof req) != 0)
        return 1;
    if (!tlv_parse(c->resp, c->resp_len, &top) || top.tag != 0xBF2B ||
        !tlv_parse(top.value, top.len, &a2))
        return malformed("RetrieveNotificationsList");
    if (a2.tag == 0x81 && tlv_get_int(a2.value, a2.len, &v)) {
        printf("RetrieveNotificationsList: %s(%lld)\n",
               lpa_notification_list_error_name((int)v), (long long)v);
        return 1;
    }
    if (a2.tag != 0xA2 || !tlv_enter(&a2, &lc))
        return malformed("RetrieveNotificationsList");
    while (tlv_next(&lc, &item)) {
        struct eimt_result r;
        /* every result is signed with the associationToken of the eIM it names */
        if (eimt_parse_result(item.raw, item.raw_len, NULL, 0, &r) != 0)
            return malformed("RetrieveNotificationsList (EuiccPackageResult)");
        const struct known_eim *k = find_eim(c, r.eim_id);
        if (eimt_parse_result(item.raw, item.raw_len, c->euicc_pk,
                              k && k->has_token ? k->token : 0, &r) != 0)
            return malformed("RetrieveNotificationsList (EuiccPackageResult)");
        if (!k)
            printf("(eimId \"%s\" is no longer associated: its token is unknown)\n", r.eim_id);
        if (!r.sig_ok)
            rc = 1;
        print_result(&r);
        n++;
    }
    if (lc.error)
        return malformed("RetrieveNotificationsList");
    if (n == 0)
        fprintf(stderr, "no stored eUICC Package results\n");
    return rc;
}

static int cmd_ack(struct ctx *c)
{
    size_t len;
    if (lpa_notification_sent_request(c->o.seq, c->req, REQ_MAX, &len) != 0 ||
        es10(c, "NotificationSent", c->req, len) != 0)
        return 1;
    int code = lpa_notification_sent_result(c->resp, c->resp_len);
    if (code < 0)
        return malformed("NotificationSent");
    printf("NotificationSent %u: %s", c->o.seq, lpa_notification_sent_result_name(code));
    printf(code ? "(%d)\n" : "\n", code);
    return code == 0 ? 0 : 1;
}

/* ---- main ---- */

static int run(struct ctx *c)
{
    struct eimt e;
    char path[PATH_MAX_] = "";
    int rc;
    bool needs_eim = c->o.cmd != CMD_CONFIG && c->o.cmd != CMD_RESULTS && c->o.cmd != CMD_ACK;
    memset(&e, 0, sizeof e);
    if (needs_eim) {
        if (key_path(&c->o, path, sizeof path) != 0) {
            fprintf(stderr, PROG ": path too long\n");
            return 1;
        }
    }
    if (pcsc_lpa_open(&c->l, PROG, c->o.reader, c->o.wait_s) != 0)
        return 1;
    if (c->o.cmd == CMD_ACK)
        return cmd_ack(c);
    if (get_config(c, c->o.cmd == CMD_CONFIG) != 0)
        return 1;
    if (c->o.cmd == CMD_CONFIG)
        return 0;
    if (get_euicc_key(c) != 0)
        return 1;
    if (c->o.cmd == CMD_RESULTS)
        return cmd_results(c);
    const char *id = c->o.eim_id ? c->o.eim_id : c->o.cmd == CMD_ASSOCIATE ? DEFAULT_ID
                   : c->n_eims ? c->eims[0].id : DEFAULT_ID;
    if (eimt_init(&e, id, path) != 0) {
        fprintf(stderr, PROG ": cannot load the eIM private key %s (--eim-key PEM or "
                "--sgp26 DIR)\n", path);
        return 1;
    }
    if (c->o.cmd == CMD_ASSOCIATE)
        rc = cmd_associate(c, &e);
    else
        rc = get_eid(c) != 0 ? 1 : send_package(c, &e, c->o.cmd);
    eimt_free(&e);
    return rc;
}

int main(int argc, char **argv)
{
    struct ctx *c = calloc(1, sizeof *c);
    if (!c) {
        fprintf(stderr, PROG ": out of memory\n");
        return 1;
    }
    int rc = parse_args(argc, argv, &c->o);
    if (rc) {
        free(c);
        return rc == 3 ? 0 : rc;
    }
    c->req = malloc(REQ_MAX);
    c->resp = malloc(RESP_MAX);
    if (!c->req || !c->resp) {
        fprintf(stderr, PROG ": out of memory\n");
        rc = 1;
    } else {
        rc = run(c);
    }
    pcsc_lpa_close(&c->l);
    EVP_PKEY_free(c->euicc_pk);
    free(c->req);
    free(c->resp);
    free(c);
    return rc;
}
