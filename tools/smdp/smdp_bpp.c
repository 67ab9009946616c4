/* tools/smdp/smdp_bpp.c — being written */
typedef int placeholder_t;
