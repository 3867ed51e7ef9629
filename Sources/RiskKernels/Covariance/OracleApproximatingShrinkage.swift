/// Oracle Approximating Shrinkage (OAS) toward a scaled identity, in scikit-learn's form.
///
/// With `S = XᵀX/n` of the centred returns (**1/n**), `μ = tr(S)/p`, `α = mean(S∘S) = ‖S‖²_F/p²`:
/// ```
/// ρ = min( (α + μ²) / ((n + 1)(α − μ²/p)), 1 )      (1 when the denominator is 0; 0 for p = 1)
/// Σ_OAS = (1 − ρ) S + ρ μ I
/// ```
/// Source: Y. Chen, A. Wiesel, Y. C. Eldar & A. O. Hero, "Shrinkage algorithms for MMSE
/// covariance estimation", *IEEE Trans. Signal Process.* 58(10):5016–5029, 2010, Eq. 23, as
/// scikit-learn implements it (the 2/p terms of the paper omitted; see scikit-learn #23280).
/// Matches `sklearn.covariance.OAS`.
///
/// Tested against: scikit-learn on the fixtures in `covariance/`; ρ ∈ [0, 1]; symmetry and PSD.
public struct OracleApproximatingShrinkage: CovarianceEstimator, Equatable {
  /// Whether the returns are already centred (sklearn `assume_centered`).
  public var assumeCentered: Bool

  /// The estimator; `assumeCentered` as scikit-learn's `assume_centered`.
  public init(assumeCentered: Bool = false) {
    self.assumeCentered = assumeCentered
  }

  /// The OAS estimate of the columns of `returns`, with its proven eigenvalue bound.
  ///
  /// - Throws: `.insufficientData` for no assets or fewer than 2 observations (1 when
  ///   `assumeCentered`); `.nonFiniteInput`.
  /// - Complexity: O(n·p²) (SYRK) plus O(p²).
  @specialized(where T == Double)
  @specialized(where T == Float)
  public func estimate<T: BLASScalar>(
    from returns: Matrix<T>
  ) throws(RiskKernelsError) -> CovarianceEstimate<T> {
    try checkReturns(returns, minimumRows: assumeCentered ? 1 : 2, finiteness: false)
    let (n, p) = (returns.rows, returns.columns)
    let mean = assumeCentered ? [T](repeating: 0, count: p) : columnMeans(returns)
    var (s, _) = try CentredScatter(location: assumeCentered ? nil : mean, alpha: 1 / T(n))(returns)
    let mu = s.trace / T(p)
    let alpha = s.squaredFrobeniusNorm() / T(p * p)
    let numerator = alpha + mu * mu
    let denominator = T(n + 1) * (alpha - mu * mu / T(p))
    // scikit-learn: one feature is never shrunk (the target equals S anyway).
    let shrinkage: T =
      p == 1 ? 0 : denominator == 0 ? 1 : Swift.min(numerator / denominator, 1)
    let bound = CovarianceEstimate<T>.shrinkageEigenvalueBound(
      intensity: shrinkage, scale: mu, trace: s.trace, observations: n, assets: p)
    s.shrinkTowardScaledIdentity(intensity: shrinkage, scale: mu)
    return CovarianceEstimate(
      covariance: s, mean: mean, observationCount: n, shrinkage: shrinkage,
      eigenvalueLowerBound: bound)
  }
}

/// The OAS covariance of `returns`; see `OracleApproximatingShrinkage`.
public func oasCovariance<T: BLASScalar>(
  _ returns: Matrix<T>, assumeCentered: Bool = false
) throws(RiskKernelsError) -> CovarianceEstimate<T> {
  try OracleApproximatingShrinkage(assumeCentered: assumeCentered).estimate(from: returns)
}
