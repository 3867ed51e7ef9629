/// Whether an EWMA covariance is taken about zero or about the weighted mean.
public enum EWMACentering: String, Sendable, CaseIterable {
  /// About zero, as RiskMetrics (daily returns have a mean far below their noise).
  case zeroMean
  /// About the exponentially weighted mean `m = Σ wₜ rₜ`.
  case weightedMean
}

/// The exponentially weighted moving-average (RiskMetrics) covariance.
///
/// ```
/// Σₜ = λ Σₜ₋₁ + (1 − λ) rₜ rₜᵀ        (the recursion, λ = decay)
/// Σ  = Σₜ wₜ (rₜ − m)(rₜ − m)ᵀ,   wₜ = λ^(T−1−t) / Σₛ λ^(T−1−s)
/// ```
/// Weights are normalised to sum to one: this equals the recursion started from zero and divided
/// by `1 − λ^T`, so a short history is not biased toward zero. `m = 0` (`.zeroMean`, the
/// RiskMetrics default) or `m = Σ wₜ rₜ` (`.weightedMean`). The newest row (the last) has the
/// largest weight. Computed as SYRK on rows scaled by `√wₜ` (`CentredScatter`).
///
/// Source: J.P. Morgan/Reuters, *RiskMetrics — Technical Document*, 4th ed., 1996, §5.2
/// (λ = 0.94 for daily data).
///
/// Tested against: NumPy `X.T @ diag(w) @ X` on the fixtures in `covariance/`; agreement with
/// `StreamingCovariance` fed row by row.
public struct EWMACovariance: CovarianceEstimator, Equatable {
  /// λ in (0, 1); RiskMetrics uses 0.94 for daily returns.
  public var decay: Double
  /// About zero (default) or about the weighted mean.
  public var centering: EWMACentering

  /// RiskMetrics EWMA with decay λ (0.94 by default) about `centering`.
  public init(decay: Double = 0.94, centering: EWMACentering = .zeroMean) {
    self.decay = decay
    self.centering = centering
  }

  /// The normalised weights `wₜ` for `n` observations, oldest first (summing to 1).
  ///
  /// - Throws: `.parameterOutOfRange` unless `0 < decay < 1` and `n ≥ 0`.
  public func weights(count n: Int) throws(RiskKernelsError) -> [Double] {
    guard n >= 0 else {
      throw .parameterOutOfRange(name: "count", value: Double(n), allowed: "≥ 0")
    }
    guard decay > 0, decay < 1 else {
      throw .parameterOutOfRange(name: "decay", value: decay, allowed: "0 < decay < 1")
    }
    var w = [Double](repeating: 0, count: n)
    var power = 1.0
    for t in stride(from: n - 1, through: 0, by: -1) {
      w[t] = power
      power *= decay
    }
    let total = w.reduce(0, +)
    return w.map { $0 / total }
  }

  /// The EWMA covariance of the columns of `returns` (the last row weighted most).
  ///
  /// - Throws: `.parameterOutOfRange` unless `0 < decay < 1`; `.insufficientData` for no assets
  ///   or no observations (2 for `.weightedMean`); `.nonFiniteInput`.
  /// - Complexity: O(n·d²) (SYRK) plus O(n·d).
  @specialized(where T == Double)
  @specialized(where T == Float)
  public func estimate<T: BLASScalar>(
    from returns: Matrix<T>
  ) throws(RiskKernelsError) -> CovarianceEstimate<T> {
    try checkReturns(returns, minimumRows: centering == .zeroMean ? 1 : 2, finiteness: false)
    let w = try weights(count: returns.rows)
    let d = returns.columns
    var mean = [T](repeating: 0, count: d)
    if centering == .weightedMean {
      try T._gemv(returns, .transpose, w.map { T($0) }, alpha: 1, beta: 0, into: &mean)
    }
    let scatter = CentredScatter(
      location: centering == .weightedMean ? mean : nil, rowScale: w.map { T($0.squareRoot()) })
    let (covariance, _) = try scatter(returns)
    return CovarianceEstimate(
      covariance: covariance, mean: mean, observationCount: returns.rows, shrinkage: nil)
  }
}

/// The EWMA covariance of `returns`; see `EWMACovariance`.
public func ewmaCovariance<T: BLASScalar>(
  _ returns: Matrix<T>, decay: Double = 0.94, centering: EWMACentering = .zeroMean
) throws(RiskKernelsError) -> CovarianceEstimate<T> {
  try EWMACovariance(decay: decay, centering: centering).estimate(from: returns)
}
