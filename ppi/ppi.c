/* ppi/ppi.c — placeholder translation unit: the profile package interpreter is built
 * by its own issue. Kept so the library layout is in place. */
typedef int ppi_placeholder_t;
