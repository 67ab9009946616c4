/* crypto/ct.c — constant-time helpers for secrets. */
#include "crypto/ct.h"

#include <openssl/crypto.h>

bool ct_memeq(const void *a, const void *b, size_t n)
{
    const volatile uint8_t *x = a;
    const volatile uint8_t *y = b;
    uint8_t acc = 0;

    for (size_t i = 0; i < n; i++)
        acc |= (uint8_t)(x[i] ^ y[i]);
    return acc == 0;
}

void ct_wipe(void *p, size_t n)
{
    if (p != NULL && n > 0)
        OPENSSL_cleanse(p, n);
}

#ifdef EUICC_CT_CHECK
#include <valgrind/memcheck.h>
#endif

void ct_public(const void *p, size_t n)
{
#ifdef EUICC_CT_CHECK
    (void)VALGRIND_MAKE_MEM_DEFINED(p, n);
#else
    (void)p;
    (void)n;
#endif
}
