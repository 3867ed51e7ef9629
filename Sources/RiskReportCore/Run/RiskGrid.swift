import RiskKernels

/// VaR and ES by every method at the standard confidence levels (VaR at 95%, 99% and 99.5%; ES
/// at 97.5%, the Basel level; each entry has both), at one day and at the report's horizon,
/// with the uncertainty each method can state:
/// - Monte Carlo: the asymptotic standard errors and 95% intervals (`TailRisk`);
/// - historical: a bootstrap of the daily returns (`bootstrapSamples` resamples, seeded), its
///   standard deviation as the standard error and its 2.5–97.5% percentiles as the interval;
/// - parametric and Cornish–Fisher: none, and `uncertainty` says why.
/// The one-day figures of the daily methods scale to the horizon by √h, as the VaR section's do.
struct RiskGrid {
  static let confidences = [0.95, 0.975, 0.99, 0.995]
  static let bootstrapSamples = 500

  struct Entry: Codable, Equatable {
    let method: String
    let confidence: Double
    let horizonDays: Double
    let `var`: Double
    let expectedShortfall: Double
    var varStandardError: Double?
    var expectedShortfallStandardError: Double?
    var varInterval: [Double]?
    var expectedShortfallInterval: [Double]?
    /// How the uncertainty was obtained, or why there is none.
    let uncertainty: String
  }

  let weights: [Double]
  /// The portfolio's daily simple returns (complete rows), and the assets' daily covariance.
  let portfolio: [Double]
  let dailyCovariance: Matrix<Double>
  let horizonDays: Double
  let seed: UInt64

  /// - Parameters:
  ///   - monteCarlo: the portfolio's simulated returns `(V − V₀)/V₀` at each horizon (1 day,
  ///     then the report's; the same array twice when the horizon is one day).
  func entries(monteCarlo: [(horizonDays: Double, returns: [Double])]) throws -> [Entry] {
    let horizons = horizonDays == 1 ? [1.0] : [1.0, horizonDays]
    var out: [Entry] = []
    let bootstrap = try bootstrapResamples(portfolio)
    for h in horizons {
      let root = h.squareRoot()
      for c in Self.confidences {
        let p = try ParametricVaR(confidence: c, horizon: .days(h))
          .measure(weights: weights, covariance: dailyCovariance)
        out.append(
          Entry(
            method: "parametric", confidence: c, horizonDays: h, var: p.valueAtRisk,
            expectedShortfall: p.expectedShortfall,
            uncertainty:
              "none: its error is the covariance estimate's sampling error, which is not propagated"
          ))
        let cf = try CornishFisherVaR(confidence: c).measure(portfolio)
        out.append(
          Entry(
            method: "cornish-fisher", confidence: c, horizonDays: h, var: cf.valueAtRisk * root,
            expectedShortfall: cf.expectedShortfall * root,
            uncertainty: "none: the expansion's error depends on the sample moments' error"))
        let hs = try EmpiricalVaR(confidence: c).measure(portfolio)
        let (vars, shortfalls) = bootstrap.resampled(confidence: c)
        out.append(
          Entry(
            method: "historical", confidence: c, horizonDays: h, var: hs.valueAtRisk * root,
            expectedShortfall: hs.expectedShortfall * root,
            varStandardError: Self.standardDeviation(vars) * root,
            expectedShortfallStandardError: Self.standardDeviation(shortfalls) * root,
            varInterval: try Self.percentiles(vars).map { $0 * root },
            expectedShortfallInterval: try Self.percentiles(shortfalls).map { $0 * root },
            uncertainty: "bootstrap of the daily returns, \(Self.bootstrapSamples) resamples"))
      }
      guard let simulated = monteCarlo.first(where: { $0.horizonDays == h }) else { continue }
      let sample = try Matrix(
        rows: simulated.returns.count, columns: 1, columnMajor: simulated.returns)
      for c in Self.confidences {
        let mc = try EmpiricalVaR(confidence: c).measure(contributions: sample)
        var entry = Entry(
          method: "monte-carlo", confidence: c, horizonDays: h, var: mc.valueAtRisk,
          expectedShortfall: mc.expectedShortfall,
          varStandardError: mc.valueAtRiskStandardError,
          expectedShortfallStandardError: mc.expectedShortfallStandardError,
          uncertainty: "asymptotic standard errors of the order statistics and the tail mean")
        entry.varInterval = try mc.valueAtRiskInterval().map { [$0.lowerBound, $0.upperBound] }
        entry.expectedShortfallInterval = try mc.expectedShortfallInterval().map {
          [$0.lowerBound, $0.upperBound]
        }
        out.append(entry)
      }
    }
    return out
  }

  /// Resamples of the daily returns, each sorted once for every confidence level.
  struct Bootstrap {
    /// Per resample, its VaR and ES at each of `RiskGrid.confidences`.
    let risks: [[TailRisk<Double>]]

    /// The one-day VaR and ES of each resample at `confidence` (one of `RiskGrid.confidences`).
    func resampled(confidence: Double) -> (vars: [Double], shortfalls: [Double]) {
      let k = RiskGrid.confidences.firstIndex(of: confidence)!
      return (risks.map { $0[k].valueAtRisk }, risks.map { $0[k].expectedShortfall })
    }
  }

  /// `bootstrapSamples` resamples with replacement, from a SplitMix64 stream of the report's
  /// seed (Steele, Lea & Flood 2014), so the grid is reproducible.
  func bootstrapResamples(_ returns: [Double]) throws -> Bootstrap {
    var state = seed ^ 0x9E37_79B9_7F4A_7C15
    func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    let n = UInt64(returns.count)
    return Bootstrap(
      risks: try (0..<Self.bootstrapSamples).map { _ in
        let sample = (0..<returns.count).map { _ in returns[Int(next() % n)] }.sorted()
        return try EmpiricalVaR.measure(sorted: sample, confidences: Self.confidences)
      })
  }

  static func standardDeviation(_ x: [Double]) -> Double {
    let mean = x.reduce(0, +) / Double(x.count)
    return (x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count - 1)).squareRoot()
  }

  /// The 2.5% and 97.5% percentiles (the linear rule).
  static func percentiles(_ x: [Double]) throws -> [Double] {
    try linearQuantiles(of: x, probabilities: [0.025, 0.975])
  }
}
