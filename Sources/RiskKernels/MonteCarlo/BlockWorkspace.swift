internal import Foundation
internal import RealModule

/// One per thread, allocated once per run: a block's normals, increments, log-prices and
/// observer state, and the hot loop that fills them.
struct BlockWorkspace<Scalar: BLASScalar> {
  let plan: SimulationPlan<Scalar>
  /// The caller's scratch for the two large arrays (`nil`: allocated for this run).
  let scratch: SimulationScratch?
  var stream: NormalStream<Scalar>
  /// `d × (block paths · chunk steps)`: normals, then increments, then log-prices, then prices.
  var z: Matrix<Scalar>
  /// Per path (column p of a `d × P` layout): current, minimum and maximum log-price.
  var logPrice: [Scalar]
  var logMinimum: [Scalar]
  var logMaximum: [Scalar]
  /// Per path and monitored barrier (index `b + p·B`): the probability of no crossing so far,
  /// whether a date was at or beyond the level, the log of the underlying at the last date, and
  /// (baskets) the local volatility of the next interval.
  var barrierSurvival: [Scalar]
  var barrierHit: [Bool]
  var barrierLast: [Scalar]
  var barrierSigma: [Scalar]
  /// One date's prices (baskets only).
  var prices: [Scalar]
  /// Per path: portfolio minimum and maximum.
  var portfolioMinimum: [Scalar]
  var portfolioMaximum: [Scalar]
  /// Per path: the block's terminal portfolio values (with holdings).
  var portfolioTerminal: [Scalar]
  /// Per path: the values the moments accumulate (`plan.valueCount` each, path-major).
  var pathValues: [Double]
  var pairScratch: [Double]
  var keptPaths: [[Scalar]]
  /// The block's prices at every date for the custom observers that read them
  /// (`[i + (s + p·(S+1))·d]`; empty when none does).
  var observedPrices: [Scalar]
  /// The Philox streams of a block's paths (reused from block to block).
  var pathIDs: [UInt64] = []

  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  init(plan: SimulationPlan<Scalar>, scratch: SimulationScratch?, sobol: SobolSequence? = nil)
    throws(RiskKernelsError)
  {
    self.plan = plan
    self.scratch = scratch
    let (d, blockPaths) = (plan.d, plan.blockPaths)
    stream = try NormalStream(
      generator: plan.settings.generator, seed: plan.settings.seed, slots: blockPaths,
      steps: plan.settings.steps, assets: d, sequence: sobol)
    // The two large arrays come from the caller's scratch (no fresh pages to fault in) and go
    // back to it in `recycle()`; both are overwritten before they are read.
    let columns = Self.paddedColumns(blockPaths * plan.chunkSteps)
    z = Matrix(uncheckedRows: d, columns: columns, storage: scratch.take(d * columns))
    // As long as a one-step chunk's z, so the two can be swapped (see `simulate`).
    logPrice = scratch.take(d * Self.paddedColumns(blockPaths))
    // The running extremes only when observed (the log-price pass leaves them alone otherwise).
    logMinimum = [Scalar](repeating: 0, count: plan.observers.extremes ? d * blockPaths : 0)
    logMaximum = [Scalar](repeating: 0, count: plan.observers.tracksMaxima ? d * blockPaths : 0)
    let perBarrier = [Scalar](repeating: 0, count: plan.barriers.count * blockPaths)
    (barrierSurvival, barrierLast, barrierSigma) = (perBarrier, perBarrier, perBarrier)
    barrierHit = Array(repeating: false, count: plan.barriers.count * blockPaths)
    prices = Array(repeating: 0, count: plan.hasBaskets ? d * blockPaths * plan.chunkSteps : 0)
    portfolioMinimum = Array(repeating: 0, count: blockPaths)
    portfolioMaximum = portfolioMinimum
    portfolioTerminal = portfolioMinimum
    pathValues = Array(
      repeating: 0, count: plan.observers.moments ? plan.valueCount * blockPaths : 0)
    pairScratch = Array(repeating: 0, count: plan.valueCount)
    keptPaths = []
    observedPrices = Array(
      repeating: 0, count: plan.customNeedsSteps ? d * (plan.settings.steps + 1) * blockPaths : 0)
  }

  /// The columns of a block's normals matrix for `columns` path-steps: a multiple of
  /// `columnMultiple`, so that every path-step is a column of OpenBLAS's main TRMM micro-kernel.
  ///
  /// OpenBLAS computes the last columns of an n-column right-hand side (n mod 8 with the Haswell
  /// and Zen double kernels, n mod 12 with SkylakeX's) with edge micro-kernels whose sums round
  /// differently: a path placed there differed in the last bit from the same path placed
  /// anywhere else. Zero padding keeps every real column in the main kernels, whose arithmetic
  /// is the same at every position, so a path's numbers do not depend on the block it is
  /// simulated in (block size, short last block, re-simulated tail paths, another process's
  /// share of the paths).
  static func paddedColumns(_ columns: Int) -> Int {
    (columns + columnMultiple - 1) / columnMultiple * columnMultiple
  }

  /// 24. Measured with OpenBLAS 0.3.21 on one thread: for widths that are multiples of 24, every
  /// column has the same bits as in any other such width, with the Haswell, Zen, SkylakeX,
  /// Cooperlake and SandyBridge kernels (`OPENBLAS_CORETYPE`), in Float and Double, for d from
  /// 1 to 500, and with the older x86-64 families' (Prescott to Nehalem, Atom, Barcelona,
  /// Bobcat) at d = 3 to 500; multiples of 16 did not hold (SkylakeX double, Haswell single).
  static var columnMultiple: Int { 24 }

  /// Returns the large arrays to the scratch; the workspace is not used afterwards.
  mutating func recycle() {
    scratch.recycle(z.storage)
    scratch.recycle(logPrice)
    (z, logPrice) = (Matrix(uncheckedRows: 0, columns: 0, storage: []), [])
  }

  /// Simulates paths `group·groupPaths ..<` (up to `groupPaths` of them) in path order.
  mutating func run(group: Int) throws(RiskKernelsError) -> GroupTally<Scalar> {
    let start = group * SimulationSettings.groupPaths
    let end = Swift.min(start + SimulationSettings.groupPaths, plan.settings.paths)
    var tally = GroupTally<Scalar>(
      sums: ShiftedSums(quantities: plan.valueCount), firstPath: start, pathCount: end - start)
    if plan.observers.keepTerminalPrices {
      tally.terminalPrices = Array(repeating: 0, count: plan.d * (end - start))
    }
    tally.custom = plan.custom.map { $0.makePartial() }
    for blockStart in stride(from: start, to: end, by: plan.blockPaths) {
      let count = Swift.min(plan.blockPaths, end - blockStart)
      try simulate(blockStart: blockStart, count: count, into: &tally)
    }
    return tally
  }

  /// Simulates paths `blockStart ..< blockStart + count` into `tally`. With `listedPaths`, the
  /// block's paths are `listedPaths[blockStart ..< blockStart + count]` instead (an antithetic
  /// pair must stay adjacent, its even path first).
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  mutating func simulate(
    blockStart: Int, count: Int, listedPaths: [Int]? = nil, into tally: inout GroupTally<Scalar>
  ) throws(RiskKernelsError) {
    let d = plan.d
    let steps = plan.settings.steps
    let observers = plan.observers
    let needPrices =
      (observers.holdings != nil && observers.extremes) || observers.keepPaths
      || plan.customNeedsSteps
    let barrierObservers = !plan.barriers.isEmpty
    resetState(count: count)
    if observers.keepPaths {
      keptPaths = Array(repeating: [Scalar](repeating: 0, count: (steps + 1) * d), count: count)
      for p in 0..<count { for i in 0..<d { keptPaths[p][i * (steps + 1)] = plan.model.spot[i] } }
    }
    if plan.customNeedsSteps {
      for p in 0..<count {
        for i in 0..<d { observedPrices[i + p * (steps + 1) * d] = plan.model.spot[i] }
      }
    }
    var s0 = 0
    while s0 < steps {
      let chunk = Swift.min(plan.chunkSteps, steps - s0)
      let columns = Self.paddedColumns(count * chunk)
      if z.columns != columns {
        scratch.recycle(z.storage)
        z = Matrix(uncheckedRows: d, columns: columns, storage: scratch.take(d * columns))
      }
      drawNormals(
        blockStart: blockStart, count: count, listedPaths: listedPaths, firstStep: s0,
        chunk: chunk)
      // The padding columns hold zeros (L·0 = 0: nothing reads them, and no stale value can be
      // a NaN or a denormal that slows the TRMM).
      for k in (count * chunk * d)..<(columns * d) { z.storage[k] = 0 }
      try Scalar._trmm(
        .left, .lower, .noTranspose, .nonUnit, alpha: 1, plan.stepFactor,
        &z)
      // A last chunk of one step leaves the final log-prices in z in `logPrice`'s layout: the
      // two arrays are swapped instead of one copied into the other (unless z is about to hold
      // prices, or is shorter for a short last block).
      let swapOut =
        s0 + chunk == steps && chunk == 1 && !needPrices && z.storage.count == logPrice.count
      advance(count: count, chunk: chunk, fromSpot: s0 == 0, storeCurrent: !swapOut)
      if barrierObservers { updateBarriers(count: count, chunk: chunk) }
      if needPrices {
        Scalar._vexp(&z.storage)
        observePrices(count: count, chunk: chunk, firstStep: s0)
      }
      if swapOut { swap(&z.storage, &logPrice) }
      s0 += chunk
    }
    finishBlock(blockStart: blockStart, count: count, into: &tally)
  }

  private mutating func resetState(count: Int) {
    let n = count * plan.d
    // (`logPrice` needs none: the first chunk starts from the log-spot.)
    if plan.observers.extremes { Self.tile(plan.logSpot, count: n, into: &logMinimum) }
    if plan.observers.tracksMaxima { Self.tile(plan.logSpot, count: n, into: &logMaximum) }
    if !plan.barriers.isEmpty {
      let m = count * plan.barriers.count
      Self.tile([1], count: m, into: &barrierSurvival)
      Self.tile(plan.barriers.map(\.logInitial), count: m, into: &barrierLast)
      Self.tile(plan.barriers.map(\.initialSigma), count: m, into: &barrierSigma)
      for k in 0..<m { barrierHit[k] = false }
    }
    if let holdings = plan.observers.holdings {
      var v: Scalar = 0
      for i in 0..<plan.d { v += holdings[i] * plan.model.spot[i] }
      Self.tile([v], count: count, into: &portfolioMinimum)
      Self.tile([v], count: count, into: &portfolioMaximum)
    }
  }

  /// `target[k] = pattern[k mod pattern.count]` for `k < count`.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  private static func tile(_ pattern: [Scalar], count: Int, into target: inout [Scalar]) {
    let source = pattern.span
    let m = source.count
    var out = target.mutableSpan
    var k = 0
    while k + m <= count {
      for i in 0..<m { out[k + i] = source[i] }
      k += m
    }
    for i in 0..<(count - k) { out[k + i] = source[i] }
  }

  /// `values[at + p] = Σᵢ hᵢ·prices[i + p·d]` for each path p, summed in asset order (the
  /// arithmetic every portfolio value in the library uses, so all forms agree exactly), eight
  /// paths at a time: eight independent sums instead of one chain of d dependent adds.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  static func portfolioValues(
    _ holdings: [Scalar], prices: [Scalar], dimension d: Int, count: Int,
    into values: inout [Scalar], at: Int
  ) {
    let (h, x) = (holdings.span, prices.span)
    var out = values.mutableSpan
    var p = 0
    while p + 8 <= count {
      var (v0, v1, v2, v3, v4, v5, v6, v7):
        (
          Scalar, Scalar, Scalar, Scalar, Scalar, Scalar, Scalar, Scalar
        ) = (0, 0, 0, 0, 0, 0, 0, 0)
      let b = p * d
      for i in 0..<d {
        let hi = h[i]
        v0 += hi * x[b + i]
        v1 += hi * x[b + d + i]
        v2 += hi * x[b + 2 * d + i]
        v3 += hi * x[b + 3 * d + i]
        v4 += hi * x[b + 4 * d + i]
        v5 += hi * x[b + 5 * d + i]
        v6 += hi * x[b + 6 * d + i]
        v7 += hi * x[b + 7 * d + i]
      }
      (out[at + p], out[at + p + 1], out[at + p + 2], out[at + p + 3]) = (v0, v1, v2, v3)
      (out[at + p + 4], out[at + p + 5], out[at + p + 6], out[at + p + 7]) = (v4, v5, v6, v7)
      p += 8
    }
    while p < count {
      var v: Scalar = 0
      for i in 0..<d { v += h[i] * x[p * d + i] }
      out[at + p] = v
      p += 1
    }
  }

  /// `target[at ..< at + count] = Double(source[from ..< from + count])`, one tight loop.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  private static func copy(
    _ source: [Scalar], from: Int, count: Int, into target: inout [Double], at: Int
  ) {
    let input = source.span
    var output = target.mutableSpan
    for i in 0..<count { output[at + i] = Double(input[from + i]) }
  }

  /// Column `p·chunk + s` of `z` gets path p's normals for step `firstStep + s`.
  private mutating func drawNormals(
    blockStart: Int, count: Int, listedPaths: [Int]?, firstStep: Int, chunk: Int
  ) {
    let d = plan.d
    let perPath = d * chunk
    let first = UInt64(firstStep * d)
    let antithetic = plan.settings.antithetic
    // With antithetic variates, blocks start at even paths, so path 2j+1 follows 2j in the same
    // block and its normals are 2j's negated; stream j serves the pair.
    func path(_ p: Int) -> Int { listedPaths?[blockStart + p] ?? blockStart + p }
    if plan.settings.generator == .philox {
      pathIDs.removeAll(keepingCapacity: true)
      for p in Swift.stride(from: 0, to: count, by: antithetic ? 2 : 1) {
        pathIDs.append(UInt64(antithetic ? path(p) / 2 : path(p)))
      }
      Scalar._philoxPathNormals(
        seed: plan.settings.seed, paths: pathIDs, first: first, count: perPath,
        into: &z.storage, stride: antithetic ? 2 * perPath : perPath)
    } else {
      for p in Swift.stride(from: 0, to: count, by: antithetic ? 2 : 1) {
        let stream = UInt64(antithetic ? path(p) / 2 : path(p))
        self.stream.fill(
          slot: p, path: stream, first: first, into: &z.storage, (p * perPath)..<((p + 1) * perPath)
        )
      }
    }
    if antithetic {
      for p in Swift.stride(from: 1, to: count, by: 2) {
        for k in (p * perPath)..<((p + 1) * perPath) { z.storage[k] = -z.storage[k - perPath] }
      }
    }
  }

  /// Adds the drift, carries the log-prices forward (from the log-spot on the first chunk),
  /// updates the running extremes, and leaves the log-prices in `z` (a vectorised C loop:
  /// `cshim_gbm_advance_f64`); the final ones also in `logPrice` if `storeCurrent`.
  private mutating func advance(count: Int, chunk: Int, fromSpot: Bool, storeCurrent: Bool) {
    Scalar._advanceLogPrices(
      dimension: plan.d, count: count, chunk: chunk, minimum: plan.observers.extremes,
      maximum: plan.observers.tracksMaxima, drift: plan.driftPerStep,
      start: fromSpot ? plan.logSpot : nil, path: &z.storage, current: &logPrice,
      storeCurrent: storeCurrent, low: &logMinimum, high: &logMaximum)
  }

  /// Brownian-bridge survival of each barrier over the chunk whose log-prices are in `z`.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  private mutating func updateBarriers(count: Int, chunk: Int) {
    let d = plan.d
    let nb = plan.barriers.count
    if plan.hasBaskets {
      for e in 0..<(count * chunk * d) { prices[e] = z.storage[e] }
      Scalar._vexp(&prices)
    }
    // Barrier-major, so each barrier is fetched once per chunk (a copy retains its arrays);
    // each barrier's state still sees its dates in order, so results do not depend on the loop
    // order.
    for b in 0..<nb {
      let barrier = plan.barriers[b]
      for p in 0..<count {
        let k = b + p * nb
        for s in 0..<chunk {
          let column = (p * chunk + s) * d
          let (x, sigma): (Scalar, Scalar)
          if let i = barrier.asset {
            (x, sigma) = (z.storage[column + i], barrierSigma[k])
          } else {
            let value = barrier.basketValue(prices, offset: column)
            x = Scalar.log(value)
            sigma = barrier.localVolatility(prices, offset: column, value: value)
          }
          if !barrierHit[k] {
            let (a, c) =
              barrier.down
              ? (barrierLast[k] - barrier.logLevel, x - barrier.logLevel)
              : (barrier.logLevel - barrierLast[k], barrier.logLevel - x)
            if c <= 0 { barrierHit[k] = true }
            barrierSurvival[k] *=
              1
              - brownianBridgeCrossingProbability(
                logDistances: a, c, volatility: barrierSigma[k], interval: plan.dt)
          }
          barrierLast[k] = x
          barrierSigma[k] = sigma
        }
      }
    }
  }

  /// With prices in `z`: portfolio extremes and kept paths.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  private mutating func observePrices(count: Int, chunk: Int, firstStep: Int) {
    let d = plan.d
    let steps = plan.settings.steps
    for p in 0..<count {
      for s in 0..<chunk {
        let column = (p * chunk + s) * d
        if let holdings = plan.observers.holdings {
          var v: Scalar = 0
          for i in 0..<d { v += holdings[i] * z.storage[column + i] }
          if v < portfolioMinimum[p] { portfolioMinimum[p] = v }
          if v > portfolioMaximum[p] { portfolioMaximum[p] = v }
        }
        if plan.observers.keepPaths {
          for i in 0..<d {
            keptPaths[p][(firstStep + s + 1) + i * (steps + 1)] = z.storage[column + i]
          }
        }
        if plan.customNeedsSteps {
          let at = (firstStep + s + 1 + p * (steps + 1)) * d
          for i in 0..<d { observedPrices[at + i] = z.storage[column + i] }
        }
      }
    }
  }

  /// Terminal prices and each path's values, accumulated in path order (pair averages with
  /// antithetic variates).
  private mutating func finishBlock(
    blockStart: Int, count: Int, into tally: inout GroupTally<Scalar>
  ) {
    let d = plan.d
    let n = count * d
    let observers = plan.observers
    // The block is done with its log-prices (the next block tiles them afresh): exponentiate
    // them in place, so from here on `logPrice` holds the terminal prices.
    Scalar._vexp(&logPrice, count: n)
    if observers.extremes { Scalar._vexp(&logMinimum, count: n) }
    if observers.tracksMaxima { Scalar._vexp(&logMaximum, count: n) }
    if observers.moments {
      accumulateMoments(count: count, into: &tally)
    } else if let holdings = observers.holdings, observers.keepPortfolioValues {
      // V summed in asset order, as `accumulateMoments` does: the same values either way.
      let first = tally.portfolioValues.count
      tally.portfolioValues.append(contentsOf: repeatElement(0, count: count))
      Self.portfolioValues(
        holdings, prices: logPrice, dimension: d, count: count, into: &tally.portfolioValues,
        at: first)
    }
    if observers.keepTerminalPrices {
      // Asset-major into the group's columns, through spans (no uniqueness check per element).
      let (first, stride) = (blockStart - tally.firstPath, tally.pathCount)
      let source = logPrice.span
      var kept = tally.terminalPrices.mutableSpan
      for i in 0..<d {
        let column = i * stride + first
        for p in 0..<count { kept[column + p] = source[i + p * d] }
      }
    }
    if !plan.custom.isEmpty {
      // `listedPaths` (re-simulation) never has custom observers, so the block's paths are
      // `blockStart ..< blockStart + count`.
      let block = PathBlock(
        firstPath: blockStart, pathCount: count, dimension: d, steps: plan.settings.steps,
        terminal: Array(logPrice[0..<n]),
        everyStep: plan.customNeedsSteps
          ? Array(observedPrices[0..<(count * (plan.settings.steps + 1) * d)]) : [])
      for (k, observer) in plan.custom.enumerated() { observer.observe(block, &tally.custom[k]) }
    }
    if observers.keepPaths {
      for p in 0..<count {
        tally.paths.append(
          Matrix(uncheckedRows: plan.settings.steps + 1, columns: d, storage: keptPaths[p]))
      }
    }
  }

  /// Each path's observed values (terminal prices, extremes, portfolio, barriers) into
  /// `pathValues`, then into the group's moments; `logPrice`, `logMinimum` and `logMaximum`
  /// hold prices by now.
  private mutating func accumulateMoments(count: Int, into tally: inout GroupTally<Scalar>) {
    let d = plan.d
    let observers = plan.observers
    let q = plan.valueCount
    if let holdings = observers.holdings {
      Self.portfolioValues(
        holdings, prices: logPrice, dimension: d, count: count, into: &portfolioTerminal, at: 0)
    }
    for p in 0..<count {
      let base = p * q
      Self.copy(logPrice, from: p * d, count: d, into: &pathValues, at: base)
      if let offset = plan.minimumOffset {
        Self.copy(logMinimum, from: p * d, count: d, into: &pathValues, at: base + offset)
      }
      if let offset = plan.maximumOffset {
        Self.copy(logMaximum, from: p * d, count: d, into: &pathValues, at: base + offset)
      }
      for (b, barrier) in plan.barriers.enumerated() {
        let k = b + p * plan.barriers.count
        let offset = base + plan.barrierOffsets[b]
        let continuous = Double(1 - barrierSurvival[k])
        pathValues[offset] = barrierHit[k] ? 1 : 0
        pathValues[offset + 1] = continuous
        if let strike = barrier.strike {
          let value = Double(barrier.value(logPrice, path: p, dimension: d))
          let beyond = barrier.down ? Double(strike) - value : value - Double(strike)
          pathValues[offset + 2] = Swift.max(beyond, 0) * continuous
        }
      }
      if let offset = plan.portfolioOffset {
        let v = portfolioTerminal[p]
        pathValues[base + offset] = Double(v)
        if observers.extremes {
          pathValues[base + offset + 1] = Double(Swift.min(portfolioMinimum[p], v))
        }
        if observers.tracksMaxima {
          pathValues[base + offset + 2] = Double(Swift.max(portfolioMaximum[p], v))
        }
        if observers.keepPortfolioValues { tally.portfolioValues.append(v) }
      }
    }
    if plan.settings.antithetic {
      for p in stride(from: 0, to: count, by: 2) {
        tally.sums.addAverage(pathValues, first: p * q, second: (p + 1) * q, into: &pairScratch)
      }
    } else {
      for p in 0..<count { tally.sums.add(pathValues, offset: p * q) }
    }
  }
}
