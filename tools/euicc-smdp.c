/* tools/euicc-smdp.c — put a profile on the card the real way: an LPA that speaks only
 * PC/SC (T=0, a logical channel, the ISD-R selected on it, ES10 in STORE DATA blocks)
 * together with the test SM-DP+ of tools/smdp (SGP.26 DPauth/DPpb keys by default).
 * Besides the download, the ES10 functions a user needs for the rest of the life
 * cycle: list, enable, disable, delete, and the notifications.
 *
 *   euicc-smdp [options] --upp FILE        download FILE (a UPP, DER); --ecall and
 *                                          --fallback-allowed yes|no put the SGP.32
 *                                          metadata into its StoreMetadata
 *   euicc-smdp [options] --list            GetProfilesInfo
 *   euicc-smdp [options] --enable ICCID | --disable ICCID | --delete ICCID
 *   euicc-smdp [options] --notifications | --retrieve [SEQ] | --remove SEQ
 *
 * Exit status: 0 success, 1 the card or the SM-DP+ refused (the reason is printed),
 * 2 wrong command line. */
#include <errno.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "card/tlv.h"
#include "tools/lpa/lpa.h"
#include "tools/lpa/lpa_es10b.h"
#include "tools/lpa/lpa_es10c.h"
#include "tools/cli_opts.h"

#define PROG_NAME "euicc-smdp"
#include "tools/pcsc_lpa.h"
#include "tools/smdp/smdp.h"

#ifndef EUICC_EMU_SOURCE_ROOT
#define EUICC_EMU_SOURCE_ROOT "."
#endif

#define REQ_MAX    32768u          /* an ES10 request lpa_es10 can send (120 × 256) */
#define RESP_MAX   262144u        /* an ES10 answer (all notifications with certificates) */
#define UPP_MAX    4194304u      /* 4 MiB */
#define PROFILES_MAX 64u
#define NOTIFS_MAX 256u
#define PATH_MAX_  1024u

enum command { CMD_NONE, CMD_DOWNLOAD, CMD_LIST, CMD_ENABLE, CMD_DISABLE, CMD_DELETE,
               CMD_NOTIFICATIONS, CMD_RETRIEVE, CMD_REMOVE };

struct opts {
    const char *reader;
    const char *sgp26;
    struct smdp_config smdp;
    const char *matching_id;
    const char *upp;
    struct smdp_iot_metadata iot;    /* SGP.32 StoreMetadata fields of the download */
    int wait_s;
    enum command cmd;
    const char *iccid;               /* enable/disable/delete */
    bool has_seq;
    uint32_t seq;                    /* retrieve/remove */
};

static void usage(FILE *f)
{
    fprintf(f,
        "Usage: euicc-smdp [options] COMMAND\n"
        "Commands:\n"
        "  --upp FILE          download the profile package FILE (UPP, DER) into the card\n"
        "  --list              list the profiles (ICCID, ISD-P AID, state, class, name)\n"
        "  --enable ICCID      EnableProfile      (ICCID: the 19 or 20 digits)\n"
        "  --disable ICCID     DisableProfile\n"
        "  --delete ICCID      DeleteProfile\n"
        "  --notifications     ListNotification (seq, event, ICCID, address)\n"
        "  --retrieve [SEQ]    RetrieveNotificationsList (all, or SEQ), one line each\n"
        "                      ending with the signed notification in hex\n"
        "  --remove SEQ        NotificationSent (remove SEQ from the list)\n"
        "Options:\n"
        "  --reader NAME       PC/SC reader (default: the first one containing \"Virtual PCD\")\n"
        "  --wait SEC          wait up to SEC seconds for the card (default 0)\n"
        "  --sgp26 DIR         SGP.26 test PKI folder (default: $EUICC_EMU_SHARED/sgp26 or\n"
        "                      <source>/../shared/sgp26) for the DPauth/DPpb keys and CI\n"
        "  --dpauth-cert F --dpauth-key F --dppb-cert F --dppb-key F   other SM-DP+ keys\n"
        "  --ci-cert F         CI certificate the SM-DP+ checks CERT.EUM against\n"
        "  --address FQDN      SM-DP+ address (default testsmdpplus1.example.com)\n"
        "  --rsk               bind with ReplaceSessionKeys (osmo-smdpp style)\n"
        "  --matching-id ID    MatchingID sent in ctxParams1\n"
        "  --ecall             --upp: the profile is an Emergency Profile (SGP.32\n"
        "                      StoreMetadata ecallIndication TRUE)\n"
        "  --fallback-allowed yes|no   --upp: StoreMetadata fallbackAllowed (SGP.32)\n");
}

static int bad_usage(const char *fmt, const char *arg)
{
    return cli_usage_error(PROG_NAME, fmt, arg);
}

/* A notification sequence number (32 bits). */
static bool parse_seq(const char *s, uint32_t *out)
{
    uint64_t v;
    if (!cli_parse_uint(s, UINT32_MAX, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

static int set_cmd(struct opts *o, enum command c, const char *name)
{
    if (o->cmd != CMD_NONE)
        return bad_usage("only one command at a time (%s given after another)", name);
    o->cmd = c;
    return 0;
}

/* Returns 0, 2 (usage error) or 3 (help printed). */
static int parse_args(int argc, char **argv, struct opts *o)
{
    static const struct cli_str_opt path_opts[] = {
        { "--reader", offsetof(struct opts, reader) },
        { "--sgp26", offsetof(struct opts, sgp26) },
        { "--dpauth-cert", offsetof(struct opts, smdp.dpauth_cert) },
        { "--dpauth-key", offsetof(struct opts, smdp.dpauth_key) },
        { "--dppb-cert", offsetof(struct opts, smdp.dppb_cert) },
        { "--dppb-key", offsetof(struct opts, smdp.dppb_key) },
        { "--ci-cert", offsetof(struct opts, smdp.ci_cert) },
        { "--address", offsetof(struct opts, smdp.address) },
        { "--matching-id", offsetof(struct opts, matching_id) },
    };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        int got = cli_str_option(PROG_NAME, path_opts, sizeof path_opts / sizeof path_opts[0], o,
                                 argc, argv, &i);
        if (got < 0)
            return 2;
        if (got > 0)
            continue;
        int rc = 0;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 3;
        } else if (strcmp(a, "--rsk") == 0) {
            o->smdp.replace_session_keys = true;
        } else if (strcmp(a, "--ecall") == 0) {
            o->iot.has_ecall_indication = o->iot.ecall_indication = true;
        } else if (strcmp(a, "--fallback-allowed") == 0) {
            if (!next || (strcmp(next, "yes") != 0 && strcmp(next, "no") != 0))
                return bad_usage("--fallback-allowed needs yes or no%s", "");
            o->iot.has_fallback_allowed = true;
            o->iot.fallback_allowed = next[0] == 'y';
            i++;
        } else if (strcmp(a, "--wait") == 0) {
            uint64_t w;
            if (!cli_parse_uint(next, 3600, &w))
                return bad_usage("--wait needs a number of seconds (0-3600)%s", "");
            o->wait_s = (int)w;
            i++;
        } else if (strcmp(a, "--upp") == 0) {
            if (!next)
                return bad_usage("option '%s' needs an argument", a);
            rc = set_cmd(o, CMD_DOWNLOAD, a);
            o->upp = next;
            i++;
        } else if (strcmp(a, "--list") == 0) {
            rc = set_cmd(o, CMD_LIST, a);
        } else if (strcmp(a, "--notifications") == 0) {
            rc = set_cmd(o, CMD_NOTIFICATIONS, a);
        } else if (strcmp(a, "--enable") == 0 || strcmp(a, "--disable") == 0 ||
                   strcmp(a, "--delete") == 0) {
            if (!next)
                return bad_usage("option '%s' needs an ICCID", a);
            rc = set_cmd(o, a[2] == 'e' ? CMD_ENABLE : a[4] == 's' ? CMD_DISABLE : CMD_DELETE,
                         a);
            o->iccid = next;
            i++;
        } else if (strcmp(a, "--retrieve") == 0) {
            rc = set_cmd(o, CMD_RETRIEVE, a);
            if (next && parse_seq(next, &o->seq)) {
                o->has_seq = true;
                i++;
            }
        } else if (strcmp(a, "--remove") == 0) {
            rc = set_cmd(o, CMD_REMOVE, a);
            if (!parse_seq(next, &o->seq))
                return bad_usage("--remove needs a notification sequence number%s", "");
            o->has_seq = true;
            i++;
        } else {
            return bad_usage("unknown option '%s'", a);
        }
        if (rc)
            return rc;
    }
    if (o->cmd == CMD_NONE)
        return bad_usage("no command given: --upp FILE, --list, --enable ICCID, …%s", "");
    if ((o->iot.has_ecall_indication || o->iot.has_fallback_allowed) && o->cmd != CMD_DOWNLOAD)
        return bad_usage("--ecall and --fallback-allowed go with --upp%s", "");
    return 0;
}

/* One ES10 request; 0 when the card answered 9000. */
static int es10(struct pcsc_lpa *l, const char *what, const uint8_t *req, size_t len,
                uint8_t *resp, size_t *resp_len)
{
    return pcsc_lpa_es10(l, what, req, len, resp, RESP_MAX, resp_len);
}

static void hex(const uint8_t *p, size_t n, FILE *f)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02X", p[i]);
}

static void print_iccid(const uint8_t *iccid, bool present)
{
    char s[LPA_ICCID_STR];
    if (!present)
        fputs("-", stdout);
    else if (lpa_iccid_to_string(iccid, s) == 0)
        fputs(s, stdout);
    else
        hex(iccid, LPA_ICCID_LEN, stdout);
}

static int malformed(const char *what)
{
    fprintf(stderr, "euicc-smdp: the card's answer to %s is malformed\n", what);
    return 1;
}

/* ---- download ---- */

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "euicc-smdp: cannot open %s: %s\n", path, strerror(errno));
        return NULL;
    }
    uint8_t *buf = malloc(UPP_MAX + 1);
    size_t n = buf ? fread(buf, 1, UPP_MAX + 1, f) : 0;
    bool err = ferror(f);
    fclose(f);
    if (!buf || err || n == 0 || n > UPP_MAX) {
        fprintf(stderr, "euicc-smdp: %s: %s\n", path,
                !buf ? "out of memory" : err ? "read error" :
                n == 0 ? "empty file" : "larger than 4 MiB");
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* Fill the SGP.26 default paths for whatever key or certificate was not given. */
static int sgp26_defaults(struct opts *o, char paths[5][PATH_MAX_])
{
    static const char *const rel[5] = {
        "DPauth/CERT_S_SM_DPauth_ECDSA_NIST.der", "DPauth/SK_S_SM_DPauth_ECDSA_NIST.pem",
        "DPpb/CERT_S_SM_DPpb_ECDSA_NIST.der", "DPpb/SK_S_SM_DPpb_ECDSA_NIST.pem",
        "CI/CERT_CI_ECDSA_NIST.der",
    };
    const char **field[5] = { &o->smdp.dpauth_cert, &o->smdp.dpauth_key,
                              &o->smdp.dppb_cert, &o->smdp.dppb_key, &o->smdp.ci_cert };
    char dir[PATH_MAX_];
    bool need = false;
    for (int i = 0; i < 5; i++)
        need |= *field[i] == NULL;
    if (!need)
        return 0;
    const char *shared = getenv("EUICC_EMU_SHARED");
    if (o->sgp26)
        snprintf(dir, sizeof dir, "%s", o->sgp26);
    else if (shared && *shared)
        snprintf(dir, sizeof dir, "%s/sgp26", shared);
    else
        snprintf(dir, sizeof dir, "%s/../shared/sgp26", EUICC_EMU_SOURCE_ROOT);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "euicc-smdp: the SGP.26 test PKI is not at %s: pass --sgp26 DIR "
                "(the folder with DPauth/, DPpb/ and CI/), or --dpauth-cert, --dpauth-key, "
                "--dppb-cert, --dppb-key and --ci-cert\n", dir);
        return -1;
    }
    for (int i = 0; i < 5; i++) {
        if (*field[i])
            continue;
        int n = snprintf(paths[i], PATH_MAX_, "%s/%s", dir, rel[i]);
        if (n < 0 || (size_t)n >= PATH_MAX_) {
            fprintf(stderr, "euicc-smdp: path too long: %s\n", dir);
            return -1;
        }
        *field[i] = paths[i];
    }
    return 0;
}

static int print_pir(const uint8_t *p, size_t len)
{
    struct lpa_pir pir;
    if (lpa_pir_decode(p, len, &pir) != 0)
        return malformed("the last BPP piece (ProfileInstallationResult)");
    if (pir.success) {
        fputs("profile installed: ICCID ", stdout);
        print_iccid(pir.meta.iccid, pir.meta.has_iccid);
        fputs(", ISD-P ", stdout);
        hex(pir.aid, pir.aid_len, stdout);
        printf(" (notification seq %u to %s)\n", pir.meta.seq, pir.meta.address);
        return 0;
    }
    printf("profile installation failed: bppCommandId %s(%lld), errorReason %s(%lld)\n",
           lpa_bpp_command_name(pir.bpp_command_id), (long long)pir.bpp_command_id,
           lpa_error_reason_name(pir.error_reason), (long long)pir.error_reason);
    return 1;
}

/* Every piece of the BPP as its own ES10 request; the piece that answers data carries
 * the ProfileInstallationResult. */
static int load_bpp(struct pcsc_lpa *l, const uint8_t *bpp, size_t bpp_len, uint8_t *resp)
{
    size_t max = bpp_len / 8 + 16, n, rl = 0;
    struct bpp_piece *pc = malloc(max * sizeof *pc);
    int rc = 1;
    if (!pc) {
        fprintf(stderr, "euicc-smdp: out of memory\n");
        return 1;
    }
    if (bpp_pieces(bpp, bpp_len, pc, max, &n) != 0) {
        fprintf(stderr, "euicc-smdp: the SM-DP+ made a BPP that cannot be cut into pieces\n");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        char what[96];
        snprintf(what, sizeof what, "LoadBoundProfilePackage piece %zu of %zu", i + 1, n);
        if (es10(l, what, bpp + pc[i].offset, pc[i].len, resp, &rl) != 0)
            goto out;
        if (rl > 0) {
            if (i + 1 < n)
                fprintf(stderr, "euicc-smdp: the card ended the load at piece %zu of %zu\n",
                        i + 1, n);
            rc = print_pir(resp, rl);
            goto out;
        }
    }
    fprintf(stderr, "euicc-smdp: no ProfileInstallationResult after the last piece\n");
out:
    free(pc);
    return rc;
}

static int cmd_download(struct pcsc_lpa *l, struct opts *o, uint8_t *req, uint8_t *resp)
{
    static const uint8_t get_info1[] = { 0xBF, 0x20, 0x00 };
    static const uint8_t get_challenge[] = { 0xBF, 0x2E, 0x00 };
    char paths[5][PATH_MAX_], err[256] = "";
    uint8_t info1[1024], chal[64];
    size_t info1_len, chal_len, upp_len = 0, req_len, rl, bpp_len = 0;
    uint8_t *upp = NULL, *bpp = NULL;
    struct smdp *dp = NULL;
    int rc = 1, code;

    if (sgp26_defaults(o, paths) != 0 || !(upp = read_file(o->upp, &upp_len)))
        return 1;
    struct tlv header;
    if (!tlv_parse(upp, upp_len, &header) || header.tag != 0xA0) {
        fprintf(stderr, "euicc-smdp: %s is not a profile package (UPP): it must start "
                "with a ProfileHeader (A0)\n", o->upp);
        free(upp);
        return 1;
    }
    if (smdp_open(&dp, &o->smdp, err, sizeof err) != 0) {
        fprintf(stderr, "euicc-smdp: SM-DP+: %s\n", err);
        goto out;
    }
    if (o->iot.has_ecall_indication || o->iot.has_fallback_allowed)
        smdp_set_iot_metadata(dp, &o->iot);
    if (es10(l, "GetEUICCInfo1", get_info1, sizeof get_info1, resp, &rl) != 0)
        goto out;
    if (rl > sizeof info1) {
        malformed("GetEUICCInfo1");
        goto out;
    }
    memcpy(info1, resp, rl);
    info1_len = rl;
    if (es10(l, "GetEUICCChallenge", get_challenge, sizeof get_challenge, resp, &rl) != 0)
        goto out;
    if (rl > sizeof chal) {
        malformed("GetEUICCChallenge");
        goto out;
    }
    memcpy(chal, resp, rl);
    chal_len = rl;
    if (smdp_authenticate_server_request(dp, info1, info1_len, chal, chal_len,
                                         o->matching_id, req, REQ_MAX, &req_len) != 0) {
        fprintf(stderr, "euicc-smdp: SM-DP+: cannot start the authentication (the card's "
                "EUICCInfo1 names no CI this SM-DP+ has keys for, or its challenge is "
                "malformed)\n");
        goto out;
    }
    if (es10(l, "AuthenticateServer", req, req_len, resp, &rl) != 0)
        goto out;
    if ((code = lpa_es10b_error_code(0xBF38, resp, rl)) != 0) {
        if (code < 0)
            malformed("AuthenticateServer");
        else
            printf("AuthenticateServer failed: authenticateErrorCode %s(%d)\n",
                   lpa_authenticate_error_name(code), code);
        goto out;
    }
    if (smdp_prepare_download_request(dp, resp, rl, req, REQ_MAX, &req_len) != 0) {
        fprintf(stderr, "euicc-smdp: SM-DP+: the card's AuthenticateServer answer does not "
                "verify (CERT.EUICC → CERT.EUM → CI chain, euiccSignature1 or echoed "
                "transaction)\n");
        goto out;
    }
    if (es10(l, "PrepareDownload", req, req_len, resp, &rl) != 0)
        goto out;
    if ((code = lpa_es10b_error_code(0xBF21, resp, rl)) != 0) {
        if (code < 0)
            malformed("PrepareDownload");
        else
            printf("PrepareDownload failed: downloadErrorCode %s(%d)\n",
                   lpa_download_error_name(code), code);
        goto out;
    }
    if (smdp_bound_profile_package(dp, resp, rl, upp, upp_len, &bpp, &bpp_len) != 0) {
        fprintf(stderr, "euicc-smdp: SM-DP+: cannot bind the profile (the PrepareDownload "
                "answer does not verify, or %s is not a UPP starting with a ProfileHeader "
                "that has an ICCID)\n", o->upp);
        goto out;
    }
    rc = load_bpp(l, bpp, bpp_len, resp);
out:
    free(bpp);
    free(upp);
    smdp_close(dp);
    return rc;
}

/* ---- profile management ---- */

static int cmd_list(struct pcsc_lpa *l, uint8_t *req, uint8_t *resp)
{
    struct lpa_profile_info *p = malloc(PROFILES_MAX * sizeof *p);
    size_t req_len, rl, n;
    int rc = 1;
    if (!p) {
        fprintf(stderr, "euicc-smdp: out of memory\n");
        return 1;
    }
    if (lpa_get_profiles_info_request(req, REQ_MAX, &req_len) != 0 ||
        es10(l, "GetProfilesInfo", req, req_len, resp, &rl) != 0)
        goto out;
    int code = lpa_get_profiles_info_decode(resp, rl, p, PROFILES_MAX, &n);
    if (code < 0) {
        malformed("GetProfilesInfo");
        goto out;
    }
    if (code > 0) {
        printf("GetProfilesInfo: %s(%d)\n",
               code == 1 ? "incorrectInputValues" : code == 127 ? "undefinedError" : "unknown",
               code);
        goto out;
    }
    if (n == 0)
        fprintf(stderr, "no profiles on the card\n");
    for (size_t i = 0; i < n; i++) {
        print_iccid(p[i].iccid, p[i].has_iccid);
        putchar(' ');
        if (p[i].aid_len)
            hex(p[i].aid, p[i].aid_len, stdout);
        else
            putchar('-');
        printf(" %s %s \"%s\"", lpa_profile_state_name(p[i].state),
               lpa_profile_class_name(p[i].profile_class), p[i].name);
        if (p[i].nickname[0])
            printf(" nickname \"%s\"", p[i].nickname);
        putchar('\n');
    }
    rc = 0;
out:
    free(p);
    return rc;
}

static int cmd_profile_op(struct pcsc_lpa *l, enum lpa_profile_op op, const char *iccid_s,
                          const uint8_t iccid[LPA_ICCID_LEN], uint8_t *req, uint8_t *resp)
{
    size_t req_len, rl;
    const char *name = lpa_profile_op_name(op);
    if (lpa_profile_op_request(op, iccid, false, req, REQ_MAX, &req_len) != 0 ||
        es10(l, name, req, req_len, resp, &rl) != 0)
        return 1;
    int code = lpa_profile_op_result(op, resp, rl);
    if (code < 0)
        return malformed(name);
    printf("%s %s: %s", name, iccid_s, lpa_profile_op_result_name(op, code));
    printf(code ? "(%d)\n" : "\n", code);
    return code == 0 ? 0 : 1;
}

/* ---- notifications ---- */

static int cmd_notifications(struct pcsc_lpa *l, uint8_t *req, uint8_t *resp)
{
    struct lpa_notification *m = malloc(NOTIFS_MAX * sizeof *m);
    size_t req_len, rl, n;
    int rc = 1;
    if (!m) {
        fprintf(stderr, "euicc-smdp: out of memory\n");
        return 1;
    }
    if (lpa_list_notification_request(-1, req, REQ_MAX, &req_len) != 0 ||
        es10(l, "ListNotification", req, req_len, resp, &rl) != 0)
        goto out;
    int code = lpa_list_notification_decode(resp, rl, m, NOTIFS_MAX, &n);
    if (code < 0) {
        malformed("ListNotification");
        goto out;
    }
    if (code > 0) {
        printf("ListNotification: %s(%d)\n", lpa_notification_list_error_name(code), code);
        goto out;
    }
    if (n == 0)
        fprintf(stderr, "no pending notifications\n");
    for (size_t i = 0; i < n; i++) {
        printf("%u %s ", m[i].seq, lpa_notification_event_name(m[i].event));
        print_iccid(m[i].iccid, m[i].has_iccid);
        printf(" %s\n", m[i].address);
    }
    rc = 0;
out:
    free(m);
    return rc;
}

static int cmd_retrieve(struct pcsc_lpa *l, const struct opts *o, uint8_t *req, uint8_t *resp)
{
    struct lpa_pending *m = malloc(NOTIFS_MAX * sizeof *m);
    size_t req_len, rl, n;
    int rc = 1;
    if (!m) {
        fprintf(stderr, "euicc-smdp: out of memory\n");
        return 1;
    }
    if (lpa_retrieve_notifications_request(o->has_seq, o->seq, req, REQ_MAX, &req_len) != 0 ||
        es10(l, "RetrieveNotificationsList", req, req_len, resp, &rl) != 0)
        goto out;
    int code = lpa_retrieve_notifications_decode(resp, rl, m, NOTIFS_MAX, &n);
    if (code < 0) {
        malformed("RetrieveNotificationsList");
        goto out;
    }
    if (code > 0) {
        printf("RetrieveNotificationsList: %s(%d)\n", lpa_notification_list_error_name(code),
               code);
        goto out;
    }
    if (n == 0 && o->has_seq) {
        fprintf(stderr, "no pending notification with seq %u\n", o->seq);
        goto out;
    }
    if (n == 0)
        fprintf(stderr, "no pending notifications\n");
    for (size_t i = 0; i < n; i++) {
        printf("%u %s ", m[i].meta.seq, lpa_notification_event_name(m[i].meta.event));
        print_iccid(m[i].meta.iccid, m[i].meta.has_iccid);
        printf(" %s %s ", m[i].meta.address,
               m[i].is_pir ? "ProfileInstallationResult" : "OtherSignedNotification");
        hex(m[i].tlv, m[i].tlv_len, stdout);
        putchar('\n');
    }
    rc = 0;
out:
    free(m);
    return rc;
}

static int cmd_remove(struct pcsc_lpa *l, uint32_t seq, uint8_t *req, uint8_t *resp)
{
    size_t req_len, rl;
    if (lpa_notification_sent_request(seq, req, REQ_MAX, &req_len) != 0 ||
        es10(l, "NotificationSent", req, req_len, resp, &rl) != 0)
        return 1;
    int code = lpa_notification_sent_result(resp, rl);
    if (code < 0)
        return malformed("NotificationSent");
    printf("NotificationSent %u: %s", seq, lpa_notification_sent_result_name(code));
    printf(code ? "(%d)\n" : "\n", code);
    return code == 0 ? 0 : 1;
}

static int run_command(struct pcsc_lpa *l, struct opts *o, const uint8_t *iccid, uint8_t *req,
                       uint8_t *resp)
{
    switch (o->cmd) {
    case CMD_DOWNLOAD: return cmd_download(l, o, req, resp);
    case CMD_LIST: return cmd_list(l, req, resp);
    case CMD_ENABLE: return cmd_profile_op(l, LPA_OP_ENABLE, o->iccid, iccid, req, resp);
    case CMD_DISABLE: return cmd_profile_op(l, LPA_OP_DISABLE, o->iccid, iccid, req, resp);
    case CMD_DELETE: return cmd_profile_op(l, LPA_OP_DELETE, o->iccid, iccid, req, resp);
    case CMD_NOTIFICATIONS: return cmd_notifications(l, req, resp);
    case CMD_RETRIEVE: return cmd_retrieve(l, o, req, resp);
    case CMD_REMOVE: return cmd_remove(l, o->seq, req, resp);
    case CMD_NONE: break;
    }
    return 2;
}

int main(int argc, char **argv)
{
    struct opts o;
    struct pcsc_lpa l;
    uint8_t iccid[LPA_ICCID_LEN];
    memset(&o, 0, sizeof o);
    memset(&l, 0, sizeof l);

    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc == 3 ? 0 : rc;
    if (o.iccid && lpa_iccid_from_string(o.iccid, iccid) != 0)
        return bad_usage("'%s' is not an ICCID (19 or 20 digits)", o.iccid);

    uint8_t *req = malloc(REQ_MAX), *resp = malloc(RESP_MAX);
    if (!req || !resp) {
        fprintf(stderr, "euicc-smdp: out of memory\n");
        rc = 1;
    } else if (pcsc_lpa_open(&l, "euicc-smdp", o.reader, o.wait_s) != 0) {
        rc = 1;
    } else {
        rc = run_command(&l, &o, iccid, req, resp);
    }
    pcsc_lpa_close(&l);
    free(req);
    free(resp);
    return rc;
}
