/* isd-r/isdr.c — being written */
typedef int placeholder_isd_r_isdr_c_t;
