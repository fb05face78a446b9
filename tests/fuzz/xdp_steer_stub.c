/* SPDX-License-Identifier: MIT */
/* No XDP steering program in the fuzz targets (they open no AF_XDP port);
 * stands in for the main build's generated router/xdp_steer_obj.c. */
#include <stddef.h>

extern const unsigned char rt_xdp_steer_obj[];
extern const size_t rt_xdp_steer_obj_size;
const unsigned char rt_xdp_steer_obj[1];
const size_t rt_xdp_steer_obj_size = 0;
