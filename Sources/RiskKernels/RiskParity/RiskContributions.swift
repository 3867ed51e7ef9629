/// A portfolio's volatility and how each asset contributes to it (Euler allocation).
///
/// ```
/// σ_p = √(wᵀΣw)          RC_i = w_i (Σw)_i / σ_p          Σ_i RC_i = σ_p
/// ```
/// `relative[i] = RC_i / σ_p` sums to 1 and is what a risk budget `b_i` targets.
/// Source: Maillard, Roncalli & Teïletche, "The properties of equally weighted risk contribution
/// portfolios", *J. Portfolio Management* 36(4), 2010.
public struct RiskContributions<Scalar: BLASScalar>: Sendable, Equatable {
  /// `σ_p = √(wᵀΣw)`, in the units of Σ (annual if Σ is annual).
  public let portfolioVolatility: Scalar
  /// `RC_i = w_i (Σw)_i / σ_p`; they sum to `portfolioVolatility`.
  public let absolute: [Scalar]
  /// `RC_i / σ_p`; they sum to 1.
  public let relative: [Scalar]

  /// The risk contributions of `weights` under `covariance` (only its lower triangle is read).
  ///
  /// - Throws: `.dimensionMismatch`; `.nonFiniteInput`; `.parameterOutOfRange` when
  ///   `wᵀΣw ≤ 0` (no risk to allocate, or a Σ that is not positive semi-definite).
  /// - Complexity: one `?symv`, O(d²).
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public init(weights: [Scalar], covariance: Matrix<Scalar>) throws(RiskKernelsError) {
    try covariance.checkSquare("covariance")
    try checkCount(weights, covariance.rows, "weights")
    try checkAllFinite(weights, "weights")
    try covariance.checkFinite("covariance")
    var product = [Scalar](repeating: 0, count: weights.count)
    try Scalar._symv(covariance, .lower, weights, alpha: 1, beta: 0, into: &product)
    self.init(weights: weights, product: product)
    guard portfolioVolatility > 0 else {
      throw .parameterOutOfRange(
        name: "portfolio variance wᵀΣw", value: Double(portfolioVolatility), allowed: "> 0")
    }
  }

  /// From `w` and `Σw` already at hand (the solvers' last product).
  init(weights: [Scalar], product: [Scalar]) {
    var variance: Scalar = 0
    for i in weights.indices { variance += weights[i] * product[i] }
    let sigma = variance > 0 ? variance.squareRoot() : 0
    var absolute = [Scalar](repeating: 0, count: weights.count)
    var relative = absolute
    if sigma > 0 {
      for i in weights.indices {
        let contribution = weights[i] * product[i]
        absolute[i] = contribution / sigma
        relative[i] = contribution / variance
      }
    }
    self.portfolioVolatility = sigma
    self.absolute = absolute
    self.relative = relative
  }
}
