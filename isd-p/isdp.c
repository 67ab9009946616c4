/* isd-p/isdp.c — placeholder translation unit: the ISD-P (ES8+) is built by the
 * profile download issue. Kept so the library layout is in place. */
typedef int isdp_placeholder_t;
