internal import RealModule

/// Backtests of a VaR series against realised returns: Kupiec's proportion of failures,
/// Christoffersen's independence and conditional coverage, and the Basel traffic light.
///
/// An exceedance on day t is `r_t < −VaR_t` (a loss beyond the VaR). With `x` exceedances in `T`
/// days, `p = 1 − confidence` and `p̂ = x/T`:
/// ```
/// LR_POF = −2[(T−x) ln(1−p) + x ln p] + 2[(T−x) ln(1−p̂) + x ln p̂]                 ~ χ²(1)
/// LR_ind = −2 ln[(1−π)^(n00+n10) π^(n01+n11)] + 2 ln[(1−π01)^n00 π01^n01 (1−π11)^n10 π11^n11]   ~ χ²(1)
/// LR_cc  = LR_POF + LR_ind                                                           ~ χ²(2)
/// ```
/// `nᵢⱼ` counts days in state j after a day in state i (1 = exceedance), `π01 = n01/(n00+n01)`,
/// `π11 = n11/(n10+n11)`, `π = (n01+n11)/(T−1)`; `0·ln 0 := 0`. p-values are χ² upper tails
/// (GSL `gsl_cdf_chisq_Q`). Sources: Kupiec (1995), Christoffersen (1998), as rugarch's
/// `VaRTest` computes them; Basel Committee (1996) for the zones (scaled from T = 250 at 99%).
///
/// **Zero exceedances.** The likelihood ratio is reported as defined: with `x = 0`,
/// `LR_POF = −2T ln(1−p)`. For a 99% VaR this rejects at the 5% level from T = 192 days on
/// (T = 250: LR = 5.03, p = 0.025). Too few exceedances is evidence of an over-conservative VaR,
/// and the test says so. No "accept zero" rule is applied; the Basel traffic light, reported
/// beside it, is green for zero exceedances, and the two answer different questions (capital
/// adequacy versus calibration). The independence test has no information without both
/// exceedances and non-exceedances and reports `LR_ind = 0` (p-value 1) then.
public struct VaRBacktest: Sendable, Equatable, Codable {
  /// Basel traffic-light zone for the number of exceedances.
  public enum Zone: String, Sendable, Equatable, Codable {
    /// `P(X ≤ x) < 95%` for X ~ Bin(T, p).
    case green
    /// `95% ≤ P(X ≤ x) < 99.99%`.
    case yellow
    /// `P(X ≤ x) ≥ 99.99%`.
    case red
  }

  /// T, the days backtested.
  public let observations: Int
  /// x, the days with `r_t < −VaR_t`.
  public let exceedances: Int
  /// `T·p`, the exceedances a calibrated VaR has on average.
  public let expectedExceedances: Double
  /// Kupiec's `LR_POF` and its χ²(1) p-value.
  public let kupiecStatistic: Double
  /// The p-value of `kupiecStatistic`.
  public let kupiecPValue: Double
  /// Christoffersen's `LR_ind` (χ²(1)).
  public let independenceStatistic: Double
  /// The p-value of `independenceStatistic`.
  public let independencePValue: Double
  /// `LR_cc = LR_POF + LR_ind` (χ²(2)).
  public let conditionalCoverageStatistic: Double
  /// The p-value of `conditionalCoverageStatistic`.
  public let conditionalCoveragePValue: Double
  /// The Basel zone: green while the binomial probability of at most `x` exceedances is below
  /// 95%, red from 99.99% (for T = 250 at 99%: green 0–4, yellow 5–9, red ≥ 10).
  public let zone: Zone

  /// The backtest of a VaR series against the returns that followed it.
  ///
  /// - Parameters:
  ///   - valueAtRisk: the VaR forecast for each day, as positive losses.
  ///   - returns: the realised return of each day.
  ///   - confidence: the VaR's confidence level.
  /// - Throws: `.dimensionMismatch`; `.nonFiniteInput`; `.insufficientData` for fewer than 2
  ///   days; `.parameterOutOfRange` for the confidence.
  public init<T: BLASScalar>(valueAtRisk: [T], returns: [T], confidence: Double)
    throws(RiskKernelsError)
  {
    try checkConfidence(confidence)
    try checkCount(returns, valueAtRisk.count, "returns")
    guard returns.count >= 2 else {
      throw .insufficientData(argument: "returns", required: 2, actual: returns.count)
    }
    try checkAllFinite(valueAtRisk, "valueAtRisk")
    try checkAllFinite(returns, "returns")
    let hits = zip(returns, valueAtRisk).map { $0 < -$1 }
    try self.init(hits: hits, confidence: confidence)
  }

  /// From the exceedance indicators directly.
  public init(hits: [Bool], confidence: Double) throws(RiskKernelsError) {
    try checkConfidence(confidence)
    guard hits.count >= 2 else {
      throw .insufficientData(argument: "hits", required: 2, actual: hits.count)
    }
    let t = hits.count
    let x = hits.filter { $0 }.count
    let p = 1 - confidence
    func xlogy(_ x: Double, _ y: Double) -> Double { x == 0 ? 0 : x * Double.log(y) }
    let pHat = Double(x) / Double(t)
    let null: Double = xlogy(Double(t - x), 1 - p) + xlogy(Double(x), p)
    let fitted: Double = xlogy(Double(t - x), 1 - pHat) + xlogy(Double(x), pHat)
    let pof = 2 * (fitted - null)
    var n = [[0, 0], [0, 0]]
    for i in 1..<t { n[hits[i - 1] ? 1 : 0][hits[i] ? 1 : 0] += 1 }
    let (n00, n01, n10, n11) = (Double(n[0][0]), Double(n[0][1]), Double(n[1][0]), Double(n[1][1]))
    var independence = 0.0
    if n01 + n11 > 0 && n00 + n10 > 0 {
      let pi = (n01 + n11) / (n00 + n01 + n10 + n11)
      let pi01 = n00 + n01 > 0 ? n01 / (n00 + n01) : 0
      let pi11 = n10 + n11 > 0 ? n11 / (n10 + n11) : 0
      let restricted: Double = xlogy(n00 + n10, 1 - pi) + xlogy(n01 + n11, pi)
      let markov: Double =
        xlogy(n00, 1 - pi01) + xlogy(n01, pi01) + xlogy(n10, 1 - pi11) + xlogy(n11, pi11)
      independence = 2 * (markov - restricted)
    }
    self.observations = t
    self.exceedances = x
    self.expectedExceedances = p * Double(t)
    self.kupiecStatistic = Swift.max(0, pof)
    self.kupiecPValue = GSLChiSquared.survival(Swift.max(0, pof), degrees: 1)
    self.independenceStatistic = Swift.max(0, independence)
    self.independencePValue = GSLChiSquared.survival(Swift.max(0, independence), degrees: 1)
    self.conditionalCoverageStatistic = self.kupiecStatistic + self.independenceStatistic
    self.conditionalCoveragePValue = GSLChiSquared.survival(
      self.conditionalCoverageStatistic, degrees: 2)
    // Binomial CDF P(X ≤ x) for X ~ Bin(T, p).
    var cdf = 0.0
    var term = Double.exp(Double(t) * Double.log(onePlus: -p))
    for j in 0...x {
      if j > 0 { term *= Double(t - j + 1) / Double(j) * p / (1 - p) }
      cdf += term
    }
    if cdf < 0.95 {
      self.zone = .green
    } else if cdf < 0.9999 {
      self.zone = .yellow
    } else {
      self.zone = .red
    }
  }
}
