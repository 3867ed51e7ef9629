internal import RealModule

/// Parametric normal VaR and ES of a portfolio, with their Euler components.
///
/// With daily covariance Σ, weights `w`, mean daily return `μ_p = wᵀm` and a horizon of `h` days
/// (square-root-of-time scaling of i.i.d. daily returns), `z = Φ⁻¹(c)`:
/// ```
/// σ_p = √(wᵀΣw),   VaR = z σ_p √h − μ_p h,   ES = σ_p √h φ(z)/(1−c) − μ_p h
/// VaR_i = w_i [(Σw)_i/σ_p · z √h − m_i h],   ES_i = w_i [(Σw)_i/σ_p · φ(z)/(1−c) √h − m_i h]
/// ```
/// The components are Euler allocations (`w_i ∂VaR/∂w_i`) and sum to the totals because both are
/// homogeneous of degree 1 in `w`. Sources: Jorion, *Value at Risk* (3rd ed.) ch. 7; McNeil, Frey
/// & Embrechts, *Quantitative Risk Management* (2015) §2.3, §8.5. Pass `means: nil` for the
/// usual zero-mean convention over short horizons.
public enum ParametricVaR {
  /// Normal VaR and ES of a portfolio with weights w and covariance Σ, with Euler components.
  ///
  /// - Throws: `.dimensionMismatch`; `.nonFiniteInput`; `.parameterOutOfRange` for a confidence
  ///   outside `[0.5, 1)`, a non-positive horizon, or `wᵀΣw ≤ 0`.
  @specialized(where T == Double)
  @specialized(where T == Float)
  public static func normal<T: BLASScalar>(
    weights: [T], covariance: Matrix<T>, means: [T]? = nil, confidence: Double,
    horizonDays: Double = 1
  ) throws(RiskKernelsError) -> TailRisk<T> {
    try checkConfidence(confidence)
    guard horizonDays > 0, horizonDays.isFinite else {
      throw .parameterOutOfRange(name: "horizonDays", value: horizonDays, allowed: "> 0")
    }
    let risk = try RiskContributions(weights: weights, covariance: covariance)
    let m = means ?? [T](repeating: 0, count: weights.count)
    try checkCount(m, weights.count, "means")
    try checkAllFinite(m, "means")
    let z = try GSLNormal.quantile(confidence)
    let root = horizonDays.squareRoot()
    let density = Double.exp(-z * z / 2) / (2 * Double.pi).squareRoot()
    let varScale = T(z * root)
    let esScale = T(density / (1 - confidence) * root)
    let h = T(horizonDays)
    var varComponents = [T](repeating: 0, count: weights.count)
    var esComponents = varComponents
    for i in weights.indices {
      // RC_i = w_i (Σw)_i / σ_p, the volatility's Euler component.
      varComponents[i] = risk.absolute[i] * varScale - weights[i] * m[i] * h
      esComponents[i] = risk.absolute[i] * esScale - weights[i] * m[i] * h
    }
    return TailRisk(
      confidence: confidence, valueAtRisk: varComponents.reduce(0, +),
      expectedShortfall: esComponents.reduce(0, +),
      valueAtRiskComponents: varComponents, expectedShortfallComponents: esComponents)
  }
}
