internal import RealModule

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

/// The `PathObserver` behind `LiquidationBook.simulateJoint` and `LendingBook.simulateJoint`:
/// per path, which of a set of barriers (a position's liquidation price on its asset, a loan's
/// default threshold on its collateral basket) the path crossed, on the grid or by the bridge.
struct JointLiquidationObserver<Scalar: BLASScalar>: PathObserver {
  /// A barrier the paths can cross (others are fixed: `always` or never).
  struct Level: Sendable {
    /// The figure's index (position or loan).
    var position: Int
    /// One asset's price, or (`nil`) the basket `V = Σ hᵢSᵢ` of `holdings`.
    var asset: Int?
    var holdings: [Scalar]
    var logLevel: Scalar
    var down: Bool
    /// The key of the bridge draw's uniform: one per asset and side (so one asset's levels
    /// nest), one per basket.
    var group: Int
  }

  let levels: [Level]
  let always: [Int]
  let notionals: [Double]
  let volatility: [Scalar]
  /// The model's covariance factor, for a basket's local volatility `‖Lᵀw‖`.
  let factor: Cholesky<Scalar>
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
      levels.append(
        Level(
          position: k, asset: entry.asset, holdings: [], logLevel: Scalar.log(level), down: long,
          group: 2 * entry.asset + (long ? 1 : 0)))
    }
    self.init(
      levels: levels, always: always, notionals: notionals, model: book.model,
      count: book.positions.count, seed: seed, interval: interval)
  }

  /// Each loan's default threshold `CR·L` on its collateral basket (a loan in default at the
  /// spot is refused by `LendingBook`).
  init(book: LendingBook<Scalar>, seed: UInt64, interval: Scalar) {
    let d = book.model.dimension
    let levels = book.loans.enumerated().map { k, loan in
      Level(
        position: k, asset: nil, holdings: loan.collateral,
        logLevel: Scalar.log(loan.liquidationRatio * loan.amount), down: true, group: 2 * d + k)
    }
    self.init(
      levels: levels, always: [], notionals: book.loans.map { Double($0.amount) },
      model: book.model, count: book.loans.count, seed: seed, interval: interval)
  }

  private init(
    levels: [Level], always: [Int], notionals: [Double], model: CorrelatedGBM<Scalar>,
    count: Int, seed: UInt64, interval: Scalar
  ) {
    self.levels = levels
    self.always = always
    self.notionals = notionals
    volatility = model.volatility
    factor = model.covarianceFactor
    positionCount = count
    self.seed = seed
    self.interval = interval
  }

  var needs: PathObserverNeeds { .pricesAtEveryStep }

  var configuration: String {
    "levels \(levels.map { "\($0.position) \($0.asset.map(String.init) ?? "\($0.holdings)") \($0.logLevel) \($0.down)" }), always \(always), notionals \(notionals), seed \(seed), interval \(interval)"
  }

  var words: Int { Swift.max(1, (positionCount + 63) / 64) }

  func makePartial() -> JointLiquidationSamples { JointLiquidationSamples(words: words) }

  /// A uniform in (0, 1) that depends only on (seed, path, group): SplitMix64's finaliser over
  /// the mixed key.
  func uniform(path: Int, group: Int) -> Scalar {
    var z = seed &+ UInt64(truncatingIfNeeded: path) &* 0x9E37_79B9_7F4A_7C15
    z ^= UInt64(truncatingIfNeeded: group) &* 0xD1B5_4A32_D192_ED03
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return Scalar(Double((z >> 11) | 1) * 0x1p-53)
  }

  func observe(_ block: PathBlock<Scalar>, into partial: inout JointLiquidationSamples) {
    let words = self.words
    // One buffer each for the block, not an allocation per path, step and level.
    var bits = [UInt64](repeating: 0, count: words)
    var prices = [Scalar](repeating: 0, count: volatility.count)
    partial.counts.reserveCapacity(partial.counts.count + block.pathCount)
    partial.notionals.reserveCapacity(partial.notionals.count + block.pathCount)
    partial.bits.reserveCapacity(partial.bits.count + block.pathCount * words)
    for p in 0..<block.pathCount {
      for w in 0..<words { bits[w] = 0 }
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
        // The level's underlying at date s: the asset's price or the basket's value.
        func value(_ s: Int) -> Scalar {
          if let asset = level.asset { return block.price(path: p, step: s, asset: asset) }
          var v: Scalar = 0
          for (i, h) in level.holdings.enumerated() where h != 0 {
            v += h * block.price(path: p, step: s, asset: i)
          }
          return v
        }
        var survive: Scalar = 1
        var start = value(0)
        var previous = Scalar.log(start) - level.logLevel
        var hit = false
        for s in 1...block.steps {
          let end = value(s)
          let next = Scalar.log(end) - level.logLevel
          if level.down ? next <= 0 : next >= 0 {
            hit = true
            break
          }
          // One asset's σ is exact; a basket's is its local ‖Lᵀw‖, wᵢ = hᵢSᵢ/V at the
          // interval's start (the engine's basket barriers do the same).
          let sigma: Scalar
          if let asset = level.asset {
            sigma = volatility[asset]
          } else {
            for i in prices.indices { prices[i] = block.price(path: p, step: s - 1, asset: i) }
            sigma = MonitoredBarrier<Scalar>.basketVolatility(
              level.holdings, prices, value: start, factor)
          }
          survive *=
            1
            - brownianBridgeCrossingProbability(
              logDistances: previous, next, volatility: sigma, interval: interval)
          previous = next
          start = end
        }
        if hit || uniform(path: path, group: level.group) < 1 - survive {
          mark(level.position)
        }
      }
      partial.counts.append(count)
      partial.notionals.append(notional)
      partial.bits.append(contentsOf: bits)
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
