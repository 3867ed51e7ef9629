public import RealModule

/// The standard normal distribution's CDF and its logarithm, accurate in both tails.
///
/// ```
/// Φ(z) = ½ erfc(−z/√2)
/// log Φ(z) = log(½ erfc(−z/√2))                                   for z ≥ −30
/// log Φ(z) ≈ −z²/2 − log(−z) − ½ log 2π + log Σₖ₌₀⁷ (−1)ᵏ(2k−1)!!/z²ᵏ   for z < −30 (Mills ratio)
/// ```
/// `erfc` keeps the lower tail's relative accuracy (no `1 − ½ erfc(…)` cancellation); the
/// asymptotic series takes over where `erfc` underflows; eight terms leave a truncation error
/// below 2027025/z¹⁶ ≤ 5e-18 relative. Source: Abramowitz & Stegun 26.2.12.
public enum StandardNormal {
  /// `Φ(z) = P(Z ≤ z)`.
  @inlinable
  public static func cdf<T: Real>(_ z: T) -> T {
    T.erfc(-z / T.sqrt(2)) / 2
  }

  /// `log Φ(z)`, finite for every finite `z` (about `−z²/2` far in the lower tail).
  @inlinable
  public static func logCDF<T: Real>(_ z: T) -> T {
    if z >= -30 { return T.log(cdf(z)) }
    let q = 1 / (z * z)
    let series =
      1 - q * (1 - q * (3 - q * (15 - q * (105 - q * (945 - q * (10395 - 135_135 * q))))))
    return -z * z / 2 - T.log(-z) - T.log(2 * T.pi) / 2 + T.log(series)
  }
}
