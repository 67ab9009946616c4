/* tools/lpa/lpa.c — being written */
typedef int placeholder_t;
