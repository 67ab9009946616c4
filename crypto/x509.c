/* crypto/x509.c — being written */
typedef int placeholder_crypto_x509_c_t;
