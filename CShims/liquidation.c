// The per-block liquidation sweep: first-passage probabilities of many leveraged positions on
// GBM prices in one vectorised pass (SLEEF erfc, exp and log; AVX2 chosen at run time).
#include "CShims.h"
#include "cshims_internal.h"

#include <immintrin.h>
#include <math.h>

__attribute__((target("avx2,fma"))) __m256d Sleef_erfcd4_u15avx2(__m256d);
__attribute__((target("avx2,fma"))) __m256d Sleef_expd4_u10avx2(__m256d);
__attribute__((target("avx2,fma"))) __m256d Sleef_logd4_u10avx2(__m256d);

// log Φ(z), with the Mills-ratio series below −30 where erfc underflows (as StandardNormal).
static double log_cdf(double z) {
  if (z >= -30) return log(0.5 * erfc(-z / M_SQRT2));
  double q = 1 / (z * z);
  return -z * z / 2 - log(-z) - 0.5 * log(2 * M_PI) + log(1 - q * (1 - q * (3 - 15 * q)));
}

// One position, scalar and overflow-free: the reference the vector lanes fall back to.
static double first_passage_scalar(double leverage, double margin, double side, double sigma,
                                   double mu, double t) {
  double ratio = side > 0 ? (1 - 1 / leverage) / (1 - margin) : (1 + 1 / leverage) / (1 + margin);
  if (ratio <= 0) return 0;  // a long at L <= 1 is never liquidated
  double ell = log(ratio);
  if (side > 0 ? ell >= 0 : ell <= 0) return 1;
  double nu = mu - sigma * sigma / 2, s = sigma * sqrt(t);
  double first = 0.5 * erfc(-side * (ell - nu * t) / s / M_SQRT2);
  double second = exp(2 * nu * ell / (sigma * sigma) + log_cdf(side * (ell + nu * t) / s));
  double p = first + second;
  return p < 0 ? 0 : (p > 1 ? 1 : p);
}

void cshim_first_passage_scalar_f64(const double *leverage, const double *margin, const double *side,
                                    const double *sigma, const double *mu, double t, double *out,
                                    size_t n) {
  for (size_t i = 0; i < n; i++)
    out[i] = first_passage_scalar(leverage[i], margin[i], side[i], sigma[i], mu[i], t);
}

__attribute__((target("avx2,fma"))) static void first_passage_avx2(
    const double *leverage, const double *margin, const double *side, const double *sigma,
    const double *mu, double t, double *out, size_t n) {
  const __m256d one = _mm256_set1_pd(1), half = _mm256_set1_pd(0.5), zero = _mm256_setzero_pd();
  const __m256d minus_inv_sqrt2 = _mm256_set1_pd(-M_SQRT1_2), tv = _mm256_set1_pd(t);
  const __m256d root_t = _mm256_set1_pd(sqrt(t));
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    __m256d l = _mm256_loadu_pd(leverage + i), m = _mm256_loadu_pd(margin + i);
    __m256d sd = _mm256_loadu_pd(side + i), sg = _mm256_loadu_pd(sigma + i), u = _mm256_loadu_pd(mu + i);
    __m256d inv_l = _mm256_div_pd(one, l);
    // long (side +1): (1 − 1/L)/(1 − m); short (−1): (1 + 1/L)/(1 + m).
    __m256d ratio = _mm256_div_pd(_mm256_fnmadd_pd(sd, inv_l, one), _mm256_fnmadd_pd(sd, m, one));
    __m256d ell = Sleef_logd4_u10avx2(ratio);
    __m256d var = _mm256_mul_pd(sg, sg);
    __m256d nu = _mm256_fnmadd_pd(half, var, u);
    __m256d s = _mm256_mul_pd(sg, root_t);
    __m256d nut = _mm256_mul_pd(nu, tv);
    __m256d a1 = _mm256_div_pd(_mm256_mul_pd(sd, _mm256_sub_pd(ell, nut)), s);
    __m256d a2 = _mm256_div_pd(_mm256_mul_pd(sd, _mm256_add_pd(ell, nut)), s);
    __m256d e = _mm256_div_pd(_mm256_mul_pd(_mm256_add_pd(nu, nu), ell), var);
    __m256d phi1 = _mm256_mul_pd(half, Sleef_erfcd4_u15avx2(_mm256_mul_pd(a1, minus_inv_sqrt2)));
    __m256d phi2 = _mm256_mul_pd(half, Sleef_erfcd4_u15avx2(_mm256_mul_pd(a2, minus_inv_sqrt2)));
    __m256d p = _mm256_fmadd_pd(Sleef_expd4_u10avx2(e), phi2, phi1);
    p = _mm256_min_pd(one, _mm256_max_pd(zero, p));
    // Lanes the vector formula cannot take: no liquidation price (ratio ≤ 0), already beyond it
    // (side·ℓ ≥ 0), exp overflow (e > 700), or Φ(a2) underflowing (a2 < −30) while
    // e^e·Φ(a2) ≈ e^{e − a2²/2} could still be a representable number (> e^{−745}). Where
    // Φ(a2) underflows and that bound is below e^{−745}, the vector result (0 for the second
    // term) is already right. Rare; done exactly.
    __m256d tail_matters = _mm256_and_pd(
        _mm256_cmp_pd(a2, _mm256_set1_pd(-30), _CMP_LT_OQ),
        _mm256_cmp_pd(_mm256_fnmadd_pd(_mm256_mul_pd(half, a2), a2, e), _mm256_set1_pd(-745), _CMP_GT_OQ));
    __m256d odd = _mm256_or_pd(
        _mm256_or_pd(_mm256_cmp_pd(ratio, zero, _CMP_LE_OQ), _mm256_cmp_pd(_mm256_mul_pd(sd, ell), zero, _CMP_GE_OQ)),
        _mm256_or_pd(_mm256_cmp_pd(e, _mm256_set1_pd(700), _CMP_GT_OQ), tail_matters));
    _mm256_storeu_pd(out + i, p);
    int mask = _mm256_movemask_pd(odd);
    if (mask) {
      for (int j = 0; j < 4; j++)
        if (mask & (1 << j))
          out[i + j] = first_passage_scalar(leverage[i + j], margin[i + j], side[i + j], sigma[i + j], mu[i + j], t);
    }
  }
  cshim_first_passage_scalar_f64(leverage + i, margin + i, side + i, sigma + i, mu + i, t, out + i, n - i);
}

void cshim_first_passage_f64(const double *leverage, const double *margin, const double *side,
                             const double *sigma, const double *mu, double t, double *out, size_t n) {
  if (cshim_has_avx2)
    first_passage_avx2(leverage, margin, side, sigma, mu, t, out, n);
  else
    cshim_first_passage_scalar_f64(leverage, margin, side, sigma, mu, t, out, n);
}
