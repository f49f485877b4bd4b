#include "senda.h"
int senda_api_check_c(void);
int senda_api_check_c(void) { return SENDA_OK; }
