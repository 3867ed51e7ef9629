/// Monte Carlo VaR and ES of a portfolio of holdings over a simulation's horizon, with Euler
/// components, from the engine's simulated terminal prices.
///
/// Each path k gives the portfolio return `R_k = (V_{T,k} − V₀) / V₀` with `V = Σᵢ hᵢ Sᵢ`, split
/// into per-asset contributions `hᵢ (S_{T,k,i} − S_{0,i}) / V₀`. VaR, ES and their components
/// are those of `EmpiricalVaR.measure(contributions:)` on that sample (ranked by `R_k`), so the
/// components sum to the totals. The paths are `PathSimulator`'s: reproducible from the seed and
/// identical on any thread count. Memory: O(N) — each path's value; the ~k + √k tail paths are
/// re-simulated for their prices.
///
/// ```swift
/// let settings = SimulationSettings(paths: 100_000, steps: 1, horizon: 10.0 / 365, seed: 7)
/// let risk = try MonteCarloVaR(confidence: 0.99).measure(
///   model: model, holdings: holdings, settings: settings)
/// ```
public struct MonteCarloVaR: Sendable, Equatable {
  /// The confidence level `c` in `[0.5, 1)`, checked when measuring.
  public var confidence: Double

  /// The Monte Carlo VaR/ES at confidence `c`.
  public init(confidence: Double) { self.confidence = confidence }

  /// Monte Carlo VaR and ES of the holdings over the settings' horizon, with components and standard errors.
  ///
  /// - Throws: what `PathSimulator` throws for the model and settings; `.dimensionMismatch` or
  ///   `.nonFiniteInput` for the holdings; `.parameterOutOfRange` for a confidence outside
  ///   `[0.5, 1)` or `V₀ ≤ 0` (a net short book has no return on value; pass P&L weights instead).
  /// - Parameters:
  ///   - model: the correlated GBM of the assets.
  ///   - holdings: units `hᵢ` of each asset (`V₀ = Σ hᵢS₀ᵢ > 0`).
  ///   - settings: the paths, horizon, seed and threads.
  ///   - progress: passed to `PathSimulator.run`.
  ///   - scratch: kept arrays for callers that refresh the VaR often (`SimulationScratch`).
  @specialized(where T == Double)
  @specialized(where T == Float)
  public func measure<T: BLASScalar>(
    model: CorrelatedGBM<T>, holdings: [T], settings: SimulationSettings,
    progress: (@Sendable (_ pathsDone: Int) -> Void)? = nil, scratch: SimulationScratch? = nil
  ) throws(RiskKernelsError) -> TailRisk<T> {
    // Checked before any path is drawn.
    _ = try Self.initialValue(holdings: holdings, spot: model.spot, confidence: confidence)
    let simulator = Self.portfolioSimulator(
      model: model, holdings: holdings, settings: settings, scratch: scratch)
    return try measure(from: simulator.run(progress: progress), simulator: simulator)
  }

  /// The simulator whose run `measure(from:simulator:)` reads: each path's
  /// portfolio value `Σᵢ hᵢ Sᵢ(T)` kept, nothing else observed. Run it any way, whole or as
  /// partials merged from several processes (`PathSimulator.run(groups:)`).
  public static func portfolioSimulator<T: BLASScalar>(
    model: CorrelatedGBM<T>, holdings: [T], settings: SimulationSettings,
    scratch: SimulationScratch? = nil
  ) -> PathSimulator<T> {
    var observers = PathObservers(holdings: holdings, keepPortfolioValues: true, extremes: false)
    observers.moments = false
    return PathSimulator(model: model, settings: settings, observers: observers, scratch: scratch)
  }

  /// VaR/ES and components from the result of `simulator`, a `portfolioSimulator(…)`'s.
  ///
  /// - Throws: as `measure(model:holdings:settings:progress:scratch:)`, and
  ///   `.invalidPartial` for a result that is not `simulator`'s kept portfolio values.
  @specialized(where T == Double)
  @specialized(where T == Float)
  public func measure<T: BLASScalar>(
    from result: consuming SimulationResult<T>, simulator: PathSimulator<T>
  ) throws(RiskKernelsError) -> TailRisk<T> {
    let model = simulator.model
    guard let holdings = simulator.observers.holdings, result.settings == simulator.settings,
      result.portfolioValues?.count == simulator.settings.paths
    else {
      throw .invalidPartial(reason: "the result does not hold the simulator's portfolio values")
    }
    let initial = try Self.initialValue(
      holdings: holdings, spot: model.spot, confidence: confidence)
    // Only each path's value is kept (O(N) memory); the components need the prices of the
    // ~k + √k paths around the tail, which are re-simulated in rank order (path k's numbers
    // depend only on the seed and k, so they are the same paths). The values become the
    // returns in place (the result is consumed, so the array has no other reference), and
    // their array goes back to the simulator's scratch (if it has one) at the end.
    var totals = result.portfolioValues!
    _ = consume result
    for k in totals.indices { totals[k] = (totals[k] - initial) / initial }
    defer { simulator.scratch.recycle(totals) }
    let ranking = try EmpiricalVaR.tailRanking(totals: totals, confidence: confidence)
    let prices = try simulator.terminalPrices(ofPaths: Array(ranking.rowsRead))
    defer { simulator.scratch.recycle(prices.storage) }
    let scale = holdings.map { $0 / initial }
    return EmpiricalVaR.allocate(
      count: totals.count, ranking: ranking, quantile: totals[ranking.ranked[ranking.k - 1]],
      assets: model.dimension, confidence: confidence,
      totalAtRank: { totals[ranking.ranked[$0]] },
      contributionAtRank: { scale[$1] * (prices[$0, $1] - model.spot[$1]) })
  }

  /// The tail candidates of a partial of `simulator`'s run (a `portfolioSimulator(…)`'s): each
  /// of its paths' return `(V − V₀)/V₀`, of which it keeps the run's `needed` worst. A process
  /// that simulated some groups sends these instead of its paths' values.
  ///
  /// - Throws: `.invalidPartial` for a partial of another run or without portfolio values;
  ///   as `measure(model:…)` for the holdings and confidence.
  @specialized(where T == Double)
  @specialized(where T == Float)
  public func tailCandidates<T: BLASScalar>(
    from partial: SimulationPartial<T>, simulator: PathSimulator<T>
  ) throws(RiskKernelsError) -> TailCandidates<T> {
    let plan = SimulationPlan(
      model: simulator.model, settings: simulator.settings, observers: simulator.observers)
    let fingerprint = plan.fingerprint
    // Checks that the partial is this run's before reading its values.
    let values = try plan.keptPortfolioValues(of: partial)
    guard let holdings = simulator.observers.holdings, values.count == partial.paths.count else {
      throw .invalidPartial(reason: "the partial does not hold the simulator's portfolio values")
    }
    let initial = try Self.initialValue(
      holdings: holdings, spot: simulator.model.spot, confidence: confidence)
    let n = simulator.settings.paths
    let k = EmpiricalVaR.tailCount(n: n, confidence: confidence)
    let needed = Swift.min(n, k + EmpiricalVaR.windowCount(k: k))
    let returns = values.map { ($0 - initial) / initial }
    try checkAllFinite(returns, "portfolio returns")
    // The `needed` smallest by selection (ties at the cut-off kept, then trimmed by the sort).
    var indices = Array(returns.indices)
    if returns.count > needed {
      var work = returns
      let cutoff = select(&work, rank: needed - 1)
      indices = indices.filter { returns[$0] <= cutoff }
    }
    let first = partial.paths.lowerBound
    return TailCandidates(
      totalPaths: n, confidence: confidence, runFingerprint: fingerprint,
      covered: partial.paths.isEmpty ? [] : [partial.paths],
      unsortedReturns: indices.map { returns[$0] }, paths: indices.map { first + $0 })
  }

  /// VaR/ES and components from tail candidates that have seen every path of `simulator`'s run
  /// (merged from all its parts): the bits `measure(from:simulator:)` gives on the whole run.
  /// Only the tail's paths are re-simulated, here.
  ///
  /// - Throws: `.invalidPartial` unless the candidates have seen all N paths of this run at
  ///   this measure's confidence.
  @specialized(where T == Double)
  @specialized(where T == Float)
  public func measure<T: BLASScalar>(
    candidates: TailCandidates<T>, simulator: PathSimulator<T>
  ) throws(RiskKernelsError) -> TailRisk<T> {
    let model = simulator.model
    let n = simulator.settings.paths
    guard candidates.runFingerprint == simulator.runFingerprint else {
      throw .invalidPartial(reason: "tail candidates of another run")
    }
    guard let holdings = simulator.observers.holdings, candidates.totalPaths == n,
      candidates.covered == [0..<n], candidates.returns.count == candidates.needed
    else {
      throw .invalidPartial(
        reason:
          "the tail candidates have seen \(candidates.pathsSeen) of \(candidates.totalPaths) paths; the run has \(n)"
      )
    }
    try checkConfidence(confidence)
    guard candidates.confidence == confidence else {
      throw .invalidPartial(
        reason: "tail candidates at confidence \(candidates.confidence), not \(confidence)")
    }
    let initial = try Self.initialValue(
      holdings: holdings, spot: model.spot, confidence: confidence)
    let k = EmpiricalVaR.tailCount(n: n, confidence: confidence)
    let ranking = EmpiricalVaR.TailRanking(
      k: k, m: EmpiricalVaR.windowCount(k: k), ranked: candidates.paths)
    let prices = try simulator.terminalPrices(ofPaths: Array(ranking.rowsRead))
    defer { simulator.scratch.recycle(prices.storage) }
    let scale = holdings.map { $0 / initial }
    return EmpiricalVaR.allocate(
      count: n, ranking: ranking, quantile: candidates.returns[k - 1], assets: model.dimension,
      confidence: confidence, totalAtRank: { candidates.returns[$0] },
      contributionAtRank: { scale[$1] * (prices[$0, $1] - model.spot[$1]) })
  }

  /// The same VaR/ES and components from terminal prices a simulation already kept
  /// (`PathObservers.keepTerminalPrices`), so one run can serve VaR and other observers.
  ///
  /// - Throws: `.dimensionMismatch` unless `terminalPrices` has one column per asset;
  ///   otherwise as above.
  @specialized(where T == Double)
  @specialized(where T == Float)
  public func measure<T: BLASScalar>(
    terminalPrices prices: Matrix<T>, spot: [T], holdings: [T]
  ) throws(RiskKernelsError) -> TailRisk<T> {
    let initial = try Self.initialValue(holdings: holdings, spot: spot, confidence: confidence)
    let d = spot.count
    guard prices.columns == d else {
      throw .dimensionMismatch(
        operation: "terminal prices for \(d) assets",
        expected: .matrix(rows: prices.rows, columns: d),
        actual: .matrix(rows: prices.rows, columns: prices.columns))
    }
    try prices.checkFinite("terminal prices")
    let n = prices.rows
    let scale = holdings.map { $0 / initial }
    // A path's return is (V − V₀)/V₀ with V = Σᵢ hᵢSᵢ summed in asset order: the arithmetic of
    // the simulator's portfolio observer, so this form and the model form agree exactly. The
    // contributions hᵢ(Sᵢ − Sᵢ(0))/V₀ are derived on demand for the tail's rows only.
    var values = [T](repeating: 0, count: n)
    for i in 0..<d {
      for k in 0..<n { values[k] += holdings[i] * prices.storage[k + i * n] }
    }
    let totals = values.map { ($0 - initial) / initial }
    return try EmpiricalVaR.allocate(totals: totals, assets: d, confidence: confidence) {
      scale[$1] * (prices.storage[$0 + $1 * n] - spot[$1])
    }
  }

  /// `V₀ = Σ hᵢ Sᵢ(0)` after checking the confidence and the holdings (also the importance-
  /// sampled and RQMC forms' check).
  static func initialValue<T: BLASScalar>(
    holdings: [T], spot: [T], confidence: Double
  ) throws(RiskKernelsError) -> T {
    try checkConfidence(confidence)
    try checkCount(holdings, spot.count, "holdings")
    try checkAllFinite(holdings, "holdings")
    var initial: T = 0
    for i in spot.indices { initial += holdings[i] * spot[i] }
    guard initial > 0 else {
      throw .parameterOutOfRange(
        name: "portfolio value Σ hᵢ Sᵢ(0)", value: Double(initial), allowed: "> 0")
    }
    return initial
  }
}
