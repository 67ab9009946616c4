/* ecasd/ecasd.c — being written */
typedef int placeholder_ecasd_ecasd_c_t;
