internal import RealModule

extension LiquidationBook {
  /// The joint view of the book on one set of paths: per path, which positions are liquidated
  /// within the horizon (continuous monitoring), how many and their notional; the distribution
  /// of both, the probability that at least k go, and that two given positions go together.
  ///
  /// Per path, a position is liquidated when its asset's price is beyond its liquidation price at
  /// a date of the grid, or, between two dates, with the Brownian-bridge probability
  /// `p = exp(−2·a·c/(σ²Δt))` (`brownianBridgeCrossingProbability`): the path's crossing is drawn
  /// as `U < 1 − Πₛ(1 − pₛ)` with one uniform `U` per path, asset and direction, a hash of
  /// (seed, path, asset, direction), so the draw depends only on the path and the bits do not
  /// depend on threads. Positions on one asset and side share `U`, so a deeper level is never
  /// crossed without the nearer one (exact: one asset's crossings are nested). Across assets the
  /// bridges are drawn independently given the grid: exact for independent assets, and for
  /// correlated ones the error is in the bridge's share of the probability, which vanishes as
  /// `steps` grows (use ≥ 10 steps for correlated assets). Source for the bridge: Glasserman,
  /// *Monte Carlo Methods in Financial Engineering* (2004), §6.4.
  ///
  /// - Parameters:
  ///   - settings: the paths, grid (its steps are the bridge's intervals), seed and threads.
  ///   - notionals: each position's notional for the liquidated notional (default 1 each: the
  ///     notional is then the count).
  /// - Throws: as `PathSimulator.run`; `.dimensionMismatch` for a notional per position missing;
  ///   `.parameterOutOfRange` for a notional that is negative or not finite.
  public func simulateJoint(settings: SimulationSettings, notionals: [Double]? = nil)
    throws(RiskKernelsError) -> JointLiquidation
  {
    try jointLiquidation(from: jointSimulator(settings: settings, notionals: notionals).run())
  }

  /// The simulator `simulateJoint` runs, for a caller that runs it elsewhere (split by groups,
  /// across processes: its observer's partials encode and merge like the engine's own); turn
  /// its result into the figures with `jointLiquidation(from:)`.
  ///
  /// - Throws: as `simulateJoint`, for the notionals.
  public func jointSimulator(settings: SimulationSettings, notionals: [Double]? = nil)
    throws(RiskKernelsError) -> PathSimulator<Scalar>
  {
    let notionals = notionals ?? [Double](repeating: 1, count: positions.count)
    guard notionals.count == positions.count else {
      throw .dimensionMismatch(
        operation: "joint liquidation notionals", expected: .vector(positions.count),
        actual: .vector(notionals.count))
    }
    for (k, n) in notionals.enumerated() where !(n >= 0 && n.isFinite) {
      throw .parameterOutOfRange(
        name: ParameterName("notionals", index: k), value: n, allowed: "≥ 0, finite")
    }
    let observer = JointLiquidationObserver(
      book: self, notionals: notionals, seed: settings.seed,
      interval: Scalar(settings.horizon / Double(Swift.max(settings.steps, 1))))
    var observers = PathObservers<Scalar>(extremes: false)
    observers.moments = false
    observers.custom = [observer]
    return PathSimulator(model: model, settings: settings, observers: observers)
  }

  /// The figures of a whole run of `jointSimulator`'s simulator.
  ///
  /// - Throws: `.invalidPartial` for a result that is not such a run's.
  public func jointLiquidation(from result: SimulationResult<Scalar>) throws(RiskKernelsError)
    -> JointLiquidation
  {
    guard let samples = result.observed(0, as: JointLiquidationSamples.self),
      samples.counts.count == result.settings.paths
    else {
      throw .invalidPartial(reason: "not a whole run of this book's joint liquidation simulator")
    }
    return try JointLiquidation(
      samples, positions: positions.count, antithetic: result.settings.antithetic)
  }
}
