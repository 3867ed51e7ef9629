/// Monte Carlo liquidation probabilities for a book of leveraged positions on correlated assets:
/// each position is a barrier at its liquidation price on its asset (`Barrier`), and the engine's
/// Brownian-bridge observer gives the continuous-monitoring probability (exact for GBM whatever
/// the grid, so one step suffices for the probability of one position) and the probability of
/// being seen beyond it on the grid.
///
/// What the closed form (`LiquidationProbabilities`) cannot give: the joint view — the same
/// paths for every position, so the estimates are consistent across the book — and positions
/// entered at a price other than today's (`entryPrice` sets the liquidation price, the model's
/// spot the start). Agreement with the closed form on one asset is tested within 4 standard
/// errors.
///
/// ```swift
/// let model = try CorrelatedGBM(spot: [100], drift: [0], volatility: [0.8],
///                               correlation: Matrix([[1]]))
/// let long50 = try LeveragedPosition(side: .long, leverage: 50.0, maintenanceMargin: 0.005,
///                                    entryPrice: 100)
/// let book = try LiquidationBook(model: model, positions: [.init(asset: 0, position: long50)])
/// let settings = SimulationSettings(paths: 100_000, steps: 1, horizon: 1.0 / 365, seed: 7)
/// let p = try book.simulate(settings: settings)[0].continuous  // ≈ first-passage probability
/// ```
public struct LiquidationBook<Scalar: BLASScalar>: Sendable {
  /// A position on one asset of the model.
  public struct Entry: Sendable, Equatable {
    /// The asset's index in the model.
    public var asset: Int
    /// The position: side, leverage, maintenance margin and entry price.
    public var position: LeveragedPosition<Scalar>

    /// Position `position` on the model's asset `asset`.
    public init(asset: Int, position: LeveragedPosition<Scalar>) {
      self.asset = asset
      self.position = position
    }
  }

  /// The assets' model.
  public let model: CorrelatedGBM<Scalar>
  /// The positions, each on one of the model's assets.
  public let positions: [Entry]

  /// A book of positions on the model's assets.
  ///
  /// - Throws: `.parameterOutOfRange` for a position on an asset the model does not have.
  public init(model: CorrelatedGBM<Scalar>, positions: [Entry]) throws(RiskKernelsError) {
    for (k, entry) in positions.enumerated() where !(0..<model.dimension).contains(entry.asset) {
      throw .parameterOutOfRange(
        name: "positions[\(k)].asset", value: Double(entry.asset),
        allowed: "0..<\(model.dimension)")
    }
    self.model = model
    self.positions = positions
  }

  /// Simulates the model and returns one estimate per position, in order.
  ///
  /// A long with leverage ≤ 1 (no liquidation price) has probability exactly 0, and a position
  /// already at or beyond its liquidation price at the spot exactly 1 (standard error 0); the
  /// others are barriers.
  ///
  /// - Throws: as `PathSimulator.run`.
  public func simulate(settings: SimulationSettings) throws(RiskKernelsError)
    -> [SimulatedLiquidation<Scalar>]
  {
    var barriers: [Barrier<Scalar>] = []
    var barrierOf: [Int?] = []
    var fixed: [Double] = []
    for entry in positions {
      let level = entry.position.liquidationPrice
      let spot = model.spot[entry.asset]
      let long = entry.position.side == .long
      let unreachable = long && level <= 0
      let alreadyBeyond = long ? level >= spot : level <= spot
      if unreachable || alreadyBeyond {
        barrierOf.append(nil)
        fixed.append(unreachable ? 0 : 1)
      } else {
        barrierOf.append(barriers.count)
        fixed.append(0)
        barriers.append(Barrier(.asset(entry.asset), level: level, direction: long ? .down : .up))
      }
    }
    var hits: [BarrierHitEstimate] = []
    if !barriers.isEmpty {
      let observers = PathObservers<Scalar>(extremes: false, barriers: barriers)
      let result = try PathSimulator(model: model, settings: settings, observers: observers).run()
      hits = result.barrierHits ?? []
    }
    return positions.indices.map { k in
      let price = positions[k].position.liquidationPrice
      guard let b = barrierOf[k] else {
        let exact = MonteCarloEstimate(value: fixed[k], standardError: 0)
        return SimulatedLiquidation(liquidationPrice: price, onGrid: exact, continuous: exact)
      }
      return SimulatedLiquidation(
        liquidationPrice: price, onGrid: hits[b].onGrid, continuous: hits[b].continuous)
    }
  }
}

/// One position's simulated liquidation probabilities: the liquidation price in the book's
/// precision, the probabilities as `Double` estimates (a run's statistics are accumulated in
/// `Double` whatever its paths' precision).
public struct SimulatedLiquidation<Scalar: BLASScalar>: Sendable, Equatable, Codable {
  /// The liquidation price (absolute, from the position's entry price).
  public let liquidationPrice: Scalar
  /// Seen beyond the liquidation price at one of the simulation's dates.
  public let onGrid: MonteCarloEstimate
  /// Touching it at any time (continuous monitoring, by the Brownian bridge).
  public let continuous: MonteCarloEstimate
}
