public import RealModule

/// The standard normal distribution's CDF and its logarithm, accurate in both tails.
///
/// ```
/// Φ(z) = ½ erfc(−z/√2)
/// log Φ(z) = log(½ erfc(−z/√2))                                   for z ≥ −30
/// log Φ(z) ≈ −z²/2 − log(−z) − ½ log 2π + log(1 − 1/z² + 3/z⁴ − 15/z⁶)   for z < −30 (Mills ratio)
/// ```
/// `erfc` keeps the lower tail's relative accuracy (no `1 − ½ erfc(…)` cancellation); the
/// asymptotic series takes over where `erfc` underflows. Source: Abramowitz & Stegun 26.2.12.
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
    let inverseSquare = 1 / (z * z)
    let series = 1 - inverseSquare * (1 - inverseSquare * (3 - 15 * inverseSquare))
    return -z * z / 2 - T.log(-z) - T.log(2 * T.pi) / 2 + T.log(series)
  }
}
