/* ppi/ppi.c — being written. */
#include "ppi/ppi.h"
typedef int ppi_placeholder_t;
