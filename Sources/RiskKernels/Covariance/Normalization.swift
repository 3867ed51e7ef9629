/// Whether a covariance divides the scatter by `n − 1` or by `n`.
public enum Normalization: String, Sendable, CaseIterable {
  /// `1/(n−1)`: the unbiased estimator (NumPy `np.cov` default, pandas).
  case unbiased
  /// `1/n`: the maximum-likelihood estimator (scikit-learn `EmpiricalCovariance`).
  case maximumLikelihood
}
