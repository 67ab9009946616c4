/* ppi/pe_header.c — the ProfileHeader PE (SAIP 3.3.1 ProfileHeader): version against
 * what the card advertises (ppi.h PPI_SAIP_*), ICCID, eUICC-Mandatory-services (every
 * listed service must be one the card implements) and eUICC-Mandatory-GFSTEList (every
 * template OID must be known to ppi/templates.c; a known template without file facts
 * there, CSIM, is accepted: its PE must then describe every file, pe_filesystem.c).
 *
 * Services accepted (ServicesList tag numbers): usim 1, isim 2, csim 3 (its files; CAVE
 * is not), milenage 4, tuak128 5, javacard 11 (application PEs are accepted and reported
 * unsupported, not executed; TS.48 lists javacard), tuak256 16, usim-test-algorithm 17,
 * ber-tlv 18, dfLink 19, get-identity 21, profile-a-x25519 22, profile-b-p256 23 (SUCI
 * is computed by the ME; TS.48 SAIP 2.3 profiles list them). Anything else (contactless,
 * cave, gba, mbms, eap, multos, multiple-usim/isim/csim, cat-tp, suciCalculatorApi,
 * dns-resolution, scp11, s16mode, eaka, unknown) is refused with feature-not-supported
 * and the service's tag number as additional-information. */
#include <string.h>

#include "ppi/ppi.h"
#include "ppi/ppi_internal.h"
#include "ppi/templates.h"

#define SVC(n) (UINT64_C(1) << (n))
static const uint64_t SERVICES_SUPPORTED =
    SVC(1) | SVC(2) | SVC(3) | SVC(4) | SVC(5) | SVC(11) | SVC(16) | SVC(17) | SVC(18) |
    SVC(19) | SVC(21) | SVC(22) | SVC(23);

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
        case 0xA8:         /* eUICC-Mandatory-AIDs: the card has no such applications */
            if (t.len != 0)
                return pe_fail(c, pe, &t, ST_FEATURE_NOT_SUPPORTED);
            break;
        default:           /* profileType, pol, connectivityParameters, AIDs, iotOptions */
            break;
        }
    }
    if (cur.error || !have_major || !have_minor || !have_iccid || !have_services ||
        !have_gfste)
        return pe_fail(c, pe, NULL, ST_INVALID_FORMAT);
    return ST_OK;
}
