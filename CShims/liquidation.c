// The per-block liquidation sweep: first-passage probabilities of many leveraged positions on
// GBM prices in one vectorised pass (AVX2 chosen at run time; SLEEF log and exp).
//
// p = Φ(a1) + e^E·Φ(a2), a1,2 = ±(ℓ ∓ νT)/(σ√T), E = 2νℓ/σ². Since E − a2²/2 = −a1²/2, the
// whole formula needs one Gaussian factor g = e^{−a1²/2}: with Φ(−y) = e^{−y²/2}·R(y) in the
// tails, p = g·(R(|a1|) + R(|a2|)) when both arguments are in the lower tail (the usual case),
// never overflows, and needs no erfc. Φ and R are W. J. Cody's rational approximations
// ("Rational Chebyshev approximations for the error function", Math. Comp. 23, 1969; the
// coefficients of ANORM in his SPECFUN package, ACM TOMS Algorithm 715, 1993), accurate to
// about 18 significant digits before rounding.
#include "CShims.h"
#include "cshims_internal.h"

#include <immintrin.h>
#include <math.h>

#define AVX2 __attribute__((target("avx2,fma")))
// The hot functions start on a cache line, so where their loops fall against the front end's
// 32- and 64-byte windows does not move with whatever the linker places before them: an
// unrelated change that shifted this file by 48 bytes cost the sweep 4% at 10⁶ positions.
#define CACHE_LINE_ALIGNED __attribute__((aligned(64)))

AVX2 __m256d Sleef_expd4_u10avx2(__m256d);
AVX2 __m256d Sleef_logd4_u10avx2(__m256d);

// log Φ(z), with the Mills-ratio series below −30 where erfc underflows (as StandardNormal).
static double log_cdf(double z) {
  if (z >= -30) return log(0.5 * erfc(-z / M_SQRT2));
  double q = 1 / (z * z);
  double series = 1 - q * (1 - q * (3 - q * (15 - q * (105 - q * (945 - q * (10395 - 135135 * q))))));
  return -z * z / 2 - log(-z) - 0.5 * log(2 * M_PI) + log(series);
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

// Cody's regions: |x| ≤ θ (central), θ < y ≤ √32 (middle), y > √32 (far).
static const double cody_theta = 0.66291, cody_root32 = 5.656854248;
static const double cody_a[5] = {2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582,
                                 18154.981253343561249, 0.065682337918207449113};
static const double cody_b[4] = {47.20258190468824187, 976.09855173777669322, 10260.932208618978205,
                                 45507.789335026729956};
static const double cody_c[9] = {0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979,
                                 597.27027639480026226,  2494.5375852903726711, 6848.1904505362823326,
                                 11602.651437647350124,  9842.7148383839780218, 1.0765576773720192317e-8};
static const double cody_d[8] = {22.266688044328115691, 235.38790178262499861, 1519.377599407554805,
                                 6485.558298266760755,  18615.571640885098091, 34900.952721145977266,
                                 38912.003286093271411, 19685.429676859990727};
static const double cody_p[6] = {0.21589853405795699,  0.1274011611602473639, 0.022235277870649807,
                                 0.001421619193227893466, 2.9112874951168792e-5, 0.02307344176494017303};
static const double cody_q[5] = {1.28426009614491121, 0.468238212480865118, 0.0659881378689285515,
                                 0.00378239633202758244, 7.29751555083966205e-5};

static inline AVX2 __m256d fma_c(__m256d acc, __m256d x, double c) {
  return _mm256_fmadd_pd(acc, x, _mm256_set1_pd(c));
}

// Φ(x) = ½ + x·A(x²)/B(x²), for |x| ≤ θ.
static inline AVX2 __m256d cody_central(__m256d x) {
  __m256d s = _mm256_mul_pd(x, x);
  __m256d n = _mm256_set1_pd(cody_a[4]), d = _mm256_add_pd(s, _mm256_set1_pd(cody_b[0]));
  for (int i = 0; i < 4; i++) n = fma_c(n, s, cody_a[i]);
  for (int i = 1; i < 4; i++) d = fma_c(d, s, cody_b[i]);
  return _mm256_fmadd_pd(x, _mm256_div_pd(n, d), _mm256_set1_pd(0.5));
}

// R(y) = e^{y²/2}·Φ(−y), for y > θ: C(y)/D(y) up to √32, (1/√(2π) − y⁻²P(y⁻²)/Q(y⁻²))/y beyond.
static inline AVX2 __m256d cody_tail_ratio(__m256d y) {
  __m256d middle = _mm256_cmp_pd(y, _mm256_set1_pd(cody_root32), _CMP_LE_OQ);
  int lanes = _mm256_movemask_pd(middle);
  __m256d r_middle = _mm256_setzero_pd(), r_far = _mm256_setzero_pd();
  if (lanes) {
    __m256d n = _mm256_set1_pd(cody_c[8]), d = _mm256_add_pd(y, _mm256_set1_pd(cody_d[0]));
    for (int i = 0; i < 8; i++) n = fma_c(n, y, cody_c[i]);
    for (int i = 1; i < 8; i++) d = fma_c(d, y, cody_d[i]);
    r_middle = _mm256_div_pd(n, d);
  }
  if (lanes != 15) {
    __m256d q = _mm256_div_pd(_mm256_set1_pd(1), _mm256_mul_pd(y, y));
    __m256d n = _mm256_set1_pd(cody_p[5]), d = _mm256_add_pd(q, _mm256_set1_pd(cody_q[0]));
    for (int i = 0; i < 5; i++) n = fma_c(n, q, cody_p[i]);
    for (int i = 1; i < 5; i++) d = fma_c(d, q, cody_q[i]);
    // (1/√(2π) − q·N/D)/y = (D/√(2π) − q·N)/(y·D)
    r_far = _mm256_div_pd(_mm256_fmsub_pd(d, _mm256_set1_pd(0.39894228040143267794), _mm256_mul_pd(q, n)),
                          _mm256_mul_pd(y, d));
  }
  return _mm256_blendv_pd(r_far, r_middle, middle);
}

// e^{−x²/2} with x² carried exactly (x² = h + l, l from an FMA): one ULP or so for |x| ≤ 38.
static inline AVX2 __m256d gaussian_factor(__m256d x) {
  __m256d h = _mm256_mul_pd(x, x), l = _mm256_fmsub_pd(x, x, h);
  __m256d e = Sleef_expd4_u10avx2(_mm256_mul_pd(_mm256_set1_pd(-0.5), h));
  return _mm256_fnmadd_pd(e, _mm256_mul_pd(_mm256_set1_pd(0.5), l), e);
}

static inline AVX2 __m256d abs_pd(__m256d x) { return _mm256_andnot_pd(_mm256_set1_pd(-0.0), x); }


// Positions go through in blocks of 64, stage by stage (ratio, log, arguments, exp, tails), so
// the SLEEF calls of a stage are independent of one another and overlap in the pipeline.
enum { BLOCK = 64 };

AVX2 CACHE_LINE_ALIGNED static void first_passage_block(const double *leverage, const double *margin, const double *side,
                                     const double *sigma, const double *mu, double t, double *out) {
  const __m256d one = _mm256_set1_pd(1), half = _mm256_set1_pd(0.5), zero = _mm256_setzero_pd();
  const __m256d tv = _mm256_set1_pd(t), root_t = _mm256_set1_pd(sqrt(t));
  const __m256d theta = _mm256_set1_pd(cody_theta), minus_theta = _mm256_set1_pd(-cody_theta);
  double ratio_[BLOCK], ell_[BLOCK], a1_[BLOCK], a2_[BLOCK], g_[BLOCK];
  // Per 4 positions: the lanes whose answer needs no exp or tail (settled, or a₁ < −38.7 so that
  // e^{−a₁²/2} < e^{−748} is 0 in double and so is p, however a₂ falls); all 4 skip the work.
  int quiet_[BLOCK / 4];
  for (int i = 0; i < BLOCK; i += 4) {
    __m256d l = _mm256_loadu_pd(leverage + i), m = _mm256_loadu_pd(margin + i), sd = _mm256_loadu_pd(side + i);
    // long (side +1): (1 − 1/L)/(1 − m); short (−1): (1 + 1/L)/(1 + m).
    __m256d ratio = _mm256_div_pd(_mm256_fnmadd_pd(sd, _mm256_div_pd(one, l), one), _mm256_fnmadd_pd(sd, m, one));
    _mm256_storeu_pd(ratio_ + i, ratio);
  }
  for (int i = 0; i < BLOCK; i += 4) _mm256_storeu_pd(ell_ + i, Sleef_logd4_u10avx2(_mm256_loadu_pd(ratio_ + i)));
  for (int i = 0; i < BLOCK; i += 4) {
    __m256d sd = _mm256_loadu_pd(side + i), sg = _mm256_loadu_pd(sigma + i), u = _mm256_loadu_pd(mu + i);
    __m256d ell = _mm256_loadu_pd(ell_ + i);
    __m256d nut = _mm256_mul_pd(_mm256_fnmadd_pd(half, _mm256_mul_pd(sg, sg), u), tv);
    __m256d s = _mm256_mul_pd(sg, root_t);
    __m256d a1 = _mm256_div_pd(_mm256_mul_pd(sd, _mm256_sub_pd(ell, nut)), s);
    _mm256_storeu_pd(a1_ + i, a1);
    _mm256_storeu_pd(a2_ + i, _mm256_div_pd(_mm256_mul_pd(sd, _mm256_add_pd(ell, nut)), s));
    __m256d settled = _mm256_or_pd(_mm256_cmp_pd(_mm256_loadu_pd(ratio_ + i), zero, _CMP_LE_OQ),
                                   _mm256_cmp_pd(_mm256_mul_pd(sd, ell), zero, _CMP_GE_OQ));
    quiet_[i / 4] = _mm256_movemask_pd(_mm256_or_pd(settled, _mm256_cmp_pd(a1, _mm256_set1_pd(-38.7), _CMP_LT_OQ)));
  }
  for (int i = 0; i < BLOCK; i += 4)
    _mm256_storeu_pd(g_ + i, quiet_[i / 4] == 15 ? zero : gaussian_factor(_mm256_loadu_pd(a1_ + i)));
  for (int i = 0; i < BLOCK; i += 4) {
    __m256d sd = _mm256_loadu_pd(side + i), ratio = _mm256_loadu_pd(ratio_ + i), ell = _mm256_loadu_pd(ell_ + i);
    // Lanes with a closed answer: no liquidation price (ratio ≤ 0) → 0; already beyond it
    // (side·ℓ ≥ 0) → 1.
    __m256d never = _mm256_cmp_pd(ratio, zero, _CMP_LE_OQ);
    __m256d beyond = _mm256_cmp_pd(_mm256_mul_pd(sd, ell), zero, _CMP_GE_OQ);
    __m256d settled = _mm256_or_pd(never, beyond);
    if (quiet_[i / 4] == 15) {
      _mm256_storeu_pd(out + i, _mm256_blendv_pd(zero, _mm256_and_pd(beyond, one), settled));
      continue;
    }
    __m256d a1 = _mm256_loadu_pd(a1_ + i), a2 = _mm256_loadu_pd(a2_ + i), g = _mm256_loadu_pd(g_ + i);
    __m256d lower1 = _mm256_cmp_pd(a1, minus_theta, _CMP_LE_OQ);
    __m256d lower2 = _mm256_cmp_pd(a2, minus_theta, _CMP_LE_OQ);
    __m256d r1 = cody_tail_ratio(abs_pd(a1)), p;
    if (_mm256_movemask_pd(_mm256_or_pd(settled, _mm256_and_pd(lower1, lower2))) == 15) {
      p = _mm256_mul_pd(g, _mm256_add_pd(r1, cody_tail_ratio(abs_pd(a2))));
    } else {
      // Φ(a1): g·R(−a1) below −θ, 1 − g·R(a1) above θ, central between.
      __m256d upper1 = _mm256_cmp_pd(a1, theta, _CMP_GT_OQ);
      __m256d first = _mm256_blendv_pd(_mm256_fnmadd_pd(g, r1, one), _mm256_mul_pd(g, r1), lower1);
      __m256d central1 = _mm256_andnot_pd(_mm256_or_pd(lower1, upper1), _mm256_cmp_pd(a1, a1, _CMP_ORD_Q));
      if (_mm256_movemask_pd(central1)) first = _mm256_blendv_pd(first, cody_central(a1), central1);
      // e^E·Φ(a2): g·R(−a2) below −θ (E − a2²/2 = −a1²/2); e^E − g·R(a2) above θ; e^E·Φ(a2)
      // between. Off the lower tail E ≤ a2²/2 is small (a1 + a2 = 2·side·ℓ/(σ√T) < 0).
      __m256d r2 = cody_tail_ratio(abs_pd(a2));
      __m256d second = _mm256_mul_pd(g, r2);
      if (_mm256_movemask_pd(_mm256_andnot_pd(lower2, _mm256_cmp_pd(a2, a2, _CMP_ORD_Q)))) {
        __m256d sg = _mm256_loadu_pd(sigma + i), u = _mm256_loadu_pd(mu + i);
        __m256d var = _mm256_mul_pd(sg, sg), nu = _mm256_fnmadd_pd(half, var, u);
        __m256d upper2 = _mm256_cmp_pd(a2, theta, _CMP_GT_OQ);
        __m256d growth = Sleef_expd4_u10avx2(_mm256_div_pd(_mm256_mul_pd(_mm256_add_pd(nu, nu), ell), var));
        __m256d off = _mm256_blendv_pd(_mm256_mul_pd(growth, cody_central(a2)), _mm256_fnmadd_pd(g, r2, growth),
                                       upper2);
        second = _mm256_blendv_pd(off, second, lower2);
      }
      p = _mm256_add_pd(first, second);
    }
    p = _mm256_min_pd(one, _mm256_max_pd(zero, p));
    p = _mm256_blendv_pd(p, _mm256_and_pd(beyond, one), settled);
    _mm256_storeu_pd(out + i, p);
    // Anything not a number by now (a σ√T that underflowed, say) is done exactly. Rare.
    int mask = _mm256_movemask_pd(_mm256_cmp_pd(p, p, _CMP_UNORD_Q));
    if (mask) {
      for (int j = 0; j < 4; j++)
        if (mask & (1 << j))
          out[i + j] = first_passage_scalar(leverage[i + j], margin[i + j], side[i + j], sigma[i + j], mu[i + j], t);
    }
  }
}

AVX2 CACHE_LINE_ALIGNED static void first_passage_avx2(const double *leverage, const double *margin, const double *side,
                                    const double *sigma, const double *mu, double t, double *out,
                                    size_t n) {
  size_t i = 0;
  for (; i + BLOCK <= n; i += BLOCK)
    first_passage_block(leverage + i, margin + i, side + i, sigma + i, mu + i, t, out + i);
  if (i == n) return;
  // The last partial block, padded with a harmless position, so every position gets the same
  // arithmetic wherever it sits in the book (and on however many threads).
  double l[BLOCK], m[BLOCK], sd[BLOCK], sg[BLOCK], u[BLOCK], p[BLOCK];
  for (size_t j = 0; j < BLOCK; j++) {
    int real = i + j < n;
    l[j] = real ? leverage[i + j] : 2;
    m[j] = real ? margin[i + j] : 0;
    sd[j] = real ? side[i + j] : 1;
    sg[j] = real ? sigma[i + j] : 1;
    u[j] = real ? mu[i + j] : 0;
  }
  first_passage_block(l, m, sd, sg, u, t, p);
  for (size_t j = 0; i + j < n; j++) out[i + j] = p[j];
}

void cshim_first_passage_f64(const double *leverage, const double *margin, const double *side,
                             const double *sigma, const double *mu, double t, double *out, size_t n) {
  if (cshim_has_avx2)
    first_passage_avx2(leverage, margin, side, sigma, mu, t, out, n);
  else
    cshim_first_passage_scalar_f64(leverage, margin, side, sigma, mu, t, out, n);
}
