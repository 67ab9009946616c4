/* vicc/vpcd.c — being written */
typedef int placeholder_vicc_vpcd_c_t;
