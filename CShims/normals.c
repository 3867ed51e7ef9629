// Counter-based standard normals: Philox4x32-10 (Random123) and the Box-Muller transform, 16
// Philox blocks (32 normals) at a time in AVX-512 or AVX2, with the log of u and the sine and
// cosine of 2πu made here for the ranges Box-Muller needs; CPUs without AVX2 use the scalar
// kernel. All three have the same mapping and the same arithmetic, bit for bit (see CShims.h for
// the layout). A kernel takes 16 arbitrary counters, so the 16 blocks can run along one stream
// or across 16 paths: a block of paths then draws exactly the normals it uses, however few each
// path needs (50 per path took 64 along each stream).
#define _GNU_SOURCE
#include "CShims.h"
#include "CShimsTesting.h"
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

/// 16 Philox blocks per kernel call: lane j is block `block + j·along` of path
/// (path_lo[j], path_hi[j]), or of `path` when `paths` is NULL; its two normals c (even) and s
/// (odd) go to out[j·stride] and out[j·stride + 1]. Along one stream: along = 1, no `paths`,
/// stride 2 (32 consecutive normals); across 16 paths: along = 0 and the paths' spacing as
/// stride. (The path comes in a register along a stream: words stored just before the call would
/// stall the vector load that reads them.)
enum { LANES = 16 };
typedef struct {
  uint32_t path_lo[LANES], path_hi[LANES];
} lane_paths;

// MARK: - Scalar kernel (the reference mapping)

/// A 52-bit uniform in [1, 2) from the 64-bit word (hi << 32 | lo).
static inline double one_to_two(uint32_t lo, uint32_t hi) {
  uint64_t bits = ((((uint64_t)hi << 32) | lo) >> 12) | 0x3FF0000000000000ULL;
  double x;
  memcpy(&x, &bits, sizeof x);
  return x;
}

/// The reference: each lane's block in turn, c = r·cos 2πu₂ and s = r·sin 2πu₂.
static void lanes_scalar(uint64_t seed, uint64_t block, int along, uint64_t path,
                         const lane_paths *paths, double *out, size_t stride) {
  for (int j = 0; j < LANES; j++) {
    uint64_t b = block + (uint64_t)(j * along);
    uint32_t w[4];
    uint32_t lo = paths ? paths->path_lo[j] : (uint32_t)path;
    uint32_t hi = paths ? paths->path_hi[j] : (uint32_t)(path >> 32);
    cshim_philox4x32_10((uint32_t)b, (uint32_t)(b >> 32), lo, hi, (uint32_t)seed,
                        (uint32_t)(seed >> 32), w);
    double u1 = 2.0 - one_to_two(w[0], w[1]);  // (0, 1]
    double u2 = one_to_two(w[2], w[3]) - 1.0;  // [0, 1)
    double r = sqrt(-2.0 * log_unit(u1)), cs, sn;
    cos_sin_two_pi(u2, &cs, &sn);
    out[(size_t)j * stride] = r * cs;
    out[(size_t)j * stride + 1] = r * sn;
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
  // q is an integer in [0, 4]: adding 2⁵² puts it in the low mantissa bits of each 64-bit lane
  // (no cross-lane conversion, which Zen 1 splits into several µops).
  __m256i q64 = _mm256_castpd_si256(_mm256_add_pd(q, _mm256_set1_pd(4503599627370496.0)));
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

/// The normals of 8 lanes whose Philox outputs are (x0, x1, x2, x3), lane j's pair at
/// out + j·stride.
// Inlined by force: called twice, it was left a function, which cost 13% of the AVX2 kernel.
__attribute__((target("avx2,fma"), always_inline)) static inline void store_eight_lanes(
    __m256i x0, __m256i x1, __m256i x2, __m256i x3, double *out, size_t stride) {
  // 64-bit lanes (w1 << 32 | w0): unpacklo holds lanes 0,1,4,5 and unpackhi lanes 2,3,6,7.
  __m256d cA, sA, cB, sB;
  box_muller4(_mm256_unpacklo_epi32(x0, x1), _mm256_unpacklo_epi32(x2, x3), &cA, &sA);
  box_muller4(_mm256_unpackhi_epi32(x0, x1), _mm256_unpackhi_epi32(x2, x3), &cB, &sB);
  __m256d a0 = _mm256_unpacklo_pd(cA, sA);  // lanes 0 | 4 as (c, s)
  __m256d a1 = _mm256_unpackhi_pd(cA, sA);  // lanes 1 | 5
  __m256d b0 = _mm256_unpacklo_pd(cB, sB);  // lanes 2 | 6
  __m256d b1 = _mm256_unpackhi_pd(cB, sB);  // lanes 3 | 7
  // 128-bit stores for every stride, along a stream too: the 256-bit form needed four
  // vperm2f128, which Zen 1 splits into 8 µops each (1.2% fewer instructions here, and no
  // slower on this AVX-512 host capped to AVX2).
  _mm_storeu_pd(out, _mm256_castpd256_pd128(a0));
  _mm_storeu_pd(out + stride, _mm256_castpd256_pd128(a1));
  _mm_storeu_pd(out + 2 * stride, _mm256_castpd256_pd128(b0));
  _mm_storeu_pd(out + 3 * stride, _mm256_castpd256_pd128(b1));
  _mm_storeu_pd(out + 4 * stride, _mm256_extractf128_pd(a0, 1));
  _mm_storeu_pd(out + 5 * stride, _mm256_extractf128_pd(a1, 1));
  _mm_storeu_pd(out + 6 * stride, _mm256_extractf128_pd(b0, 1));
  _mm_storeu_pd(out + 7 * stride, _mm256_extractf128_pd(b1, 1));
}

/// Lanes first … first + 7's block words (block + j·along, with the carry into the high word).
__attribute__((target("avx2,fma"))) static inline void block_words8(uint64_t block, int along,
                                                                    int first, __m256i *lo,
                                                                    __m256i *hi) {
  __m256i base = _mm256_set1_epi32((int)(uint32_t)block);
  __m256i step = along ? _mm256_setr_epi32(first, first + 1, first + 2, first + 3, first + 4,
                                           first + 5, first + 6, first + 7)
                       : _mm256_setzero_si256();
  *lo = _mm256_add_epi32(base, step);
  // Unsigned lo < base (a carry), as a signed comparison with the sign bits flipped: −1 or 0.
  const __m256i flip = _mm256_set1_epi32((int)0x80000000u);
  __m256i carry = _mm256_cmpgt_epi32(_mm256_xor_si256(base, flip), _mm256_xor_si256(*lo, flip));
  *hi = _mm256_sub_epi32(_mm256_set1_epi32((int)(uint32_t)(block >> 32)), carry);
}

/// `lanes_scalar` as two sets of 8 lanes whose Philox rounds are interleaved, so one set's
/// multiplies fill the other's latency.
__attribute__((target("avx2,fma"))) static void lanes_avx2(uint64_t seed, uint64_t block,
                                                           int along, uint64_t path,
                                                           const lane_paths *paths, double *out,
                                                           size_t stride) {
  __m256i a0, a1, b0, b1;
  block_words8(block, along, 0, &a0, &a1);
  block_words8(block, along, 8, &b0, &b1);
  __m256i a2 = _mm256_set1_epi32((int)(uint32_t)path), b2 = a2;
  __m256i a3 = _mm256_set1_epi32((int)(uint32_t)(path >> 32)), b3 = a3;
  if (paths) {
    a2 = _mm256_loadu_si256((const __m256i *)paths->path_lo);
    a3 = _mm256_loadu_si256((const __m256i *)paths->path_hi);
    b2 = _mm256_loadu_si256((const __m256i *)(paths->path_lo + 8));
    b3 = _mm256_loadu_si256((const __m256i *)(paths->path_hi + 8));
  }
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
  store_eight_lanes(a0, a1, a2, a3, out, stride);
  store_eight_lanes(b0, b1, b2, b3, out + 8 * stride, stride);
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

/// cos and sin parts of 8 lanes' normals from their words (w0,w1) and (w2,w3) as 64-bit lanes.
AVX512 static inline void box_muller8(__m512i w01, __m512i w23, __m512d *c, __m512d *s) {
  __m512d u1 = _mm512_sub_pd(_mm512_set1_pd(2.0), one_to_two8(w01));
  __m512d u2 = _mm512_sub_pd(one_to_two8(w23), _mm512_set1_pd(1.0));
  __m512d r = _mm512_sqrt_pd(_mm512_mul_pd(_mm512_set1_pd(-2.0), log_unit8(u1)));
  __m512d cs, sn;
  cos_sin_two_pi8(u2, &cs, &sn);
  *c = _mm512_mul_pd(r, cs);
  *s = _mm512_mul_pd(r, sn);
}

/// `lanes_scalar` on 16 Philox lanes.
AVX512 static void lanes_avx512(uint64_t seed, uint64_t block, int along, uint64_t path,
                                const lane_paths *paths, double *out, size_t stride) {
  __m512i base = _mm512_set1_epi32((int)(uint32_t)block);
  __m512i x0 = along ? _mm512_add_epi32(base, _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
                                                                 10, 11, 12, 13, 14, 15))
                     : base;
  __m512i high = _mm512_set1_epi32((int)(uint32_t)(block >> 32));
  __m512i x1 = _mm512_mask_add_epi32(high, _mm512_cmplt_epu32_mask(x0, base), high,
                                     _mm512_set1_epi32(1));
  __m512i x2 = paths ? _mm512_loadu_si512(paths->path_lo) : _mm512_set1_epi32((int)(uint32_t)path);
  __m512i x3 =
      paths ? _mm512_loadu_si512(paths->path_hi) : _mm512_set1_epi32((int)(uint32_t)(path >> 32));
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
  // 64-bit lanes (w1 << 32 | w0) per 128-bit lane: unpacklo holds lanes 0,1,4,5,8,9,12,13 and
  // unpackhi lanes 2,3,6,7,10,11,14,15.
  __m512d cA, sA, cB, sB;
  box_muller8(_mm512_unpacklo_epi32(x0, x1), _mm512_unpacklo_epi32(x2, x3), &cA, &sA);
  box_muller8(_mm512_unpackhi_epi32(x0, x1), _mm512_unpackhi_epi32(x2, x3), &cB, &sB);
  // (c, s) pairs: p0 holds lanes 0,4,8,12, p1 lanes 1,5,9,13, p2 lanes 2,6,10,14, p3 3,7,11,15.
  __m512d p0 = _mm512_unpacklo_pd(cA, sA), p1 = _mm512_unpackhi_pd(cA, sA);
  __m512d p2 = _mm512_unpacklo_pd(cB, sB), p3 = _mm512_unpackhi_pd(cB, sB);
  if (stride == 2) {
    // 128-bit pieces 4q + r in lane order: (p0, p1, p2, p3) piece q each, for q = 0 … 3.
    const __m512i low = _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11);
    const __m512i high = _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15);
    __m512d e0 = _mm512_permutex2var_pd(p0, low, p1);   // lanes 0, 1, 4, 5
    __m512d e1 = _mm512_permutex2var_pd(p0, high, p1);  // lanes 8, 9, 12, 13
    __m512d f0 = _mm512_permutex2var_pd(p2, low, p3);   // lanes 2, 3, 6, 7
    __m512d f1 = _mm512_permutex2var_pd(p2, high, p3);  // lanes 10, 11, 14, 15
    const __m512i first = _mm512_setr_epi64(0, 1, 2, 3, 8, 9, 10, 11);
    const __m512i second = _mm512_setr_epi64(4, 5, 6, 7, 12, 13, 14, 15);
    _mm512_storeu_pd(out, _mm512_permutex2var_pd(e0, first, f0));
    _mm512_storeu_pd(out + 8, _mm512_permutex2var_pd(e0, second, f0));
    _mm512_storeu_pd(out + 16, _mm512_permutex2var_pd(e1, first, f1));
    _mm512_storeu_pd(out + 24, _mm512_permutex2var_pd(e1, second, f1));
  } else {
    __m512d pairs[4] = {p0, p1, p2, p3};
    for (int r = 0; r < 4; r++) {
      _mm_storeu_pd(out + (size_t)r * stride, _mm512_castpd512_pd128(pairs[r]));
      _mm_storeu_pd(out + (size_t)(r + 4) * stride, _mm512_extractf64x2_pd(pairs[r], 1));
      _mm_storeu_pd(out + (size_t)(r + 8) * stride, _mm512_extractf64x2_pd(pairs[r], 2));
      _mm_storeu_pd(out + (size_t)(r + 12) * stride, _mm512_extractf64x2_pd(pairs[r], 3));
    }
  }
}

// MARK: - Fills

typedef void (*lanes_kernel)(uint64_t, uint64_t, int, uint64_t, const lane_paths *, double *,
                             size_t);

static lanes_kernel best_kernel(void) {
  return cshim_has_avx512 ? lanes_avx512 : cshim_has_avx2 ? lanes_avx2 : lanes_scalar;
}

/// Lane j's stream is paths[min(j, count − 1)] (a short last set repeats its last path).
static void set_paths(lane_paths *lanes, const uint64_t *paths, size_t count) {
  for (size_t j = 0; j < LANES; j++) {
    uint64_t path = paths[j < count ? j : count - 1];
    lanes->path_lo[j] = (uint32_t)path;
    lanes->path_hi[j] = (uint32_t)(path >> 32);
  }
}

// Normal n of a stream is c (n even) or s (n odd) of block n / 2; out[j] holds normal first + j.
// Whole sets of 16 blocks go straight to the output (Double); the ends of a window, short sets
// and Float output go through a 32-value buffer. Written once for double and once for float.
#define DEFINE_FILLS(T, SUFFIX, DIRECT)                                                           \
  /* Normals first ..< first + count of one stream, 16 consecutive blocks per call. */            \
  static void fill_stream_##SUFFIX(lanes_kernel kernel, uint64_t seed, uint64_t path,            \
                                   uint64_t first, size_t count, T *out) {                        \
    double tmp[2 * LANES];                                                                        \
    uint64_t end = first + count;                                                                 \
    for (uint64_t b = first / 2; 2 * b < end; b += LANES) {                                       \
      uint64_t n = 2 * b;                                                                         \
      if (DIRECT && n >= first && n + 2 * LANES <= end) {                                         \
        kernel(seed, b, 1, path, NULL, (double *)(void *)(out + (n - first)), 2);                 \
        continue;                                                                                 \
      }                                                                                           \
      kernel(seed, b, 1, path, NULL, tmp, 2);                                                     \
      uint64_t from = n < first ? first - n : 0, to = end - n < 2 * LANES ? end - n : 2 * LANES;  \
      for (uint64_t k = from; k < to; k++) out[n + k - first] = (T)tmp[k];                        \
    }                                                                                             \
  }                                                                                               \
                                                                                                  \
  /* The same for paths[0 ..< count] (count ≤ 16), stream p into out + p·stride: one block of     \
     each path per call. */                                                                       \
  static void fill_across_##SUFFIX(lanes_kernel kernel, uint64_t seed, const uint64_t *paths,    \
                                   size_t path_count, uint64_t first, size_t count, T *out,       \
                                   size_t stride) {                                               \
    lane_paths lanes;                                                                             \
    set_paths(&lanes, paths, path_count);                                                         \
    double tmp[2 * LANES];                                                                        \
    uint64_t end = first + count;                                                                 \
    for (uint64_t b = first / 2; 2 * b < end; b++) {                                              \
      uint64_t n = 2 * b;                                                                         \
      if (DIRECT && path_count == LANES && n >= first && n + 2 <= end) {                          \
        kernel(seed, b, 0, 0, &lanes, (double *)(void *)(out + (n - first)), stride);             \
        continue;                                                                                 \
      }                                                                                           \
      kernel(seed, b, 0, 0, &lanes, tmp, 2);                                                     \
      for (size_t j = 0; j < path_count; j++) {                                                   \
        if (n >= first) out[j * stride + (n - first)] = (T)tmp[2 * j];                            \
        if (n + 1 < end) out[j * stride + (n + 1 - first)] = (T)tmp[2 * j + 1];                   \
      }                                                                                           \
    }                                                                                             \
  }                                                                                               \
                                                                                                  \
  /* Every path. Along each stream when that draws at most 3% more blocks than it needs (long     \
     windows: a call across paths costs about 3% more, for its scattered stores); otherwise 16    \
     paths at a time across them, and a last set of fewer than 16 across too when that takes      \
     fewer calls than going along each of its streams. */                                         \
  static void fill_paths_##SUFFIX(lanes_kernel kernel, uint64_t seed, const uint64_t *paths,      \
                                  size_t path_count, uint64_t first, size_t count, T *out,        \
                                  size_t stride) {                                                \
    if (count == 0 || path_count == 0) return;                                                    \
    size_t p = 0;                                                                                 \
    uint64_t blocks = (first + count + 1) / 2 - first / 2;                                        \
    uint64_t along = (blocks + LANES - 1) / LANES; /* calls per path along its stream */          \
    if (100 * LANES * along > 103 * blocks) {                                                     \
      for (; p + LANES <= path_count; p += LANES) {                                               \
        fill_across_##SUFFIX(kernel, seed, paths + p, LANES, first, count, out + p * stride,      \
                             stride);                                                             \
      }                                                                                           \
      size_t left = path_count - p;                                                               \
      if (left > 0 && blocks <= left * along) {                                                   \
        fill_across_##SUFFIX(kernel, seed, paths + p, left, first, count, out + p * stride,       \
                             stride);                                                             \
        return;                                                                                   \
      }                                                                                           \
    }                                                                                             \
    for (; p < path_count; p++) {                                                                 \
      fill_stream_##SUFFIX(kernel, seed, paths[p], first, count, out + p * stride);               \
    }                                                                                             \
  }

DEFINE_FILLS(double, f64, 1)
DEFINE_FILLS(float, f32, 0)

// MARK: - Entry points

void cshim_philox_normals_f64(uint64_t seed, uint64_t path, uint64_t first, size_t count,
                              double *out) {
  fill_stream_f64(best_kernel(), seed, path, first, count, out);
}

void cshim_philox_normals_f32(uint64_t seed, uint64_t path, uint64_t first, size_t count,
                              float *out) {
  fill_stream_f32(best_kernel(), seed, path, first, count, out);
}

void cshim_philox_path_normals_f64(uint64_t seed, const uint64_t *paths, size_t path_count,
                                   uint64_t first, size_t count, double *out, size_t stride) {
  fill_paths_f64(best_kernel(), seed, paths, path_count, first, count, out, stride);
}

void cshim_philox_path_normals_f32(uint64_t seed, const uint64_t *paths, size_t path_count,
                                   uint64_t first, size_t count, float *out, size_t stride) {
  fill_paths_f32(best_kernel(), seed, paths, path_count, first, count, out, stride);
}

/// Kernel 0 (scalar), 1 (AVX2) or 2 (AVX-512); NULL when this CPU lacks it.
static lanes_kernel named_kernel(int kernel) {
  lanes_kernel kernels[3] = {lanes_scalar, lanes_avx2, lanes_avx512};
  int cpu = cshim_cpu_vector_level(); // every kernel the CPU has, whatever the cap
  int available[3] = {1, cpu >= 1, cpu >= 2};
  return kernel >= 0 && kernel <= 2 && available[kernel] ? kernels[kernel] : NULL;
}

int cshim_philox_normals_kernel_f64(int kernel, uint64_t seed, uint64_t path, uint64_t first,
                                    size_t count, double *out) {
  lanes_kernel chosen = named_kernel(kernel);
  if (!chosen) return 0;
  fill_stream_f64(chosen, seed, path, first, count, out);
  return 1;
}

int cshim_philox_path_normals_kernel_f64(int kernel, uint64_t seed, const uint64_t *paths,
                                         size_t path_count, uint64_t first, size_t count,
                                         double *out, size_t stride) {
  lanes_kernel chosen = named_kernel(kernel);
  if (!chosen) return 0;
  fill_paths_f64(chosen, seed, paths, path_count, first, count, out, stride);
  return 1;
}
