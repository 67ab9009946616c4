/* isd-r/euicc_info.c — EUICCInfo1 (BF20), EUICCInfo2 (BF22) and the ISD-R FCI, with
 * the values this card can honestly claim (SGP.22 v2.5 §5.7.8, ASN.1 order). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card/store.h"
#include "ecasd/ecasd.h"
#include "card/storedata.h"
#include "isd-r/isdr.h"
#include "isd-r/isdr_internal.h"
#include "isd-r/profile_table.h"
#include "ppi/ppi.h"

#ifndef EUICC_EMU_VERSION
#define EUICC_EMU_VERSION "0.0.0"
#endif

/* Highest SAIP (eUICC Profile Package) version the profile package interpreter
 * handles (ppi/ppi.h; it accepts 2.x and 3.0 .. 3.3). */
static const uint8_t PROFILE_VERSION[3] = { PPI_SAIP_MAJOR, PPI_SAIP_MINOR, PPI_SAIP_PATCH };

/* uiccCapability (SAIP UICCCapability bits): what the UICC personality really runs —
 * usimSupport(1), isimSupport(2), akaMilenage(4), akaTuak128(6), akaTuak256(7),
 * usimTestAlgorithm(8), berTlvFileSupport(19), dfLinkSupport(20) (ppi/pe_filesystem.c).
 * Not claimed: CSIM (its files are built from the templates, but no CSIM command runs:
 * they all rest on CAVE/SSD), CAVE, GBA/MBMS, EAP, Java Card (no byte code runs), CAT TP,
 * GET IDENTITY/SUCI, SCP11. */
#define UICC_CAPABILITY ((1u << 1) | (1u << 2) | (1u << 4) | (1u << 6) | (1u << 7) | \
                         (1u << 8) | (1u << 19) | (1u << 20))
#define UICC_CAPABILITY_BITS 32u

/* rspCapability: additionalProfile(0) when a slot and memory are free. crlSupport(1),
 * rpmSupport(2), testProfileSupport(3), deviceInfoExtensibilitySupport(4) and
 * serviceSpecificDataSupport(5) are not claimed: not implemented yet. */
#define RSP_CAP_ADDITIONAL_PROFILE 0u
#define RSP_CAPABILITY_BITS        6u

/* euiccCategory: other(0) — an emulator belongs to none of the certified categories. */
#define EUICC_CATEGORY_OTHER 0

/* ppVersion: no Protection Profile certification (0.0.0). */
static const uint8_t PP_VERSION[3] = { 0, 0, 0 };
#define SAS_ACCREDITATION "EUICC-EMU-TEST"

/* SGP.32 IoT fields */
#define IPA_MODE_IPAD 0
static const uint8_t IOT_VERSION[3] = { 1, 2, 0 };   /* SGP.32 v1.2.0 */
#define FCI_IOT_ENABLED_PROFILE (1u << 1)
#define FCI_IOT_CONFIG_BITS     2u

/* Free volatile memory reported in extCardResource: the transient buffer an ES10
 * request may fill (STORE DATA reassembly). */
#define FREE_VOLATILE_MEMORY STOREDATA_MAX

static void put_svn(struct tlv_writer *w)
{
    const uint8_t svn[3] = { ISDR_SVN_MAJOR, ISDR_SVN_MINOR, ISDR_SVN_REV };
    tlv_put(w, 0x82, svn, sizeof svn);
}

static void put_u32(struct tlv_writer *w, uint32_t tag, uint32_t v)
{
    const uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8),
                           (uint8_t)v };
    tlv_put(w, tag, b, sizeof b);
}

/* A9 and AA: euiccCiPKIdListForVerification / ...ForSigning */
static void put_pkid_lists(struct isdr *r, struct tlv_writer *w)
{
    size_t n = ecasd_ci_count(r->ecasd);
    tlv_open(w, 0xA9);
    for (size_t i = 0; i < n; i++)
        tlv_put(w, 0x04, ecasd_ci_pkid(r->ecasd, i), PKID_LEN);
    tlv_close(w);
    tlv_open(w, 0xAA);
    for (size_t i = 0; i < n; i++)
        if (ecasd_ci_can_sign(r->ecasd, i))
            tlv_put(w, 0x04, ecasd_ci_pkid(r->ecasd, i), PKID_LEN);
    tlv_close(w);
}

int euicc_info1_write(struct isdr *r, struct tlv_writer *w)
{
    tlv_open(w, 0xBF20);
    put_svn(w);
    put_pkid_lists(r, w);
    tlv_close(w);
    return 0;
}

/* "major.minor.rev" of EUICC_EMU_VERSION as VersionType octets (each capped at 255;
 * missing or non-numeric parts are 0). */
static void firmware_version(uint8_t out[3])
{
    const char *p = EUICC_EMU_VERSION;
    for (int i = 0; i < 3; i++) {
        char *end;
        unsigned long v = strtoul(p, &end, 10);
        out[i] = (uint8_t)(end == p ? 0 : v > 255 ? 255 : v);
        p = *end == '.' ? end + 1 : end;
    }
}

int euicc_info2_write(struct isdr *r, struct tlv_writer *w)
{
    size_t nprofiles = 0;
    uint8_t slot;
    uint8_t fw[3];

    if (profile_count(r->store, &nprofiles) != STORE_OK)
        return -1;
    size_t used = profile_bytes_used(r->store);
    size_t free_nvm = r->capacity > used ? r->capacity - used : 0;
    if (free_nvm > 0xFFFFFFFFu)
        free_nvm = 0xFFFFFFFFu;
    bool slot_free = profile_free_slot(r->store, &slot) == STORE_OK;
    uint32_t rsp_cap = (slot_free && free_nvm > 0) ? 1u << RSP_CAP_ADDITIONAL_PROFILE : 0;
    firmware_version(fw);

    tlv_open(w, 0xBF22);
    tlv_put(w, 0x81, PROFILE_VERSION, sizeof PROFILE_VERSION);
    put_svn(w);
    tlv_put(w, 0x83, fw, sizeof fw);
    /* extCardResource, ETSI TS 102 226 §8.2.1.3.2: installed applications, free
     * non-volatile memory, free volatile memory */
    tlv_open(w, 0x84);
    {
        uint8_t apps = (uint8_t)(nprofiles > 255 ? 255 : nprofiles);
        tlv_put(w, 0x81, &apps, 1);
        put_u32(w, 0x82, (uint32_t)free_nvm);
        put_u32(w, 0x83, FREE_VOLATILE_MEMORY);
    }
    tlv_close(w);
    tlv_put_bits(w, 0x85, UICC_CAPABILITY, UICC_CAPABILITY_BITS);
    tlv_put_bits(w, 0x88, rsp_cap, RSP_CAPABILITY_BITS);
    put_pkid_lists(r, w);
    tlv_put_int(w, 0x8B, EUICC_CATEGORY_OTHER);
    tlv_put(w, 0x04, PP_VERSION, sizeof PP_VERSION);
    tlv_put(w, 0x0C, (const uint8_t *)SAS_ACCREDITATION, strlen(SAS_ACCREDITATION));
    if (isdr_is_iot(r)) {
        /* SGP.32 v1.2: ipaMode [16] (ipad 0: the IPA is in the device; this card has no
         * IPAe) and iotSpecificInfo [20] { iotVersion [0] SEQUENCE OF VersionType,
         * ecallSupported [1] NULL, fallbackSupported [2] NULL } (es10b_iot.c runs both
         * mechanisms). fallbackAllowedUpdateSupported [3] is not claimed: this card has
         * no ES6 UpdateMetadata to change fallbackAllowed. */
        tlv_put_int(w, 0x90, IPA_MODE_IPAD);
        tlv_open(w, 0xB4);
        tlv_open(w, 0xA0);
        tlv_put(w, 0x04, IOT_VERSION, sizeof IOT_VERSION);
        tlv_close(w);
        tlv_put(w, 0x81, NULL, 0);
        tlv_put(w, 0x82, NULL, 0);
        tlv_close(w);
    }
    tlv_close(w);
    return 0;
}

/* True when a profile is enabled (false also when the table cannot be read). */
static bool has_enabled_profile(struct isdr *r)
{
    struct profile_record *p = malloc(sizeof *p);
    bool found = p && profile_find_enabled(r->store, 0, p) == STORE_OK;
    free(p);
    return found;
}

void isdr_write_fci(struct isdr *r, struct tlv_writer *w)
{
    static const uint8_t max_cmd_len = 0xFF;
    tlv_open(w, 0x6F);
    tlv_put(w, 0x84, ISDR_AID, ISDR_AID_LEN);
    tlv_open(w, 0xA5);                       /* proprietary data */
    tlv_put(w, 0x9F65, &max_cmd_len, 1);     /* maximum length of command data */
    tlv_close(w);
    tlv_open(w, 0xE0);                       /* ISDRProprietaryApplicationTemplate */
    put_svn(w);
    tlv_close(w);
    if (isdr_is_iot(r)) {
        /* SGP.32 ISDRProprietaryApplicationTemplateIoT: euiccConfiguration BIT STRING
         * { ipaeSupported(0) (not: no IPAe), enabledProfile(1) } */
        tlv_open(w, 0xE1);
        tlv_put_bits(w, 0x80, has_enabled_profile(r) ? FCI_IOT_ENABLED_PROFILE : 0,
                     FCI_IOT_CONFIG_BITS);
        tlv_close(w);
    }
    tlv_close(w);
}
