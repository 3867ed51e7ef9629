/// The system's volatility `σ = √(wᵀΣw)` for exposures (or weights) `w` and a covariance `Σ`,
/// and its stability score `1 − σ/σ_max` against a ceiling `σ_max` (1 when calm, 0 at the
/// ceiling, negative beyond it). O(d²): one symmetric matrix-vector product.
public enum SystemicVolatility {
  /// The volatility `√(wᵀΣw)` and the stability score `1 − σ/maximum`.
  ///
  /// - Throws: as `RiskContributions` (dimension mismatch, non-finite input, `wᵀΣw < 0`);
  ///   `.parameterOutOfRange` unless `maximum > 0`.
  @specialized(where T == Double)
  @specialized(where T == Float)
  public static func measure<T: BLASScalar>(
    weights: [T], covariance: Matrix<T>, maximum: T
  ) throws(RiskKernelsError) -> (volatility: T, stability: T) {
    guard maximum > 0, maximum.isFinite else {
      throw .parameterOutOfRange(name: "maximum", value: Double(maximum), allowed: "> 0, finite")
    }
    let sigma = try RiskContributions(weights: weights, covariance: covariance).portfolioVolatility
    return (sigma, 1 - sigma / maximum)
  }
}
