#include "senda.h"
int senda_api_check_cxx();
int senda_api_check_cxx() { senda_ctx *c = nullptr; senda_ctx_destroy(c); return SENDA_OK; }
