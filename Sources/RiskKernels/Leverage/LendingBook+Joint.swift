extension LendingBook {
  /// The book's loans on one set of paths: per path, which loans default within the horizon
  /// (the collateral basket falls to `CR·L`, on the grid or between dates by the
  /// Brownian-bridge draw of `LiquidationBook.simulateJoint`, with the basket's local volatility
  /// `‖Lᵀw‖`), how many, and the defaulted debt; the probability that any and that all loans
  /// default, P(at least k), and P(loans i and j both default).
  ///
  /// `JointLiquidation`'s `notional` is here the defaulted debt `Σ L` of the defaulting loans.
  /// Each loan's bridge draw has its own uniform, so two loans are drawn independently given the
  /// grid: exact when their collaterals move independently, and for shared or correlated
  /// collateral the error is in the bridge's share of the probability, which vanishes as
  /// `steps` grows (the report's daily or finer grids).
  ///
  /// - Throws: as `PathSimulator.run`.
  public func simulateJoint(settings: SimulationSettings) throws(RiskKernelsError)
    -> JointLiquidation
  {
    try jointDefault(from: jointSimulator(settings: settings).run())
  }

  /// The simulator `simulateJoint` runs, for a caller that runs it elsewhere; turn its result
  /// into the figures with `jointDefault(from:)`.
  public func jointSimulator(settings: SimulationSettings) -> PathSimulator<Scalar> {
    let observer = JointLiquidationObserver(
      book: self, seed: settings.seed,
      interval: Scalar(settings.horizon / Double(Swift.max(settings.steps, 1))))
    var observers = PathObservers<Scalar>(extremes: false)
    observers.moments = false
    observers.custom = [observer]
    return PathSimulator(model: model, settings: settings, observers: observers)
  }

  /// The figures of a whole run of `jointSimulator`'s simulator.
  ///
  /// - Throws: `.invalidPartial` for a result that is not such a run's.
  public func jointDefault(from result: SimulationResult<Scalar>) throws(RiskKernelsError)
    -> JointLiquidation
  {
    guard let samples = result.observed(0, as: JointLiquidationSamples.self),
      samples.counts.count == result.settings.paths
    else {
      throw .invalidPartial(reason: "not a whole run of this book's joint default simulator")
    }
    return try JointLiquidation(
      samples, positions: loans.count, antithetic: result.settings.antithetic)
  }
}
