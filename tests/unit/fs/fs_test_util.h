/* tests/unit/fs/fs_test_util.h — a sample UICC tree and field-by-field comparison. */
#ifndef FS_TEST_UTIL_H
#define FS_TEST_UTIL_H

#include <stdint.h>

#include "card/fs.h"

/* indices of the sample tree */
enum {
    T_MF, T_ICCID, T_DIR, T_TELECOM, T_ADN, T_USIM, T_IMSI, T_CYC, T_BER, T_ISIM,
    T_LINK, T_LINK2, T_COUNT
};

extern const uint8_t t_aid_usim[16];
extern const uint8_t t_aid_isim[16];

/* Build the sample tree (asserts every add lands at its T_ index). */
void t_build(struct fs *fs);

/* A file template with FS_NONE parent/link and the given type/FID/parent. */
struct fs_file t_file(enum fs_type type, uint16_t fid, int parent);

/* Assert (cmocka) that a and b hold equal trees: every field and every content. */
void t_assert_fs_equal(const struct fs *a, const struct fs *b);

#endif
