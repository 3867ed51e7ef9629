// The log-price pass of the GBM engine: add the drift to the correlated increments, carry each
// path's log-prices forward, and keep their running minimum and maximum. Plain loops the
// compiler vectorises across assets; an AVX2 copy is chosen at run time.
#include "CShims.h"
#include "cshims_internal.h"

#define CSHIM_GBM_ADVANCE(NAME, T, ATTR)                                                      \
  /* One step of one path: its own function so its pointers are restrict parameters, which the\
     vectoriser honours (block-scope restrict left this loop scalar, and the scalar stores then\
     stalled the vector loads of the extremes). */                                            \
  ATTR static inline void NAME##_step(size_t d, const T *restrict from, const T *restrict drift,\
                                      T *restrict column) {                                   \
    for (size_t i = 0; i < d; i++) column[i] = from[i] + drift[i] + column[i];                \
  }                                                                                           \
  ATTR static void NAME(size_t d, size_t paths, size_t chunk, const T *restrict drift,        \
                        const T *restrict start, T *restrict z, T *restrict current, int store,\
                        T *restrict low, T *restrict high, int extremes) {                    \
    for (size_t p = 0; p < paths; p++) {                                                      \
      /* Step s starts from column s − 1, which holds x after step s − 1. */                  \
      const T *x = start ? start : current + p * d;                                           \
      for (size_t s = 0; s < chunk; s++) {                                                    \
        T *column = z + (p * chunk + s) * d;                                                  \
        NAME##_step(d, x, drift, column);                                                     \
        if (extremes & 1) { /* low may be null otherwise */                                   \
          T *restrict lo = low + p * d;                                                       \
          for (size_t i = 0; i < d; i++) lo[i] = column[i] < lo[i] ? column[i] : lo[i];       \
        }                                                                                     \
        if (extremes & 2) { /* high may be null otherwise */                                  \
          T *restrict hi = high + p * d;                                                      \
          for (size_t i = 0; i < d; i++) hi[i] = column[i] > hi[i] ? column[i] : hi[i];       \
        }                                                                                     \
        x = column;                                                                           \
      }                                                                                       \
      if (store) {                                                                            \
        for (size_t i = 0; i < d; i++) current[p * d + i] = x[i];                             \
      }                                                                                       \
    }                                                                                         \
  }

CSHIM_GBM_ADVANCE(advance_f64_avx2, double, __attribute__((target("avx2,fma"))))
CSHIM_GBM_ADVANCE(advance_f64_sse2, double, )
CSHIM_GBM_ADVANCE(advance_f32_avx2, float, __attribute__((target("avx2,fma"))))
CSHIM_GBM_ADVANCE(advance_f32_sse2, float, )

void cshim_gbm_advance_f64(size_t d, size_t paths, size_t chunk, const double *drift,
                           const double *start, double *z, double *current, int store,
                           double *low, double *high, int extremes) {
  if (cshim_has_avx2) {
    advance_f64_avx2(d, paths, chunk, drift, start, z, current, store, low, high, extremes);
  } else {
    advance_f64_sse2(d, paths, chunk, drift, start, z, current, store, low, high, extremes);
  }
}

void cshim_gbm_advance_f32(size_t d, size_t paths, size_t chunk, const float *drift,
                           const float *start, float *z, float *current, int store, float *low,
                           float *high, int extremes) {
  if (cshim_has_avx2) {
    advance_f32_avx2(d, paths, chunk, drift, start, z, current, store, low, high, extremes);
  } else {
    advance_f32_sse2(d, paths, chunk, drift, start, z, current, store, low, high, extremes);
  }
}
