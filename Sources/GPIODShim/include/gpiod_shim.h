#ifndef GPIOD_SHIM_H
#define GPIOD_SHIM_H
int pump_gpiod_shim_version(void);
#endif
