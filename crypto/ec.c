/* crypto/ec.c — being written */
typedef int placeholder_crypto_ec_c_t;
