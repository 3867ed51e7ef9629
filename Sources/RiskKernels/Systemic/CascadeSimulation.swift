/// Liquidation cascades under simulated shocks: each path's relative move of a pool's asset over
/// the horizon, `s = S_T/S_0 − 1` from the correlated GBM engine, is the exogenous shock of that
/// pool's cascade (`LiquidationCascade`). Several pools (one per asset) see the same correlated
/// paths; cascades in different pools do not interact.
///
/// The result is the distribution of each cascade quantity over the paths: the mean with its
/// standard error, and the 95% and 99% quantiles (linear interpolation, NumPy's default), plus
/// the probability of any bad debt. The per-path figures are kept in path order and merged along
/// the engine's fixed tree, so the result does not depend on the thread count.
///
/// ```swift
/// let simulation = try CascadeSimulation(model: model, markets: [.init(asset: 0, cascade: book)])
/// let settings = SimulationSettings(paths: 10_000, steps: 1, horizon: 1.0 / 365, seed: 7)
/// let eth = try simulation.simulate(settings: settings)[0]
/// eth.badDebtProbability.value
/// ```
public struct CascadeSimulation<Scalar: BLASScalar>: Sendable {
  /// A pool on one asset of the model.
  public struct Market: Sendable {
    /// The index of the model's asset the pool trades.
    public var asset: Int
    /// The pool and the positions that liquidate into it.
    public var cascade: LiquidationCascade<Scalar>

    /// A pool on asset `asset` with its cascade.
    public init(asset: Int, cascade: LiquidationCascade<Scalar>) {
      self.asset = asset
      self.cascade = cascade
    }
  }

  /// The correlated GBM that moves the assets.
  public let model: CorrelatedGBM<Scalar>
  /// The pools, each on one asset of the model.
  public let markets: [Market]

  /// Cascades on `markets`, their assets moved by `model`.
  ///
  /// - Throws: `.parameterOutOfRange` for a market on an asset the model does not have, or two
  ///   markets on one asset.
  public init(model: CorrelatedGBM<Scalar>, markets: [Market]) throws(RiskKernelsError) {
    for (k, market) in markets.enumerated() {
      guard (0..<model.dimension).contains(market.asset) else {
        throw .parameterOutOfRange(
          name: "markets[\(k)].asset", value: Double(market.asset),
          allowed: "0..<\(model.dimension)")
      }
      if let first = markets.firstIndex(where: { $0.asset == market.asset }), first < k {
        throw .parameterOutOfRange(
          name: "markets[\(k)].asset", value: Double(market.asset),
          allowed: "an asset no other market has (markets[\(first)] has it)")
      }
    }
    self.model = model
    self.markets = markets
  }

  /// Simulates the paths and returns one distribution per market, in order.
  ///
  /// - Throws: as `PathSimulator.run`, and the first error (in path order) of a path's cascade,
  ///   with the path named: a purchase that would drain a pool.
  public func simulate(settings: SimulationSettings) throws(RiskKernelsError)
    -> [CascadeDistribution]
  {
    try distributions(from: simulator(settings: settings).run())
  }

  /// The simulator `simulate` runs, for a caller that runs it elsewhere (split by groups, across
  /// processes); turn its result into the distributions with `distributions(from:)`.
  public func simulator(settings: SimulationSettings) -> PathSimulator<Scalar> {
    var observers = PathObservers<Scalar>(extremes: false)
    observers.moments = false
    observers.custom = [CascadeObserver(markets: markets, spot: model.spot)]
    return PathSimulator(model: model, settings: settings, observers: observers)
  }

  /// The distributions of a whole run of `simulator`'s simulator.
  ///
  /// - Throws: the first error (in path order) of a path's cascade, with the path named;
  ///   `.invalidPartial` for a result that is not such a run's.
  public func distributions(from result: SimulationResult<Scalar>) throws(RiskKernelsError)
    -> [CascadeDistribution]
  {
    guard let samples = result.observed(0, as: CascadeSamples.self) else {
      throw .invalidPartial(reason: "not a whole run of this cascade simulation's simulator")
    }
    if let failure = samples.failure {
      throw .parameterOutOfRange(
        name: "path \(failure.path): \(failure.name)", value: failure.value,
        allowed: failure.allowed)
    }
    guard
      samples.values.count == result.settings.paths * markets.count
        * CascadeDistribution.figuresPerPath
    else {
      throw .invalidPartial(reason: "not a whole run of this cascade simulation's simulator")
    }
    return try markets.indices.map { (m) throws(RiskKernelsError) in
      try CascadeDistribution(
        samples.values, market: m, markets: markets.count,
        antithetic: result.settings.antithetic)
    }
  }
}
