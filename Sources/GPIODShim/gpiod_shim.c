#include "gpiod_shim.h"
#include <gpiod.h>
int pump_gpiod_shim_version(void) { return 1; }
