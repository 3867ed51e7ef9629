internal import RealModule

/// The `PathObserver` behind the importance-sampled liquidation and default probabilities
/// (`LiquidationBook.importanceSampled`, `LendingBook.importanceSampled`): for one barrier on an
/// asset or a basket, each path's hit on the grid and under continuous monitoring
/// (`1 − Πₛ(1 − pₛ)` with the Brownian-bridge crossing probabilities pₛ, a basket's log-value
/// taken over each interval as a Brownian motion with its local volatility at the interval's
/// start, as the engine's barriers do), and with a strike K the shortfall `(K − U(T))⁺` times
/// the continuous hit — each multiplied by the path's likelihood ratio (`MeanShift`) and summed
/// with its square, beside the weights' own sums (a check that they average 1). Sums accumulate
/// path by path in path order, so the partial does not depend on the block size.
struct WeightedBarrierObserver<Scalar: BLASScalar>: PathObserver {
  let barrier: MonitoredBarrier<Scalar>
  /// The grid's Δt, for the bridge.
  let interval: Scalar
  let shift: MeanShift
  /// For an asset barrier, its σ.
  let assetVolatility: Scalar?

  init(_ barrier: Barrier<Scalar>, model: CorrelatedGBM<Scalar>, interval: Scalar, shift: MeanShift)
  {
    self.barrier = MonitoredBarrier(barrier, model: model)
    self.interval = interval
    self.shift = shift
    if case .asset(let i) = barrier.underlying {
      assetVolatility = model.volatility[i]
    } else {
      assetVolatility = nil
    }
  }

  var needs: PathObserverNeeds { .pricesAtEveryStep }

  /// What identifies the observer in the run's fingerprint.
  var configuration: String {
    "\(barrier.asset.map(String.init) ?? "basket \(barrier.holdings)") \(barrier.level) \(barrier.down) \(String(describing: barrier.strike)) \(interval) \(shift)"
  }

  func makePartial() -> WeightedSums { WeightedSums() }

  func observe(_ block: PathBlock<Scalar>, into partial: inout WeightedSums) {
    let (d, steps) = (block.dimension, block.steps)
    let prices = block.everyStep
    func value(_ offset: Int) -> Scalar {
      if let asset = barrier.asset { return prices[offset + asset] }
      return barrier.basketValue(prices, offset: offset)
    }
    for p in 0..<block.pathCount {
      let base = p * (steps + 1) * d
      var survive = 1.0
      var seen = false
      var previousValue = value(base)
      var previous = Scalar.log(previousValue) - barrier.logLevel
      for s in 1...steps {
        let current = value(base + s * d)
        let distance = Scalar.log(current) - barrier.logLevel
        if barrier.down ? distance <= 0 : distance >= 0 { seen = true }
        let sigma =
          assetVolatility
          ?? barrier.localVolatility(prices, offset: base + (s - 1) * d, value: previousValue)
        survive *=
          1
          - Double(
            brownianBridgeCrossingProbability(
              logDistances: previous, distance, volatility: sigma, interval: interval))
        (previous, previousValue) = (distance, current)
      }
      let w = shift.weight(terminalPrice: { Double(block.terminalPrice(path: p, asset: $0)) })
      let hit = 1 - survive
      var shortfall = 0.0
      if let strike = barrier.strike {
        let excess = barrier.down ? strike - previousValue : previousValue - strike
        shortfall = Swift.max(0, Double(excess)) * hit
      }
      partial.add(grid: seen ? w : 0, continuous: w * hit, weight: w, shortfall: w * shortfall)
    }
  }

  func merge(_ left: WeightedSums, _ right: WeightedSums) -> WeightedSums {
    var out = left
    for k in out.sums.indices { out.sums[k] += right.sums[k] }
    out.count += right.count
    return out
  }

  func encode(_ partial: WeightedSums) -> [UInt8] {
    var writer = PartialWriter()
    writer.int(partial.count)
    writer.scalars(partial.sums)
    return writer.bytes
  }

  func decode(_ bytes: [UInt8]) throws -> WeightedSums {
    var reader = PartialReader(bytes: bytes)
    var partial = WeightedSums()
    partial.count = try reader.int()
    partial.sums = try reader.scalars(count: WeightedSums.quantities * 2, "weighted barrier sums")
    return partial
  }
}

/// Sums over paths of `x` and `x²` for the weighted grid hit, continuous hit, weight and
/// shortfall.
struct WeightedSums: Sendable, Equatable {
  static let quantities = 4
  var count = 0
  var sums = [Double](repeating: 0, count: 2 * quantities)

  mutating func add(grid: Double, continuous: Double, weight: Double, shortfall: Double) {
    count += 1
    for (k, x) in [grid, continuous, weight, shortfall].enumerated() {
      sums[2 * k] += x
      sums[2 * k + 1] += x * x
    }
  }

  /// The mean and standard error of quantity `k` (0 grid, 1 continuous, 2 weight, 3 shortfall).
  func estimate(_ k: Int) -> MonteCarloEstimate {
    MonteCarloEstimate(sum: sums[2 * k], squares: sums[2 * k + 1], count: count)
  }
}

extension WeightedBarrierObserver {
  /// Simulates `model` with `shift`'s drifts and returns the weighted sums of `barrier`.
  static func run(
    _ barrier: Barrier<Scalar>, model: CorrelatedGBM<Scalar>, settings: SimulationSettings,
    shift: MeanShift
  ) throws(RiskKernelsError) -> WeightedSums {
    let observer = WeightedBarrierObserver(
      barrier, model: model, interval: Scalar(settings.horizon / Double(settings.steps)),
      shift: shift)
    var observers = PathObservers<Scalar>(extremes: false)
    observers.moments = false
    observers.custom = [observer]
    let result = try PathSimulator(
      model: try shift.shifted(model), settings: settings, observers: observers
    ).run()
    guard let sums = result.observed(0, as: WeightedSums.self) else {
      throw .invalidPartial(reason: "the run lost its weighted barrier sums")
    }
    return sums
  }

  /// Checks what every importance-sampled barrier refuses: antithetic settings, θ outside
  /// [0, 10], invalid settings.
  static func check(settings: SimulationSettings, shiftSize: Double?) throws(RiskKernelsError) {
    guard !settings.antithetic else {
      throw .parameterOutOfRange(
        name: "antithetic", value: 1, allowed: "false with importance sampling")
    }
    if let shiftSize, !(shiftSize >= 0 && shiftSize <= 10) {
      throw .parameterOutOfRange(name: "shiftSize", value: shiftSize, allowed: "0 … 10")
    }
    try settings.validate()
  }
}
