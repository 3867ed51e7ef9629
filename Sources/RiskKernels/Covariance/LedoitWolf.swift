/// Ledoit-Wolf shrinkage toward a scaled identity, as scikit-learn defines it.
///
/// With `X` (n × p) centred on the sample mean and `S = XᵀX/n` (**1/n**), `μ = tr(S)/p`:
/// ```
/// δ = ‖S − μI‖²_F / p
/// β = (1/(n·p)) · ( Σₖ ‖xₖ‖⁴ / n − ‖S‖²_F )       (xₖ the k-th observation)
/// s = min(β, δ) / δ          (0 when β = 0, and for p = 1)
/// Σ_LW = (1 − s) S + s μ I
/// ```
/// SYRK gives `S` and, in the same pass, `Σₖ ‖xₖ‖⁴` (`CentredScatter`). Source: O. Ledoit & M. Wolf, "A well-conditioned
/// estimator for large-dimensional covariance matrices", *J. Multivariate Anal.* 88(2):365–411,
/// 2004. Matches `sklearn.covariance.LedoitWolf` (and `ledoit_wolf`), including its 1/n
/// normalisation.
///
/// Tested against: scikit-learn on the fixtures in `covariance/` (including p > n, p = 1 and
/// a case that saturates at s = 1); a naive implementation; symmetry, PSD and s ∈ [0, 1].
public struct LedoitWolf: CovarianceEstimator, Equatable {
  /// Whether the returns are already centred (sklearn `assume_centered`): no mean is removed.
  public var assumeCentered: Bool

  /// The estimator; `assumeCentered` as scikit-learn's `assume_centered`.
  public init(assumeCentered: Bool = false) {
    self.assumeCentered = assumeCentered
  }

  /// The Ledoit-Wolf estimate of the columns of `returns`, with its proven eigenvalue bound.
  ///
  /// - Throws: `.insufficientData` for no assets or fewer than 2 observations (1 when
  ///   `assumeCentered`); `.nonFiniteInput`.
  /// - Complexity: O(n·p²) (SYRK) plus O(n·p + p²).
  @specialized(where T == Double)
  @specialized(where T == Float)
  public func estimate<T: BLASScalar>(
    from returns: Matrix<T>
  ) throws(RiskKernelsError) -> CovarianceEstimate<T> {
    try checkReturns(returns, minimumRows: assumeCentered ? 1 : 2, finiteness: false)
    let (n, p) = (returns.rows, returns.columns)
    let mean = assumeCentered ? [T](repeating: 0, count: p) : columnMeans(returns)
    let scatter = CentredScatter(
      location: assumeCentered ? nil : mean, alpha: 1 / T(n), rowNormsToTheFourth: true)
    var (s, fourth) = try scatter(returns)
    let mu = s.trace / T(p)
    var shrinkage: T = 0
    if p > 1 {
      let sNorm = s.squaredFrobeniusNorm()
      let delta = (sNorm - 2 * mu * s.trace + T(p) * mu * mu) / T(p)
      let beta = (fourth / T(n) - sNorm) / (T(n) * T(p))
      let clipped = Swift.min(beta, delta)
      shrinkage = (clipped == 0 || delta == 0) ? 0 : clipped / delta
    }
    let bound = CovarianceEstimate<T>.shrinkageEigenvalueBound(
      intensity: shrinkage, scale: mu, trace: s.trace, observations: n, assets: p)
    s.shrinkTowardScaledIdentity(intensity: shrinkage, scale: mu)
    return CovarianceEstimate(
      covariance: s, mean: mean, observationCount: n, shrinkage: shrinkage,
      eigenvalueLowerBound: bound)
  }
}

/// The Ledoit-Wolf (scaled identity target) covariance of `returns`; see `LedoitWolf`.
public func ledoitWolfCovariance<T: BLASScalar>(
  _ returns: Matrix<T>, assumeCentered: Bool = false
) throws(RiskKernelsError) -> CovarianceEstimate<T> {
  try LedoitWolf(assumeCentered: assumeCentered).estimate(from: returns)
}
