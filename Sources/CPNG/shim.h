#ifndef LOOKOUT_CPNG_SHIM_H
#define LOOKOUT_CPNG_SHIM_H
#include <png.h>
#endif
