/* card/store_ids.h — who owns which persistent object ids. One range per owner. */
#ifndef EUICC_STORE_IDS_H
#define EUICC_STORE_IDS_H

/* card runtime: format version, card mode, applet registry life cycles */
#define SID_CARD_FORMAT        0x00010001u /* uint32 big-endian state format version */
#define SID_CARD_MODE          0x00010002u /* 1 byte: enum card_mode */
#define SID_CARD_FIRST         0x00010000u
#define SID_CARD_LAST          0x0001FFFFu

/* ecasd: keys, certificates, CI trust list */
#define SID_ECASD_FIRST        0x00020000u
#define SID_ECASD_LAST         0x0002FFFFu

/* isd-r: configured addresses, counters, RSP config */
#define SID_ISDR_FIRST         0x00030000u
#define SID_ISDR_LAST          0x0003FFFFu

/* isd-r: profile table (one record per profile slot) */
#define SID_PROFILE_FIRST      0x00040000u
#define SID_PROFILE_LAST       0x0004FFFFu

/* isd-r: pending notifications (one record per notification, by sequence number) */
#define SID_NOTIF_FIRST        0x00050000u
#define SID_NOTIF_LAST         0x0005FFFFu

/* isd-r: SGP.32 eIM configuration and eUICC package results */
#define SID_EIM_FIRST          0x00060000u
#define SID_EIM_LAST           0x0006FFFFu

/* isd-p / ppi: per-profile content, 64 Ki ids per profile slot n (n = 1..255):
 * SID_PROFILE_DATA(n) .. SID_PROFILE_DATA(n) + 0xFFFF */
#define SID_PROFILE_DATA(n)    (0x01000000u + ((uint32_t)(n) << 16))

#endif
