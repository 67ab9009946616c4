/* tools/euicc-eim.c — drive an SGP.32 IoT eUICC without an eIM server: this program is
 * the eIM (tools/eim builds and signs the eUICC Packages with SK.EIM) and the IPA (it
 * sends them through PC/SC as ES10b requests in STORE DATA). Every signed answer of the
 * card is verified with the public key of CERT.EUICC (GetCerts) before it is printed.
 *
 *   euicc-eim [options] associate       AddInitialEim (the eIM's public key, token -1)
 *   euicc-eim [options] enable ICCID    PSMO enable     | disable ICCID | delete ICCID
 *   euicc-eim [options] list            PSMO listProfileInfo
 *   euicc-eim [options] rat             PSMO getRAT
 *   euicc-eim [options] immediate-enable-config   PSMO configureImmediateEnable
 *   euicc-eim [options] set-fallback ICCID | unset-fallback | set-default-dp ADDRESS
 *   euicc-eim [options] list-eim        eCO listEim | add-eim ID | update-eim ID |
 *                                       delete-eim ID
 *   euicc-eim [options] config          GetEimConfigurationData
 *   euicc-eim [options] results         RetrieveNotificationsList (euiccPackageResults)
 *   euicc-eim [options] ack SEQ         NotificationSent
 *   euicc-eim [options] fallback | return-fallback | emergency-on | emergency-off |
 *                       rollback | connectivity | immediate-enable
 *                                       the IPA's own ES10b functions (no package):
 *                                       ExecuteFallbackMechanism, ReturnFromFallback,
 *                                       Enable- / DisableEmergencyProfile, ProfileRollback,
 *                                       GetConnectivityParameters, ImmediateEnable
 *
 * The counterValue of a package is the card's stored one (GetEimConfigurationData) + 1
 * unless --counter N gives it; the associationToken is the card's too. Several PSMOs
 * (or several eCOs) go into one package when joined by --then; --tamper KIND makes a
 * wrong package (tools/eim's enum eimt_fault) and prints how the card refuses it.
 * Before any signed answer is trusted, CERT.EUICC (GetCerts) must chain through
 * CERT.EUM to the CI of --ci-cert (default: the SGP.26 CI of --sgp26), carry the card's
 * EID, and its EID must lie in the EUM's range; otherwise nothing is printed as
 * verified and the exit status is 1. The card's own CI is never trusted implicitly.
 * The IPA functions need no eIM key and no CERT.EUICC (their answers are not signed);
 * --refresh sets their refreshFlag (default FALSE), --rollback the rollbackFlag of an
 * enable PSMO.
 * Exit status: 0 success, 1 the card refused or answered something that does not verify
 * (the reason is printed), 2 wrong command line. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/objects.h>
#include <openssl/x509.h>

#include "card/tlv.h"
#include "crypto/x509.h"
#include "tools/eim/eim.h"
#include "tools/lpa/lpa_es10b.h"
#include "tools/lpa/lpa_es10c.h"
#include "tools/cli_opts.h"

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

#define OPS_MAX      8u
#define OID_MAX      64u

/* The package commands first (PSMOs, then eCOs), then the others. */
enum command { CMD_NONE, CMD_ENABLE, CMD_DISABLE, CMD_DELETE, CMD_LIST, CMD_RAT,
               CMD_IMMEDIATE_ENABLE, CMD_SET_FALLBACK, CMD_UNSET_FALLBACK, CMD_SET_DEFAULT_DP,
               CMD_LIST_EIM, CMD_ADD_EIM, CMD_UPDATE_EIM, CMD_DELETE_EIM,
               CMD_ASSOCIATE, CMD_CONFIG, CMD_RESULTS, CMD_ACK,
               CMD_FALLBACK, CMD_RETURN_FALLBACK, CMD_EMERGENCY_ON, CMD_EMERGENCY_OFF,
               CMD_ROLLBACK, CMD_CONNECTIVITY, CMD_IMMEDIATE };

#define IS_PACKAGE(c) ((c) >= CMD_ENABLE && (c) <= CMD_DELETE_EIM)
#define IS_ECO(c)     ((c) >= CMD_LIST_EIM && (c) <= CMD_DELETE_EIM)
#define IS_IPA(c)     ((c) >= CMD_FALLBACK)

/* One operation of the package. */
struct op {
    enum command cmd;
    uint8_t iccid[LPA_ICCID_LEN];
    const char *arg;               /* eimId / address */
};

struct opts {
    const char *reader, *sgp26, *eim_key, *eim_id, *fqdn, *ci_cert, *tamper_s;
    const char *new_key, *new_fqdn, *smdp_oid, *smdp_address;
    bool has_counter, has_new_counter, flag, then, refresh, rollback;
    uint64_t counter, new_counter;
    int wait_s;
    enum command cmd;              /* the first command */
    struct op ops[OPS_MAX];
    size_t n_ops;
    enum eimt_fault tamper;
    uint8_t oid[OID_MAX];          /* --smdp-oid as content octets */
    size_t oid_len;
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
    EVP_PKEY *euicc_pk;            /* PK.EUICC.SIG from CERT.EUICC (chain checked) */
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
        "  immediate-enable-config  ... configureImmediateEnable (--flag, --smdp-oid,\n"
        "                      --smdp-address)\n"
        "  set-fallback ICCID  ... setFallbackAttribute\n"
        "  unset-fallback      ... unsetFallbackAttribute\n"
        "  set-default-dp ADDRESS  ... setDefaultDpAddress\n"
        "  list-eim            eUICC Package with the eCO listEim\n"
        "  add-eim ID          ... addEim (--new-key, --new-counter; token -1)\n"
        "  update-eim ID       ... updateEim (--new-fqdn, --new-counter)\n"
        "  delete-eim ID       ... deleteEim\n"
        "  CMD --then CMD ...  several PSMOs (or several eCOs) in one package, in order\n"
        "  config              GetEimConfigurationData\n"
        "  results             RetrieveNotificationsList (euiccPackageResults), verified\n"
        "  ack SEQ             NotificationSent: remove the stored result SEQ\n"
        "The IPA's own ES10b functions (sent directly, not in a package):\n"
        "  fallback            ExecuteFallbackMechanism\n"
        "  return-fallback     ReturnFromFallback\n"
        "  emergency-on        EnableEmergencyProfile\n"
        "  emergency-off       DisableEmergencyProfile\n"
        "  rollback            ProfileRollback (after an 'enable ICCID --rollback' package)\n"
        "  connectivity        GetConnectivityParameters (the enabled profile's httpParams)\n"
        "  immediate-enable    ImmediateEnable\n"
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
        "                      associate the initial value, default 0)\n"
        "  --ci-cert FILE      the trusted CI (DER/PEM) CERT.EUICC → CERT.EUM must chain to\n"
        "                      (default: <sgp26>/CI/CERT_CI_ECDSA_NIST.der)\n"
        "  --tamper KIND       send a wrong package: bad-signature, wrong-eid, unknown-eim,\n"
        "                      old-counter, wrong-token (also --tamper=KIND)\n"
        "  --new-key PEM       add-eim: the new eIM's key (default: a generated one)\n"
        "  --new-counter N     add-eim: its initial counterValue (default 0);\n"
        "                      update-eim: the new counterValue\n"
        "  --new-fqdn FQDN     update-eim: the new eimFqdn\n"
        "  --flag              immediate-enable-config: immediateEnableFlag\n"
        "  --smdp-oid OID      immediate-enable-config: defaultSmdpOid (dotted)\n"
        "  --smdp-address A    immediate-enable-config: defaultSmdpAddress\n"
        "  --rollback          enable: rollbackFlag (ProfileRollback may undo it)\n"
        "  --refresh           the IPA functions but connectivity: refreshFlag TRUE\n");
}

static int bad_usage(const char *fmt, const char *arg)
{
    return cli_usage_error(PROG, fmt, arg);
}

enum arg_kind { ARG_NONE, ARG_ICCID, ARG_SEQ, ARG_TEXT };

static const struct { const char *name; enum command cmd; enum arg_kind args; } commands[] = {
    { "associate", CMD_ASSOCIATE, ARG_NONE }, { "enable", CMD_ENABLE, ARG_ICCID },
    { "disable", CMD_DISABLE, ARG_ICCID }, { "delete", CMD_DELETE, ARG_ICCID },
    { "list", CMD_LIST, ARG_NONE }, { "rat", CMD_RAT, ARG_NONE },
    { "immediate-enable-config", CMD_IMMEDIATE_ENABLE, ARG_NONE },
    { "set-fallback", CMD_SET_FALLBACK, ARG_ICCID },
    { "unset-fallback", CMD_UNSET_FALLBACK, ARG_NONE },
    { "set-default-dp", CMD_SET_DEFAULT_DP, ARG_TEXT },
    { "list-eim", CMD_LIST_EIM, ARG_NONE }, { "add-eim", CMD_ADD_EIM, ARG_TEXT },
    { "update-eim", CMD_UPDATE_EIM, ARG_TEXT }, { "delete-eim", CMD_DELETE_EIM, ARG_TEXT },
    { "config", CMD_CONFIG, ARG_NONE }, { "results", CMD_RESULTS, ARG_NONE },
    { "ack", CMD_ACK, ARG_SEQ },
    { "fallback", CMD_FALLBACK, ARG_NONE }, { "return-fallback", CMD_RETURN_FALLBACK, ARG_NONE },
    { "emergency-on", CMD_EMERGENCY_ON, ARG_NONE },
    { "emergency-off", CMD_EMERGENCY_OFF, ARG_NONE },
    { "rollback", CMD_ROLLBACK, ARG_NONE }, { "connectivity", CMD_CONNECTIVITY, ARG_NONE },
    { "immediate-enable", CMD_IMMEDIATE, ARG_NONE },
};

/* Where a command may go: the first one, or a package operation after --then that
 * belongs to the same list (psmoList or ecoList) as the first. */
static int command_allowed(const struct opts *o, enum command cmd, const char *a)
{
    if (o->n_ops == 0 && o->cmd == CMD_NONE)
        return 0;
    if (!o->then)
        return bad_usage("only one command at a time ('%s' given after another; join "
                         "package operations with --then)", a);
    if (!IS_PACKAGE(cmd) || !IS_PACKAGE(o->cmd))
        return bad_usage("--then joins package operations only ('%s')", a);
    if (IS_ECO(cmd) != IS_ECO(o->cmd))
        return bad_usage("'%s': a package carries PSMOs or eCOs, not both", a);
    if (o->n_ops >= OPS_MAX)
        return bad_usage("at most 8 operations in one package ('%s')", a);
    return 0;
}

static int parse_command(struct opts *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i], *next = *i + 1 < argc ? argv[*i + 1] : NULL;
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++) {
        if (strcmp(a, commands[k].name) != 0)
            continue;
        int rc = command_allowed(o, commands[k].cmd, a);
        if (rc)
            return rc;
        struct op *op = &o->ops[o->n_ops++];
        if (o->cmd == CMD_NONE)
            o->cmd = commands[k].cmd;
        o->then = false;
        op->cmd = commands[k].cmd;
        if (commands[k].args == ARG_NONE)
            return 0;
        (*i)++;
        if (commands[k].args == ARG_SEQ) {
            uint64_t v;
            if (!cli_parse_uint(next, UINT32_MAX, &v))
                return bad_usage("'%s' needs a result sequence number", a);
            o->seq = (uint32_t)v;
        } else if (commands[k].args == ARG_TEXT) {
            if (!next || !*next || strlen(next) > 255)
                return bad_usage("'%s' needs an argument (1 to 255 characters)", a);
            op->arg = next;
        } else if (!next || lpa_iccid_from_string(next, op->iccid) != 0) {
            return bad_usage("'%s' needs an ICCID (19 or 20 digits)", a);
        }
        return 0;
    }
    return bad_usage("unknown command or option '%s'", a);
}

/* --smdp-oid: dotted text → the OBJECT IDENTIFIER's content octets. */
static bool oid_from_text(const char *s, uint8_t *out, size_t cap, size_t *len)
{
    ASN1_OBJECT *obj = OBJ_txt2obj(s, 1);
    uint8_t der[2 + OID_MAX];
    unsigned char *q = der;
    int n = obj ? i2d_ASN1_OBJECT(obj, NULL) : -1;
    bool ok = n > 2 && (size_t)n <= sizeof der && i2d_ASN1_OBJECT(obj, &q) == n &&
              der[1] == n - 2 && (size_t)(n - 2) <= cap;
    ASN1_OBJECT_free(obj);
    if (ok) {
        memcpy(out, der + 2, (size_t)n - 2);
        *len = (size_t)n - 2;
    }
    return ok;
}

/* The options that only some commands read: given with any other, they are an error. */
static int check_option_use(struct opts *o)
{
    bool add = false, upd = false, cie = false, ena = false;
    for (size_t k = 0; k < o->n_ops; k++) {
        add |= o->ops[k].cmd == CMD_ADD_EIM;
        upd |= o->ops[k].cmd == CMD_UPDATE_EIM;
        cie |= o->ops[k].cmd == CMD_IMMEDIATE_ENABLE;
        ena |= o->ops[k].cmd == CMD_ENABLE;
    }
    if (o->rollback && !ena)
        return bad_usage("--rollback goes with enable%s", "");
    if (o->refresh && (!IS_IPA(o->cmd) || o->cmd == CMD_CONNECTIVITY))
        return bad_usage("--refresh goes with fallback, return-fallback, emergency-on, "
                         "emergency-off, rollback or immediate-enable%s", "");
    if (o->new_key && !add)
        return bad_usage("--new-key goes with add-eim%s", "");
    if (o->new_fqdn && !upd)
        return bad_usage("--new-fqdn goes with update-eim%s", "");
    if (o->has_new_counter && !add && !upd)
        return bad_usage("--new-counter goes with add-eim or update-eim%s", "");
    if ((o->flag || o->smdp_oid || o->smdp_address) && !cie)
        return bad_usage("--flag, --smdp-oid and --smdp-address go with "
                         "immediate-enable-config%s", "");
    if (o->smdp_oid && !oid_from_text(o->smdp_oid, o->oid, sizeof o->oid, &o->oid_len))
        return bad_usage("--smdp-oid '%s' is not a dotted OBJECT IDENTIFIER", o->smdp_oid);
    if (o->tamper_s) {
        int f = eimt_fault_from_name(o->tamper_s);
        if (f <= 0)
            return bad_usage("--tamper '%s': bad-signature, wrong-eid, unknown-eim, "
                             "old-counter or wrong-token", o->tamper_s);
        if (!IS_PACKAGE(o->cmd))
            return bad_usage("--tamper goes with a package command%s", "");
        o->tamper = (enum eimt_fault)f;
    }
    return 0;
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
        { "--ci-cert", offsetof(struct opts, ci_cert) },
        { "--tamper", offsetof(struct opts, tamper_s) },
        { "--new-key", offsetof(struct opts, new_key) },
        { "--new-fqdn", offsetof(struct opts, new_fqdn) },
        { "--smdp-oid", offsetof(struct opts, smdp_oid) },
        { "--smdp-address", offsetof(struct opts, smdp_address) },
    };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        int got = cli_str_option(PROG, str_opts, sizeof str_opts / sizeof str_opts[0], o,
                                 argc, argv, &i);
        if (got < 0)
            return 2;
        if (got > 0)
            continue;
        int rc = 0;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 3;
        } else if (strncmp(a, "--tamper=", 9) == 0) {
            o->tamper_s = a + 9;
        } else if (strcmp(a, "--then") == 0) {
            if (o->n_ops == 0 || o->then)
                return bad_usage("--then goes between two package operations%s", "");
            o->then = true;
        } else if (strcmp(a, "--flag") == 0) {
            o->flag = true;
        } else if (strcmp(a, "--refresh") == 0) {
            o->refresh = true;
        } else if (strcmp(a, "--rollback") == 0) {
            o->rollback = true;
        } else if (strcmp(a, "--counter") == 0 || strcmp(a, "--new-counter") == 0) {
            bool is_new = a[2] == 'n';
            if (!cli_parse_uint(next, UINT64_MAX, is_new ? &o->new_counter : &o->counter))
                return bad_usage("%s needs a number", a);
            *(is_new ? &o->has_new_counter : &o->has_counter) = true;
            i++;
        } else if (strcmp(a, "--wait") == 0) {
            uint64_t w;
            if (!cli_parse_uint(next, 3600, &w))
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
    if (o->then)
        return bad_usage("--then must be followed by another operation%s", "");
    if (o->eim_id && (strlen(o->eim_id) < 1 || strlen(o->eim_id) > EIMT_ID_MAX))
        return bad_usage("--eim-id must have 1 to 128 characters%s", "");
    return check_option_use(o);
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

/* given, else <sgp26>/rel with <sgp26> = --sgp26, $EUICC_EMU_SHARED/sgp26 or
 * <source>/../shared/sgp26. 0, or -1 when the path does not fit. */
static int sgp26_path(const struct opts *o, const char *given, const char *rel, char *out,
                      size_t cap)
{
    const char *shared = getenv("EUICC_EMU_SHARED");
    int n;
    if (given)
        n = snprintf(out, cap, "%s", given);
    else if (o->sgp26)
        n = snprintf(out, cap, "%s/%s", o->sgp26, rel);
    else if (shared && *shared)
        n = snprintf(out, cap, "%s/sgp26/%s", shared, rel);
    else
        n = snprintf(out, cap, "%s/../shared/sgp26/%s", EUICC_EMU_SOURCE_ROOT, rel);
    return n > 0 && (size_t)n < cap ? 0 : -1;
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

/* GetCerts (BF56): CERT.EUICC → CERT.EUM → the trusted CI, then PK.EUICC.SIG. */
static int get_euicc_key(struct ctx *c)
{
    static const uint8_t req[] = { 0xBF, 0x56, 0x00 };
    char path[PATH_MAX_], err[256] = "";
    struct tlv top, e;
    int64_t code;
    if (sgp26_path(&c->o, c->o.ci_cert, "CI/CERT_CI_ECDSA_NIST.der", path, sizeof path) != 0) {
        fprintf(stderr, PROG ": path too long\n");
        return -1;
    }
    X509 *ci = x509_load_file(path, err, sizeof err);
    if (!ci) {
        fprintf(stderr, PROG ": cannot load the trusted CI certificate %s: %s (--ci-cert FILE "
                "or --sgp26 DIR)\n", path, err);
        return -1;
    }
    int rc = es10(c, "GetCerts", req, sizeof req);
    if (rc == 0 && tlv_parse(c->resp, c->resp_len, &top) && top.tag == 0xBF56 &&
        tlv_find(top.value, top.len, 0x81, &e) && tlv_get_int(e.value, e.len, &code)) {
        printf("GetCerts: getCertsError %s(%lld)\n", code == 1 ? "invalidCiPKId" :
               code == 127 ? "undefinedError" : "unknown", (long long)code);
        rc = -1;
    } else if (rc == 0) {
        enum eimt_chain ch = eimt_check_euicc_certs(c->resp, c->resp_len, ci, c->eid,
                                                    &c->euicc_pk);
        if (ch != EIMT_CHAIN_OK) {
            fprintf(stderr, PROG ": the card's CERT.EUICC is not trusted: %s (CI %s); its "
                    "signed answers are refused\n", eimt_chain_reason(ch), path);
            rc = -1;
        }
    }
    X509_free(ci);
    return rc;
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
            if (tlv_get_u64(f.value, f.len, &u))
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
                e->has_counter = tlv_get_u64(f.value, f.len, &e->counter);
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

static int cmd_associate(struct ctx *c, struct eimt *e)
{
    int64_t token = -1, error = 0;
    e->counter = c->o.has_counter ? c->o.counter : 0;
    size_t n = eimt_add_initial_eim(e, c->o.fqdn, c->req, REQ_MAX);
    if (n == 0) {
        fprintf(stderr, PROG ": cannot build AddInitialEim\n");
        return 1;
    }
    if (es10(c, "AddInitialEim", c->req, n) != 0)
        return 1;
    /* the request asks the card for a token (-1): an answer without one is malformed */
    int rc = eimt_parse_add_initial_eim_response(c->resp, c->resp_len, &token, &error);
    if (rc < 0 || (rc == 0 && token < 0))
        return malformed("AddInitialEim");
    if (rc == 1) {
        printf("AddInitialEim: addInitialEimError %s(%lld)\n", eimt_code_name(0xA8, error),
               (long long)error);
        return 1;
    }
    printf("AddInitialEim: ok: eimId \"%s\" associationToken %lld counterValue %llu\n", e->id,
           (long long)token, (unsigned long long)e->counter);
    return 0;
}

/* ---- eUICC Package results ---- */

static void print_profiles(const struct tlv *t)
{
    struct lpa_profile_info *p = malloc(PROFILES_MAX * sizeof *p);
    char s[LPA_ICCID_STR];
    size_t n = 0;
    int code = p ? lpa_get_profiles_info_decode(t->raw, t->raw_len, p, PROFILES_MAX, &n) : -1;
    if (code != 0) {
        printf("  listProfileInfoResult %s(%d)\n", code < 0 ? "malformed" :
               eimt_code_name(0xBF2D, code), code);
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
            printf("  listEimResult listEimError %s(%lld)\n", eimt_code_name(0xAB, v),
                   (long long)v);
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

/* getRATResult: the RulesAuthorisationTable's rules, in hex. */
static void print_rat(const struct tlv *t)
{
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
}

/* One EuiccResultData by its spec name (tools/eim's table); false when it reports a
 * failure. */
static bool print_result_item(const struct tlv *t)
{
    const char *name = eimt_result_data_name(t->tag);
    struct tlv in;
    int64_t v = -1;
    bool prim = !t->constructed && tlv_get_int(t->value, t->len, &v);
    switch (t->tag) {
    case 0xBF2D:
        print_profiles(t);
        return true;
    case 0xA6:
        print_rat(t);
        return true;
    case 0xAB:
        print_eim_list(t);
        return true;
    case 0xA8:      /* AddEimResult: 84 associationToken | 02 addEimResultCode */
    case 0xBF65:    /* SetDefaultDpAddressResponse {80 result} */
        if (tlv_parse(t->value, t->len, &in) && in.raw_len == t->len &&
            tlv_get_int(in.value, in.len, &v)) {
            if (in.tag == 0x84) {
                printf("  %s associationToken %lld\n", name, (long long)v);
                return true;
            }
            printf("  %s %s(%lld)\n", name, eimt_code_name(t->tag, v), (long long)v);
            return v == 0;
        }
        break;
    default:
        if (name && prim) {
            printf("  %s %s(%lld)\n", name, eimt_code_name(t->tag, v), (long long)v);
            return v == 0 && t->tag != 0x02;
        }
        break;
    }
    printf("  %s [%X] ", name ? name : "unknown", (unsigned)t->tag);
    hex(t->value, t->len);
    putchar('\n');
    return false;
}

/* Print a decoded EuiccPackageResult; 0 when it verified and every item succeeded. */
static int print_result(const struct eimt_result *r)
{
    if (r->kind == EIMT_ERROR_UNSIGNED) {
        printf("euiccPackageErrorUnsigned: eimId \"%s\"", r->eim_id);
        if (r->has_token)
            printf(" associationToken %lld", (long long)r->token);
        if (r->code >= 0)
            printf(" euiccPackageUnsignedErrorCode %s(%lld)", eimt_code_name(
                   EIMT_CODE_UNSIGNED_ERROR, r->code), (long long)r->code);
        putchar('\n');
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
        printf("  euiccPackageErrorCode %s(%lld)\n",
               eimt_code_name(EIMT_CODE_PACKAGE_ERROR, r->code), (long long)r->code);
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

/* The new eIM of add-eim: --new-key, else a generated key (its private part is lost). */
static EVP_PKEY *new_eim_key(const struct opts *o)
{
    struct eimt n;
    if (!o->new_key)
        fprintf(stderr, PROG ": add-eim without --new-key: a generated key is used (its "
                "private key is not kept)\n");
    if (eimt_init(&n, "new", o->new_key) != 0) {
        fprintf(stderr, PROG ": cannot load the new eIM's key %s\n", o->new_key);
        return NULL;
    }
    return n.key;
}

/* Append the operations to w (one list: PSMOs or eCOs). 0 or -1. */
static int write_ops(const struct opts *o, struct tlv_writer *w)
{
    for (size_t k = 0; k < o->n_ops; k++) {
        const struct op *op = &o->ops[k];
        switch (op->cmd) {
        case CMD_ENABLE: eimt_psmo_enable(w, op->iccid, o->rollback); break;
        case CMD_DISABLE: eimt_psmo_disable(w, op->iccid); break;
        case CMD_DELETE: eimt_psmo_delete(w, op->iccid); break;
        case CMD_LIST: eimt_psmo_list_profile_info(w, NULL, 0, NULL, 0); break;
        case CMD_RAT: eimt_psmo_get_rat(w); break;
        case CMD_IMMEDIATE_ENABLE:
            eimt_psmo_configure_immediate_enable_oid(w, o->flag, o->oid_len ? o->oid : NULL,
                                                     o->oid_len, o->smdp_address);
            break;
        case CMD_SET_FALLBACK: eimt_psmo_set_fallback(w, op->iccid); break;
        case CMD_UNSET_FALLBACK: eimt_psmo_unset_fallback(w); break;
        case CMD_SET_DEFAULT_DP: eimt_psmo_set_default_dp(w, op->arg); break;
        case CMD_ADD_EIM: {
            EVP_PKEY *key = new_eim_key(o);
            if (!key)
                return -1;
            eimt_eco_add_eim(w, op->arg, o->has_new_counter ? o->new_counter : 0, -1, key);
            EVP_PKEY_free(key);
            break;
        }
        case CMD_UPDATE_EIM:
            eimt_eco_update_eim(w, op->arg, o->new_fqdn, o->has_new_counter, o->new_counter);
            break;
        case CMD_DELETE_EIM: eimt_eco_delete_eim(w, op->arg); break;
        default: eimt_eco_list_eim(w); break;
        }
    }
    return tlv_writer_ok(w) ? 0 : -1;
}

static int send_package(struct ctx *c, struct eimt *e)
{
    uint8_t items[4096];
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
    if (write_ops(&c->o, &w) != 0)
        return 1;
    size_t n = eimt_package(e, IS_ECO(c->o.cmd), items, w.len, NULL, 0, c->o.tamper, c->req,
                            REQ_MAX);
    if (n == 0) {
        fprintf(stderr, PROG ": cannot build or sign the eUICC Package\n");
        return 1;
    }
    if (c->o.tamper != EIMT_FAULT_NONE)
        printf("tampered package (%s) sent\n", eimt_fault_name(c->o.tamper));
    if (es10(c, "EuiccPackageRequest", c->req, n) != 0)
        return 1;
    struct eimt_result r;
    if (eimt_parse_result(c->resp, c->resp_len, c->euicc_pk, e->token, &r) != 0)
        return malformed("EuiccPackageRequest (EuiccPackageResult)");
    if (r.kind != EIMT_ERROR_UNSIGNED &&
        (strcmp(r.eim_id, c->o.tamper == EIMT_FAULT_UNKNOWN_EIM ? "unknown-eim" : e->id) != 0 ||
         r.counter != e->counter)) {
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

/* ---- the IPA's own ES10b functions ---- */

/* Each command's request tag, the function's and its result field's spec names. */
static const struct {
    enum command cmd;
    uint32_t tag;
    const char *function, *result;
} ipa_functions[] = {
    { CMD_FALLBACK, 0xBF5D, "ExecuteFallbackMechanism", "executeFallbackMechanismResult" },
    { CMD_RETURN_FALLBACK, 0xBF5E, "ReturnFromFallback", "returnFromFallbackResult" },
    { CMD_EMERGENCY_ON, 0xBF5B, "EnableEmergencyProfile", "enableEmergencyProfileResult" },
    { CMD_EMERGENCY_OFF, 0xBF5C, "DisableEmergencyProfile", "disableEmergencyProfileResult" },
    { CMD_ROLLBACK, 0xBF58, "ProfileRollback", "cmdResult" },
    { CMD_CONNECTIVITY, 0xBF5F, "GetConnectivityParameters", "connectivityParametersError" },
    { CMD_IMMEDIATE, 0xBF5A, "ImmediateEnable", "immediateEnableResult" },
};

static int cmd_ipa(struct ctx *c)
{
    size_t k = 0, nfn = sizeof ipa_functions / sizeof ipa_functions[0];
    while (k < nfn && ipa_functions[k].cmd != c->o.cmd)
        k++;
    if (k == nfn)
        return 2;
    const char *fn = ipa_functions[k].function;
    uint32_t tag = ipa_functions[k].tag;
    struct eimt_ipa_answer a;
    size_t n = eimt_ipa_request(tag, c->o.refresh, c->req, REQ_MAX);
    if (n == 0 || es10(c, fn, c->req, n) != 0)
        return 1;
    if (eimt_parse_ipa_response(tag, c->resp, c->resp_len, &a) != 0)
        return malformed(fn);
    if (tag == 0xBF5F && a.code == 0) {
        printf("%s: connectivityParameters", fn);
        if (a.has_http_params) {
            fputs(" httpParams ", stdout);
            hex(a.http_params, a.http_params_len);
        }
        putchar('\n');
        return 0;
    }
    printf("%s: %s %s(%lld)%s\n", fn, ipa_functions[k].result, eimt_code_name(tag, a.code),
           (long long)a.code, a.has_package_result ? " eUICCPackageResult present (see "
           "'results')" : "");
    return a.code == 0 ? 0 : 1;
}

/* ---- main ---- */

static int run(struct ctx *c)
{
    struct eimt e;
    char path[PATH_MAX_] = "";
    int rc;
    bool needs_eim = c->o.cmd != CMD_CONFIG && c->o.cmd != CMD_RESULTS && c->o.cmd != CMD_ACK &&
                     !IS_IPA(c->o.cmd);
    memset(&e, 0, sizeof e);
    if (needs_eim) {
        if (sgp26_path(&c->o, c->o.eim_key, "eIM/SK_S_EIMsign_ECDSA_NIST.pem", path,
                       sizeof path) != 0) {
            fprintf(stderr, PROG ": path too long\n");
            return 1;
        }
    }
    if (pcsc_lpa_open(&c->l, PROG, c->o.reader, c->o.wait_s) != 0)
        return 1;
    if (c->o.cmd == CMD_ACK)
        return cmd_ack(c);
    if (IS_IPA(c->o.cmd))
        return cmd_ipa(c);
    if (get_config(c, c->o.cmd == CMD_CONFIG) != 0)
        return 1;
    if (c->o.cmd == CMD_CONFIG)
        return 0;
    if (c->o.cmd != CMD_ASSOCIATE && (get_eid(c) != 0 || get_euicc_key(c) != 0))
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
        rc = send_package(c, &e);
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
