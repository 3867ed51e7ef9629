// CShimsTesting: the C entry points only the tests call (a Philox block, and the normals from
// one named kernel), kept out of CShims so the library cannot reach them. A module of its own in
// CShims' module map; the definitions are in normals.c.
#ifndef RISKKERNELS_CSHIMS_TESTING_H
#define RISKKERNELS_CSHIMS_TESTING_H

#include "CShims.h"

// MARK: - Random123
// philox4x32(c, k) is a function-like macro Swift cannot import; this is a real function.

/// Philox4x32-10 of counter (c0..c3) under key (k0, k1); writes four 32-bit words to `out`.
static inline void cshim_philox4x32_10(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3,
                                       uint32_t k0, uint32_t k1, uint32_t out[4]) {
  philox4x32_ctr_t ctr = {{c0, c1, c2, c3}};
  philox4x32_key_t key = {{k0, k1}};
  philox4x32_ctr_t r = philox4x32_R(10, ctr, key);
  out[0] = r.v[0];
  out[1] = r.v[1];
  out[2] = r.v[2];
  out[3] = r.v[3];
}

/// The same normals from one named kernel (0 scalar, the reference; 1 AVX2; 2 AVX-512), for the
/// tests that check every kernel the CPU has against the scalar one. Returns 0, writing nothing, when this CPU
/// lacks the kernel.
int cshim_philox_normals_kernel_f64(int kernel, uint64_t seed, uint64_t path, uint64_t first,
                                    size_t count, double *out);
/// cshim_philox_path_normals_f64 with one named kernel, as above.
int cshim_philox_path_normals_kernel_f64(int kernel, uint64_t seed, const uint64_t *paths,
                                         size_t path_count, uint64_t first, size_t count,
                                         double *out, size_t stride);

#endif
