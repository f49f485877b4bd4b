/*
 * scenario_int.h - engine-internal pieces of the scenario module: the
 * scenario file loader (scenario.c) and the pipeline driver (run.c).
 */
#ifndef SENDA_SCENARIO_INT_H
#define SENDA_SCENARIO_INT_H

#include "core/core_int.h"

/** 1 when stage is one of the comma-separated stages. */
int senda__stage_on(const char *stages, const char *stage);

#endif
