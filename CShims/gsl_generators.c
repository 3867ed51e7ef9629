// GSL's Mersenne Twister behind the normal-stream interface: seeded through its whole state from
// a 64-bit seed, normals by GSL's ziggurat.
#include "CShims.h"

// gsl/rng/mt.c's state layout (GSL 2.x): the 624 words and the position.
typedef struct {
  unsigned long mt[624];
  int mti;
} cshim_mt_state;

gsl_rng *cshim_gsl_mt19937_alloc(void) {
  gsl_rng_env_setup();
  return gsl_rng_alloc(gsl_rng_mt19937);
}

static uint64_t splitmix64(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

void cshim_gsl_mt19937_seed(gsl_rng *rng, uint64_t seed64) {
  if (rng->type != gsl_rng_mt19937 || rng->type->size != sizeof(cshim_mt_state)) {
    gsl_rng_set(rng, (unsigned long)seed64);  // an unknown layout: GSL's own seeding
    return;
  }
  cshim_mt_state *state = (cshim_mt_state *)gsl_rng_state(rng);
  uint64_t sm = seed64;
  unsigned long any = 0;
  for (int i = 0; i < 624; i++) {
    state->mt[i] = (unsigned long)(splitmix64(&sm) & 0xffffffffUL);
    any |= state->mt[i];
  }
  if (any == 0) state->mt[0] = 0x80000000UL;  // the one forbidden state
  state->mti = 624;                            // regenerate on the first draw
}

void cshim_gsl_normals_f64(gsl_rng *rng, size_t count, double *out) {
  for (size_t j = 0; j < count; j++) out[j] = gsl_ran_gaussian_ziggurat(rng, 1.0);
}

void cshim_gsl_normals_f32(gsl_rng *rng, size_t count, float *out) {
  for (size_t j = 0; j < count; j++) out[j] = (float)gsl_ran_gaussian_ziggurat(rng, 1.0);
}
