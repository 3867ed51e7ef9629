// Counter-based standard normals: Philox4x32-10 (Random123) and the Box-Muller transform, 16
// Philox blocks (32 normals) at a time in AVX-512 or AVX2, with the log of u and the sine and
// cosine of 2πu made here for the ranges Box-Muller needs; CPUs without AVX2 use the scalar
// kernel. All three have the same mapping and the same arithmetic, bit for bit (see CShims.h for
// the layout).
#define _GNU_SOURCE
#include "CShims.h"
#include "cshims_internal.h"

#include <immintrin.h>
#include <math.h>
#include <string.h>

// log u for u = k·2⁻⁵² in (0, 1] (the Box-Muller radius's uniform; no zero, subnormal, infinity
// or NaN can occur): u = 2ᵉ·m with m in [√½, √2) (exponent and mantissa bits, exact), then
// log m = 2 atanh f = 2f + 2f·s·(1/3 + s/5 + … + s⁸/19) with f = (m − 1)/(m + 1), s = f²
// (|f| ≤ 0.1716, so the first omitted term is below 2.3e-17 relative), and log u =
// e·ln2_hi + (2f + (2f·s·P + e·ln2_lo)) with fdlibm's split of ln 2 (e·ln2_hi is exact). At most
// 1.15 ULP from the true log over 2²⁰ random u and the end points (SLEEF's 3.5-ULP kernel: 2.15),
// in 1.13 ns per value against SLEEF's 1.77 (AVX2, one core).
static const double log_coefficients[9] = {1.0 / 3,  1.0 / 5,  1.0 / 7,  1.0 / 9, 1.0 / 11,
                                           1.0 / 13, 1.0 / 15, 1.0 / 17, 1.0 / 19};
static const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
static const double sqrt2 = 1.4142135623730951;
static const double exponent_bias = 4503599627371519.0;  // 2⁵² + 1023

/// log u for u = k·2⁻⁵² in (0, 1], with the vector kernel's operations: bit-identical.
static double log_unit(double u) {
  uint64_t bits, mantissa, exponent;
  memcpy(&bits, &u, sizeof bits);
  mantissa = (bits & 0x000FFFFFFFFFFFFFULL) | 0x3FF0000000000000ULL;
  exponent = (bits >> 52) | 0x4330000000000000ULL;
  double m, e;
  memcpy(&m, &mantissa, sizeof m);
  memcpy(&e, &exponent, sizeof e);
  e -= exponent_bias;
  if (m > sqrt2) {
    m *= 0.5;
    e += 1.0;
  }
  double f = (m - 1.0) / (m + 1.0), s = f * f, p = log_coefficients[8];
  for (int k = 7; k >= 0; k--) p = fma(p, s, log_coefficients[k]);
  double twof = f + f;
  return fma(e, ln2_hi, twof + fma(twof * s, p, e * ln2_lo));
}

// sin and cos of 2πu for u in [0, 1) need no general range reduction: with q = round(4u) and
// f = 4u − q in [−½, ½] (both exact), 2πu = qπ/2 + (π/2)f, so (sin, cos) are (±s, ±c) or
// (±c, ±s) of s = sin((π/2)f), c = cos((π/2)f), from their Taylor series in f to f¹⁷ and f¹⁸
// (truncation below 1e-19 on |(π/2)f| ≤ π/4). Coefficients (−1)^k (π/2)^n / n!, from mpmath.
static const double sin_coefficients[9] = {
    1.5707963267948966,     -0.6459640975062463,     0.07969262624616705,
    -0.004681754135318688,  0.00016044118478735983,  -3.598843235212085e-06,
    5.692172921967927e-08,  -6.688035109811468e-10,  6.0669357311061955e-12};
static const double cos_coefficients[10] = {
    1.0,                    -1.2337005501361697,     0.25366950790104803,
    -0.02086348076335296,   0.0009192602748394266,   -2.5202042373060607e-05,
    4.710874778818172e-07,  -6.386603083791852e-09,  6.565963114979473e-11,
    -5.294400200734623e-13};

/// (cos 2πu, sin 2πu) for u in [0, 1), with fma() as the vector kernel's FMAs: bit-identical.
static void cos_sin_two_pi(double u, double *c, double *s) {
  double t = 4 * u, q = nearbyint(t), f = t - q, f2 = f * f;
  double ps = sin_coefficients[8], pc = cos_coefficients[9];
  for (int k = 7; k >= 0; k--) ps = fma(ps, f2, sin_coefficients[k]);
  for (int k = 8; k >= 0; k--) pc = fma(pc, f2, cos_coefficients[k]);
  double sn = ps * f, cs = pc;
  switch ((int)q & 3) {
    case 0: *c = cs; *s = sn; break;
    case 1: *c = -sn; *s = cs; break;
    case 2: *c = -cs; *s = -sn; break;
    default: *c = sn; *s = -cs; break;
  }
}

enum { GROUP_BLOCKS = 16, GROUP_NORMALS = 32 };

// MARK: - Scalar kernel (the reference mapping)

/// A 52-bit uniform in [1, 2) from the 64-bit word (hi << 32 | lo).
static inline double one_to_two(uint32_t lo, uint32_t hi) {
  uint64_t bits = ((((uint64_t)hi << 32) | lo) >> 12) | 0x3FF0000000000000ULL;
  double x;
  memcpy(&x, &bits, sizeof x);
  return x;
}

/// The two normals of Philox block `b` of stream (key, path): out[0] = r·cos 2πu₂, out[1] = r·sin.
static void block_normals_scalar(uint64_t seed, uint64_t path, uint64_t b, double out[2]) {
  uint32_t w[4];
  cshim_philox4x32_10((uint32_t)b, (uint32_t)(b >> 32), (uint32_t)path, (uint32_t)(path >> 32),
                      (uint32_t)seed, (uint32_t)(seed >> 32), w);
  double u1 = 2.0 - one_to_two(w[0], w[1]);  // (0, 1]
  double u2 = one_to_two(w[2], w[3]) - 1.0;  // [0, 1)
  double r = sqrt(-2.0 * log_unit(u1)), c, s;
  cos_sin_two_pi(u2, &c, &s);
  out[0] = r * c;
  out[1] = r * s;
}

static void group_scalar(uint64_t seed, uint64_t path, uint64_t group, double out[GROUP_NORMALS]) {
  for (int j = 0; j < GROUP_BLOCKS; j++) {
    block_normals_scalar(seed, path, group * GROUP_BLOCKS + (uint64_t)j, out + 2 * j);
  }
}

// MARK: - AVX2 kernel

/// (hi, lo) of the 32×32-bit products of the eight lanes of `c` with `m`.
__attribute__((target("avx2,fma"))) static inline void mulhilo8(__m256i m, __m256i c, __m256i *hi,
                                                                __m256i *lo) {
  __m256i even = _mm256_mul_epu32(c, m);                         // lanes 0,2,4,6 → 64-bit
  __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(c, 32), m);  // lanes 1,3,5,7 → 64-bit
  *hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
  *lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

/// `log_unit` on 4 lanes.
__attribute__((target("avx2,fma"))) static inline __m256d log_unit4(__m256d u) {
  __m256i bits = _mm256_castpd_si256(u);
  __m256d m = _mm256_castsi256_pd(
      _mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi64x(0x000FFFFFFFFFFFFFLL)),
                      _mm256_set1_epi64x(0x3FF0000000000000LL)));
  __m256d e = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(
                                _mm256_srli_epi64(bits, 52), _mm256_set1_epi64x(0x4330000000000000LL))),
                            _mm256_set1_pd(exponent_bias));
  __m256d big = _mm256_cmp_pd(m, _mm256_set1_pd(sqrt2), _CMP_GT_OQ);
  m = _mm256_blendv_pd(m, _mm256_mul_pd(m, _mm256_set1_pd(0.5)), big);
  e = _mm256_add_pd(e, _mm256_and_pd(big, _mm256_set1_pd(1.0)));
  __m256d one = _mm256_set1_pd(1.0);
  __m256d f = _mm256_div_pd(_mm256_sub_pd(m, one), _mm256_add_pd(m, one));
  __m256d s = _mm256_mul_pd(f, f), p = _mm256_set1_pd(log_coefficients[8]);
  for (int k = 7; k >= 0; k--) p = _mm256_fmadd_pd(p, s, _mm256_set1_pd(log_coefficients[k]));
  __m256d twof = _mm256_add_pd(f, f);
  __m256d t = _mm256_fmadd_pd(_mm256_mul_pd(twof, s), p, _mm256_mul_pd(e, _mm256_set1_pd(ln2_lo)));
  return _mm256_fmadd_pd(e, _mm256_set1_pd(ln2_hi), _mm256_add_pd(twof, t));
}

/// Uniforms in [1, 2) from the 64-bit words (hi << 32 | lo) of 4 lanes.
__attribute__((target("avx2,fma"))) static inline __m256d one_to_two4(__m256i words) {
  __m256i bits = _mm256_or_si256(_mm256_srli_epi64(words, 12),
                                 _mm256_set1_epi64x(0x3FF0000000000000LL));
  return _mm256_castsi256_pd(bits);
}

/// `cos_sin_two_pi` on 4 lanes.
__attribute__((target("avx2,fma"))) static inline void cos_sin_two_pi4(__m256d u, __m256d *c,
                                                                       __m256d *s) {
  __m256d t = _mm256_mul_pd(_mm256_set1_pd(4.0), u);
  __m256d q = _mm256_round_pd(t, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256d f = _mm256_sub_pd(t, q), f2 = _mm256_mul_pd(f, f);
  __m256d ps = _mm256_set1_pd(sin_coefficients[8]), pc = _mm256_set1_pd(cos_coefficients[9]);
  for (int k = 7; k >= 0; k--) ps = _mm256_fmadd_pd(ps, f2, _mm256_set1_pd(sin_coefficients[k]));
  for (int k = 8; k >= 0; k--) pc = _mm256_fmadd_pd(pc, f2, _mm256_set1_pd(cos_coefficients[k]));
  __m256d sn = _mm256_mul_pd(ps, f), cs = pc;
  // Quadrant q mod 4 from the integer value of q: bit 0 swaps sine and cosine, and the signs
  // follow (c, s) = (cs, sn), (−sn, cs), (−cs, −sn), (sn, −cs).
  __m128i qi = _mm256_cvtpd_epi32(q);
  __m256i q64 = _mm256_cvtepi32_epi64(qi);
  __m256i odd = _mm256_cmpeq_epi64(_mm256_and_si256(q64, _mm256_set1_epi64x(1)), _mm256_set1_epi64x(1));
  __m256d swap = _mm256_castsi256_pd(odd);
  __m256d cos_part = _mm256_blendv_pd(cs, sn, swap), sin_part = _mm256_blendv_pd(sn, cs, swap);
  // cos is negated in quadrants 1 and 2, sin in 2 and 3: sign bits from (q+1)&2 and q&2.
  __m256i cos_sign = _mm256_slli_epi64(_mm256_and_si256(_mm256_add_epi64(q64, _mm256_set1_epi64x(1)),
                                                        _mm256_set1_epi64x(2)), 62);
  __m256i sin_sign = _mm256_slli_epi64(_mm256_and_si256(q64, _mm256_set1_epi64x(2)), 62);
  *c = _mm256_xor_pd(cos_part, _mm256_castsi256_pd(cos_sign));
  *s = _mm256_xor_pd(sin_part, _mm256_castsi256_pd(sin_sign));
}

/// cos and sin parts of 4 blocks' normals from their words (w0,w1) and (w2,w3) as 64-bit lanes.
__attribute__((target("avx2,fma"))) static inline void box_muller4(__m256i w01, __m256i w23,
                                                                   __m256d *c, __m256d *s) {
  __m256d u1 = _mm256_sub_pd(_mm256_set1_pd(2.0), one_to_two4(w01));
  __m256d u2 = _mm256_sub_pd(one_to_two4(w23), _mm256_set1_pd(1.0));
  __m256d r = _mm256_sqrt_pd(_mm256_mul_pd(_mm256_set1_pd(-2.0), log_unit4(u1)));
  __m256d cs, sn;
  cos_sin_two_pi4(u2, &cs, &sn);
  *c = _mm256_mul_pd(r, cs);
  *s = _mm256_mul_pd(r, sn);
}

/// Stores the 16 normals of 8 consecutive blocks whose Philox outputs are (c0, c1, c2, c3), in
/// the scalar kernel's order.
__attribute__((target("avx2,fma"))) static inline void store_eight_blocks(__m256i c0, __m256i c1,
                                                                          __m256i c2, __m256i c3,
                                                                          double *out) {
  // 64-bit lanes (w1 << 32 | w0): unpacklo holds blocks 0,1,4,5 and unpackhi blocks 2,3,6,7.
  __m256d cA, sA, cB, sB;
  box_muller4(_mm256_unpacklo_epi32(c0, c1), _mm256_unpacklo_epi32(c2, c3), &cA, &sA);
  box_muller4(_mm256_unpackhi_epi32(c0, c1), _mm256_unpackhi_epi32(c2, c3), &cB, &sB);
  __m256d a0 = _mm256_unpacklo_pd(cA, sA);  // c0 s0 | c4 s4
  __m256d a1 = _mm256_unpackhi_pd(cA, sA);  // c1 s1 | c5 s5
  __m256d b0 = _mm256_unpacklo_pd(cB, sB);  // c2 s2 | c6 s6
  __m256d b1 = _mm256_unpackhi_pd(cB, sB);  // c3 s3 | c7 s7
  _mm256_storeu_pd(out + 0, _mm256_permute2f128_pd(a0, a1, 0x20));
  _mm256_storeu_pd(out + 4, _mm256_permute2f128_pd(b0, b1, 0x20));
  _mm256_storeu_pd(out + 8, _mm256_permute2f128_pd(a0, a1, 0x31));
  _mm256_storeu_pd(out + 12, _mm256_permute2f128_pd(b0, b1, 0x31));
}

/// The 32 normals of blocks 16g … 16g+15: two sets of 8 blocks whose Philox rounds are
/// interleaved, so one set's multiplies fill the other's latency.
__attribute__((target("avx2,fma"))) static void group_avx2(uint64_t seed, uint64_t path,
                                                           uint64_t group,
                                                           double out[GROUP_NORMALS]) {
  uint32_t lo[16], hi[16];
  for (int j = 0; j < 16; j++) {
    uint64_t b = group * GROUP_BLOCKS + (uint64_t)j;
    lo[j] = (uint32_t)b;
    hi[j] = (uint32_t)(b >> 32);
  }
  __m256i a0 = _mm256_loadu_si256((const __m256i *)lo);
  __m256i a1 = _mm256_loadu_si256((const __m256i *)hi);
  __m256i b0 = _mm256_loadu_si256((const __m256i *)(lo + 8));
  __m256i b1 = _mm256_loadu_si256((const __m256i *)(hi + 8));
  __m256i a2 = _mm256_set1_epi32((int)(uint32_t)path), b2 = a2;
  __m256i a3 = _mm256_set1_epi32((int)(uint32_t)(path >> 32)), b3 = a3;
  uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
  const __m256i m0 = _mm256_set1_epi32((int)0xD2511F53u);
  const __m256i m1 = _mm256_set1_epi32((int)0xCD9E8D57u);
  for (int round = 0; round < 10; round++) {
    if (round > 0) {
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    const __m256i key0 = _mm256_set1_epi32((int)k0), key1 = _mm256_set1_epi32((int)k1);
    __m256i ahi0, alo0, ahi1, alo1, bhi0, blo0, bhi1, blo1;
    mulhilo8(m0, a0, &ahi0, &alo0);
    mulhilo8(m0, b0, &bhi0, &blo0);
    mulhilo8(m1, a2, &ahi1, &alo1);
    mulhilo8(m1, b2, &bhi1, &blo1);
    a0 = _mm256_xor_si256(_mm256_xor_si256(ahi1, a1), key0);
    b0 = _mm256_xor_si256(_mm256_xor_si256(bhi1, b1), key0);
    a1 = alo1;
    b1 = blo1;
    a2 = _mm256_xor_si256(_mm256_xor_si256(ahi0, a3), key1);
    b2 = _mm256_xor_si256(_mm256_xor_si256(bhi0, b3), key1);
    a3 = alo0;
    b3 = blo0;
  }
  store_eight_blocks(a0, a1, a2, a3, out);
  store_eight_blocks(b0, b1, b2, b3, out + 16);
}

// MARK: - AVX-512 kernel

// The same arithmetic on 16 Philox lanes and 8 double lanes (AVX-512 F and DQ): one set of 16
// blocks instead of two interleaved sets of 8, and masks instead of blends. Chosen at run time
// where the CPU has it; a test checks it equals the scalar kernel bit for bit.
#define AVX512 __attribute__((target("avx512f,avx512dq,avx2,fma")))

AVX512 static inline void mulhilo16(__m512i m, __m512i c, __m512i *hi, __m512i *lo) {
  __m512i even = _mm512_mul_epu32(c, m);
  __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(c, 32), m);
  *hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd);
  *lo = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
}

AVX512 static inline __m512d one_to_two8(__m512i words) {
  return _mm512_castsi512_pd(_mm512_or_si512(_mm512_srli_epi64(words, 12),
                                             _mm512_set1_epi64(0x3FF0000000000000LL)));
}

AVX512 static inline __m512d log_unit8(__m512d u) {
  __m512i bits = _mm512_castpd_si512(u);
  __m512d m = _mm512_castsi512_pd(_mm512_or_si512(
      _mm512_and_si512(bits, _mm512_set1_epi64(0x000FFFFFFFFFFFFFLL)),
      _mm512_set1_epi64(0x3FF0000000000000LL)));
  __m512d e = _mm512_sub_pd(_mm512_castsi512_pd(_mm512_or_si512(
                                _mm512_srli_epi64(bits, 52), _mm512_set1_epi64(0x4330000000000000LL))),
                            _mm512_set1_pd(exponent_bias));
  __mmask8 big = _mm512_cmp_pd_mask(m, _mm512_set1_pd(sqrt2), _CMP_GT_OQ);
  m = _mm512_mask_mul_pd(m, big, m, _mm512_set1_pd(0.5));
  e = _mm512_mask_add_pd(e, big, e, _mm512_set1_pd(1.0));
  __m512d one = _mm512_set1_pd(1.0);
  __m512d f = _mm512_div_pd(_mm512_sub_pd(m, one), _mm512_add_pd(m, one));
  __m512d s = _mm512_mul_pd(f, f), p = _mm512_set1_pd(log_coefficients[8]);
  for (int k = 7; k >= 0; k--) p = _mm512_fmadd_pd(p, s, _mm512_set1_pd(log_coefficients[k]));
  __m512d twof = _mm512_add_pd(f, f);
  __m512d t = _mm512_fmadd_pd(_mm512_mul_pd(twof, s), p, _mm512_mul_pd(e, _mm512_set1_pd(ln2_lo)));
  return _mm512_fmadd_pd(e, _mm512_set1_pd(ln2_hi), _mm512_add_pd(twof, t));
}

AVX512 static inline void cos_sin_two_pi8(__m512d u, __m512d *c, __m512d *s) {
  __m512d t = _mm512_mul_pd(_mm512_set1_pd(4.0), u);
  __m512d q = _mm512_roundscale_pd(t, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512d f = _mm512_sub_pd(t, q), f2 = _mm512_mul_pd(f, f);
  __m512d ps = _mm512_set1_pd(sin_coefficients[8]), pc = _mm512_set1_pd(cos_coefficients[9]);
  for (int k = 7; k >= 0; k--) ps = _mm512_fmadd_pd(ps, f2, _mm512_set1_pd(sin_coefficients[k]));
  for (int k = 8; k >= 0; k--) pc = _mm512_fmadd_pd(pc, f2, _mm512_set1_pd(cos_coefficients[k]));
  __m512d sn = _mm512_mul_pd(ps, f), cs = pc;
  __m512i q64 = _mm512_cvtpd_epi64(q);
  __mmask8 swap = _mm512_test_epi64_mask(q64, _mm512_set1_epi64(1));
  __m512d cos_part = _mm512_mask_blend_pd(swap, cs, sn), sin_part = _mm512_mask_blend_pd(swap, sn, cs);
  __m512i cos_sign = _mm512_slli_epi64(
      _mm512_and_si512(_mm512_add_epi64(q64, _mm512_set1_epi64(1)), _mm512_set1_epi64(2)), 62);
  __m512i sin_sign = _mm512_slli_epi64(_mm512_and_si512(q64, _mm512_set1_epi64(2)), 62);
  *c = _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(cos_part), cos_sign));
  *s = _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(sin_part), sin_sign));
}

/// Normals of the 8 blocks whose 64-bit words are (w01, w23), into out[2b], out[2b+1] for the
/// block numbers in `blocks`.
AVX512 static inline void box_muller8(__m512i w01, __m512i w23, const int blocks[8], double *out) {
  __m512d u1 = _mm512_sub_pd(_mm512_set1_pd(2.0), one_to_two8(w01));
  __m512d u2 = _mm512_sub_pd(one_to_two8(w23), _mm512_set1_pd(1.0));
  __m512d r = _mm512_sqrt_pd(_mm512_mul_pd(_mm512_set1_pd(-2.0), log_unit8(u1)));
  __m512d cs, sn;
  cos_sin_two_pi8(u2, &cs, &sn);
  double c[8], s[8];
  _mm512_storeu_pd(c, _mm512_mul_pd(r, cs));
  _mm512_storeu_pd(s, _mm512_mul_pd(r, sn));
  for (int j = 0; j < 8; j++) {
    out[2 * blocks[j]] = c[j];
    out[2 * blocks[j] + 1] = s[j];
  }
}

/// The 32 normals of blocks 16g … 16g+15, one block per 32-bit lane.
AVX512 static void group_avx512(uint64_t seed, uint64_t path, uint64_t group,
                                double out[GROUP_NORMALS]) {
  uint32_t lo[16], hi[16];
  for (int j = 0; j < 16; j++) {
    uint64_t b = group * GROUP_BLOCKS + (uint64_t)j;
    lo[j] = (uint32_t)b;
    hi[j] = (uint32_t)(b >> 32);
  }
  __m512i x0 = _mm512_loadu_si512(lo), x1 = _mm512_loadu_si512(hi);
  __m512i x2 = _mm512_set1_epi32((int)(uint32_t)path);
  __m512i x3 = _mm512_set1_epi32((int)(uint32_t)(path >> 32));
  uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
  const __m512i m0 = _mm512_set1_epi32((int)0xD2511F53u);
  const __m512i m1 = _mm512_set1_epi32((int)0xCD9E8D57u);
  for (int round = 0; round < 10; round++) {
    if (round > 0) {
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    __m512i hi0, lo0, hi1, lo1;
    mulhilo16(m0, x0, &hi0, &lo0);
    mulhilo16(m1, x2, &hi1, &lo1);
    x0 = _mm512_xor_si512(_mm512_xor_si512(hi1, x1), _mm512_set1_epi32((int)k0));
    x1 = lo1;
    x2 = _mm512_xor_si512(_mm512_xor_si512(hi0, x3), _mm512_set1_epi32((int)k1));
    x3 = lo0;
  }
  // 64-bit lanes (w1 << 32 | w0) per 128-bit lane: unpacklo holds blocks 0,1,4,5,8,9,12,13 and
  // unpackhi blocks 2,3,6,7,10,11,14,15.
  static const int low_blocks[8] = {0, 1, 4, 5, 8, 9, 12, 13};
  static const int high_blocks[8] = {2, 3, 6, 7, 10, 11, 14, 15};
  box_muller8(_mm512_unpacklo_epi32(x0, x1), _mm512_unpacklo_epi32(x2, x3), low_blocks, out);
  box_muller8(_mm512_unpackhi_epi32(x0, x1), _mm512_unpackhi_epi32(x2, x3), high_blocks, out);
}

// MARK: - Entry points

typedef void (*group_kernel)(uint64_t, uint64_t, uint64_t, double *);

static void fill_normals(group_kernel kernel, uint64_t seed, uint64_t path, uint64_t first,
                         size_t count, double *out) {
  double tmp[GROUP_NORMALS];
  uint64_t n = first, end = first + count;
  while (n < end) {
    uint64_t group = n / GROUP_NORMALS, offset = n % GROUP_NORMALS;
    if (offset == 0 && end - n >= GROUP_NORMALS) {
      kernel(seed, path, group, out);
      out += GROUP_NORMALS;
      n += GROUP_NORMALS;
    } else {
      kernel(seed, path, group, tmp);
      uint64_t take = GROUP_NORMALS - offset;
      if (take > end - n) take = end - n;
      memcpy(out, tmp + offset, (size_t)take * sizeof(double));
      out += take;
      n += take;
    }
  }
}

int cshim_normals_use_avx2(void) { return cshim_has_avx2; }

void cshim_philox_normals_f64(uint64_t seed, uint64_t path, uint64_t first, size_t count,
                              double *out) {
  group_kernel kernel = cshim_has_avx512 ? group_avx512 : cshim_has_avx2 ? group_avx2 : group_scalar;
  fill_normals(kernel, seed, path, first, count, out);
}

int cshim_philox_normals_kernel_f64(int kernel, uint64_t seed, uint64_t path, uint64_t first,
                                    size_t count, double *out) {
  group_kernel kernels[3] = {group_scalar, group_avx2, group_avx512};
  int available[3] = {1, cshim_has_avx2, cshim_has_avx512};
  if (kernel < 0 || kernel > 2 || !available[kernel]) return 0;
  fill_normals(kernels[kernel], seed, path, first, count, out);
  return 1;
}

void cshim_philox_normals_scalar_f64(uint64_t seed, uint64_t path, uint64_t first, size_t count,
                                     double *out) {
  fill_normals(group_scalar, seed, path, first, count, out);
}

void cshim_philox_normals_f32(uint64_t seed, uint64_t path, uint64_t first, size_t count,
                              float *out) {
  double tmp[256];
  while (count > 0) {
    size_t take = count < 256 ? count : 256;
    cshim_philox_normals_f64(seed, path, first, take, tmp);
    for (size_t j = 0; j < take; j++) out[j] = (float)tmp[j];
    out += take;
    first += take;
    count -= take;
  }
}
