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
    public var asset: Int
    public var cascade: LiquidationCascade<Scalar>

    public init(asset: Int, cascade: LiquidationCascade<Scalar>) {
      self.asset = asset
      self.cascade = cascade
    }
  }

  public let model: CorrelatedGBM<Scalar>
  public let markets: [Market]

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
    var observers = PathObservers<Scalar>(extremes: false)
    observers.moments = false
    let observer = CascadeObserver(markets: markets, spot: model.spot)
    observers.custom = [observer]
    let result = try PathSimulator(model: model, settings: settings, observers: observers).run()
    guard let samples = result.observed(0, as: CascadeSamples.self) else {
      throw .backend(routine: "CascadeSimulation.observed", status: 0)
    }
    if let failure = samples.failure {
      throw .parameterOutOfRange(
        name: "path \(failure.path): \(failure.name)", value: failure.value,
        allowed: failure.allowed)
    }
    return try markets.indices.map { (m) throws(RiskKernelsError) in
      try CascadeDistribution(
        samples.values, market: m, markets: markets.count, antithetic: settings.antithetic)
    }
  }
}

/// The distribution of a cascade's figures over simulated shocks (`CascadeSimulation`).
public struct CascadeDistribution: Sendable, Equatable, Codable {
  /// One figure's mean (with its standard error) and upper quantiles over the paths.
  public struct Summary: Sendable, Equatable, Codable {
    public let mean: MonteCarloEstimate
    public let quantile95: Double
    public let quantile99: Double
  }

  public let paths: Int
  public let rounds: Summary
  public let liquidatedPositions: Summary
  public let liquidatedNotional: Summary
  public let finalPrice: Summary
  public let badDebt: Summary
  /// Over the paths whose shock moved the price (`nil` when none did).
  public let amplification: Summary?
  /// The probability that the cascade leaves any bad debt.
  public let badDebtProbability: MonteCarloEstimate

  /// The figures `CascadeObserver` stores per path and market (in `CascadeSamples`' order).
  public static let figuresPerPath = 6

  init(_ values: [Double], market m: Int, markets: Int, antithetic: Bool) throws(RiskKernelsError) {
    let stride = Self.figuresPerPath * markets
    let n = values.count / stride
    func column(_ f: Int) -> [Double] {
      (0..<n).map { values[$0 * stride + m * Self.figuresPerPath + f] }
    }
    func summary(_ x: [Double]) throws(RiskKernelsError) -> Summary {
      let q = try linearQuantiles(of: x, probabilities: [0.95, 0.99])
      return Summary(
        mean: Self.mean(x, pairs: antithetic), quantile95: q[0], quantile99: q[1])
    }
    paths = n
    rounds = try summary(column(0))
    liquidatedPositions = try summary(column(1))
    liquidatedNotional = try summary(column(2))
    finalPrice = try summary(column(3))
    let debt = column(4)
    badDebt = try summary(debt)
    let moved = column(5).filter { !$0.isNaN }
    amplification = moved.isEmpty ? nil : try summary(moved)
    badDebtProbability = Self.mean(debt.map { $0 > 0 ? 1 : 0 }, pairs: antithetic)
  }

  /// The sample mean and `s/√n`, over pair averages with antithetic variates (paths 2j, 2j+1).
  static func mean(_ x: [Double], pairs: Bool) -> MonteCarloEstimate {
    var accumulator = MomentAccumulator()
    if pairs && x.count >= 2 {
      for j in 0..<(x.count / 2) {
        accumulator.merge(
          .init(count: 1, mean: (x[2 * j] + x[2 * j + 1]) / 2, squaredDeviations: 0))
      }
    } else {
      for v in x { accumulator.merge(.init(count: 1, mean: v, squaredDeviations: 0)) }
    }
    return accumulator.estimate
  }
}

/// Each path's cascade figures, in path order: `[rounds, liquidated positions, liquidated
/// notional, final price, bad debt, amplification (NaN: undefined)]` per market; and the first
/// path whose cascade failed.
struct CascadeSamples: Sendable {
  struct Failure: Sendable, Equatable {
    var path: Int
    var name: String
    var value: Double
    var allowed: String
  }

  var values: [Double] = []
  var failure: Failure?
}

/// The `PathObserver` behind `CascadeSimulation`.
struct CascadeObserver<Scalar: BLASScalar>: PathObserver {
  let markets: [CascadeSimulation<Scalar>.Market]
  let spot: [Scalar]

  var needs: PathObserverNeeds { .terminalPrices }

  var configuration: String {
    markets.map { m in
      "\(m.asset): \(m.cascade.pool) \(m.cascade.positions.map { "\($0.position) \($0.margin)" })"
    }.joined(separator: "; ")
  }

  func makePartial() -> CascadeSamples { CascadeSamples() }

  func observe(_ block: PathBlock<Scalar>, into partial: inout CascadeSamples) {
    guard partial.failure == nil else { return }
    partial.values.reserveCapacity(
      partial.values.count + block.pathCount * markets.count * CascadeDistribution.figuresPerPath)
    for p in 0..<block.pathCount {
      for market in markets {
        let shock = block.terminalPrice(path: p, asset: market.asset) / spot[market.asset] - 1
        do {
          let o = try market.cascade.cascade(shock: shock, recording: false)
          partial.values += [
            Double(o.rounds), Double(o.liquidatedPositions), Double(o.liquidatedNotional),
            Double(o.finalPrice), Double(o.badDebt), o.amplification.map { Double($0) } ?? .nan,
          ]
        } catch {
          var failure = CascadeSamples.Failure(
            path: block.firstPath + p, name: "cascade", value: Double(shock), allowed: "\(error)")
          if case .parameterOutOfRange(let name, let value, let allowed) = error {
            (failure.name, failure.value, failure.allowed) = (name, value, allowed)
          }
          partial.failure = failure
          return
        }
      }
    }
  }

  func merge(_ left: CascadeSamples, _ right: CascadeSamples) -> CascadeSamples {
    if left.failure != nil { return left }
    var out = left
    out.values += right.values
    out.failure = right.failure
    return out
  }

  func encode(_ partial: CascadeSamples) -> [UInt8] {
    var writer = PartialWriter()
    writer.scalars(partial.values)
    if let f = partial.failure {
      writer.int(1)
      writer.int(f.path)
      for text in [f.name, f.allowed] {
        writer.int(text.utf8.count)
        writer.bytes += Array(text.utf8)
      }
      writer.u64(f.value.bitPattern)
    } else {
      writer.int(0)
    }
    return writer.bytes
  }

  func decode(_ bytes: [UInt8]) throws -> CascadeSamples {
    var reader = PartialReader(bytes: bytes)
    var partial = CascadeSamples(values: try reader.scalars())
    guard partial.values.count.isMultiple(of: CascadeDistribution.figuresPerPath * markets.count)
    else {
      throw RiskKernelsError.invalidPartial(reason: "cascade samples of a partial path")
    }
    switch try reader.int() {
    case 0: break
    case 1:
      let path = try reader.int()
      var texts: [String] = []
      for _ in 0..<2 {
        let count = try reader.int()
        texts.append(String(decoding: try reader.take(count), as: UTF8.self))
      }
      let value = Double(bitPattern: try reader.u64())
      partial.failure = .init(path: path, name: texts[0], value: value, allowed: texts[1])
    default: throw RiskKernelsError.invalidPartial(reason: "cascade failure flag")
    }
    guard reader.atEnd else { throw RiskKernelsError.invalidPartial(reason: "trailing bytes") }
    return partial
  }
}
