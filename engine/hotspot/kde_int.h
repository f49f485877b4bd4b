/*
 * kde_int.h - kde.c's internals that its tests reach.
 */
#ifndef SENDA_HOTSPOT_KDE_INT_H
#define SENDA_HOTSPOT_KDE_INT_H

/** The widest instructions kde.c's row runs may use: 0 one row at a time,
 *  1 SSE2 (2 rows), 2 AVX (4 rows; the default, taken only where the CPU has
 *  it). Every level gives the same bits; tests set it to show that. */
extern int senda__kde_simd;

#endif
