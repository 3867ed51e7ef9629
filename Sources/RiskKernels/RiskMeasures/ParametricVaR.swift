internal import RealModule

/// Parametric normal VaR and ES of a portfolio, with their Euler components.
///
/// With the covariance Σ of one period's returns (a day's, for daily returns), weights `w`, mean
/// return per period `μ_p = wᵀm` and a horizon of `h` periods (square-root-of-time scaling of
/// i.i.d. returns), `z = Φ⁻¹(c)`:
/// ```
/// σ_p = √(wᵀΣw),   VaR = z σ_p √h − μ_p h,   ES = σ_p √h φ(z)/(1−c) − μ_p h
/// VaR_i = w_i [(Σw)_i/σ_p · z √h − m_i h],   ES_i = w_i [(Σw)_i/σ_p · φ(z)/(1−c) √h − m_i h]
/// ```
/// The components are Euler allocations (`w_i ∂VaR/∂w_i`) and sum to the totals because both are
/// homogeneous of degree 1 in `w`. Sources: Jorion, *Value at Risk* (3rd ed.) ch. 7; McNeil, Frey
/// & Embrechts, *Quantitative Risk Management* (2015) §2.3, §8.5. Pass `means: nil` for the
/// usual zero-mean convention over short horizons.
///
/// The horizon is a `Horizon`, `h` its days in a year of `daysPerYear` (the returns' periods): a
/// horizon given in days of that calendar is exactly those days, and without `daysPerYear` a
/// horizon given in days is those days (one given in years, `years × 365`). No horizon is one
/// period.
/// ```swift
/// let tenDays = ParametricVaR(confidence: 0.99, horizon: .days(10))
/// let risk = try tenDays.measure(weights: w, covariance: dailyCovariance)
/// ```
public struct ParametricVaR: TailRiskMeasure, Equatable {
  /// The confidence level `c` in `[0.5, 1)`, checked when measuring.
  public var confidence: Double
  /// The horizon (> 0), or `nil` for one period of the returns.
  public var horizon: Horizon?
  /// Periods of the returns per year (> 0): 365 for daily returns of assets that trade every day,
  /// 252 for exchange trading days; `nil` for the horizon's own calendar.
  public var daysPerYear: Double?

  /// The normal VaR/ES at confidence `c` over `horizon` (one period of the returns if `nil`).
  public init(confidence: Double, horizon: Horizon? = nil, daysPerYear: Double? = nil) {
    self.confidence = confidence
    self.horizon = horizon
    self.daysPerYear = daysPerYear
  }

  /// `h`, the horizon in periods of the returns, after validation.
  func periods() throws(RiskKernelsError) -> Double {
    try checkConfidence(confidence)
    if let daysPerYear, !(daysPerYear > 0 && daysPerYear.isFinite) {
      throw .parameterOutOfRange(name: "daysPerYear", value: daysPerYear, allowed: "> 0")
    }
    guard let horizon else { return 1 }
    let h = daysPerYear.map { horizon.days(daysPerYear: $0) } ?? horizon.daysInOwnCalendar
    guard h > 0, h.isFinite else {
      throw .parameterOutOfRange(name: .horizon, value: horizon.years, allowed: "> 0 years")
    }
    return h
  }

  /// Normal VaR and ES of a portfolio with weights w and covariance Σ, with Euler components.
  ///
  /// - Throws: `.dimensionMismatch`; `.nonFiniteInput`; `.parameterOutOfRange` for a confidence
  ///   outside `[0.5, 1)`, a horizon or days per year that is not positive and finite, or
  ///   `wᵀΣw ≤ 0`.
  @specialized(where T == Double)
  @specialized(where T == Float)
  public func measure<T: BLASScalar>(weights: [T], covariance: Matrix<T>, means: [T]? = nil)
    throws(RiskKernelsError) -> TailRisk<T>
  {
    let periods = try periods()
    let risk = try RiskContributions(weights: weights, covariance: covariance)
    let m = means ?? [T](repeating: 0, count: weights.count)
    try checkCount(m, weights.count, "means")
    try checkAllFinite(m, "means")
    let z = try GSLNormal.quantile(confidence)
    let root = periods.squareRoot()
    let density = Double.exp(-z * z / 2) / (2 * Double.pi).squareRoot()
    let varScale = T(z * root)
    let esScale = T(density / (1 - confidence) * root)
    let h = T(periods)
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

  /// Normal VaR and ES of a sample of returns, with the zero-mean convention of the portfolio
  /// form's `means: nil` and the sample's standard deviation `s` (over n − 1):
  /// `VaR = z s √h` and `ES = s √h φ(z)/(1−c)` (RiskMetrics' normal VaR of a return series; pass
  /// the sample's mean to `measure(weights:covariance:means:)` to subtract `r̄h`).
  ///
  /// - Throws: `.insufficientData` for fewer than 2 returns; `.nonFiniteInput`;
  ///   `.parameterOutOfRange` for a constant sample or as `measure(weights:covariance:means:)`.
  @specialized(where T == Double)
  @specialized(where T == Float)
  public func measure<T: BLASScalar>(_ returns: [T]) throws(RiskKernelsError) -> TailRisk<T> {
    guard returns.count >= 2 else {
      throw .insufficientData(argument: "returns", required: 2, actual: returns.count)
    }
    try checkAllFinite(returns, "returns")
    let moments = CentralMoments(returns)
    let variance = moments.squares / Double(moments.count - 1)
    guard T(variance) > 0 else {
      throw .parameterOutOfRange(name: "returns variance", value: variance, allowed: "> 0")
    }
    let risk = try measure(weights: [T(1)], covariance: Matrix([[T(variance)]]))
    return TailRisk(
      confidence: confidence, valueAtRisk: risk.valueAtRisk,
      expectedShortfall: risk.expectedShortfall)
  }
}
