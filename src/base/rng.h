/* rng.h - xoshiro256** pseudo-random numbers, reproducible from a seed.
 * Not for secrets: tokens and passwords use libsodium. */
#ifndef EB_RNG_H
#define EB_RNG_H

#include <stdint.h>

struct rng {
	uint64_t s[4];
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, 1). */
double rng_uniform(struct rng *r);
/* Uniform integer in [0, n); n > 0. */
uint64_t rng_below(struct rng *r, uint64_t n);
/* Standard normal (Box-Muller, no cached pair so streams stay reproducible). */
double rng_normal(struct rng *r);
/* True with probability p. */
int rng_bernoulli(struct rng *r, double p);

#endif
