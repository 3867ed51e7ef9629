// Compiled helpers for the CShims module: the CBLAS provider check, OpenBLAS threads, the SLEEF
// AVX-512/AVX2/SSE2 run-time dispatch and GSL's error handler. No unsafe build flags: vector
// code is enabled per function with __attribute__((target)) and chosen with
// __builtin_cpu_supports.
#define _GNU_SOURCE
#include "CShims.h"
#include "cshims_internal.h"

#include <dlfcn.h>
#include <immintrin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

// MARK: - OpenBLAS

const char *cshim_cblas_provider(void) {
  Dl_info info;
  if (dladdr((void *)&cblas_dgemm, &info) != 0 && info.dli_fname != NULL) {
    return info.dli_fname;
  }
  return "unknown";
}

int cshim_blas_get_threads(void) { return openblas_get_num_threads(); }

void cshim_blas_set_threads(int threads) { openblas_set_num_threads(threads); }

const char *cshim_blas_core(void) { return openblas_get_corename(); }

int cshim_blas_pin_core(const char *core) {
  // A DYNAMIC_ARCH OpenBLAS picks its kernel table once, at load, from OPENBLAS_CORETYPE or the
  // CPU; its exported gotoblas_dynamic_quit/_init clear and redo that choice. Looked up at run
  // time: a build without them (one fixed kernel) cannot switch.
  void (*quit)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "gotoblas_dynamic_quit");
  void (*init)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "gotoblas_dynamic_init");
  if (strcasecmp(openblas_get_corename(), core) == 0) return 0;
  if (quit == NULL || init == NULL) return 1;
  if (setenv("OPENBLAS_CORETYPE", core, 1) != 0) return 2;
  quit();
  init();
  return strcasecmp(openblas_get_corename(), core) == 0 ? 0 : 3;
}

// MARK: - SLEEF
// sleef.h hides the AVX prototypes unless AVX is enabled for the whole translation unit, so the
// few functions used are declared here with the vector types they take.
__m128d Sleef_expd2_u10sse2(__m128d);
__m128 Sleef_expf4_u10sse2(__m128);
__m128d Sleef_logd2_u10sse2(__m128d);
__m128 Sleef_logf4_u10sse2(__m128);
__m128d Sleef_log1pd2_u10sse2(__m128d);
__m128 Sleef_log1pf4_u10sse2(__m128);
__attribute__((target("avx2,fma"))) __m256d Sleef_expd4_u10avx2(__m256d);
__attribute__((target("avx2,fma"))) __m256 Sleef_expf8_u10avx2(__m256);
__attribute__((target("avx2,fma"))) __m256d Sleef_logd4_u10avx2(__m256d);
__attribute__((target("avx2,fma"))) __m256 Sleef_logf8_u10avx2(__m256);
__attribute__((target("avx2,fma"))) __m256d Sleef_log1pd4_u10avx2(__m256d);
__attribute__((target("avx2,fma"))) __m256 Sleef_log1pf8_u10avx2(__m256);
#define AVX512 __attribute__((target("avx512f,avx2,fma")))
AVX512 __m512d Sleef_expd8_u10avx512f(__m512d);
AVX512 __m512 Sleef_expf16_u10avx512f(__m512);
AVX512 __m512d Sleef_logd8_u10avx512f(__m512d);
AVX512 __m512 Sleef_logf16_u10avx512f(__m512);
AVX512 __m512d Sleef_log1pd8_u10avx512f(__m512d);
AVX512 __m512 Sleef_log1pf16_u10avx512f(__m512);

static int cshim_sleef_uses_avx2(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

// Each kernel: full vectors, then the tail padded into one vector (so the tail has the same
// accuracy as the body). ATTR enables the instruction set for the one function.
#define CSHIM_VMAP(NAME, ATTR, T, W, LOAD, STORE, FN, PAD)                      \
  ATTR static void NAME(T *x, size_t n) {                                       \
    size_t i = 0;                                                               \
    for (; i + W <= n; i += W) STORE(x + i, FN(LOAD(x + i)));                   \
    if (i < n) {                                                                \
      T tmp[W];                                                                 \
      for (size_t j = 0; j < W; j++) tmp[j] = (i + j < n) ? x[i + j] : PAD;     \
      STORE(tmp, FN(LOAD(tmp)));                                                \
      for (size_t j = 0; i + j < n; j++) x[i + j] = tmp[j];                     \
    }                                                                           \
  }
#define AVX2 __attribute__((target("avx2,fma")))

CSHIM_VMAP(vexp_f64_avx2, AVX2, double, 4, _mm256_loadu_pd, _mm256_storeu_pd,
                Sleef_expd4_u10avx2, 0.0)
CSHIM_VMAP(vexp_f32_avx2, AVX2, float, 8, _mm256_loadu_ps, _mm256_storeu_ps,
                Sleef_expf8_u10avx2, 0.0f)
CSHIM_VMAP(vlog_f64_avx2, AVX2, double, 4, _mm256_loadu_pd, _mm256_storeu_pd,
                Sleef_logd4_u10avx2, 1.0)
CSHIM_VMAP(vlog_f32_avx2, AVX2, float, 8, _mm256_loadu_ps, _mm256_storeu_ps,
                Sleef_logf8_u10avx2, 1.0f)
CSHIM_VMAP(vexp_f64_avx512, AVX512, double, 8, _mm512_loadu_pd, _mm512_storeu_pd,
                  Sleef_expd8_u10avx512f, 0.0)
CSHIM_VMAP(vexp_f32_avx512, AVX512, float, 16, _mm512_loadu_ps, _mm512_storeu_ps,
                  Sleef_expf16_u10avx512f, 0.0f)
CSHIM_VMAP(vlog_f64_avx512, AVX512, double, 8, _mm512_loadu_pd, _mm512_storeu_pd,
                  Sleef_logd8_u10avx512f, 1.0)
CSHIM_VMAP(vlog_f32_avx512, AVX512, float, 16, _mm512_loadu_ps, _mm512_storeu_ps,
                  Sleef_logf16_u10avx512f, 1.0f)
CSHIM_VMAP(vlog1p_f64_avx2, AVX2, double, 4, _mm256_loadu_pd, _mm256_storeu_pd,
                Sleef_log1pd4_u10avx2, 0.0)
CSHIM_VMAP(vlog1p_f32_avx2, AVX2, float, 8, _mm256_loadu_ps, _mm256_storeu_ps,
                Sleef_log1pf8_u10avx2, 0.0f)
CSHIM_VMAP(vlog1p_f64_avx512, AVX512, double, 8, _mm512_loadu_pd, _mm512_storeu_pd,
                  Sleef_log1pd8_u10avx512f, 0.0)
CSHIM_VMAP(vlog1p_f32_avx512, AVX512, float, 16, _mm512_loadu_ps, _mm512_storeu_ps,
                  Sleef_log1pf16_u10avx512f, 0.0f)
CSHIM_VMAP(vlog1p_f64_sse2, , double, 2, _mm_loadu_pd, _mm_storeu_pd, Sleef_log1pd2_u10sse2, 0.0)
CSHIM_VMAP(vlog1p_f32_sse2, , float, 4, _mm_loadu_ps, _mm_storeu_ps, Sleef_log1pf4_u10sse2, 0.0f)
CSHIM_VMAP(vexp_f64_sse2, , double, 2, _mm_loadu_pd, _mm_storeu_pd, Sleef_expd2_u10sse2, 0.0)
CSHIM_VMAP(vexp_f32_sse2, , float, 4, _mm_loadu_ps, _mm_storeu_ps, Sleef_expf4_u10sse2, 0.0f)
CSHIM_VMAP(vlog_f64_sse2, , double, 2, _mm_loadu_pd, _mm_storeu_pd, Sleef_logd2_u10sse2, 1.0)
CSHIM_VMAP(vlog_f32_sse2, , float, 4, _mm_loadu_ps, _mm_storeu_ps, Sleef_logf4_u10sse2, 1.0f)

// Decided once, before main, so no thread ever races on it.
int cshim_has_avx2 = 0;

int cshim_has_avx512 = 0;

/// The highest level this CPU has (0 scalar, 1 AVX2 + FMA, 2 AVX-512 F + DQ), and the one asked
/// for by RISKKERNELS_ISA (-1: not set; -2: not a level's name).
static int cpu_level = 0;
static int requested_level = -1;

__attribute__((constructor)) static void cshim_choose_sleef_kernels(void) {
  int avx2 = cshim_sleef_uses_avx2();
  int avx512 = avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
  cpu_level = avx512 ? 2 : avx2 ? 1 : 0;
  const char *asked = getenv("RISKKERNELS_ISA");
  int level = cpu_level;
  if (asked != NULL && asked[0] != '\0') {
    requested_level = strcmp(asked, "scalar") == 0   ? 0
                      : strcmp(asked, "avx2") == 0   ? 1
                      : strcmp(asked, "avx512") == 0 ? 2
                                                     : -2;
    // A level this CPU lacks, or a misspelt one, runs nothing vectorised (scalar, which every
    // CPU has) and is reported by cshim_vector_level_error, which the library checks before
    // each run, so it never passes for a silent fallback.
    level = requested_level >= 0 && requested_level <= cpu_level ? requested_level : 0;
  }
  cshim_has_avx2 = level >= 1;
  cshim_has_avx512 = level >= 2;
}

int cshim_cpu_vector_level(void) { return cpu_level; }

int cshim_vector_level(void) { return cshim_has_avx512 ? 2 : cshim_has_avx2 ? 1 : 0; }

void cshim_cap_vector_level(int level) {
  if (level < 2) cshim_has_avx512 = 0;
  if (level < 1) cshim_has_avx2 = 0;
}

int cshim_vector_level_error(void) {
  if (requested_level == -2) return 1;
  if (requested_level > cpu_level) return 2;
  return 0;
}

const char *cshim_vector_instruction_set(void) {
  return cshim_has_avx512 ? "AVX-512" : cshim_has_avx2 ? "AVX2" : "SSE2";
}

static inline int use_avx2(void) { return cshim_has_avx2; }

// AVX-512 where the CPU has it (SLEEF's 8- and 16-lane kernels: exp in Double 1.01 ns per value
// against AVX2's 1.43–1.58 on this machine, C harness), else AVX2, else SSE2. One machine always takes the same kernel, so results stay
// reproducible on it; across CPUs they can differ in the last bit.
void cshim_vexp_f64(double *x, size_t n) {
  if (cshim_has_avx512) vexp_f64_avx512(x, n); else if (use_avx2()) vexp_f64_avx2(x, n); else vexp_f64_sse2(x, n);
}
void cshim_vexp_f32(float *x, size_t n) {
  if (cshim_has_avx512) vexp_f32_avx512(x, n); else if (use_avx2()) vexp_f32_avx2(x, n); else vexp_f32_sse2(x, n);
}
void cshim_vlog_f64(double *x, size_t n) {
  if (cshim_has_avx512) vlog_f64_avx512(x, n); else if (use_avx2()) vlog_f64_avx2(x, n); else vlog_f64_sse2(x, n);
}
void cshim_vlog1p_f64(double *x, size_t n) {
  if (cshim_has_avx512) vlog1p_f64_avx512(x, n); else if (use_avx2()) vlog1p_f64_avx2(x, n); else vlog1p_f64_sse2(x, n);
}
void cshim_vlog1p_f32(float *x, size_t n) {
  if (cshim_has_avx512) vlog1p_f32_avx512(x, n); else if (use_avx2()) vlog1p_f32_avx2(x, n); else vlog1p_f32_sse2(x, n);
}
void cshim_vlog_f32(float *x, size_t n) {
  if (cshim_has_avx512) vlog_f32_avx512(x, n); else if (use_avx2()) vlog_f32_avx2(x, n); else vlog_f32_sse2(x, n);
}

// MARK: - GSL

void cshim_gsl_handler_off(void) { gsl_set_error_handler_off(); }
