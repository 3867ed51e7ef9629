/// Randomized quasi-Monte Carlo: a run of N paths drawn as R independent scramblings of a
/// Sobol' sequence (`NormalGenerator.sobol`), N/R points each. Each scrambling's estimate is
/// unbiased, and they are independent, so their mean is the estimate and their spread its
/// standard error (Owen 1997; L'Ecuyer & Lemieux 2002):
/// ```
/// θ̂ = (1/R) Σ_r θ̂_r,   s.e. = s_R / √R,   s_R² = (1/(R−1)) Σ_r (θ̂_r − θ̂)²
/// ```
/// Within a scrambling the paths are not independent, so a single run's path-to-path spread is
/// no standard error for QMC. Scrambling r uses the seed `SobolSequence.mix(seed, r)`; its point
/// k (path k of that replicate) depends only on (seed, r, k). N/R a power of two keeps each
/// replicate a full net, where QMC is at its best; any N divisible by R is accepted.
public struct RandomizedQMC: Sendable {
  /// R, the number of independent scramblings.
  public let replicates: Int

  /// R independent scramblings (16 by default: a t interval with 15 degrees of freedom).
  ///
  /// - Throws: `.parameterOutOfRange` unless `2 ≤ replicates ≤ 1024`.
  public init(replicates: Int = 16) throws(RiskKernelsError) {
    guard replicates >= 2, replicates <= 1024 else {
      throw .parameterOutOfRange(
        name: "replicates", value: Double(replicates), allowed: "2 … 1024")
    }
    self.replicates = replicates
  }

  /// Replicate r's settings: N/R paths, the Sobol' generator, the scrambling's seed.
  ///
  /// - Throws: `.parameterOutOfRange` unless the paths divide into `replicates` and `r` is a
  ///   replicate.
  public func settings(_ settings: SimulationSettings, replicate r: Int) throws(RiskKernelsError)
    -> SimulationSettings
  {
    guard settings.paths >= replicates, settings.paths.isMultiple(of: replicates) else {
      throw .parameterOutOfRange(
        name: .paths, value: Double(settings.paths),
        allowed: "a multiple of the \(replicates) replicates")
    }
    guard (0..<replicates).contains(r) else {
      throw .parameterOutOfRange(name: "replicate", value: Double(r), allowed: "0..<\(replicates)")
    }
    var out = settings
    out.paths = settings.paths / replicates
    out.generator = .sobol
    out.seed = SobolSequence.mix(settings.seed, UInt64(r) &+ 0x5EED)
    return out
  }

  /// Runs `simulator` once per scrambling (each with `settings(_:replicate:)`).
  ///
  /// - Throws: as `settings(_:replicate:)` and `PathSimulator.run`.
  public func run<T: BLASScalar>(_ simulator: PathSimulator<T>) throws(RiskKernelsError)
    -> [SimulationResult<T>]
  {
    var results: [SimulationResult<T>] = []
    for r in 0..<replicates {
      var replicate = simulator
      replicate.settings = try settings(simulator.settings, replicate: r)
      results.append(try replicate.run())
    }
    return results
  }

  /// The fewest tail points n(1 − c) a scrambling may have for `portfolioVaR`: below it each
  /// scrambling's quantile is mostly its bias, which averaging over scramblings does not remove.
  public static var minimumTailPoints: Double { 10 }

  /// The mean of the replicates' values and its standard error `s_R/√R` (a t interval with
  /// R − 1 degrees of freedom for so few values).
  ///
  /// - Throws: `.insufficientData` for fewer than two values; `.nonFiniteInput`.
  public static func estimate(_ values: [Double]) throws(RiskKernelsError) -> MonteCarloEstimate {
    guard values.count >= 2 else {
      throw .insufficientData(argument: "replicate values", required: 2, actual: values.count)
    }
    try checkAllFinite(values, "replicate values")
    let r = Double(values.count)
    let mean = values.reduce(0, +) / r
    let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    return MonteCarloEstimate(value: mean, standardError: (squares / (r - 1) / r).squareRoot())
  }

  /// Monte Carlo VaR/ES of a portfolio by randomized QMC: each scrambling's figures and
  /// components, averaged; the standard errors from their spread.
  ///
  /// Each scrambling's components are `MonteCarloVaR.measure(from:simulator:)`'s, rescaled to its figures. Its
  /// ES takes the tail as np points' worth of mass 1/n each, the quantile's point counted for
  /// the fraction the tail still lacks (`EmpiricalVaR.measure(_:weights:)` with unit weights),
  /// not the ⌈np⌉ worst. Its VaR is the return
  /// at rank `np + ½` (1-based, interpolated between the two order statistics around it) rather
  /// than at `⌈np⌉`: in a scrambled net each of the n cells of width 1/n of a coordinate holds
  /// one point, so F at the j-th smallest value averages `(j − ½)/n` and the plain rule would be
  /// biased by up to a cell — which the replicates' small standard error would expose (it did:
  /// the ⌈np⌉ rules put the 95% intervals around the true ES 4 times in 100).
  ///
  /// - Throws: as `MonteCarloVaR.measure(model:holdings:settings:progress:scratch:)` and
  ///   `settings(_:replicate:)`.
  public func portfolioVaR<T: BLASScalar>(
    model: CorrelatedGBM<T>, holdings: [T], settings: SimulationSettings, confidence: Double
  ) throws(RiskKernelsError) -> TailRisk<T> {
    try checkConfidence(confidence)
    let perReplicate = settings.paths / replicates
    guard Double(perReplicate) * (1 - confidence) >= Self.minimumTailPoints else {
      throw .parameterOutOfRange(
        name: .paths, value: Double(settings.paths),
        allowed:
          "at least \(Int((Self.minimumTailPoints / (1 - confidence)).rounded(.up))) points per scrambling (\(Int(Self.minimumTailPoints)) in the tail) × \(replicates) scramblings"
      )
    }
    let initial = try MonteCarloVaR.initialValue(
      holdings: holdings, spot: model.spot, confidence: confidence)
    var risks: [TailRisk<T>] = []
    var valuesAtRisk: [Double] = []
    for r in 0..<replicates {
      let simulator = MonteCarloVaR.portfolioSimulator(
        model: model, holdings: holdings, settings: try self.settings(settings, replicate: r))
      let result = try simulator.run()
      // The returns sorted once: VaR and ES both read them in rank order.
      var sorted = (result.portfolioValues ?? []).map { Double(($0 - initial) / initial) }
      let risk = try MonteCarloVaR(confidence: confidence).measure(
        from: result, simulator: simulator)
      sorted.sort()
      let n = sorted.count
      let mass = Double(n) * (1 - confidence)  // np points' worth of tail
      // VaR at the 0-based position np − ½, interpolated, clamped to the sample.
      let position = Swift.min(Double(n - 1), Swift.max(0, mass - 0.5))
      let lower = Int(position)
      let above = sorted[Swift.min(n - 1, lower + 1)]
      let valueAtRisk = -(sorted[lower] + (position - Double(lower)) * (above - sorted[lower]))
      // ES with the fractional tail: the k − 1 worst whole, the k-th for what np still lacks
      // (`EmpiricalVaR.measure(_:weights:)`'s rule with unit weights).
      let k = EmpiricalVaR.tailCount(n: n, confidence: confidence)
      var tail = 0.0
      for j in 0..<(k - 1) { tail += sorted[j] }
      let expectedShortfall = -(tail + (mass - Double(k - 1)) * sorted[k - 1]) / mass
      valuesAtRisk.append(valueAtRisk)
      let scale = risk.valueAtRisk != 0 ? valueAtRisk / Double(risk.valueAtRisk) : 0
      let esScale =
        risk.expectedShortfall != 0 ? expectedShortfall / Double(risk.expectedShortfall) : 0
      risks.append(
        TailRisk(
          confidence: confidence, valueAtRisk: T(valueAtRisk),
          expectedShortfall: T(expectedShortfall),
          valueAtRiskComponents: risk.valueAtRiskComponents?.map { T(Double($0) * scale) },
          expectedShortfallComponents: risk.expectedShortfallComponents?.map {
            T(Double($0) * esScale)
          }))
    }
    let valueAtRisk = try Self.estimate(valuesAtRisk)
    let shortfall = try Self.estimate(risks.map { Double($0.expectedShortfall) })
    func averaged(_ parts: (TailRisk<T>) -> [T]?) -> [T]? {
      guard let first = parts(risks[0]) else { return nil }
      var sum = [Double](repeating: 0, count: first.count)
      for risk in risks {
        for (i, x) in (parts(risk) ?? []).enumerated() { sum[i] += Double(x) }
      }
      return sum.map { T($0 / Double(risks.count)) }
    }
    return TailRisk(
      confidence: confidence, valueAtRisk: T(valueAtRisk.value),
      expectedShortfall: T(shortfall.value),
      valueAtRiskComponents: averaged { $0.valueAtRiskComponents },
      expectedShortfallComponents: averaged { $0.expectedShortfallComponents },
      valueAtRiskStandardError: T(valueAtRisk.standardError),
      expectedShortfallStandardError: T(shortfall.standardError),
      standardErrorDegreesOfFreedom: replicates - 1)
  }
}
