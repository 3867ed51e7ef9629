/// The sample covariance of the columns of a returns matrix.
///
/// ```
/// x̄ = Xᵀ1/n,   Xc = X − 1x̄ᵀ,   S = Xcᵀ Xc / (n − 1)    (or / n)
/// ```
/// computed as SYRK on the centred data (half the flops of a GEMM), block by block
/// (`CentredScatter`).
///
/// Matches `numpy.cov(X, rowvar=False)` (unbiased) and `sklearn.covariance.empirical_covariance`
/// (maximum likelihood).
///
/// Tested against: NumPy on the fixtures in `covariance/`; symmetry, PSD, permutation and scaling
/// properties; a naive double loop.
public struct SampleCovariance: CovarianceEstimator, Equatable {
  /// `1/(n−1)` (default) or `1/n`.
  public var normalization: Normalization

  /// The sample covariance with `normalization`.
  public init(normalization: Normalization = .unbiased) {
    self.normalization = normalization
  }

  /// The sample covariance of the columns of `returns`.
  ///
  /// - Throws: `.insufficientData` for no assets or fewer than 2 observations (1 for maximum
  ///   likelihood); `.nonFiniteInput`.
  /// - Complexity: O(n·d²) (SYRK) plus O(n·d).
  @specialized(where T == Double)
  @specialized(where T == Float)
  public func estimate<T: BLASScalar>(
    from returns: Matrix<T>
  ) throws(RiskKernelsError) -> CovarianceEstimate<T> {
    try checkReturns(returns, minimumRows: normalization == .unbiased ? 2 : 1, finiteness: false)
    let n = returns.rows
    let mean = columnMeans(returns)
    let divisor = T(normalization == .unbiased ? n - 1 : n)
    let (covariance, _) = try CentredScatter(location: mean, alpha: 1 / divisor)(returns)
    return CovarianceEstimate(
      covariance: covariance, mean: mean, observationCount: n, shrinkage: nil)
  }
}

/// The sample covariance of `returns`; see `SampleCovariance`.
public func sampleCovariance<T: BLASScalar>(
  _ returns: Matrix<T>, normalization: Normalization = .unbiased
) throws(RiskKernelsError) -> CovarianceEstimate<T> {
  try SampleCovariance(normalization: normalization).estimate(from: returns)
}
