/* isd-r/eim_config.c — being written (see eim_config.h). */
#include "isd-r/eim_config.h"
typedef int eim_config_placeholder_t;
