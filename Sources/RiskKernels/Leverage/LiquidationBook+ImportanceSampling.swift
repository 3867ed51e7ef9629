internal import RealModule

extension LiquidationBook {
  /// Position `position`'s liquidation probabilities by importance sampling: the paths are drawn
  /// with the drift moved toward its liquidation price and weighted by their likelihood ratios,
  /// so a rare liquidation (a 10× long over a day, a deep barrier) gets a small relative error
  /// from few paths.
  ///
  /// The shift (`MeanShift` along the position's asset, a = ±eᵢ) moves the asset's mean
  /// log-price at the horizon by θ standard deviations toward the liquidation price; by default
  /// θ = (νT − ℓ)/(σ√T) with ℓ = ln(P_liq/S₀), ν = μ − σ²/2 (for a long; mirrored for a short),
  /// which puts the liquidation price at the shifted mean — about half the shifted paths then
  /// liquidate. The likelihood ratio of a constant drift change depends on the horizon alone
  /// (`w = exp(θ aᵀX/s + θ²/2)`), so the grid hit and the continuous (Brownian-bridge) hit of
  /// each path are weighted by it; the estimates are unbiased, with standard errors from the
  /// weighted samples (Glasserman 2004, §4.6).
  ///
  /// - Parameters:
  ///   - k: the index of the position in `positions`.
  ///   - settings: paths, steps (the monitoring grid), horizon, seed and threads; antithetic
  ///     variates are refused.
  ///   - shiftSize: θ in `[0, 10]`; `nil` for the default above.
  /// - Throws: `.parameterOutOfRange` for a position index out of range, antithetic settings or
  ///   θ outside `[0, 10]`; as `PathSimulator.run`.
  public func importanceSampled(
    position k: Int, settings: SimulationSettings, shiftSize: Double? = nil
  ) throws(RiskKernelsError) -> ImportanceSampledLiquidation<Scalar> {
    guard positions.indices.contains(k) else {
      throw .parameterOutOfRange(
        name: "position", value: Double(k), allowed: "0..<\(positions.count)")
    }
    try WeightedBarrierObserver<Scalar>.check(settings: settings, shiftSize: shiftSize)
    let entry = positions[k]
    let (i, level) = (entry.asset, entry.position.liquidationPrice)
    let spot = model.spot[i]
    let long = entry.position.side == .long
    let price = Double(level)
    if (long && level <= 0) || (long ? level >= spot : level <= spot) {
      let exact = MonteCarloEstimate(value: long && level <= 0 ? 0 : 1, standardError: 0)
      return ImportanceSampledLiquidation(
        liquidation: SimulatedLiquidation(
          liquidationPrice: level, onGrid: exact, continuous: exact),
        shiftSize: 0, driftShift: [Double](repeating: 0, count: model.dimension),
        meanWeight: MonteCarloEstimate(value: 1, standardError: 0))
    }
    let horizon = settings.horizon
    var direction = [Double](repeating: 0, count: model.dimension)
    direction[i] = long ? 1 : -1
    let distance = Double.log(price / Double(spot))  // ℓ; along a = −eᵢ for a short: −ℓ
    let theta =
      shiftSize
      ?? MeanShift.size(
        reaching: long ? distance : -distance, model: model, direction: direction,
        horizon: horizon)
    let shift = MeanShift(model: model, direction: direction, size: theta, horizon: horizon)
    let sums = try WeightedBarrierObserver.run(
      Barrier(.asset(i), level: level, direction: long ? .down : .up), model: model,
      settings: settings, shift: shift)
    return ImportanceSampledLiquidation(
      liquidation: SimulatedLiquidation(
        liquidationPrice: level, onGrid: sums.estimate(0), continuous: sums.estimate(1)),
      shiftSize: shift.size, driftShift: shift.driftShift, meanWeight: sums.estimate(2))
  }
}

/// A position's liquidation probabilities by importance sampling
/// (`LiquidationBook.importanceSampled`), with the shift that drew them.
public struct ImportanceSampledLiquidation<Scalar: BLASScalar>: Sendable, Equatable, Codable {
  /// The probabilities on the grid and under continuous monitoring, with standard errors.
  public let liquidation: SimulatedLiquidation<Scalar>
  /// θ, the shift in standard deviations of the asset's log-price at the horizon.
  public let shiftSize: Double
  /// The annualised drift added to each asset.
  public let driftShift: [Double]
  /// The likelihood ratios' mean (1 within a few standard errors for a sound shift).
  public let meanWeight: MonteCarloEstimate
}
