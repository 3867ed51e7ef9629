internal import Foundation

/// The per-block liquidation sweep: the first-passage liquidation probability of every position
/// in a book, each with its own side, leverage, maintenance margin, volatility and drift, over
/// one horizon — the 400 ms / 12 s margin check of a perpetuals venue.
///
/// Same formula as `LiquidationProbabilities.firstPassage`, computed in one AVX2 pass (scalar
/// on other CPUs) without `erfc`: since `2νℓ/σ² − a₂²/2 = −a₁²/2`, both terms share the factor
/// `e^{−a₁²/2}` times Cody's rational tail ratios (Math. Comp. 23, 1969; TOMS 715), so nothing
/// overflows and one `exp` and one `log` per position remain. Accurate to the formula's own
/// conditioning (tested against mpmath to 1e-300; docs/liquidation.md). The book is split over
/// the cores in chunks of 16 384 positions; each result depends only on its own position, so
/// any thread count gives identical numbers.
///
/// A `struct of arrays`: build it once per book, update the volatilities or drifts in place
/// between blocks.
public struct LiquidationSweep: Sendable, Equatable {
  /// +1 for a long, −1 for a short, per position.
  public private(set) var sides: [Double]
  /// Leverage L per position.
  public private(set) var leverage: [Double]
  /// Maintenance-margin rate per position.
  public private(set) var maintenanceMargin: [Double]
  /// Annualised σ per position (of its underlying asset).
  public var volatility: [Double]
  /// Annualised μ per position.
  public var drift: [Double]

  /// The number of positions.
  public var count: Int { sides.count }

  /// Positions given per field, one entry per position in every array.
  ///
  /// - Throws: `.dimensionMismatch` unless all arrays have one entry per position;
  ///   `.parameterOutOfRange` for a leverage that is not positive and finite, a margin outside
  ///   `[0, 1)`; `.nonFiniteInput`.
  public init(
    sides: [PositionSide], leverage: [Double], maintenanceMargin: [Double], volatility: [Double],
    drift: [Double]
  ) throws(RiskKernelsError) {
    let n = sides.count
    for (values, name) in [
      (leverage, "leverage"), (maintenanceMargin, "maintenanceMargin"), (volatility, "volatility"),
      (drift, "drift"),
    ] {
      try checkCount(values, n, name)
      try checkAllFinite(values, name)
    }
    if let i = leverage.firstIndex(where: { !($0 > 0) }) {
      throw .parameterOutOfRange(
        name: ParameterName.leverage.element(i), value: leverage[i], allowed: "> 0")
    }
    if let i = maintenanceMargin.firstIndex(where: { !($0 >= 0 && $0 < 1) }) {
      throw .parameterOutOfRange(
        name: ParameterName.maintenanceMargin.element(i), value: maintenanceMargin[i],
        allowed: "0 ≤ m < 1")
    }
    self.sides = sides.map { $0 == .long ? 1 : -1 }
    self.leverage = leverage
    self.maintenanceMargin = maintenanceMargin
    self.volatility = volatility
    self.drift = drift
  }

  /// First-passage probabilities over `horizon` years, one per position, into `out` (resized).
  ///
  /// - Parameters:
  ///   - horizon: `T` in years (400 ms is `0.4 / (365 · 86 400)`).
  ///   - threads: worker threads (default: all cores).
  ///   - out: the probabilities, one per position (resized; reused between calls).
  /// - Throws: `.dimensionMismatch` if `volatility` or `drift` no longer has one entry per
  ///   position; `.nonFiniteInput` for a non-finite drift; `.parameterOutOfRange` for a
  ///   non-positive horizon, a non-positive volatility or a thread count outside `1...1024`;
  ///   `.environment` if `RISKKERNELS_ISA` names a level this CPU lacks.
  public func firstPassage(horizon: Double, threads: Int? = nil, into out: inout [Double])
    throws(RiskKernelsError)
  {
    try Backend.checkVectorLevel()
    // volatility and drift are public and mutable: re-check them before C reads them.
    try checkCount(volatility, count, "volatility")
    try checkCount(drift, count, "drift")
    try checkAllFinite(drift, "drift")
    guard horizon > 0, horizon.isFinite else {
      throw .parameterOutOfRange(name: .horizon, value: horizon, allowed: "> 0, finite")
    }
    if let i = volatility.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
      throw .parameterOutOfRange(
        name: ParameterName.volatility.element(i), value: volatility[i], allowed: "> 0, finite")
    }
    let workers = threads ?? Backend.processorCount
    guard (1...1024).contains(workers) else {
      throw .parameterOutOfRange(name: .threads, value: Double(workers), allowed: "1...1024")
    }
    if out.count != count { out = [Double](repeating: 0, count: count) }
    LiquidationSweepKernel.firstPassage(
      leverage: leverage, margin: maintenanceMargin, side: sides, volatility: volatility,
      drift: drift, horizon: horizon, workers: workers, into: &out)
  }
}
