/* crypto/ct.c — being written */
typedef int placeholder_crypto_ct_c_t;
