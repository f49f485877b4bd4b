/*
 * rng.c - seeded random streams: SplitMix64 (Steele, Lea & Flood 2014,
 * "Fast splittable pseudorandom number generators", OOPSLA) with every
 * stream's starting state passed through the SplitMix64 finaliser.
 *
 * A SplitMix64 state advances by the odd constant gamma, so a state seeded
 * as seed * gamma + c makes seed s + 1 the stream of seed s shifted by one
 * draw (senda synth --seed 1 and --seed 2 once shared 1,955 of 2,000 rows).
 * Here the state is mix(mix(seed) + stream * gamma2): the finaliser is a
 * bijection with full avalanche, so neighbouring seeds, and the streams of
 * one seed kept apart by purpose (locations, attributes, permutations of a
 * cell), start at unrelated points of the 2^64 cycle; two streams of n draws
 * overlap with probability about 2 n / 2^64. O(1) time and memory per draw.
 */
#include "core_int.h"

#define GAMMA 0x9e3779b97f4a7c15ull
#define GAMMA2 0xd1b54a32d192ed03ull /* a second odd constant (Steele's R2 sequence) */

uint64_t senda__mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t senda__rng_seed(uint64_t seed, uint64_t stream)
{
    return senda__mix64(senda__mix64(seed + GAMMA) + (stream + 1) * GAMMA2);
}

uint64_t senda__rng_next(uint64_t *state)
{
    return senda__mix64(*state += GAMMA);
}

double senda__rng_uniform(uint64_t *state)
{
    return (double)(senda__rng_next(state) >> 11) * 0x1.0p-53;
}
