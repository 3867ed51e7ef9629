// CShims: the one C module of RiskKernels. Umbrella header over OpenBLAS's CBLAS, LAPACKE, GSL,
// Random123 and SLEEF, plus a few compiled helpers (shims.c).
//
// Order matters: OpenBLAS's <cblas.h> first, then define __GSL_CBLAS_H__ so that GSL headers
// that include <gsl/gsl_cblas.h> do not redefine the CBLAS enums (without it:
// "gsl_cblas.h:46:6: error: redefinition of 'CBLAS_ORDER'"; split into two Swift modules, the
// enums have "different definitions in different modules").
#ifndef RISKKERNELS_CSHIMS_H
#define RISKKERNELS_CSHIMS_H

#include <stddef.h>
#include <stdint.h>

#include <cblas.h>
#define __GSL_CBLAS_H__ 1
#include <lapacke.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>

#include <Random123/philox.h>

// MARK: - OpenBLAS

/// The shared library that provides `cblas_dgemm` at run time (through dladdr), so a test can
/// prove it is OpenBLAS and not GSL's reference CBLAS. Never NULL.
const char *cshim_cblas_provider(void);

/// OpenBLAS's thread count (global to the process).
int cshim_blas_get_threads(void);
void cshim_blas_set_threads(int threads);
/// OpenBLAS's kernel family ("Haswell", "SkylakeX", …; OPENBLAS_CORETYPE overrides it).
const char *cshim_blas_core(void);
/// Switches OpenBLAS to the kernel family `core` (an OPENBLAS_CORETYPE name), with no BLAS call
/// running. 0: done (or already in use); 1: this OpenBLAS cannot switch; 2: setenv failed;
/// 3: OpenBLAS did not take the name.
int cshim_blas_pin_core(const char *core);

// MARK: - Counter-based normals (normals.c)
// Normal number n of the stream (seed, path) comes from Philox4x32-10 block b = n / 2 with
// counter (b mod 2³², b div 2³², path mod 2³², path div 2³²) and key (seed mod 2³², seed div 2³²):
// words (w0, w1) give u1 = 2 − x ∈ (0, 1] and (w2, w3) give u2 = y − 1 ∈ [0, 1), where x, y ∈ [1, 2)
// carry the top 52 bits of (w1·2³² + w0) and (w3·2³² + w2); then (Box-Muller)
// z[2b] = √(−2 ln u1)·cos 2πu2 and z[2b+1] = √(−2 ln u1)·sin 2πu2 (log, sin and cos made in
// normals.c for these ranges: at most 1.15 ULP for the log).

/// out[j] = normal (first + j) of stream (seed, path), j < count. AVX-512 or AVX2 when the CPU
/// has it; every kernel gives the same bits.
void cshim_philox_normals_f64(uint64_t seed, uint64_t path, uint64_t first, size_t count,
                              double *out);
/// The same numbers rounded to float.
void cshim_philox_normals_f32(uint64_t seed, uint64_t path, uint64_t first, size_t count,
                              float *out);
/// out[p·stride + j] = normal (first + j) of stream (seed, paths[p]), for p < path_count and
/// j < count: the same numbers as one cshim_philox_normals_f64 call per path, drawn 16 paths at a
/// time, so no path's last partial set of 16 blocks is drawn and discarded.
void cshim_philox_path_normals_f64(uint64_t seed, const uint64_t *paths, size_t path_count,
                                   uint64_t first, size_t count, double *out, size_t stride);
/// The same numbers rounded to float.
void cshim_philox_path_normals_f32(uint64_t seed, const uint64_t *paths, size_t path_count,
                                   uint64_t first, size_t count, float *out, size_t stride);
// MARK: - GBM engine (gbm.c)

/// For each of `paths` paths p and each of `chunk` steps s, with column (p·chunk + s) of the
/// d-row matrix z holding the correlated increment: x ← (x + drift) + column; column ← x; and,
/// with bit 0 of `extremes`, low ← min(low, x), and with bit 1, high ← max(high, x) (low and high
/// may be null when their bit is clear). x starts as `start` for every path when it is not null
/// (the first chunk, from the log-spot) and as path p's d values in `current` otherwise; it ends
/// in `current` when `store` is not 0 (otherwise the caller reads the last column, and `current`
/// may be null if `start` is not). x, low, high: d values per path.
void cshim_gbm_advance_f64(size_t d, size_t paths, size_t chunk, const double *drift,
                           const double *start, double *z, double *current, int store,
                           double *low, double *high, int extremes);
void cshim_gbm_advance_f32(size_t d, size_t paths, size_t chunk, const float *drift,
                           const float *start, float *z, float *current, int store, float *low,
                           float *high, int extremes);

// MARK: - GSL generators

/// A GSL Mersenne Twister (mt19937) whose 624 state words are filled from SplitMix64(seed64),
/// so 64-bit seeds never collide as gsl_rng_set's 32-bit ones would. NULL when out of memory.
gsl_rng *cshim_gsl_mt19937_alloc(void);
void cshim_gsl_mt19937_seed(gsl_rng *rng, uint64_t seed64);
/// out[j] = gsl_ran_gaussian_ziggurat(rng, 1), j < count.
void cshim_gsl_normals_f64(gsl_rng *rng, size_t count, double *out);
void cshim_gsl_normals_f32(gsl_rng *rng, size_t count, float *out);

// MARK: - SLEEF (vector exp/log; AVX2 chosen at run time, SSE2 otherwise)

/// The vector level every run-time kernel choice (normals, SLEEF exp and log, the log-price pass,
/// the liquidation sweep) uses: 0 scalar (SSE2, which every x86-64 CPU has), 1 AVX2 + FMA,
/// 2 AVX-512 F + DQ. The CPU's highest level, or the one the environment variable
/// RISKKERNELS_ISA (scalar, avx2 or avx512) caps it to; read once, before main.
int cshim_vector_level(void);
/// The highest level this CPU has (same numbering).
int cshim_cpu_vector_level(void);
/// 0 when RISKKERNELS_ISA is unset, empty or a level this CPU has; 1 when it names no level;
/// 2 when it names a level above the CPU's (the kernels then run at level 0 until the library
/// reports the error).
int cshim_vector_level_error(void);
/// Lowers the level in use to at most `level` (0 scalar, 1 AVX2, 2 AVX-512); never raises it.
/// Not synchronised with running kernels: call it before any work starts.
void cshim_cap_vector_level(int level);
/// The widest vector kernels in use: "AVX-512", "AVX2" or "SSE2".
const char *cshim_vector_instruction_set(void);
/// x[i] = exp(x[i]) for i < n, 1.0-ULP accuracy.
void cshim_vexp_f64(double *x, size_t n);
void cshim_vexp_f32(float *x, size_t n);
/// x[i] = log(x[i]) for i < n, 1.0-ULP accuracy.
void cshim_vlog_f64(double *x, size_t n);
void cshim_vlog_f32(float *x, size_t n);
/// x[i] = log(1 + x[i]) for i < n, 1.0-ULP accuracy (full relative accuracy for tiny x).
void cshim_vlog1p_f64(double *x, size_t n);
void cshim_vlog1p_f32(float *x, size_t n);

// First-passage liquidation probabilities of n positions (liquidation.c): side +1 long, -1
// short; leverage, maintenance margin, annualised volatility and drift per position; horizon t in
// years. The AVX2 kernel falls back to the scalar one lane by lane where the vector formula
// would overflow or underflow.
void cshim_first_passage_f64(const double *leverage, const double *margin, const double *side,
                             const double *sigma, const double *mu, double t, double *out, size_t n);
void cshim_first_passage_scalar_f64(const double *leverage, const double *margin, const double *side,
                                    const double *sigma, const double *mu, double t, double *out,
                                    size_t n);

// MARK: - GSL

/// Turns GSL's abort-on-error handler off (idempotent). Every GSL wrapper calls it first.
void cshim_gsl_handler_off(void);

#endif
