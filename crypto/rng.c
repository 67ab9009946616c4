/* crypto/rng.c — being written */
typedef int placeholder_crypto_rng_c_t;
