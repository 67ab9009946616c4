/* ppi/pe_header.c — the ProfileHeader PE (SAIP 3.3.1 ProfileHeader): version against
 * what the card advertises (ppi.h PPI_SAIP_*), ICCID, eUICC-Mandatory-services (every
 * listed service must be one the card implements) and eUICC-Mandatory-GFSTEList (every
 * template OID must be known to ppi/templates.c).
 *
 * Services accepted (ServicesList tag numbers): usim 1, isim 2, csim 3 (its files; CAVE
 * is not), milenage 4, tuak128 5, javacard 11 (application PEs are accepted and reported
 * unsupported, not executed; TS.48 lists javacard), tuak256 16, usim-test-algorithm 17,
 * ber-tlv 18, dfLink 19, get-identity 21, profile-a-x25519 22, profile-b-p256 23 (SUCI
 * is computed by the ME; TS.48 SAIP 2.3 profiles list them). Anything else (contactless,
 * cave, gba, mbms, eap, multos, multiple-usim/isim/csim, cat-tp, suciCalculatorApi,
 * dns-resolution, scp11, s16mode, eaka, unknown) is refused with feature-not-supported
 * and the service's tag number as additional-information.
 *
 * connectivityParameters (87, an OCTET STRING whose content SAIP leaves to SGP.32) is kept
 * as it is in the profile image (card/profile_image.h, at most CONNECTIVITY_MAX octets;
 * longer → feature-not-supported) and answered by ES10b.GetConnectivityParameters while
 * the profile is enabled.
 *
 * At the end of the install (ppi_services_finish, called by ppi_install_finish before
 * the image can be committed; the table trimming also runs after every usim / isim /
 * iot PE, so that the memory accounting during the install sees the final content):
 * - consistency of eUICC-Mandatory-services with the PEs present: usim / isim / csim
 *   listed => that ADF was created; milenage / tuak128 / tuak256 / usim-test-algorithm
 *   listed => an akaParameter with that algorithm (TUAK: key of 16 / 32 octets) exists.
 *   Refused with bad-values (no identification: the header carries none) and the
 *   service's tag number as additional-information. Only "listed => present" is
 *   checked; a PE the header does not announce is not an inconsistency.
 * - service tables: SAIP PE-USIM ef-ust "shall be modified by the eUICC during profile
 *   installation ... in the case where a service is not supported (and not indicated
 *   as required) the related bit(s) will be set to zero". EF.UST (6F38, TS 31.102
 *   §4.2.8) of every ADF.USIM and EF.IST (6F07, TS 31.103 §4.2.7) of every ADF.ISIM keep
 *   only the services of NOT_SUPPORTED's complement: a service the card does not know
 *   (above the highest number of the table's release) and every service in
 *   NOT_SUPPORTED is cleared. File-only services (the ME reads and writes EFs the
 *   profile creates) are supported by the file system; what needs card logic the
 *   emulator does not implement (card/uicc*.c: no USAT/CAT proactive commands or
 *   ENVELOPE, no BIP, AUTHENTICATE only in the 3G and GSM contexts, no GET IDENTITY)
 *   is not. */
#include <string.h>

#include "ppi/ppi.h"
#include "ppi/ppi_internal.h"
#include "ppi/templates.h"

#define SVC(n) (UINT64_C(1) << (n))
static const uint64_t SERVICES_SUPPORTED =
    SVC(1) | SVC(2) | SVC(3) | SVC(4) | SVC(5) | SVC(11) | SVC(16) | SVC(17) | SVC(18) |
    SVC(19) | SVC(21) | SVC(22) | SVC(23);

/* ------------------------------------------------------------ service tables */

#define NAA_USIM 1
#define NAA_ISIM 2
#define UST_KNOWN_MAX 146       /* TS 31.102 V18: service n°146 (NID for SNPN) */
#define IST_KNOWN_MAX 22        /* TS 31.103 V18: service n°22 (IMS DC indication) */

/* THE table of services the card does not support (all others up to the known maximum
 * are kept). n = service number in EF.UST / EF.IST. */
static const struct { uint8_t naa, n; } NOT_SUPPORTED[] = {
    { NAA_USIM, 28 },   /* data download via SMS-PP: ENVELOPE (USAT) */
    { NAA_USIM, 29 },   /* data download via SMS-CB: ENVELOPE (USAT) */
    { NAA_USIM, 30 },   /* call control by USIM (USAT) */
    { NAA_USIM, 31 },   /* MO-SMS control by USIM (USAT) */
    { NAA_USIM, 32 },   /* RUN AT COMMAND (proactive) */
    { NAA_USIM, 54 },   /* call control on GPRS by USIM (USAT) */
    { NAA_USIM, 64 },   /* VGCS security: AUTHENTICATE VGCS/VBS context */
    { NAA_USIM, 65 },   /* VBS security: AUTHENTICATE VGCS/VBS context */
    { NAA_USIM, 68 },   /* GBA: AUTHENTICATE GBA context */
    { NAA_USIM, 69 },   /* MBMS security: AUTHENTICATE MBMS context */
    { NAA_USIM, 70 },   /* data download via USSD (USAT) */
    { NAA_USIM, 72 },   /* additional TERMINAL PROFILE after activation (USAT) */
    { NAA_USIM, 75 },   /* OMA BCAST smart card profile */
    { NAA_USIM, 76 },   /* GBA-based local key establishment: AUTHENTICATE Local Key */
    { NAA_USIM, 80 },   /* connectivity parameters for USIM IP connections (BIP) */
    { NAA_USIM, 87 },   /* call control on EPS PDN connection by USIM (USAT) */
    { NAA_USIM, 93 },   /* communication control for IMS by USIM (USAT) */
    { NAA_USIM, 95 },   /* UICC access to IMS (USAT) */
    { NAA_USIM, 99 },   /* URI support by UICC (USAT) */
    { NAA_USIM, 102 },  /* USAT application pairing */
    { NAA_USIM, 104 },  /* IMS call disconnection cause (USAT) */
    { NAA_USIM, 105 },  /* URI support for MO SHORT MESSAGE CONTROL (USAT) */
    { NAA_USIM, 113 },  /* URI support for SMS-PP DOWNLOAD (USAT) */
    { NAA_USIM, 125 },  /* SUCI calculation by the USIM: GET IDENTITY */
    { NAA_USIM, 128 },  /* call control on PDU session by USIM (USAT) */
    { NAA_ISIM, 2 },    /* GBA: AUTHENTICATE GBA context */
    { NAA_ISIM, 3 },    /* HTTP Digest: AUTHENTICATE HTTP Digest context */
    { NAA_ISIM, 4 },    /* GBA-based local key establishment */
    { NAA_ISIM, 8 },    /* SM-over-IP incl. data download via SMS-PP (USAT) */
    { NAA_ISIM, 9 },    /* communication control for IMS by ISIM (USAT) */
    { NAA_ISIM, 10 },   /* UICC access to IMS (USAT) */
    { NAA_ISIM, 11 },   /* URI support by UICC (USAT) */
    { NAA_ISIM, 12 },   /* media type support (USAT call control) */
    { NAA_ISIM, 13 },   /* IMS call disconnection cause (USAT) */
    { NAA_ISIM, 14 },   /* URI support for MO SHORT MESSAGE CONTROL (USAT) */
    { NAA_ISIM, 16 },   /* URI support for SMS-PP DOWNLOAD (USAT) */
};

static const uint8_t AID_USIM[7] = { 0xA0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x02 };
static const uint8_t AID_ISIM[7] = { 0xA0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x04 };

static bool service_supported(int naa, unsigned n)
{
    if (n == 0 || n > (naa == NAA_USIM ? UST_KNOWN_MAX : IST_KNOWN_MAX))
        return false;
    for (size_t i = 0; i < sizeof NOT_SUPPORTED / sizeof NOT_SUPPORTED[0]; i++)
        if (NOT_SUPPORTED[i].naa == naa && NOT_SUPPORTED[i].n == n)
            return false;
    return true;
}

/* Clear the unsupported bits of the service table fid of ADF adf (absent: nothing). */
static void trim_table(struct fs *fs, int adf, uint16_t fid, int naa)
{
    int ef = fs_child(fs, adf, fid);
    int ci = ef == FS_NONE ? FS_NONE : fs_content_of(fs, ef);
    if (ci == FS_NONE)
        return;
    struct fs_file *f = &fs->files[ci];
    if (f->type != FS_EF_TRANSPARENT || !f->data)
        return;
    for (uint32_t byte = 0; byte < f->data_len; byte++)
        for (unsigned bit = 0; bit < 8; bit++)
            if (!service_supported(naa, byte * 8u + bit + 1u))
                f->data[byte] &= (uint8_t)~(1u << bit);
}

static bool has_alg(const struct ppi_ctx *c, enum aka_algorithm alg, size_t k_len)
{
    for (size_t i = 0; i < c->img.n_naa; i++)
        if (c->img.naa[i].aka.alg == alg && (!k_len || c->img.naa[i].aka.k_len == k_len))
            return true;
    return false;
}

int ppi_services_finish(struct ppi_ctx *c)
{
    static const unsigned need[] = { 1, 2, 3, 4, 5, 16, 17 };   /* checked services */
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
        unsigned n = need[i];
        bool ok;
        if (!(c->services & SVC(n)))
            continue;
        switch (n) {
        case 1: ok = c->adf_usim != FS_NONE; break;
        case 2: ok = c->adf_isim != FS_NONE; break;
        case 3: ok = c->adf_csim != FS_NONE; break;
        case 4: ok = has_alg(c, AKA_MILENAGE, 0); break;
        case 5: ok = has_alg(c, AKA_TUAK, 16); break;
        case 16: ok = has_alg(c, AKA_TUAK, 32); break;
        default: ok = has_alg(c, AKA_TEST, 0); break;
        }
        if (!ok) {
            c->st_info = (int)n;
            c->st_offset = -1;
            return ST_BAD_VALUES;
        }
    }
    ppi_service_tables_trim(c);
    return ST_OK;
}

void ppi_service_tables_trim(struct ppi_ctx *c)
{
    for (size_t i = 0; i < c->img.fs.n; i++) {
        const struct fs_file *f = &c->img.fs.files[i];
        if (f->type != FS_ADF || f->aid_len < sizeof AID_USIM)
            continue;
        if (memcmp(f->aid, AID_USIM, sizeof AID_USIM) == 0)
            trim_table(&c->img.fs, (int)i, 0x6F38, NAA_USIM);
        else if (memcmp(f->aid, AID_ISIM, sizeof AID_ISIM) == 0)
            trim_table(&c->img.fs, (int)i, 0x6F07, NAA_ISIM);
    }
}

int pe_header(struct ppi_ctx *c, const struct tlv *pe)
{
    struct tlv_cursor cur, sub;
    struct tlv t, s;
    bool have_major = false, have_minor = false, have_iccid = false;
    bool have_services = false, have_gfste = false;

    tlv_cursor_init(&cur, pe->value, pe->len);
    while (tlv_next(&cur, &t)) {
        switch (t.tag) {
        case 0x80:
            if (!tlv_get_uint(t.value, t.len, &c->major) || c->major > 255)
                return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
            have_major = true;
            break;
        case 0x81:
            if (!tlv_get_uint(t.value, t.len, &c->minor) || c->minor > 255)
                return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
            have_minor = true;
            if (!have_major || !(c->major == 2 ||
                                 (c->major == PPI_SAIP_MAJOR && c->minor <= PPI_SAIP_MINOR)))
                return pe_fail(c, pe, NULL, ST_UNSUPPORTED_VERSION);
            break;
        case 0x83:
            if (t.len != sizeof c->header_iccid)
                return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
            memcpy(c->header_iccid, t.value, t.len);
            have_iccid = true;
            break;
        case 0xA5:
            have_services = true;
            tlv_enter(&t, &sub);
            while (tlv_next(&sub, &s)) {
                unsigned n = pe_tag_number(s.tag);
                if ((s.tag & 0xE0) != 0x80 || s.len != 0)
                    return pe_fail(c, pe, &s, ST_INVALID_FORMAT);
                if (n >= 64 || !(SERVICES_SUPPORTED & SVC(n))) {
                    c->st_info = n > 255 ? 255 : (int)n;
                    return pe_fail(c, pe, &s, ST_FEATURE_NOT_SUPPORTED);
                }
                c->services |= SVC(n);
            }
            if (sub.error)
                return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
            break;
        case 0xA6: {
            int i = 0;
            have_gfste = true;
            tlv_enter(&t, &sub);
            while (tlv_next(&sub, &s)) {
                const struct template *tpl;
                if (s.tag != 0x06)
                    return pe_fail(c, pe, &s, ST_INVALID_FORMAT);
                tpl = template_find(s.value, s.len);
                if (!tpl) {         /* known without file facts: PE must give all */
                    c->st_info = i > 255 ? 255 : i;
                    return pe_fail(c, pe, &s, ST_TEMPLATE_NOT_SUPPORTED);
                }
                i++;
            }
            if (sub.error)
                return pe_fail(c, pe, &t, ST_INVALID_FORMAT);
            break;
        }
        case 0x87:         /* connectivityParameters: kept for GetConnectivityParameters */
            if (t.len == 0 || t.len > sizeof c->img.connectivity)
                return pe_fail(c, pe, &t, ST_FEATURE_NOT_SUPPORTED);
            memcpy(c->img.connectivity, t.value, t.len);
            c->img.connectivity_len = t.len;
            break;
        case 0xA8:         /* eUICC-Mandatory-AIDs: the card has no such applications */
            if (t.len != 0)
                return pe_fail(c, pe, &t, ST_FEATURE_NOT_SUPPORTED);
            break;
        default:           /* profileType, pol, iotOptions */
            break;
        }
    }
    if (cur.error || !have_major || !have_minor || !have_iccid || !have_services ||
        !have_gfste)
        return pe_fail(c, pe, NULL, ST_INVALID_FORMAT);
    return ST_OK;
}
