internal import RealModule

/// Cornish–Fisher ("modified") VaR and ES from a return sample's first four moments.
///
/// `α = 1 − c` the tail probability, `S` the sample skewness, `K` the sample **excess** kurtosis:
/// ```
/// z = Φ⁻¹(α),  z_cf(z) = z + (z²−1)S/6 + (z³−3z)K/24 − (2z³−5z)S²/36
/// VaR = −(μ + σ z_cf(Φ⁻¹(α)))
/// ES  = −(μ + σ/α ∫₀^α z_cf(Φ⁻¹(u)) du)     (the mean of the expanded quantiles in the tail)
/// ```
/// The sign of the last term matters: an old PerformanceAnalytics line has it wrong, and copies
/// of it circulate (Cornish & Fisher 1937; Favre & Galeano 2002; PerformanceAnalytics `mVaR.MM` gives the values tested here). The ES integral
/// uses the closed forms `∫₀^α zᵏ du` for Gaussian tails: with `φ = φ(z)`,
/// `∫z = −φ`, `∫z² = α − zφ`, `∫z³ = −(z² + 2)φ`, so no quadrature is needed. Moments are the
/// population (1/n) estimates, as PerformanceAnalytics uses; σ is the 1/n standard deviation.
/// Horizon: the moments are those of the returns given (daily returns give a daily VaR).
/// Sources: Cornish & Fisher (1937); Favre & Galeano (2002); Boudt, Peterson & Croux (2008).
///
/// ```swift
/// let modified = try CornishFisherVaR(confidence: 0.99).measure(dailyReturns)
/// ```
public struct CornishFisherVaR: TailRiskMeasure, Equatable {
  /// The confidence level `c` in `[0.5, 1)`, checked when measuring.
  public var confidence: Double

  /// The Cornish–Fisher VaR/ES at confidence `c`.
  public init(confidence: Double) { self.confidence = confidence }

  /// The expansion `z_cf` of a standard normal quantile `z`.
  public static func expandedQuantile(_ z: Double, skewness s: Double, excessKurtosis k: Double)
    -> Double
  {
    z + (z * z - 1) * s / 6 + (z * z * z - 3 * z) * k / 24 - (2 * z * z * z - 5 * z) * s * s / 36
  }

  /// From known moments of the returns (mean, standard deviation, skewness, excess kurtosis).
  ///
  /// - Throws: `.parameterOutOfRange` for a confidence outside `[0.5, 1)` or a negative or
  ///   non-finite σ; `.nonFiniteInput` for non-finite moments.
  public func measure(
    mean: Double, standardDeviation sigma: Double, skewness s: Double, excessKurtosis k: Double
  ) throws(RiskKernelsError) -> TailRisk<Double> {
    try checkConfidence(confidence)
    guard sigma >= 0, sigma.isFinite else {
      throw .parameterOutOfRange(name: "standardDeviation", value: sigma, allowed: "≥ 0, finite")
    }
    for (index, value) in [mean, s, k].enumerated() where !value.isFinite {
      throw .nonFiniteInput(argument: "moments", index: index)
    }
    let alpha = 1 - confidence
    let z = try GSLNormal.quantile(alpha)
    let phi = Double.exp(-z * z / 2) / (2 * Double.pi).squareRoot()
    // ∫₀^α zᵏ du for k = 0…3, with z = Φ⁻¹(u) running from −∞ to Φ⁻¹(α).
    let i0 = alpha
    let i1 = -phi
    let i2 = alpha - z * phi
    let i3 = -(z * z + 2) * phi
    let tailMean =
      (i1 + (i2 - i0) * s / 6 + (i3 - 3 * i1) * k / 24 - (2 * i3 - 5 * i1) * s * s / 36) / alpha
    return TailRisk(
      confidence: confidence,
      valueAtRisk: -(mean + sigma * Self.expandedQuantile(z, skewness: s, excessKurtosis: k)),
      expectedShortfall: -(mean + sigma * tailMean))
  }

  /// From a sample of returns: its 1/n mean, standard deviation, skewness and excess kurtosis.
  ///
  /// - Throws: `.insufficientData` for fewer than 4 returns; `.nonFiniteInput`;
  ///   `.parameterOutOfRange` for a constant sample or an invalid confidence.
  @specialized(where T == Double)
  @specialized(where T == Float)
  public func measure<T: BLASScalar>(_ returns: [T]) throws(RiskKernelsError) -> TailRisk<T> {
    guard returns.count >= 4 else {
      throw .insufficientData(argument: "returns", required: 4, actual: returns.count)
    }
    try checkAllFinite(returns, "returns")
    let moments = CentralMoments(returns)
    let n = Double(moments.count)
    let mean = moments.mean
    let (m2, m3, m4) = (moments.squares / n, moments.cubes / n, moments.fourthPowers / n)
    guard m2 > 0 else {
      throw .parameterOutOfRange(name: "returns variance", value: 0, allowed: "> 0")
    }
    let risk = try measure(
      mean: mean, standardDeviation: m2.squareRoot(), skewness: m3 / (m2 * m2.squareRoot()),
      excessKurtosis: m4 / (m2 * m2) - 3)
    return TailRisk(
      confidence: confidence, valueAtRisk: T(risk.valueAtRisk),
      expectedShortfall: T(risk.expectedShortfall))
  }
}
