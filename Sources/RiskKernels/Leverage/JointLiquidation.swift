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
  /// `steps` grows (use ≥ 10 steps for correlated assets).
  ///
  /// - Parameter notionals: each position's notional for the liquidated notional (default 1
  ///   each: the notional is then the count).
  /// - Throws: as `PathSimulator.run`; `.dimensionMismatch` for a notional per position missing;
  ///   `.parameterOutOfRange` for a notional that is negative or not finite.
  public func simulateJoint(settings: SimulationSettings, notionals: [Double]? = nil)
    throws(RiskKernelsError) -> JointLiquidation
  {
    let notionals = notionals ?? [Double](repeating: 1, count: positions.count)
    guard notionals.count == positions.count else {
      throw .dimensionMismatch(
        operation: "joint liquidation notionals", expected: .vector(positions.count),
        actual: .vector(notionals.count))
    }
    for (k, n) in notionals.enumerated() where !(n >= 0 && n.isFinite) {
      throw .parameterOutOfRange(name: "notionals[\(k)]", value: n, allowed: "≥ 0, finite")
    }
    let observer = JointLiquidationObserver(
      book: self, notionals: notionals, seed: settings.seed,
      interval: Scalar(settings.horizon / Double(Swift.max(settings.steps, 1))))
    var observers = PathObservers<Scalar>(extremes: false)
    observers.moments = false
    observers.custom = [observer]
    let result = try PathSimulator(model: model, settings: settings, observers: observers).run()
    guard let samples = result.observed(0, as: JointLiquidationSamples.self) else {
      throw .backend(routine: "LiquidationBook.simulateJoint", status: 0)
    }
    return try JointLiquidation(
      samples, positions: positions.count, antithetic: settings.antithetic)
  }
}

/// The joint liquidation of a book (`LiquidationBook.simulateJoint`).
public struct JointLiquidation: Sendable, Equatable {
  public let paths: Int
  /// Per position, the probability that it is liquidated within the horizon (the same paths for
  /// all; drawn per path, so noisier than `LiquidationBook.simulate`'s conditional estimate).
  public let marginal: [MonteCarloEstimate]
  /// The number of positions liquidated per path: mean, and the 50/95/99% quantiles.
  public let count: MonteCarloEstimate
  public let countQuantiles: [Double]
  /// The liquidated notional per path: mean, and the 50/95/99% quantiles.
  public let notional: MonteCarloEstimate
  public let notionalQuantiles: [Double]
  /// `atLeast[k]`: P(at least k positions are liquidated), k = 0 … n (`atLeast[0]` = 1).
  public let atLeast: [MonteCarloEstimate]
  /// `together[i][j]`: P(positions i and j are both liquidated); the diagonal is `marginal`.
  /// Empty for books of more than `pairLimit` positions.
  public let together: [[MonteCarloEstimate]]

  /// The quantile levels of `countQuantiles` and `notionalQuantiles`.
  public static let quantileLevels = [0.5, 0.95, 0.99]
  /// The most positions for which pairs are counted (n² counts per partial).
  public static let pairLimit = 256

  /// P(at least one position is liquidated).
  public var any: MonteCarloEstimate { atLeast.count > 1 ? atLeast[1] : atLeast[0] }
  /// P(every position is liquidated).
  public var all: MonteCarloEstimate { atLeast[atLeast.count - 1] }

  init(_ s: JointLiquidationSamples, positions n: Int, antithetic: Bool)
    throws(RiskKernelsError)
  {
    let m = s.counts.count
    paths = m
    let step = antithetic ? 2 : 1
    let units = m / step
    // Every estimate from Σ v and Σ v² over the units (paths, or antithetic pairs' averages),
    // so the same indicator gives the same bits whichever figure it is computed for.
    func fromSums(_ sum: Double, _ squares: Double) -> MonteCarloEstimate {
      let u = Double(units)
      guard units > 1 else { return MonteCarloEstimate(value: sum / u, standardError: .nan) }
      let mean = sum / u
      let variance = Swift.max(squares - u * mean * mean, 0) / (u - 1)
      return MonteCarloEstimate(value: mean, standardError: (variance / u).squareRoot())
    }
    func estimate(_ value: (Int) -> Double) -> MonteCarloEstimate {
      var (sum, squares) = (0.0, 0.0)
      for unit in 0..<units {
        let v = antithetic ? (value(2 * unit) + value(2 * unit + 1)) / 2 : value(unit)
        sum += v
        squares += v * v
      }
      return fromSums(sum, squares)
    }
    let counts = s.counts.map { Double($0) }
    count = estimate { counts[$0] }
    countQuantiles = try linearQuantiles(of: counts, probabilities: Self.quantileLevels)
    notional = estimate { s.notionals[$0] }
    notionalQuantiles = try linearQuantiles(of: s.notionals, probabilities: Self.quantileLevels)
    atLeast = (0...n).map { k in estimate { s.counts[$0] >= k ? 1 : 0 } }
    // Pairs from each unit's (path's, or antithetic pair's) liquidated positions only:
    // Σ v and Σ v² per pair, O(Σ |liquidated|²) instead of n² passes over the paths.
    let tracked = n <= Self.pairLimit
    var sum = [Double](repeating: 0, count: tracked ? n * n : n)
    var squares = sum
    for p in stride(from: 0, to: units * step, by: step) {
      let sets = (p..<(p + step)).map { q in (0..<n).filter { s.liquidated(path: q, position: $0) }
      }
      let union = Array(Set(sets.joined())).sorted()
      for (a, i) in union.enumerated() {
        for j in union[(tracked ? a : union.count - 1)...] where tracked || i == j {
          let v =
            sets.reduce(0.0) { $0 + ($1.contains(i) && $1.contains(j) ? 1 : 0) } / Double(step)
          let index = tracked ? i * n + j : i
          sum[index] += v
          squares[index] += v * v
        }
      }
    }
    marginal = (0..<n).map { i in
      tracked ? fromSums(sum[i * n + i], squares[i * n + i]) : fromSums(sum[i], squares[i])
    }
    together =
      tracked
      ? (0..<n).map { i in
        (0..<n).map { j in
          let (a, b) = (Swift.min(i, j), Swift.max(i, j))
          return fromSums(sum[a * n + b], squares[a * n + b])
        }
      } : []
  }
}

/// Per path, in path order: how many positions were liquidated, their notional, and which
/// (a bit per position, `words` 64-bit words per path).
struct JointLiquidationSamples: Sendable {
  var counts: [UInt32] = []
  var notionals: [Double] = []
  var bits: [UInt64] = []
  var words = 1

  func liquidated(path p: Int, position i: Int) -> Bool {
    bits[p * words + i / 64] & (1 << UInt64(i % 64)) != 0
  }
}

/// The `PathObserver` behind `LiquidationBook.simulateJoint`.
struct JointLiquidationObserver<Scalar: BLASScalar>: PathObserver {
  /// A position the paths can liquidate (others are fixed: `always` or never).
  struct Level: Sendable {
    var position: Int
    var asset: Int
    var logLevel: Scalar
    var down: Bool
  }

  let levels: [Level]
  let always: [Int]
  let notionals: [Double]
  let volatility: [Scalar]
  let positionCount: Int
  let seed: UInt64
  /// Δt, in years.
  let interval: Scalar

  init(book: LiquidationBook<Scalar>, notionals: [Double], seed: UInt64, interval: Scalar) {
    var levels: [Level] = []
    var always: [Int] = []
    for (k, entry) in book.positions.enumerated() {
      let level = entry.position.liquidationPrice
      let spot = book.model.spot[entry.asset]
      let long = entry.position.side == .long
      if long && level <= 0 { continue }  // never
      if long ? level >= spot : level <= spot {
        always.append(k)
        continue
      }
      levels.append(Level(position: k, asset: entry.asset, logLevel: Scalar.log(level), down: long))
    }
    self.levels = levels
    self.always = always
    self.notionals = notionals
    volatility = book.model.volatility
    positionCount = book.positions.count
    self.seed = seed
    self.interval = interval
  }

  var needs: PathObserverNeeds { .pricesAtEveryStep }

  var configuration: String {
    "levels \(levels.map { "\($0.position) \($0.asset) \($0.logLevel) \($0.down)" }), always \(always), notionals \(notionals), seed \(seed), interval \(interval)"
  }

  var words: Int { Swift.max(1, (positionCount + 63) / 64) }

  func makePartial() -> JointLiquidationSamples { JointLiquidationSamples(words: words) }

  /// A uniform in (0, 1) that depends only on (seed, path, asset, direction): SplitMix64's
  /// finaliser over the mixed key.
  func uniform(path: Int, asset: Int, down: Bool) -> Scalar {
    var z = seed &+ UInt64(truncatingIfNeeded: path) &* 0x9E37_79B9_7F4A_7C15
    z ^= UInt64(truncatingIfNeeded: 2 * asset + (down ? 1 : 0)) &* 0xD1B5_4A32_D192_ED03
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return Scalar(Double((z >> 11) | 1) * 0x1p-53)
  }

  func observe(_ block: PathBlock<Scalar>, into partial: inout JointLiquidationSamples) {
    let words = self.words
    for p in 0..<block.pathCount {
      var bits = [UInt64](repeating: 0, count: words)
      var count: UInt32 = 0
      var notional = 0.0
      func mark(_ k: Int) {
        bits[k / 64] |= 1 << UInt64(k % 64)
        count += 1
        notional += notionals[k]
      }
      for k in always { mark(k) }
      let path = block.firstPath + p
      for level in levels {
        let sigma = volatility[level.asset]
        var survive: Scalar = 1
        var previous =
          Scalar.log(block.price(path: p, step: 0, asset: level.asset)) - level.logLevel
        var hit = false
        for s in 1...block.steps {
          let next = Scalar.log(block.price(path: p, step: s, asset: level.asset)) - level.logLevel
          if level.down ? next <= 0 : next >= 0 {
            hit = true
            break
          }
          survive *=
            1
            - brownianBridgeCrossingProbability(
              logDistances: previous, next, volatility: sigma, interval: interval)
          previous = next
        }
        if hit || uniform(path: path, asset: level.asset, down: level.down) < 1 - survive {
          mark(level.position)
        }
      }
      partial.counts.append(count)
      partial.notionals.append(notional)
      partial.bits += bits
    }
  }

  func merge(_ left: JointLiquidationSamples, _ right: JointLiquidationSamples)
    -> JointLiquidationSamples
  {
    var out = left
    out.counts += right.counts
    out.notionals += right.notionals
    out.bits += right.bits
    return out
  }

  func encode(_ partial: JointLiquidationSamples) -> [UInt8] {
    var writer = PartialWriter()
    writer.int(partial.counts.count)
    for c in partial.counts { writer.u32(c) }
    writer.scalars(partial.notionals)
    writer.int(partial.bits.count)
    for b in partial.bits { writer.u64(b) }
    return writer.bytes
  }

  func decode(_ bytes: [UInt8]) throws -> JointLiquidationSamples {
    var reader = PartialReader(bytes: bytes)
    var s = JointLiquidationSamples(words: words)
    let n = try reader.int()
    try reader.check(n, bytesEach: 4)
    s.counts = try (0..<n).map { _ throws(RiskKernelsError) in try reader.u32() }
    s.notionals = try reader.scalars(count: n, "notionals")
    let b = try reader.int()
    guard b == n * words else {
      throw RiskKernelsError.invalidPartial(reason: "\(b) liquidation words for \(n) paths")
    }
    try reader.check(b, bytesEach: 8)
    s.bits = try (0..<b).map { _ throws(RiskKernelsError) in try reader.u64() }
    guard reader.atEnd, s.counts.allSatisfy({ Int($0) <= positionCount }) else {
      throw RiskKernelsError.invalidPartial(reason: "joint liquidation samples")
    }
    return s
  }
}
