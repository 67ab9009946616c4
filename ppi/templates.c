/* ppi/templates.c — the SAIP file structure templates (TCA eUICC Profile Package
 * Interoperable Format, Annex A, v2.1 .. v3.3.1) as data tables, and lookups on them.
 *
 * Facts per file: FID, structure, record count x length or size, EF.ARR record, SFI,
 * default content, whether the profile must give content. Repeated files (phonebook
 * sets, icons) are one entry with a FID range. Where a public transcription had a clash
 * or a slip we use the ETSI TS 102 221 / 3GPP TS 31.102 / 31.103 identifier (EF.ICCID
 * 2FE2, EF.EXT7 6FCC, EF.MMSSMODE 4F22, EF.MuDMiDConfigData 6FFE, DF.5GS 5FC0, DF.SAIP
 * 5FD0, EF.PBC for 4F60..4F67). The CSIM templates are built from public 3GPP2 C.S0065 facts
 * and what real profiles rely on (see 2.10 below). The IoT templates reuse the facts of
 * the templates that name the same files (see 2.17 below). */
#include "ppi/templates.h"

#include <string.h>

/* ---- row builders ------------------------------------------------------------------ */

#define TR FS_EF_TRANSPARENT
#define LF FS_EF_LINEAR
#define CY FS_EF_CYCLIC
#define BT FS_EF_BERTLV

#define CR TPL_F_CONTENT_REQUIRED
#define HU TPL_F_HIGH_UPDATE
#define SP TPL_F_SFI_PARAM

#define IS_REC(t) ((t) == LF || (t) == CY)

/* flags an EF gets from missing defaults */
#define AUTO_FLAGS(t, n, s)                                                               \
    (((s) == 0 ? TPL_F_NEED_SIZE : 0) | ((IS_REC(t) && (n) == 0) ? TPL_F_NEED_NBREC : 0))

/* EF: depth, type, FID, PE field tag, repeat, ARR record, SFI, records, size or record
 * length, flags, names, default (always one of NODEF/EXACT/FILL/PFILL/FILLT/REP). */
#define EF(d, t, fid_, tag, rep, arr, sfi_, n, s, fl, nm, pe, ...)                        \
    { .fid = (fid_), .type = (t), .depth = (d), .pe_tag = (tag), .repeat = (rep),         \
      .arr_record = (arr), .sfi = (sfi_),                                                 \
      .rec_count = IS_REC(t) ? (n) : 0, .rec_len = IS_REC(t) ? (s) : 0,                   \
      .size = IS_REC(t) ? 0 : (s),                                                        \
      .flags = (uint8_t)((fl) | AUTO_FLAGS(t, n, s)), .name = (nm), .pe_name = (pe),      \
      __VA_ARGS__ }

/* DF / ADF / MF: depth, type, FID (0 = from the PE), PE field tag, names */
#define DIR(d, t, fid_, tag, nm, pe)                                                      \
    { .fid = (fid_), .type = (t), .depth = (d), .pe_tag = (tag), .repeat = 1,             \
      .arr_record = 14,                                                                   \
      .flags = (uint8_t)(TPL_F_PINSTAT | ((fid_) == 0 ? TPL_F_NEED_FID : 0)),             \
      .name = (nm), .pe_name = (pe) }

#define BYTES(...) ((const uint8_t[]){ __VA_ARGS__ })
#define NBYTES(...) ((uint8_t)sizeof(BYTES(__VA_ARGS__)))

#define NODEF .default_len = 0
/* exactly these octets */
#define EXACT(...) .default_content = BYTES(__VA_ARGS__), .default_len = NBYTES(__VA_ARGS__)
/* b repeated */
#define FILL(b) .has_fill = true, .fill = (b)
/* prefix, then b repeated */
#define PFILL(b, ...) EXACT(__VA_ARGS__), .has_fill = true, .fill = (b)
/* b repeated, then tail */
#define FILLT(b, ...)                                                                     \
    .has_fill = true, .fill = (b), .default_tail = BYTES(__VA_ARGS__),                    \
    .tail_len = NBYTES(__VA_ARGS__)
/* pattern repeated to the end */
#define REP(...) EXACT(__VA_ARGS__), .repeat_default = true

#define FF 0xFF
#define FF4 FF, FF, FF, FF
#define FF16 FF4, FF4, FF4, FF4

/* ---- 2.1 MF (Annex A 9.2) ----------------------------------------------------------- */

/* also the first files of the IoT template (PE-IoT repeats PE-MF's fields and tags) */
#define MF_FILES                                                                          \
    DIR(0, FS_MF, 0x3F00, 2, "MF", "mf"),                                                 \
    EF(1, TR, 0x2F05, 3, 1, 1, 0x05, 0, 2, 0, "EF.PL", "ef-pl", FILL(FF)),                \
    EF(1, TR, 0x2FE2, 4, 1, 11, 0, 0, 10, CR, "EF.ICCID", "ef-iccid", NODEF),             \
    EF(1, LF, 0x2F00, 5, 1, 10, 0x1E, 0, 0, CR, "EF.DIR", "ef-dir", NODEF),               \
    EF(1, LF, 0x2F06, 6, 1, 10, 0, 0, 0, CR, "EF.ARR", "ef-arr", NODEF),                  \
    EF(1, TR, 0x2F08, 7, 1, 10, 0x08, 0, 5, 0, "EF.UMPC", "ef-umpc", NODEF)

static const struct template_file t_mf[] = { MF_FILES };

/* ---- 2.2 DF.CD (9.3) ---------------------------------------------------------------- */

static const struct template_file t_cd[] = {
    DIR(0, FS_DF, 0x7F11, 2, "DF.CD", "df-cd"),
    EF(1, TR, 0x6F01, 3, 1, 2, 0, 0, 0, CR, "EF.LAUNCHPAD", "ef-launchpad", NODEF),
    EF(1, TR, 0x6F40, 4, 63, 2, 0, 0, 0, CR, "EF.ICON", "ef-icon", NODEF),
};

/* ---- DF.PHONEBOOK files (9.4 inside DF.TELECOM, 9.5.3 inside ADF.USIM) --------------
 * d = depth of DF.PHONEBOOK, t = PE field tag of df-phonebook. */
#define PHONEBOOK(d, t)                                                                   \
    DIR(d, FS_DF, 0x5F3A, t, "DF.PHONEBOOK", "df-phonebook"),                             \
    EF((d) + 1, LF, 0x4F30, (t) + 1, 1, 2, 0, 0, 0, CR, "EF.PBR", "ef-pbr", NODEF),       \
    EF((d) + 1, LF, 0x4F38, (t) + 2, 8, 5, 0, 0, 13, SP, "EF.EXT1", "ef-ext1",            \
       PFILL(FF, 0x00)),                                                                  \
    EF((d) + 1, LF, 0x4F40, (t) + 3, 8, 5, 0, 0, 0, 0, "EF.AAS", "ef-aas", FILL(FF)),     \
    EF((d) + 1, LF, 0x4F48, (t) + 4, 8, 5, 0, 0, 0, 0, "EF.GAS", "ef-gas", FILL(FF)),     \
    EF((d) + 1, TR, 0x4F22, (t) + 5, 1, 5, 0, 0, 4, SP, "EF.PSC", "ef-psc",               \
       EXACT(0, 0, 0, 0)),                                                                \
    EF((d) + 1, TR, 0x4F23, (t) + 6, 1, 5, 0, 0, 2, SP | HU, "EF.CC", "ef-cc",            \
       EXACT(0, 0)),                                                                      \
    EF((d) + 1, TR, 0x4F24, (t) + 7, 1, 5, 0, 0, 2, SP | HU, "EF.PUID", "ef-puid",        \
       EXACT(0, 0)),                                                                      \
    EF((d) + 1, LF, 0x4F50, (t) + 8, 8, 5, 0, 0, 0, SP, "EF.IAP", "ef-iap", FILL(FF)),    \
    EF((d) + 1, LF, 0x4F58, (t) + 9, 8, 5, 0, 0, 0, SP, "EF.ADN", "ef-adn", FILL(FF)),    \
    EF((d) + 1, LF, 0x4F60, (t) + 10, 8, 5, 0, 0, 2, SP, "EF.PBC", "ef-pbc", FILL(0x00)), \
    EF((d) + 1, LF, 0x4F68, (t) + 11, 8, 5, 0, 0, 0, SP, "EF.ANR", "ef-anr", FILL(FF)),   \
    EF((d) + 1, LF, 0x4F70, (t) + 12, 8, 5, 0, 0, 0, SP | CR, "EF.PURI", "ef-puri",       \
       NODEF),                                                                            \
    EF((d) + 1, LF, 0x4F78, (t) + 13, 8, 5, 0, 0, 0, SP, "EF.EMAIL", "ef-email",          \
       FILL(FF)),                                                                         \
    EF((d) + 1, LF, 0x4F80, (t) + 14, 8, 5, 0, 0, 0, SP, "EF.SNE", "ef-sne", FILL(FF)),   \
    EF((d) + 1, LF, 0x4F88, (t) + 15, 8, 5, 0, 0, 2, SP, "EF.UID", "ef-uid",              \
       EXACT(0, 0)),                                                                      \
    EF((d) + 1, LF, 0x4F90, (t) + 16, 8, 5, 0, 0, 0, SP, "EF.GRP", "ef-grp", FILL(0x00)), \
    EF((d) + 1, LF, 0x4F98, (t) + 17, 8, 5, 0, 0, 0, SP, "EF.CCP1", "ef-ccp1", FILL(FF))

/* ---- 2.3 / 2.3.2 DF.TELECOM (9.4) --------------------------------------------------- */

#define TELECOM_V1                                                                        \
    DIR(0, FS_DF, 0x7F10, 2, "DF.TELECOM", "df-telecom"),                                 \
    EF(1, LF, 0x6F06, 3, 1, 10, 0, 0, 0, CR, "EF.ARR", "ef-arr", NODEF),                  \
    EF(1, LF, 0x6F53, 4, 1, 3, 0, 0, 0, CR, "EF.RMA", "ef-rma", NODEF),                   \
    EF(1, TR, 0x6F54, 5, 1, 3, 0, 0, 22, CR, "EF.SUME", "ef-sume", NODEF),                \
    EF(1, LF, 0x6FE0, 6, 1, 9, 0, 50, 24, 0, "EF.ICE_DN", "ef-ice-dn", FILL(FF)),         \
    EF(1, LF, 0x6FE1, 7, 1, 9, 0, 0, 0, 0, "EF.ICE_FF", "ef-ice-ff", FILL(FF)),           \
    EF(1, LF, 0x6FE5, 8, 1, 5, 0, 0, 0, CR, "EF.PSISMSC", "ef-psismsc", NODEF),           \
    DIR(1, FS_DF, 0x5F50, 9, "DF.GRAPHICS", "df-graphics"),                               \
    EF(2, LF, 0x4F20, 10, 1, 2, 0, 0, 0, 0, "EF.IMG", "ef-img", PFILL(FF, 0x00)),         \
    EF(2, TR, 0x4F40, 11, 64, 2, 0, 0, 0, 0, "EF.IIDF", "ef-iidf", FILL(FF)),             \
    EF(2, BT, 0x4F21, 12, 1, 9, 0, 0, 0, 0, "EF.ICE_GRAPHICS", "ef-ice-graphics", NODEF), \
    EF(2, TR, 0x4F01, 13, 1, 10, 0, 0, 0, CR, "EF.LAUNCH_SCWS", "ef-launch-scws", NODEF), \
    EF(2, TR, 0x4F80, 14, 64, 10, 0, 0, 0, CR, "EF.ICON", "ef-icon", NODEF),              \
    PHONEBOOK(1, 15),                                                                     \
    DIR(1, FS_DF, 0x5F3B, 33, "DF.MULTIMEDIA", "df-multimedia"),                          \
    EF(2, BT, 0x4F47, 34, 1, 5, 0, 0, 0, 0, "EF.MML", "ef-mml", NODEF),                   \
    EF(2, BT, 0x4F48, 35, 1, 5, 0, 0, 0, 0, "EF.MMDF", "ef-mmdf", NODEF),                 \
    DIR(1, FS_DF, 0x5F3C, 36, "DF.MMSS", "df-mmss"),                                      \
    EF(2, TR, 0x4F20, 37, 1, 2, 0x01, 0, 0, CR, "EF.MLPL", "ef-mlpl", NODEF),             \
    EF(2, TR, 0x4F21, 38, 1, 2, 0x02, 0, 0, CR, "EF.MSPL", "ef-mspl", NODEF),             \
    EF(2, TR, 0x4F22, 39, 1, 2, 0x03, 0, 1, CR, "EF.MMSSMODE", "ef-mmssmode", NODEF)

static const struct template_file t_telecom[] = { TELECOM_V1 };

static const struct template_file t_telecom_v2[] = {
    TELECOM_V1,
    DIR(1, FS_DF, 0x5F3D, 40, "DF.MCS", "df-mcs"),
    EF(2, TR, 0x4F01, 41, 1, 2, 0x01, 0, 0, CR, "EF.MST", "ef-mst", NODEF),
    EF(2, BT, 0x4F02, 42, 1, 2, 0x02, 0, 0, CR, "EF.MCS_CONFIG", "ef-mcs-config", NODEF),
    DIR(1, FS_DF, 0x5F3E, 43, "DF.V2X", "df-v2x"),
    EF(2, TR, 0x4F01, 44, 1, 2, 0x01, 0, 0, CR, "EF.VST", "ef-vst", NODEF),
    EF(2, BT, 0x4F02, 45, 1, 2, 0x02, 0, 0, CR, "EF.V2X_CONFIG", "ef-v2x-config", NODEF),
    EF(2, TR, 0x4F03, 46, 1, 2, 0, 0, 0, CR, "EF.V2XP_PC5", "ef-v2xp-pc5", NODEF),
    EF(2, TR, 0x4F04, 47, 1, 2, 0, 0, 0, CR, "EF.V2XP_Uu", "ef-v2xp-Uu", NODEF),
};

/* ---- 2.4 / 2.4.2 ADF.USIM created by default (9.5.1); v2 has a 17-octet EF.UST ------ */

/* d: depth of ADF.USIM, dt: added to the PE field tags — the groups are shared with the
 * IoT templates, whose PEs name the same files with other field numbers */
#define USIM_HEAD(d, dt, ust_size)                                                        \
    DIR(d, FS_ADF, 0, 2 + (dt), "ADF.USIM", "adf-usim"),                                  \
    EF((d) + 1, TR, 0x6F07, 3 + (dt), 1, 2, 0x07, 0, 9, CR, "EF.IMSI", "ef-imsi", NODEF), \
    EF((d) + 1, LF, 0x6F06, 4 + (dt), 1, 10, 0x17, 0, 0, CR, "EF.ARR", "ef-arr", NODEF),  \
    EF((d) + 1, TR, 0x6F08, 5 + (dt), 1, 5, 0x08, 0, 33, HU, "EF.KEYS", "ef-keys",        \
       PFILL(FF, 0x07)),                                                                  \
    EF((d) + 1, TR, 0x6F09, 6 + (dt), 1, 5, 0x09, 0, 33, HU, "EF.KEYSPS", "ef-keysPS",    \
       PFILL(FF, 0x07)),                                                                  \
    EF((d) + 1, TR, 0x6F31, 7 + (dt), 1, 2, 0x12, 0, 1, 0, "EF.HPPLMN", "ef-hpplmn",      \
       EXACT(0x0A)),                                                                      \
    EF((d) + 1, TR, 0x6F38, 8 + (dt), 1, 2, 0x04, 0, ust_size, CR, "EF.UST", "ef-ust",    \
       NODEF)

#define USIM_MID(d, dt)                                                                   \
    EF((d) + 1, LF, 0x6F3B, 9 + (dt), 1, 8, 0, 20, 26, 0, "EF.FDN", "ef-fdn", FILL(FF)),  \
    EF((d) + 1, LF, 0x6F3C, 10 + (dt), 1, 5, 0, 10, 176, 0, "EF.SMS", "ef-sms",           \
       PFILL(FF, 0x00)),                                                                  \
    EF((d) + 1, LF, 0x6F42, 11 + (dt), 1, 5, 0, 1, 38, 0, "EF.SMSP", "ef-smsp",           \
       FILL(FF)),                                                                         \
    EF((d) + 1, TR, 0x6F43, 12 + (dt), 1, 5, 0, 0, 2, 0, "EF.SMSS", "ef-smss",            \
       EXACT(FF, FF)),                                                                    \
    EF((d) + 1, TR, 0x6F46, 13 + (dt), 1, 10, 0, 0, 17, CR, "EF.SPN", "ef-spn", NODEF),   \
    EF((d) + 1, TR, 0x6F56, 14 + (dt), 1, 8, 0x05, 0, 1, CR, "EF.EST", "ef-est", NODEF)

#define USIM_TAIL(d, dt)                                                                  \
    EF((d) + 1, TR, 0x6F5B, 15 + (dt), 1, 5, 0x0F, 0, 6, HU, "EF.START-HFN", "ef-start-hfn", \
       EXACT(0xF0, 0x00, 0x00, 0xF0, 0x00, 0x00)),                                        \
    EF((d) + 1, TR, 0x6F5C, 16 + (dt), 1, 2, 0x10, 0, 3, 0, "EF.THRESHOLD", "ef-threshold", \
       EXACT(FF, FF, FF)),                                                                \
    EF((d) + 1, TR, 0x6F73, 17 + (dt), 1, 5, 0x0C, 0, 14, HU, "EF.PSLOCI", "ef-psloci",   \
       EXACT(FF4, FF4, FF, FF, 0x00, 0x00, FF, 0x01)),                                    \
    EF((d) + 1, TR, 0x6F78, 18 + (dt), 1, 2, 0x06, 0, 2, CR, "EF.ACC", "ef-acc", NODEF),  \
    EF((d) + 1, TR, 0x6F7B, 19 + (dt), 1, 5, 0x0D, 0, 12, 0, "EF.FPLMN", "ef-fplmn",      \
       FILL(FF)),                                                                         \
    EF((d) + 1, TR, 0x6F7E, 20 + (dt), 1, 5, 0x0B, 0, 11, HU, "EF.LOCI", "ef-loci",       \
       EXACT(FF4, FF, FF, FF, 0x00, 0x00, FF, 0x01)),                                     \
    EF((d) + 1, TR, 0x6FAD, 21 + (dt), 1, 10, 0x03, 0, 4, 0, "EF.AD", "ef-ad",            \
       EXACT(0, 0, 0, 0x02)),                                                             \
    EF((d) + 1, LF, 0x6FB7, 22 + (dt), 1, 10, 0x01, 1, 4, CR, "EF.ECC", "ef-ecc", NODEF), \
    EF((d) + 1, TR, 0x6FC4, 23 + (dt), 1, 5, 0, 0, 128, HU, "EF.NETPAR", "ef-netpar",     \
       FILL(FF))

#define USIM_EPS(d, dt)                                                                   \
    EF((d) + 1, TR, 0x6FE3, 24 + (dt), 1, 5, 0x1E, 0, 18, HU, "EF.EPSLOCI", "ef-epsloci", \
       EXACT(FF4, FF4, FF4, FF, FF, FF, 0x00, 0x00, 0x01)),                               \
    EF((d) + 1, LF, 0x6FE4, 25 + (dt), 1, 5, 0x18, 1, 80, HU, "EF.EPSNSC", "ef-epsnsc",   \
       FILL(FF))

#define USIM_MANDATORY(ust_size)                                                          \
    USIM_HEAD(0, 0, ust_size), USIM_MID(0, 0), USIM_TAIL(0, 0), USIM_EPS(0, 0)

static const struct template_file t_usim[] = { USIM_MANDATORY(14) };
static const struct template_file t_usim_v2[] = { USIM_MANDATORY(17) };

/* ---- 2.5 / 2.5.2 / 2.5.3 ADF.USIM optional files (9.5.2) ----------------------------- */

/* optional USIM files the IoT optional template names too (d: depth, t: PE field tag) */
#define EF_OPLMNWACT(d, t)                                                                \
    EF(d, TR, 0x6F61, t, 1, 2, 0x11, 0, 40, 0, "EF.OPLMNwAcT", "ef-oplmnwact",            \
       REP(FF, FF, FF, 0, 0))
#define EF_HPLMNWACT(d, t)                                                                \
    EF(d, TR, 0x6F62, t, 1, 2, 0x13, 0, 5, 0, "EF.HPLMNwAcT", "ef-hplmnwact",             \
       REP(FF, FF, FF, 0, 0))
#define EF_EHPLMN(d, t)                                                                   \
    EF(d, TR, 0x6FD9, t, 1, 2, 0x1D, 0, 15, 0, "EF.EHPLMN", "ef-ehplmn", FILL(FF))

#define USIM_OPT_V1                                                                       \
    EF(1, TR, 0x6F05, 2, 1, 1, 0x02, 0, 6, 0, "EF.LI", "ef-li", FILL(FF)),                \
    EF(1, TR, 0x6F37, 3, 1, 5, 0, 0, 3, 0, "EF.ACMmax", "ef-acmax", EXACT(0, 0, 0)),      \
    EF(1, CY, 0x6F39, 4, 1, 7, 0, 1, 3, HU, "EF.ACM", "ef-acm", EXACT(0, 0, 0)),          \
    EF(1, TR, 0x6F3E, 5, 1, 2, 0, 0, 8, CR, "EF.GID1", "ef-gid1", NODEF),                 \
    EF(1, TR, 0x6F3F, 6, 1, 2, 0, 0, 8, CR, "EF.GID2", "ef-gid2", NODEF),                 \
    EF(1, LF, 0x6F40, 7, 1, 2, 0, 1, 24, 0, "EF.MSISDN", "ef-msisdn", FILL(FF)),          \
    EF(1, TR, 0x6F41, 8, 1, 5, 0, 0, 5, 0, "EF.PUCT", "ef-puct",                          \
       EXACT(FF, FF, FF, 0, 0)),                                                          \
    EF(1, TR, 0x6F45, 9, 1, 5, 0, 0, 10, 0, "EF.CBMI", "ef-cbmi", FILL(FF)),              \
    EF(1, TR, 0x6F48, 10, 1, 2, 0x0E, 0, 10, 0, "EF.CBMID", "ef-cbmid", FILL(FF)),        \
    EF(1, LF, 0x6F49, 11, 1, 2, 0, 10, 24, 0, "EF.SDN", "ef-sdn", FILL(FF)),              \
    EF(1, LF, 0x6F4B, 12, 1, 8, 0, 10, 13, 0, "EF.EXT2", "ef-ext2", PFILL(FF, 0x00)),     \
    EF(1, LF, 0x6F4C, 13, 1, 2, 0, 10, 13, 0, "EF.EXT3", "ef-ext3", PFILL(FF, 0x00)),     \
    EF(1, TR, 0x6F50, 14, 1, 5, 0, 0, 20, 0, "EF.CBMIR", "ef-cbmir", FILL(FF)),           \
    EF(1, TR, 0x6F60, 15, 1, 5, 0x0A, 0, 40, 0, "EF.PLMNwAcT", "ef-plmnwact",             \
       REP(FF, FF, FF, 0, 0)),                                                            \
    EF_OPLMNWACT(1, 16),                                                                  \
    EF_HPLMNWACT(1, 17),                                                                  \
    EF(1, TR, 0x6F2C, 18, 1, 5, 0, 0, 16, 0, "EF.DCK", "ef-dck", FILL(FF)),               \
    EF(1, TR, 0x6F32, 19, 1, 2, 0, 0, 30, 0, "EF.CNL", "ef-cnl", FILL(FF)),               \
    EF(1, LF, 0x6F47, 20, 1, 5, 0, 10, 30, 0, "EF.SMSR", "ef-smsr", PFILL(FF, 0x00)),     \
    EF(1, LF, 0x6F4D, 21, 1, 8, 0, 10, 25, 0, "EF.BDN", "ef-bdn", FILL(FF)),              \
    EF(1, LF, 0x6F4E, 22, 1, 5, 0, 10, 13, 0, "EF.EXT5", "ef-ext5", PFILL(FF, 0x00)),     \
    EF(1, LF, 0x6F4F, 23, 1, 5, 0x16, 5, 15, 0, "EF.CCP2", "ef-ccp2", FILL(FF)),          \
    EF(1, LF, 0x6F55, 24, 1, 8, 0, 10, 13, 0, "EF.EXT4", "ef-ext4", PFILL(FF, 0x00)),     \
    EF(1, TR, 0x6F57, 25, 1, 8, 0, 0, 101, 0, "EF.ACL", "ef-acl", PFILL(FF, 0x00)),       \
    EF(1, LF, 0x6F58, 26, 1, 2, 0, 10, 11, 0, "EF.CMI", "ef-cmi", FILL(FF)),              \
    EF(1, CY, 0x6F80, 27, 1, 5, 0x14, 20, 38, HU, "EF.ICI", "ef-ici",                     \
       FILLT(FF, 0, 0, 0, 0, 0x01, FF, FF)),                                              \
    EF(1, CY, 0x6F81, 28, 1, 5, 0x15, 20, 37, HU, "EF.OCI", "ef-oci",                     \
       FILLT(FF, 0, 0, 0, 0x01, FF, FF)),                                                 \
    EF(1, CY, 0x6F82, 29, 1, 7, 0, 1, 3, HU, "EF.ICT", "ef-ict", EXACT(0, 0, 0)),         \
    EF(1, CY, 0x6F83, 30, 1, 7, 0, 1, 3, HU, "EF.OCT", "ef-oct", EXACT(0, 0, 0)),         \
    EF(1, TR, 0x6FB1, 31, 1, 2, 0, 0, 20, CR, "EF.VGCS", "ef-vgcs", NODEF),               \
    EF(1, TR, 0x6FB2, 32, 1, 5, 0, 0, 7, CR, "EF.VGCSS", "ef-vgcss", NODEF),              \
    EF(1, TR, 0x6FB3, 33, 1, 2, 0, 0, 20, CR, "EF.VBS", "ef-vbs", NODEF),                 \
    EF(1, TR, 0x6FB4, 34, 1, 5, 0, 0, 7, CR, "EF.VBSS", "ef-vbss", NODEF),                \
    EF(1, TR, 0x6FB5, 35, 1, 2, 0, 0, 2, CR, "EF.eMLPP", "ef-emlpp", NODEF),              \
    EF(1, TR, 0x6FB6, 36, 1, 5, 0, 0, 1, 0, "EF.AaeM", "ef-aaem", EXACT(0)),              \
    EF(1, TR, 0x6FC3, 37, 1, 5, 0, 0, 4, 0, "EF.HiddenKey", "ef-hiddenkey", FILL(FF)),    \
    EF(1, LF, 0x6FC5, 38, 1, 10, 0x19, 10, 16, CR, "EF.PNN", "ef-pnn", NODEF),            \
    EF(1, LF, 0x6FC6, 39, 1, 10, 0x1A, 5, 8, CR, "EF.OPL", "ef-opl", NODEF),              \
    EF(1, LF, 0x6FC7, 40, 1, 5, 0, 3, 24, CR, "EF.MBDN", "ef-mbdn", NODEF),               \
    EF(1, LF, 0x6FC8, 41, 1, 5, 0, 10, 13, 0, "EF.EXT6", "ef-ext6", PFILL(FF, 0x00)),     \
    EF(1, LF, 0x6FC9, 42, 1, 5, 0, 10, 5, CR, "EF.MBI", "ef-mbi", NODEF),                 \
    EF(1, LF, 0x6FCA, 43, 1, 5, 0, 10, 6, HU, "EF.MWIS", "ef-mwis", FILL(0x00)),          \
    EF(1, LF, 0x6FCB, 44, 1, 5, 0, 10, 16, 0, "EF.CFIS", "ef-cfis",                       \
       PFILL(FF, 0x01, 0x00)),                                                            \
    EF(1, LF, 0x6FCC, 45, 1, 5, 0, 10, 13, 0, "EF.EXT7", "ef-ext7", PFILL(FF, 0x00)),     \
    EF(1, TR, 0x6FCD, 46, 1, 2, 0x1B, 0, 17, CR, "EF.SPDI", "ef-spdi", NODEF),            \
    EF(1, LF, 0x6FCE, 47, 1, 5, 0, 10, 6, 0, "EF.MMSN", "ef-mmsn", PFILL(FF, 0, 0, 0)),   \
    EF(1, LF, 0x6FCF, 48, 1, 5, 0, 10, 13, 0, "EF.EXT8", "ef-ext8", PFILL(FF, 0x00)),     \
    EF(1, TR, 0x6FD0, 49, 1, 2, 0, 0, 100, 0, "EF.MMSICP", "ef-mmsicp", FILL(FF)),        \
    EF(1, LF, 0x6FD1, 50, 1, 5, 0, 0, 0, 0, "EF.MMSUP", "ef-mmsup", FILL(FF)),            \
    EF(1, TR, 0x6FD2, 51, 1, 5, 0, 0, 100, 0, "EF.MMSUCP", "ef-mmsucp", FILL(FF)),        \
    EF(1, LF, 0x6FD3, 52, 1, 2, 0, 5, 11, 0, "EF.NIA", "ef-nia", FILL(FF)),               \
    EF(1, TR, 0x6FD4, 53, 1, 2, 0, 0, 0, 0, "EF.VGCSCA", "ef-vgcsca", FILL(0x00)),        \
    EF(1, TR, 0x6FD5, 54, 1, 2, 0, 0, 0, 0, "EF.VBSCA", "ef-vbsca", FILL(0x00)),          \
    EF(1, TR, 0x6FD6, 55, 1, 5, 0, 0, 0, 0, "EF.GBABP", "ef-gbabp", FILL(FF)),            \
    EF(1, LF, 0x6FD7, 56, 1, 2, 0, 0, 0, HU, "EF.MSK", "ef-msk", FILL(FF)),               \
    EF(1, LF, 0x6FD8, 57, 1, 2, 0, 0, 0, 0, "EF.MUK", "ef-muk", FILL(FF)),                \
    EF_EHPLMN(1, 58),                                                                     \
    EF(1, LF, 0x6FDA, 59, 1, 2, 0, 0, 0, 0, "EF.GBANL", "ef-gbanl", FILL(FF)),            \
    EF(1, TR, 0x6FDB, 60, 1, 2, 0, 0, 1, 0, "EF.EHPLMNPI", "ef-ehplmnpi", EXACT(0)),      \
    EF(1, TR, 0x6FDC, 61, 1, 2, 0, 0, 1, 0, "EF.LRPLMNSI", "ef-lrplmnsi", EXACT(0)),      \
    EF(1, LF, 0x6FDD, 62, 1, 2, 0, 0, 0, 0, "EF.NAFKCA", "ef-nafkca", FILL(FF)),          \
    EF(1, TR, 0x6FDE, 63, 1, 10, 0, 0, 0, 0, "EF.SPNI", "ef-spni", PFILL(FF, 0x00)),      \
    EF(1, LF, 0x6FDF, 64, 1, 10, 0, 0, 0, 0, "EF.PNNI", "ef-pnni", PFILL(FF, 0x00)),      \
    EF(1, LF, 0x6FE2, 65, 1, 2, 0, 0, 0, CR, "EF.NCP-IP", "ef-ncp-ip", NODEF),            \
    EF(1, TR, 0x6FE6, 66, 1, 10, 0, 0, 30, 0, "EF.UFC", "ef-ufc",                         \
       EXACT(0x80, 0x1E, 0x60, 0xC0, 0x1E, 0x90, 0x00, 0x80, 0x04, 0x00, 0x00, 0x00, 0x00, \
             0x00, 0x00, 0x00, 0x00, 0xF0, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, \
             0x00, 0x00, 0x00, 0x80)),                                                    \
    EF(1, TR, 0x6FE8, 67, 1, 2, 0, 0, 18, CR, "EF.NASCONFIG", "ef-nasconfig", NODEF),     \
    EF(1, LF, 0x6FE7, 68, 1, 2, 0, 0, 0, CR, "EF.UICCIARI", "ef-uicciari", NODEF),        \
    EF(1, TR, 0x6FEC, 69, 1, 10, 0, 0, 0, CR, "EF.PWS", "ef-pws", NODEF),                 \
    EF(1, LF, 0x6FED, 70, 1, 8, 0, 0, 0, 0, "EF.FDNURI", "ef-fdnuri", FILL(FF)),          \
    EF(1, LF, 0x6FEE, 71, 1, 8, 0, 0, 0, 0, "EF.BDNURI", "ef-bdnuri", FILL(FF)),          \
    EF(1, LF, 0x6FEF, 72, 1, 2, 0, 0, 0, 0, "EF.SDNURI", "ef-sdnuri", FILL(FF)),          \
    EF(1, LF, 0x6FF0, 73, 1, 3, 0, 0, 0, 0, "EF.IAL", "ef-ial", FILL(FF)),                \
    EF(1, CY, 0x6FF1, 74, 1, 10, 0, 0, 4, HU, "EF.IPS", "ef-ips", FILL(FF)),              \
    EF(1, LF, 0x6FF2, 75, 1, 3, 0, 0, 0, HU, "EF.IPD", "ef-ipd", FILL(FF))

#define USIM_OPT_V2_MORE                                                                  \
    EF(1, TR, 0x6FF3, 76, 1, 2, 0, 0, 0, CR, "EF.EPDGID", "ef-epdgid", NODEF),            \
    EF(1, TR, 0x6FF4, 77, 1, 2, 0, 0, 0, CR, "EF.EPDGSELECTION", "ef-epdgselection",      \
       NODEF),                                                                            \
    EF(1, TR, 0x6FF5, 78, 1, 2, 0, 0, 0, CR, "EF.EPDGIDEM", "ef-epdgidem", NODEF),        \
    EF(1, TR, 0x6FF6, 79, 1, 2, 0, 0, 0, CR, "EF.EPDGSELECTIONEM", "ef-epdgselectionem",  \
       NODEF),                                                                            \
    EF(1, TR, 0x6FF7, 80, 1, 2, 0, 0, 1, 0, "EF.FromPreferred", "ef-frompreferred",       \
       EXACT(0)),                                                                         \
    EF(1, BT, 0x6FF8, 81, 1, 2, 0, 0, 0, CR, "EF.IMSConfigData", "ef-imsconfigdata",      \
       NODEF),                                                                            \
    EF(1, TR, 0x6FF9, 82, 1, 2, 0, 0, 4, CR, "EF.3GPPPSDATAOFF", "ef-3gpppsdataoff",      \
       NODEF),                                                                            \
    EF(1, LF, 0x6FFA, 83, 1, 2, 0, 0, 0, CR, "EF.3GPPPSDATAOFFservicelist",               \
       "ef-3gpppsdataoffservicelist", NODEF),                                             \
    EF(1, BT, 0x6FFC, 84, 1, 2, 0, 0, 0, CR, "EF.XCAPConfigData", "ef-xcapconfigdata",    \
       NODEF),                                                                            \
    EF(1, TR, 0x6FFD, 85, 1, 10, 0, 0, 0, CR, "EF.EARFCNList", "ef-earfcnlist", NODEF),   \
    EF(1, BT, 0x6FFE, 86, 1, 2, 0, 0, 0, CR, "EF.MuDMiDConfigData", "ef-mudmidconfigdata", \
       NODEF)

static const struct template_file t_usim_opt[] = { USIM_OPT_V1 };
static const struct template_file t_usim_opt_v2[] = { USIM_OPT_V1, USIM_OPT_V2_MORE };
static const struct template_file t_usim_opt_v3[] = {
    USIM_OPT_V1, USIM_OPT_V2_MORE,
    EF(1, TR, 0x6F01, 87, 1, 3, 0, 0, 1, CR, "EF.eAKA", "ef-eaka", NODEF),
};

/* ---- 2.6 DF.PHONEBOOK in ADF.USIM (9.5.3), 2.7 DF.GSM-ACCESS (9.5.4) ------------------ */

static const struct template_file t_phonebook[] = { PHONEBOOK(0, 2) };

static const struct template_file t_gsm_access[] = {
    DIR(0, FS_DF, 0x5F3B, 2, "DF.GSM-ACCESS", "df-gsm-access"),
    EF(1, TR, 0x4F20, 3, 1, 5, 0x01, 0, 9, HU, "EF.Kc", "ef-kc", FILLT(FF, 0x07)),
    EF(1, TR, 0x4F52, 4, 1, 5, 0x02, 0, 9, HU, "EF.KcGPRS", "ef-kcgprs",                  \
       FILLT(FF, 0x07)),
    EF(1, TR, 0x4F63, 5, 1, 5, 0, 0, 10, HU, "EF.CPBCCH", "ef-cpbcch", FILL(FF)),
    EF(1, TR, 0x4F64, 6, 1, 2, 0, 0, 1, 0, "EF.InvScan", "ef-invscan", EXACT(0)),
};

/* ---- 2.8 ADF.ISIM (9.6.1), 2.9 / 2.9.2 ISIM optional (9.6.2) ------------------------- */

static const struct template_file t_isim[] = {
    DIR(0, FS_ADF, 0, 2, "ADF.ISIM", "adf-isim"),
    EF(1, TR, 0x6F02, 3, 1, 2, 0x02, 0, 0, CR, "EF.IMPI", "ef-impi", NODEF),
    EF(1, LF, 0x6F04, 4, 1, 2, 0x04, 1, 0, CR, "EF.IMPU", "ef-impu", NODEF),
    EF(1, TR, 0x6F03, 5, 1, 2, 0x05, 0, 0, CR, "EF.DOMAIN", "ef-domain", NODEF),
    EF(1, TR, 0x6F07, 6, 1, 2, 0x07, 0, 14, CR, "EF.IST", "ef-ist", NODEF),
    EF(1, TR, 0x6FAD, 7, 1, 10, 0x03, 0, 3, 0, "EF.AD", "ef-ad", EXACT(0, 0, 0)),
    EF(1, LF, 0x6F06, 8, 1, 10, 0x06, 0, 0, CR, "EF.ARR", "ef-arr", NODEF),
};

#define ISIM_OPT_V1                                                                       \
    EF(1, LF, 0x6F09, 2, 1, 2, 0, 1, 0, CR, "EF.P-CSCF", "ef-pcscf", NODEF),              \
    EF(1, LF, 0x6F3C, 3, 1, 5, 0, 10, 176, 0, "EF.SMS", "ef-sms", PFILL(FF, 0x00)),       \
    EF(1, LF, 0x6F42, 4, 1, 5, 0, 1, 38, 0, "EF.SMSP", "ef-smsp", FILL(FF)),              \
    EF(1, TR, 0x6F43, 5, 1, 5, 0, 0, 2, 0, "EF.SMSS", "ef-smss", EXACT(FF, FF)),          \
    EF(1, LF, 0x6F47, 6, 1, 5, 0, 10, 30, 0, "EF.SMSR", "ef-smsr", PFILL(FF, 0x00)),      \
    EF(1, TR, 0x6FD5, 7, 1, 5, 0, 0, 0, 0, "EF.GBABP", "ef-gbabp", FILL(FF)),             \
    EF(1, LF, 0x6FD7, 8, 1, 2, 0, 0, 0, 0, "EF.GBANL", "ef-gbanl", FILL(FF)),             \
    EF(1, LF, 0x6FDD, 9, 1, 2, 0, 0, 0, 0, "EF.NAFKCA", "ef-nafkca", FILL(FF)),           \
    EF(1, LF, 0x6FE7, 10, 1, 2, 0, 0, 0, CR, "EF.UICCIARI", "ef-uicciari", NODEF)

static const struct template_file t_isim_opt[] = { ISIM_OPT_V1 };
static const struct template_file t_isim_opt_v2[] = {
    ISIM_OPT_V1,
    EF(1, TR, 0x6FF7, 11, 1, 2, 0, 0, 1, 0, "EF.FromPreferred", "ef-frompreferred",       \
       EXACT(0)),
    EF(1, BT, 0x6FF8, 12, 1, 2, 0, 0, 0, CR, "EF.IMSConfigData", "ef-imsconfigdata",      \
       NODEF),
    EF(1, BT, 0x6FFC, 13, 1, 2, 0, 0, 0, CR, "EF.XCAPConfigData", "ef-xcapconfigdata",    \
       NODEF),
    EF(1, LF, 0x6FFA, 14, 1, 2, 0, 0, 0, CR, "EF.WebRTCURI", "ef-webrtcuri", NODEF),
    EF(1, BT, 0x6FFE, 15, 1, 2, 0, 0, 0, CR, "EF.MuDMiDConfigData", "ef-mudmidconfigdata",
       NODEF),
};

/* ---- 2.10 / 2.10.2 ADF.CSIM, 2.11 / 2.11.2 CSIM optional (9.7) -------------------------
 * The TCA's Annex A CSIM table is not reachable from here, so these rows are built from
 * what is public, each fact's source marked on its row:
 *   F  file ID, structure, SFI and size as 3GPP2 C.S0065 gives them (read through public
 *      modem tables, Qualcomm MMGSDI/NVRUIM, and AOSP constants);
 *   G  the size the GSMA Generic eUICC Test Profile relies on (its CSIM files omit
 *      efFileSize and give content of exactly this length, so the template must size them);
 *   O  ours: the C.S0065 size as we read the spec where no public table shows it
 *      (EF.COUNT, EF.CDMAHOME and EF.ZNREGI get one record; the spec leaves counts open);
 *   -  no size fixed (variable length in C.S0065): the PE must give it.
 * ARR records use the SAIP default rules of 9.9 (2 read PIN / update ADM, 3 all ADM,
 * 5 read+update PIN, 6 read+activate PIN, 7 = 5 + increase, 8 update PIN2, 10 read
 * always / update ADM, 12 read PIN / update never, 13 read+update+activate PIN), chosen
 * as the rule equal to the access conditions the Generic Test Profile gives each file.
 * Default content is none (0xFF) everywhere. The v2 OIDs differ from v1 in ways no public
 * source shows: they share these rows. */
static const struct template_file t_csim[] = {
    DIR(0, FS_ADF, 0, 2, "ADF.CSIM", "adf-csim"),
    EF(1, LF, 0x6F06, 3, 1, 10, 0, 0, 0, CR, "EF.ARR", "ef-arr", NODEF),
    EF(1, CY, 0x6F21, 4, 1, 7, 0, 1, 2, HU, "EF.COUNT", "ef-call-count", NODEF),     /* F O */
    EF(1, TR, 0x6F22, 5, 1, 6, 0x04, 0, 10, 0, "EF.IMSI_M", "ef-imsi-m", NODEF),       /* F */
    EF(1, TR, 0x6F23, 6, 1, 6, 0x05, 0, 10, 0, "EF.IMSI_T", "ef-imsi-t", NODEF),       /* F */
    EF(1, TR, 0x6F24, 7, 1, 13, 0x06, 0, 16, HU, "EF.TMSI", "ef-tmsi", NODEF),         /* F */
    EF(1, TR, 0x6F25, 8, 1, 5, 0, 0, 2, 0, "EF.AH", "ef-ah", NODEF),                   /* O */
    EF(1, TR, 0x6F26, 9, 1, 5, 0, 0, 1, 0, "EF.AOP", "ef-aop", NODEF),                 /* G */
    EF(1, TR, 0x6F27, 10, 1, 5, 0, 0, 7, HU, "EF.ALOC", "ef-aloc", NODEF),             /* O */
    EF(1, LF, 0x6F28, 11, 1, 5, 0x0C, 1, 5, 0, "EF.CDMAHOME", "ef-cdmahome", NODEF), /* F O */
    EF(1, LF, 0x6F29, 12, 1, 5, 0, 1, 8, HU, "EF.ZNREGI", "ef-znregi", NODEF),       /* G O */
    EF(1, TR, 0x6F2A, 13, 1, 5, 0x0D, 0, 7, HU, "EF.SNREGI", "ef-snregi", NODEF),      /* F */
    EF(1, TR, 0x6F2B, 14, 1, 5, 0, 0, 8, HU, "EF.DISTREGI", "ef-distregi", NODEF),     /* O */
    EF(1, TR, 0x6F2C, 15, 1, 2, 0x03, 0, 1, 0, "EF.ACCOLC", "ef-accolc", NODEF),       /* F */
    EF(1, TR, 0x6F2D, 16, 1, 5, 0, 0, 1, 0, "EF.TERM", "ef-term", NODEF),              /* G */
    EF(1, TR, 0x6F2F, 17, 1, 5, 0, 0, 7, 0, "EF.ACP", "ef-acp", NODEF),                /* G */
    EF(1, TR, 0x6F30, 18, 1, 2, 0x07, 0, 0, 0, "EF.PRL", "ef-prl", NODEF),             /* F - */
    EF(1, TR, 0x6F31, 19, 1, 10, 0, 0, 8, 0, "EF.RUIMID", "ef-ruimid", NODEF),         /* G */
    EF(1, TR, 0x6F32, 20, 1, 2, 0x02, 0, 0, 0, "EF.CST", "ef-csim-st", NODEF),         /* F - */
    EF(1, TR, 0x6F33, 21, 1, 3, 0, 0, 3, 0, "EF.SPC", "ef-spc", NODEF),                /* O */
    EF(1, TR, 0x6F34, 22, 1, 5, 0, 0, 1, 0, "EF.OTAPASPC", "ef-otapaspc", NODEF),      /* G */
    EF(1, TR, 0x6F35, 23, 1, 5, 0, 0, 1, 0, "EF.NAMLOCK", "ef-namlock", NODEF),        /* G */
    EF(1, TR, 0x6F36, 24, 1, 2, 0, 0, 17, 0, "EF.OTA", "ef-ota", NODEF),               /* G */
    EF(1, TR, 0x6F37, 25, 1, 5, 0, 0, 1, 0, "EF.SP", "ef-sp", NODEF),                  /* G */
    EF(1, TR, 0x6F38, 26, 1, 10, 0, 0, 8, 0, "EF.ESN_MEID_ME", "ef-esn-meid-me", NODEF), /* O */
    EF(1, TR, 0x6F3A, 27, 1, 1, 0x0A, 0, 0, 0, "EF.LI", "ef-li", NODEF),               /* F - */
    EF(1, TR, 0x6F42, 28, 1, 2, 0, 0, 1, 0, "EF.USGIND", "ef-usgind", NODEF),          /* G */
    EF(1, TR, 0x6F43, 29, 1, 10, 0x01, 0, 3, 0, "EF.AD", "ef-ad", NODEF),              /* F */
    EF(1, TR, 0x6F45, 30, 1, 2, 0, 0, 4, 0, "EF.MAXPRL", "ef-max-prl", NODEF),         /* G */
    EF(1, TR, 0x6F46, 31, 1, 12, 0, 0, 1, 0, "EF.SPCS", "ef-spcs", NODEF),             /* G */
    EF(1, TR, 0x6F55, 32, 1, 5, 0, 0, 3, 0, "EF.MECRP", "ef-mecrp", NODEF),            /* O */
    EF(1, TR, 0x6F70, 33, 1, 2, 0, 0, 0, 0, "EF.HOME_TAG", "ef-home-tag", NODEF),      /* - */
    EF(1, TR, 0x6F71, 34, 1, 2, 0, 0, 0, 0, "EF.GROUP_TAG", "ef-group-tag", NODEF),    /* - */
    EF(1, TR, 0x6F72, 35, 1, 2, 0, 0, 0, 0, "EF.SPECIFIC_TAG", "ef-specific-tag", NODEF),
    EF(1, TR, 0x6F73, 36, 1, 2, 0, 0, 0, 0, "EF.CALL_PROMPT", "ef-call-prompt", NODEF),
};

/* The optional CSIM files (PE-OPT-CSIM fields 2..68). Structures and sizes marked as
 * above; a file without a public size needs the PE's size (and, where C.S0065's
 * structure is not public either, its fileDescriptor: the transparent default is then a
 * placeholder the PE overrides). Many of these may be links to USIM files (linkPath). */
static const struct template_file t_csim_opt[] = {
    EF(1, TR, 0x6F2E, 2, 1, 5, 0, 0, 1, 0, "EF.SSCI", "ef-ssci", NODEF),               /* G */
    EF(1, LF, 0x6F3B, 3, 1, 8, 0, 0, 0, 0, "EF.FDN", "ef-fdn", NODEF),
    EF(1, LF, 0x6F3C, 4, 1, 5, 0, 0, 0, 0, "EF.SMS", "ef-sms", NODEF),
    EF(1, LF, 0x6F3D, 5, 1, 5, 0, 0, 0, 0, "EF.SMSP", "ef-smsp", NODEF),
    EF(1, TR, 0x6F3E, 6, 1, 5, 0, 0, 5, 0, "EF.SMSS", "ef-smss", NODEF),               /* G */
    EF(1, TR, 0x6F3F, 7, 1, 5, 0, 0, 0, 0, "EF.SSFC", "ef-ssfc", NODEF),
    EF(1, TR, 0x6F41, 8, 1, 10, 0x08, 0, 35, 0, "EF.SPN", "ef-spn", NODEF),            /* F */
    EF(1, LF, 0x6F44, 9, 1, 5, 0, 0, 11, 0, "EF.MDN", "ef-mdn", NODEF),                /* G */
    EF(1, TR, 0x6F47, 10, 1, 10, 0x09, 0, 0, 0, "EF.ECC", "ef-ecc", NODEF),            /* F - */
    EF(1, TR, 0x6F48, 11, 1, 5, 0, 0, 1, 0, "EF.ME3GPDOPC", "ef-me3gpdopc", NODEF),    /* G */
    EF(1, TR, 0x6F49, 12, 1, 5, 0, 0, 1, 0, "EF.3GPDOPM", "ef-3gpdopm", NODEF),        /* G */
    EF(1, TR, 0x6F4A, 13, 1, 2, 0, 0, 4, 0, "EF.SIPCAP", "ef-sipcap", NODEF),          /* G */
    EF(1, TR, 0x6F4B, 14, 1, 2, 0, 0, 5, 0, "EF.MIPCAP", "ef-mipcap", NODEF),          /* G */
    EF(1, TR, 0x6F4C, 15, 1, 2, 0, 0, 0, 0, "EF.SIPUPP", "ef-sipupp", NODEF),
    EF(1, TR, 0x6F4D, 16, 1, 2, 0, 0, 0, 0, "EF.MIPUPP", "ef-mipupp", NODEF),
    EF(1, TR, 0x6F4E, 17, 1, 5, 0, 0, 1, 0, "EF.SIPSP", "ef-sipsp", NODEF),            /* G */
    EF(1, TR, 0x6F4F, 18, 1, 5, 0, 0, 0, 0, "EF.MIPSP", "ef-mipsp", NODEF),
    EF(1, TR, 0x6F50, 19, 1, 5, 0, 0, 0, 0, "EF.SIPPAPSS", "ef-sippapss", NODEF),
    EF(1, TR, 0x6F53, 20, 1, 2, 0, 0, 0, 0, "EF.PUZL", "ef-puzl", NODEF),
    EF(1, TR, 0x6F54, 21, 1, 2, 0, 0, 0, 0, "EF.MAXPUZL", "ef-maxpuzl", NODEF),
    EF(1, TR, 0x6F56, 22, 1, 2, 0, 0, 3, 0, "EF.HRPDCAP", "ef-hrpdcap", NODEF),        /* G */
    EF(1, TR, 0x6F57, 23, 1, 2, 0, 0, 0, 0, "EF.HRPDUPP", "ef-hrpdupp", NODEF),
    EF(1, TR, 0x6F58, 24, 1, 2, 0, 0, 1, 0, "EF.CSSPR", "ef-csspr", NODEF),            /* O */
    EF(1, TR, 0x6F59, 25, 1, 2, 0, 0, 1, 0, "EF.ATC", "ef-atc", NODEF),                /* G */
    EF(1, TR, 0x6F5A, 26, 1, 2, 0x0E, 0, 0, 0, "EF.EPRL", "ef-eprl", NODEF),           /* F - */
    EF(1, TR, 0x6F5B, 27, 1, 2, 0, 0, 0, 0, "EF.BCSMSCFG", "ef-bcsmscfg", NODEF),
    EF(1, TR, 0x6F5C, 28, 1, 5, 0, 0, 0, 0, "EF.BCSMSPREF", "ef-bcsmspref", NODEF),
    EF(1, LF, 0x6F5D, 29, 1, 2, 0, 0, 0, 0, "EF.BCSMSTABLE", "ef-bcsmstable", NODEF),
    EF(1, LF, 0x6F5E, 30, 1, 5, 0, 0, 0, 0, "EF.BCSMSP", "ef-bcsmsp", NODEF),
    EF(1, TR, 0x6F63, 31, 1, 2, 0, 0, 0, 0, "EF.BAKPARA", "ef-bakpara", NODEF),
    EF(1, TR, 0x6F64, 32, 1, 2, 0, 0, 0, 0, "EF.UPBAKPARA", "ef-upbakpara", NODEF),
    EF(1, LF, 0x6F65, 33, 1, 5, 0, 0, 0, 0, "EF.MMSN", "ef-mmsn", NODEF),
    EF(1, LF, 0x6F66, 34, 1, 5, 0, 0, 0, 0, "EF.EXT8", "ef-ext8", NODEF),
    EF(1, TR, 0x6F67, 35, 1, 2, 0, 0, 0, 0, "EF.MMSICP", "ef-mmsicp", NODEF),
    EF(1, LF, 0x6F68, 36, 1, 5, 0, 0, 0, 0, "EF.MMSUP", "ef-mmsup", NODEF),
    EF(1, TR, 0x6F69, 37, 1, 5, 0, 0, 0, 0, "EF.MMSUCP", "ef-mmsucp", NODEF),
    EF(1, TR, 0x6F6A, 38, 1, 2, 0, 0, 0, 0, "EF.AUTH_CAPABILITY", "ef-auth-capability",
       NODEF),
    EF(1, TR, 0x6F6B, 39, 1, 2, 0x0B, 0, 32, 0, "EF.3GCIK", "ef-3gcik", NODEF),        /* F */
    EF(1, TR, 0x6F6C, 40, 1, 5, 0, 0, 0, 0, "EF.DCK", "ef-dck", NODEF),
    EF(1, TR, 0x6F6D, 41, 1, 2, 0, 0, 0, 0, "EF.GID1", "ef-gid1", NODEF),
    EF(1, TR, 0x6F6E, 42, 1, 2, 0, 0, 0, 0, "EF.GID2", "ef-gid2", NODEF),
    EF(1, TR, 0x6F6F, 43, 1, 2, 0, 0, 0, 0, "EF.CDMACNL", "ef-cdmacnl", NODEF),
    EF(1, TR, 0x6F74, 44, 1, 10, 0, 0, 7, 0, "EF.SF_EUIMID", "ef-sf-euimid", NODEF),   /* O */
    EF(1, TR, 0x6F75, 45, 1, 8, 0x0F, 0, 0, 0, "EF.EST", "ef-est", NODEF),             /* F - */
    EF(1, TR, 0x6F76, 46, 1, 5, 0, 0, 0, 0, "EF.HIDDEN_KEY", "ef-hidden-key", NODEF),
    EF(1, TR, 0x6F77, 47, 1, 2, 0, 0, 0, 0, "EF.LCSVER", "ef-lcsver", NODEF),
    EF(1, TR, 0x6F78, 48, 1, 2, 0, 0, 0, 0, "EF.LCSCP", "ef-lcscp", NODEF),
    EF(1, LF, 0x6F79, 49, 1, 2, 0, 0, 0, 0, "EF.SDN", "ef-sdn", NODEF),
    EF(1, LF, 0x6F7A, 50, 1, 8, 0, 0, 0, 0, "EF.EXT2", "ef-ext2", NODEF),
    EF(1, LF, 0x6F7B, 51, 1, 2, 0, 0, 0, 0, "EF.EXT3", "ef-ext3", NODEF),
    EF(1, CY, 0x6F7C, 52, 1, 5, 0x10, 0, 0, 0, "EF.ICI", "ef-ici", NODEF),             /* F - */
    EF(1, CY, 0x6F7D, 53, 1, 5, 0x11, 0, 0, 0, "EF.OCI", "ef-oci", NODEF),             /* F - */
    EF(1, LF, 0x6F7E, 54, 1, 5, 0, 0, 0, 0, "EF.EXT5", "ef-ext5", NODEF),
    EF(1, LF, 0x6F7F, 55, 1, 5, 0x12, 0, 0, 0, "EF.CCP2", "ef-ccp2", NODEF),           /* F - */
    EF(1, TR, 0x6F80, 56, 1, 5, 0, 0, 0, 0, "EF.APPLABELS", "ef-applabels", NODEF),
    EF(1, TR, 0x6F81, 57, 1, 5, 0, 0, 126, 0, "EF.MODEL", "ef-model", NODEF),          /* F */
    EF(1, TR, 0x6F82, 58, 1, 5, 0, 0, 0, 0, "EF.RC", "ef-rc", NODEF),
    EF(1, TR, 0x6F83, 59, 1, 5, 0, 0, 0, 0, "EF.SMSCAP", "ef-smscap", NODEF),
    EF(1, TR, 0x6F84, 60, 1, 5, 0, 0, 0, 0, "EF.MIPFLAGS", "ef-mipflags", NODEF),
    EF(1, TR, 0x6F85, 61, 1, 5, 0, 0, 0, 0, "EF.3GPDUPPEXT", "ef-3gpduppext", NODEF),
    EF(1, TR, 0x6F87, 62, 1, 5, 0, 0, 0, 0, "EF.IPV6CAP", "ef-ipv6cap", NODEF),
    EF(1, TR, 0x6F88, 63, 1, 5, 0, 0, 0, 0, "EF.TCPCONFIG", "ef-tcpconfig", NODEF),
    EF(1, TR, 0x6F89, 64, 1, 5, 0, 0, 0, 0, "EF.DGC", "ef-dgc", NODEF),
    EF(1, TR, 0x6F8A, 65, 1, 5, 0, 0, 0, 0, "EF.WAPBROWSERCP", "ef-wapbrowsercp", NODEF),
    EF(1, TR, 0x6F8B, 66, 1, 5, 0, 0, 0, 0, "EF.WAPBROWSERBM", "ef-wapbrowserbm", NODEF),
    EF(1, TR, 0x6F8C, 67, 1, 5, 0, 0, 0, 0, "EF.MMSCONFIG", "ef-mmsconfig", NODEF),
    EF(1, TR, 0x6F8D, 68, 1, 5, 0, 0, 0, 0, "EF.JDL", "ef-jdl", NODEF),
};

/* ---- 2.12 DF.EAP (9.8): FID from the PE; TS 102 310 puts DF.EAP inside an ADF --------- */

static const struct template_file t_eap[] = {
    DIR(0, FS_DF, 0, 2, "DF.EAP", "df-eap"),
    EF(1, TR, 0x4F01, 3, 1, 2, 0, 0, 0, CR | HU, "EF.EAPKEYS", "ef-eapkeys", NODEF),
    EF(1, TR, 0x4F02, 4, 1, 2, 0, 0, 1, HU, "EF.EAPSTATUS", "ef-eapstatus", EXACT(0)),
    EF(1, TR, 0x4F03, 5, 1, 2, 0, 0, 0, CR, "EF.PUId", "ef-puid", NODEF),
    EF(1, TR, 0x4F04, 6, 1, 5, 0, 0, 0, HU, "EF.Ps", "ef-ps", FILL(FF)),
    EF(1, TR, 0x4F20, 7, 1, 5, 0, 0, 0, HU, "EF.CurID", "ef-curid", FILL(FF)),
    EF(1, TR, 0x4F21, 8, 1, 5, 0, 0, 0, CR, "EF.ReID", "ef-reid", NODEF),
    EF(1, TR, 0x4F22, 9, 1, 5, 0, 0, 0, CR, "EF.Realm", "ef-realm", NODEF),
};

/* ---- 2.13 .. 2.13.4 DF.5GS in ADF.USIM (9.5.11) -------------------------------------- */

#define LOCI5G_DEFAULT EXACT(FF16, 0x00, 0x00, 0x00, 0x01)

/* n, len: record count / length of the two NSC files; ri: routing indicator default */
#define DF5GS_V1(d, dt, n, len, ...)                                                      \
    DIR(d, FS_DF, 0x5FC0, 2 + (dt), "DF.5GS", "df-df-5gs"),                               \
    EF((d) + 1, TR, 0x4F01, 3 + (dt), 1, 5, 0x01, 0, 20, HU, "EF.5GS3GPPLOCI", "ef-5gs3gpploci", \
       LOCI5G_DEFAULT),                                                                   \
    EF((d) + 1, TR, 0x4F02, 4 + (dt), 1, 5, 0x02, 0, 20, HU, "EF.5GSN3GPPLOCI", "ef-5gsn3gpploci", \
       LOCI5G_DEFAULT),                                                                   \
    EF((d) + 1, LF, 0x4F03, 5 + (dt), 1, 5, 0x03, n, len, HU, "EF.5GS3GPPNSC", "ef-5gs3gppnsc", \
       FILL(FF)),                                                                         \
    EF((d) + 1, LF, 0x4F04, 6 + (dt), 1, 5, 0x04, n, len, HU, "EF.5GSN3GPPNSC", "ef-5gsn3gppnsc", \
       FILL(FF)),                                                                         \
    EF((d) + 1, TR, 0x4F05, 7 + (dt), 1, 5, 0x05, 0, 110, CR | HU,                        \
       "EF.5GAUTHKEYS", "ef-5gauthkeys",                                                  \
       NODEF),                                                                            \
    EF((d) + 1, TR, 0x4F06, 8 + (dt), 1, 2, 0x06, 0, 4, CR, "EF.UAC_AIC", "ef-uac-aic",   \
       NODEF),                                                                            \
    EF((d) + 1, TR, 0x4F07, 9 + (dt), 1, 2, 0x07, 0, 0, 0,                                \
       "EF.SUCI_Calc_Info", "ef-suci-calc-info",                                          \
       FILL(FF)),                                                                         \
    EF((d) + 1, LF, 0x4F08, 10 + (dt), 1, 10, 0x08, 0, 10, 0, "EF.OPL5G", "ef-opl5g",     \
       FILL(FF)),                                                                         \
    EF((d) + 1, TR, 0x4F09, 11 + (dt), 1, 2, 0x09, 0, 0, CR, "EF.SUPI_NAI", "ef-supinai", \
       NODEF),                                                                            \
    EF((d) + 1, TR, 0x4F0A, 12 + (dt), 1, 2, 0x0A, 0, 4, 0, "EF.Routing_Indicator",       \
       "ef-routing-indicator", EXACT(__VA_ARGS__))

#define DF5GS_V2_MORE(d, dt)                                                              \
    EF((d) + 1, BT, 0x4F0B, 13 + (dt), 1, 2, 0, 0, 0, 0, "EF.URSP", "ef-ursp", NODEF),    \
    EF((d) + 1, TR, 0x4F0C, 14 + (dt), 1, 2, 0x0C, 0, 1, 0, "EF.TN3GPPSNN", "ef-tn3gppsnn", \
       EXACT(0))

static const struct template_file t_5gs[] = { DF5GS_V1(0, 0, 1, 57, 0xF0, FF, FF, FF) };
static const struct template_file t_5gs_v2[] = {
    DF5GS_V1(0, 0, 1, 57, 0xF0, FF, FF, FF), DF5GS_V2_MORE(0, 0),
};
static const struct template_file t_5gs_v3[] = {
    DF5GS_V1(0, 0, 2, 62, 0xF0, FF, FF, FF), DF5GS_V2_MORE(0, 0),
};
static const struct template_file t_5gs_v4[] = {
    DF5GS_V1(0, 0, 2, 62, 0xF0, FF, 0x00, 0x00), DF5GS_V2_MORE(0, 0),
    EF(1, TR, 0x4F0D, 15, 1, 2, 0x0D, 0, 2, CR, "EF.CAG", "ef-cag", NODEF),
    EF(1, TR, 0x4F0E, 16, 1, 2, 0x0E, 0, 0, CR, "EF.SOR_CMCI", "ef-sor-cmci", NODEF),
    EF(1, TR, 0x4F0F, 17, 1, 2, 0x0F, 0, 7, CR, "EF.DRI", "ef-dri", NODEF),
    EF(1, TR, 0x4F10, 18, 1, 2, 0x10, 0, 2, CR, "EF.5GSEDRX", "ef-5gsedrx", NODEF),
    EF(1, TR, 0x4F11, 19, 1, 2, 0x11, 0, 1, CR, "EF.5GNSWO_CONF", "ef-5gnswo-conf",       \
       NODEF),
    EF(1, TR, 0x4F15, 20, 1, 2, 0x15, 0, 1, CR, "EF.MCHPPLMN", "ef-mchpplmn", NODEF),
    EF(1, TR, 0x4F16, 21, 1, 2, 0x16, 0, 1, CR, "EF.KAUSF_DERIVATION", "ef-kausf-derivation",
       NODEF),
};

/* ---- 2.14 DF.SAIP, 2.15 DF.SNPN, 2.16 DF.5G_ProSe in ADF.USIM (9.5.12 .. 9.5.14) ------ */

#define DF_SAIP(d, dt)                                                                    \
    DIR(d, FS_DF, 0x5FD0, 2 + (dt), "DF.SAIP", "df-df-saip"),                             \
    EF((d) + 1, TR, 0x4F01, 3 + (dt), 1, 3, 0, 0, 0, 0, "EF.SUCI_Calc_Info_USIM",         \
       "ef-suci-calc-info-usim", FILL(FF))

static const struct template_file t_saip[] = { DF_SAIP(0, 0) };

static const struct template_file t_snpn[] = {
    DIR(0, FS_DF, 0x5FE0, 2, "DF.SNPN", "df-df-snpn"),
    EF(1, TR, 0x4F01, 3, 1, 10, 0, 0, 1, CR, "EF.PWS_SNPN", "ef-pws-snpn", NODEF),
};

static const struct template_file t_5gprose[] = {
    DIR(0, FS_DF, 0x5FF0, 2, "DF.5G_ProSe", "df-df-5g-prose"),
    EF(1, TR, 0x4F01, 3, 1, 2, 0x01, 0, 1, CR, "EF.5G_PROSE_ST", "ef-5g-prose-st",        \
       NODEF),
    EF(1, TR, 0x4F02, 4, 1, 2, 0x02, 0, 26, CR, "EF.5G_PROSE_DD", "ef-5g-prose-dd",       \
       NODEF),
    EF(1, TR, 0x4F03, 5, 1, 2, 0x03, 0, 12, CR, "EF.5G_PROSE_DC", "ef-5g-prose-dc",       \
       NODEF),
    EF(1, TR, 0x4F04, 6, 1, 2, 0x04, 0, 32, CR, "EF.5G_PROSE_U2NRU", "ef-5g-prose-u2nru",
       NODEF),
    EF(1, TR, 0x4F05, 7, 1, 2, 0x05, 0, 29, CR, "EF.5G_PROSE_RU", "ef-5g-prose-ru",       \
       NODEF),
    EF(1, TR, 0x4F06, 8, 1, 2, 0x06, 0, 32, CR, "EF.5G_PROSE_UIR", "ef-5g-prose-uir",     \
       NODEF),
};

/* ---- the registry ------------------------------------------------------------------- */

/* DER content octets of 2.23.143.1.2.x and 2.23.143.1.2.x.y */
#define OID2(x) .oid = BYTES(0x67, 0x81, 0x0F, 0x01, 0x02, (x)), .oid_len = 6
#define OID3(x, y) .oid = BYTES(0x67, 0x81, 0x0F, 0x01, 0x02, (x), (y)), .oid_len = 7
/* ---- 2.17 IoT, 2.18 IoT optional (SAIP 3.3.1 PE-IoT / PE-OPT-IoT) ------------------
 * PE-IoT names the MF files (same fields as PE-MF), ADF.USIM with its mandatory files
 * (PE-USIM's fields + 6) and the USIM files from ef-start-hfn to ef-netpar (PE-USIM's
 * field numbers); PE-OPT-IoT the rest of PE-USIM's files (fdn .. est, epsloci, epsnsc),
 * three optional USIM files, DF.5GS (v4 facts) and DF.SAIP. No public copy of the TCA
 * Annex A table for these two templates was found: the file facts are those of the MF /
 * USIM (v2: 17-octet EF.UST) / USIM optional / DF.5GS / DF.SAIP templates that name the
 * same files, shared through the row macros above. ADF.USIM needs its fileDescriptor
 * (temporary FID and dfName) in the PE, as in PE-USIM. */
static const struct template_file t_iot[] = {
    MF_FILES, USIM_HEAD(1, 6, 17), USIM_TAIL(1, 0),
};

static const struct template_file t_iot_opt[] = {
    USIM_MID(0, -7), EF_OPLMNWACT(1, 8), EF_HPLMNWACT(1, 9), EF_EHPLMN(1, 10),
    USIM_EPS(0, -13), DF5GS_V1(1, 11, 2, 62, 0xF0, FF, 0x00, 0x00), DF5GS_V2_MORE(1, 11),
    DF_SAIP(1, 24),
};

#define FILES(a) .files = (a), .n_files = sizeof(a) / sizeof((a)[0])

static const struct template templates[] = {
    { OID2(1), .oid_str = "2.23.143.1.2.1", .name = "MF", .pe_tag = 0xB0,
      .anchor = TPL_AT_ROOT, .created_by_default = true, .saip_min_version = "1.0.1",
      FILES(t_mf) },
    { OID2(2), .oid_str = "2.23.143.1.2.2", .name = "DF.CD", .pe_tag = 0xB1,
      .anchor = TPL_AT_MF, .saip_min_version = "1.0.1", FILES(t_cd) },
    { OID2(3), .oid_str = "2.23.143.1.2.3", .name = "DF.TELECOM", .pe_tag = 0xB2,
      .anchor = TPL_AT_MF, .saip_min_version = "1.0.1", FILES(t_telecom) },
    { OID3(3, 2), .oid_str = "2.23.143.1.2.3.2", .name = "DF.TELECOM v2", .pe_tag = 0xB2,
      .anchor = TPL_AT_MF, .saip_min_version = "3.1", FILES(t_telecom_v2) },
    { OID2(4), .oid_str = "2.23.143.1.2.4", .name = "ADF.USIM", .pe_tag = 0xB3,
      .anchor = TPL_AT_MF, .created_by_default = true, .saip_min_version = "1.0.1",
      FILES(t_usim) },
    { OID3(4, 2), .oid_str = "2.23.143.1.2.4.2", .name = "ADF.USIM v2", .pe_tag = 0xB3,
      .anchor = TPL_AT_MF, .created_by_default = true, .saip_min_version = "3.1",
      FILES(t_usim_v2) },
    { OID2(5), .oid_str = "2.23.143.1.2.5", .name = "ADF.USIM optional", .pe_tag = 0xB4,
      .anchor = TPL_AT_ADF_USIM, .optional_tpl = true, .saip_min_version = "1.0.1",
      FILES(t_usim_opt) },
    { OID3(5, 2), .oid_str = "2.23.143.1.2.5.2", .name = "ADF.USIM optional v2",
      .pe_tag = 0xB4, .anchor = TPL_AT_ADF_USIM, .optional_tpl = true,
      .saip_min_version = "3.1", FILES(t_usim_opt_v2) },
    { OID3(5, 3), .oid_str = "2.23.143.1.2.5.3", .name = "ADF.USIM optional v3",
      .pe_tag = 0xB4, .anchor = TPL_AT_ADF_USIM, .optional_tpl = true,
      .saip_min_version = "3.3.1", FILES(t_usim_opt_v3) },
    { OID2(6), .oid_str = "2.23.143.1.2.6", .name = "DF.PHONEBOOK (ADF.USIM)",
      .pe_tag = 0xB7, .anchor = TPL_AT_ADF_USIM, .saip_min_version = "1.0.1",
      FILES(t_phonebook) },
    { OID2(7), .oid_str = "2.23.143.1.2.7", .name = "DF.GSM-ACCESS (ADF.USIM)",
      .pe_tag = 0xB8, .anchor = TPL_AT_ADF_USIM, .saip_min_version = "1.0.1",
      FILES(t_gsm_access) },
    { OID2(8), .oid_str = "2.23.143.1.2.8", .name = "ADF.ISIM", .pe_tag = 0xB5,
      .anchor = TPL_AT_MF, .created_by_default = true, .saip_min_version = "1.0.1",
      FILES(t_isim) },
    { OID2(9), .oid_str = "2.23.143.1.2.9", .name = "ADF.ISIM optional", .pe_tag = 0xB6,
      .anchor = TPL_AT_ADF_ISIM, .optional_tpl = true, .saip_min_version = "1.0.1",
      FILES(t_isim_opt) },
    { OID3(9, 2), .oid_str = "2.23.143.1.2.9.2", .name = "ADF.ISIM optional v2",
      .pe_tag = 0xB6, .anchor = TPL_AT_ADF_ISIM, .optional_tpl = true,
      .saip_min_version = "3.1", FILES(t_isim_opt_v2) },
    { OID2(10), .oid_str = "2.23.143.1.2.10", .name = "ADF.CSIM", .pe_tag = 0xB9,
      .anchor = TPL_AT_MF, .created_by_default = true, .saip_min_version = "1.0.1",
      FILES(t_csim) },
    { OID3(10, 2), .oid_str = "2.23.143.1.2.10.2", .name = "ADF.CSIM v2", .pe_tag = 0xB9,
      .anchor = TPL_AT_MF, .created_by_default = true, .saip_min_version = "3.1",
      FILES(t_csim) },
    { OID2(11), .oid_str = "2.23.143.1.2.11", .name = "ADF.CSIM optional", .pe_tag = 0xBA,
      .anchor = TPL_AT_ADF_CSIM, .optional_tpl = true, .saip_min_version = "1.0.1",
      FILES(t_csim_opt) },
    { OID3(11, 2), .oid_str = "2.23.143.1.2.11.2", .name = "ADF.CSIM optional v2",
      .pe_tag = 0xBA, .anchor = TPL_AT_ADF_CSIM, .optional_tpl = true,
      .saip_min_version = "3.1", FILES(t_csim_opt) },
    { OID2(12), .oid_str = "2.23.143.1.2.12", .name = "DF.EAP", .pe_tag = 0xBB,
      .anchor = TPL_AT_ADF_USIM, .saip_min_version = "2.2", FILES(t_eap) },
    { OID2(13), .oid_str = "2.23.143.1.2.13", .name = "DF.5GS", .pe_tag = 0xBC,
      .anchor = TPL_AT_ADF_USIM, .saip_min_version = "2.3", FILES(t_5gs) },
    { OID3(13, 2), .oid_str = "2.23.143.1.2.13.2", .name = "DF.5GS v2", .pe_tag = 0xBC,
      .anchor = TPL_AT_ADF_USIM, .saip_min_version = "3.1", FILES(t_5gs_v2) },
    { OID3(13, 3), .oid_str = "2.23.143.1.2.13.3", .name = "DF.5GS v3", .pe_tag = 0xBC,
      .anchor = TPL_AT_ADF_USIM, .saip_min_version = "3.1", FILES(t_5gs_v3) },
    { OID3(13, 4), .oid_str = "2.23.143.1.2.13.4", .name = "DF.5GS v4", .pe_tag = 0xBC,
      .anchor = TPL_AT_ADF_USIM, .saip_min_version = "3.3.1", FILES(t_5gs_v4) },
    { OID2(14), .oid_str = "2.23.143.1.2.14", .name = "DF.SAIP", .pe_tag = 0xBD,
      .anchor = TPL_AT_ADF_USIM, .saip_min_version = "2.3", FILES(t_saip) },
    { OID2(15), .oid_str = "2.23.143.1.2.15", .name = "DF.SNPN", .pe_tag = 0xBE,
      .anchor = TPL_AT_ADF_USIM, .saip_min_version = "3.3.1", FILES(t_snpn) },
    { OID2(16), .oid_str = "2.23.143.1.2.16", .name = "DF.5G_ProSe", .pe_tag = 0xBF1F,
      .anchor = TPL_AT_ADF_USIM, .saip_min_version = "3.3.1", FILES(t_5gprose) },
    { OID2(17), .oid_str = "2.23.143.1.2.17", .name = "IoT", .pe_tag = 0xBF20,
      .anchor = TPL_AT_ROOT, .created_by_default = true, .saip_min_version = "3.3.1",
      FILES(t_iot) },
    { OID2(18), .oid_str = "2.23.143.1.2.18", .name = "IoT optional", .pe_tag = 0xBF21,
      .anchor = TPL_AT_ADF_USIM, .optional_tpl = true, .saip_min_version = "3.3.1",
      FILES(t_iot_opt) },
};

#define N_TEMPLATES (sizeof(templates) / sizeof(templates[0]))

/* ---- lookups ------------------------------------------------------------------------ */

size_t template_count(void)
{
    return N_TEMPLATES;
}

const struct template *template_at(size_t i)
{
    return i < N_TEMPLATES ? &templates[i] : NULL;
}

const struct template *template_find(const uint8_t *oid, size_t len)
{
    if (oid == NULL || len == 0)
        return NULL;
    for (size_t i = 0; i < N_TEMPLATES; i++)
        if (templates[i].oid_len == len && memcmp(templates[i].oid, oid, len) == 0)
            return &templates[i];
    return NULL;
}

static bool type_is_dir(uint8_t type)
{
    return type == FS_MF || type == FS_DF || type == FS_ADF;
}

int template_parent(const struct template *t, size_t i)
{
    if (t == NULL || i >= t->n_files)
        return -1;
    uint8_t d = t->files[i].depth;
    if (d == 0 || (t->optional_tpl && d == 1))
        return -1;
    for (size_t j = i; j-- > 0;) {
        if (t->files[j].depth == d - 1 && type_is_dir(t->files[j].type))
            return (int)j;
        if (t->files[j].depth < d - 1)
            break;
    }
    return -1;
}

const struct template_file *template_file_by_tag(const struct template *t, uint8_t pe_tag)
{
    if (t == NULL)
        return NULL;
    for (size_t i = 0; i < t->n_files; i++)
        if (t->files[i].pe_tag == pe_tag)
            return &t->files[i];
    return NULL;
}

const struct template_file *template_file_by_fid(const struct template *t, uint16_t fid)
{
    if (t == NULL)
        return NULL;
    for (size_t i = 0; i < t->n_files; i++) {
        const struct template_file *f = &t->files[i];
        if (f->fid != 0 && fid >= f->fid && (uint32_t)fid < (uint32_t)f->fid + f->repeat)
            return f;
    }
    return NULL;
}

int template_default_content(const struct template_file *f, uint32_t len, uint8_t *out,
                             size_t cap)
{
    if (f == NULL || (len > 0 && out == NULL))
        return -1;
    if (len == 0 || (f->default_len == 0 && !f->has_fill))
        return 0;
    if (cap < len || len > INT32_MAX)
        return -1;
    if (f->has_fill) {
        if ((uint32_t)f->default_len + f->tail_len > len)
            return -1;
        if (f->default_len > 0)
            memcpy(out, f->default_content, f->default_len);
        memset(out + f->default_len, f->fill, len - f->default_len - f->tail_len);
        if (f->tail_len > 0)
            memcpy(out + len - f->tail_len, f->default_tail, f->tail_len);
        return (int)len;
    }
    if (f->repeat_default) {
        for (uint32_t i = 0; i < len; i++)
            out[i] = f->default_content[i % f->default_len];
        return (int)len;
    }
    if (f->default_len > len)
        return -1;
    memcpy(out, f->default_content, f->default_len);
    memset(out + f->default_len, 0xFF, len - f->default_len);
    return (int)len;
}
