/* tools/smdp/smdp_auth.c — being written */
typedef int placeholder_t;
