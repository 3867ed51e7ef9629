internal import Foundation
internal import RealModule

/// One per thread, allocated once per run: a block's normals, increments and log-prices, and
/// the hot loop that fills them and hands them to the observers (`SimulationPlan.observers`).
struct BlockWorkspace<Scalar: BLASScalar> {
  let plan: SimulationPlan<Scalar>
  /// The caller's scratch for the two large arrays (`nil`: allocated for this run).
  let scratch: SimulationScratch?
  var stream: NormalStream<Scalar>
  /// `d × (block paths · chunk steps)`: normals, then increments, then log-prices, then prices.
  var z: Matrix<Scalar>
  /// Per path (column p of a `d × P` layout): current, minimum and maximum log-price (prices
  /// once the block is done).
  var logPrice: [Scalar]
  var logMinimum: [Scalar]
  var logMaximum: [Scalar]
  /// The block's prices at every date for the observers that read them
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
    logMinimum = [Scalar](repeating: 0, count: plan.runningMinima ? d * blockPaths : 0)
    logMaximum = [Scalar](repeating: 0, count: plan.runningMaxima ? d * blockPaths : 0)
    observedPrices = Array(
      repeating: 0, count: plan.wholePaths ? d * (plan.settings.steps + 1) * blockPaths : 0)
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

  /// Simulates paths `group·groupPaths ..<` (up to `groupPaths` of them) in path order, and
  /// returns each observer's partial of them.
  mutating func run(group: Int) throws(RiskKernelsError) -> [any Sendable] {
    let start = group * SimulationSettings.groupPaths
    let end = Swift.min(start + SimulationSettings.groupPaths, plan.settings.paths)
    var partials = plan.observers.map { $0.makePartial() }
    for blockStart in stride(from: start, to: end, by: plan.blockPaths) {
      let count = Swift.min(plan.blockPaths, end - blockStart)
      try simulate(blockStart: blockStart, count: count, group: start..<end, into: &partials)
    }
    // The built-in observers' per-block scratch is not part of the group's partial.
    for k in 0..<plan.builtInCount {
      guard var values = partials[k] as? ObservedValues<Scalar> else { continue }
      partials[k] = 0
      values.dropScratch()
      partials[k] = values
    }
    return partials
  }

  /// Simulates paths `blockStart ..< blockStart + count` of the reduction group whose paths are
  /// `group` into the observers' `partials`. With `listedPaths`, the block's paths are
  /// `listedPaths[blockStart ..< blockStart + count]` instead (an antithetic pair must stay
  /// adjacent, its even path first), and the plan must have no observers.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  mutating func simulate(
    blockStart: Int, count: Int, group: Range<Int>, listedPaths: [Int]? = nil,
    into partials: inout [any Sendable]
  ) throws(RiskKernelsError) {
    let d = plan.d
    let steps = plan.settings.steps
    let needPrices = !plan.stepPriceObservers.isEmpty || plan.wholePaths
    resetState(count: count)
    if plan.wholePaths {
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
      if !plan.stepLogObservers.isEmpty {
        observe(
          steps: s0, count: count, chunk: chunk, blockStart: blockStart, log: true,
          into: &partials)
      }
      if needPrices {
        Scalar._vexp(&z.storage)
        if !plan.stepPriceObservers.isEmpty {
          observe(
            steps: s0, count: count, chunk: chunk, blockStart: blockStart, log: false,
            into: &partials)
        }
        if plan.wholePaths { keepPrices(count: count, chunk: chunk, firstStep: s0) }
      }
      if swapOut { swap(&z.storage, &logPrice) }
      s0 += chunk
    }
    finishBlock(blockStart: blockStart, count: count, group: group, into: &partials)
  }

  private mutating func resetState(count: Int) {
    let n = count * plan.d
    // (`logPrice` needs none: the first chunk starts from the log-spot.)
    if plan.runningMinima { Self.tile(plan.logSpot, count: n, into: &logMinimum) }
    if plan.runningMaxima { Self.tile(plan.logSpot, count: n, into: &logMaximum) }
  }

  /// Hands the chunk of steps in `z` (log-prices or prices) to the observers that read it.
  private func observe(
    steps firstStep: Int, count: Int, chunk: Int, blockStart: Int, log: Bool,
    into partials: inout [any Sendable]
  ) {
    let steps = PathSteps(
      firstPath: blockStart, pathCount: count, dimension: plan.d, firstStep: firstStep,
      stepCount: chunk, areLogPrices: log, values: z.storage)
    for k in log ? plan.stepLogObservers : plan.stepPriceObservers {
      plan.observers[k].observeSteps(steps, &partials[k])
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
        into: &z.storage, stride: antithetic ? 2 * perPath : perPath, _LibraryOnly())
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
      dimension: plan.d, count: count, chunk: chunk, minimum: plan.runningMinima,
      maximum: plan.runningMaxima, drift: plan.driftPerStep,
      start: fromSpot ? plan.logSpot : nil, path: &z.storage, current: &logPrice,
      storeCurrent: storeCurrent, low: &logMinimum, high: &logMaximum, _LibraryOnly())
  }

  /// With prices in `z`: the block's whole paths, for observers that read every date.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  private mutating func keepPrices(count: Int, chunk: Int, firstStep: Int) {
    let d = plan.d
    let steps = plan.settings.steps
    for p in 0..<count {
      for s in 0..<chunk {
        let column = (p * chunk + s) * d
        let at = (firstStep + s + 1 + p * (steps + 1)) * d
        for i in 0..<d { observedPrices[at + i] = z.storage[column + i] }
      }
    }
  }

  /// The block's terminal prices (and extremes) as prices, handed to every observer.
  private mutating func finishBlock(
    blockStart: Int, count: Int, group: Range<Int>, into partials: inout [any Sendable]
  ) {
    let n = count * plan.d
    // The block is done with its log-prices (the next block tiles them afresh): exponentiate
    // them in place, so from here on `logPrice` holds the terminal prices.
    Scalar._vexp(&logPrice, count: n, _LibraryOnly())
    if plan.runningMinima { Scalar._vexp(&logMinimum, count: n, _LibraryOnly()) }
    if plan.runningMaxima { Scalar._vexp(&logMaximum, count: n, _LibraryOnly()) }
    guard !plan.observers.isEmpty else { return }
    // `listedPaths` (re-simulation) never has observers, so the block's paths are
    // `blockStart ..< blockStart + count`. The block shares the workspace's arrays (no copy);
    // it is gone before they are written again.
    let block = PathBlock(
      firstPath: blockStart, pathCount: count, dimension: plan.d, steps: plan.settings.steps,
      antithetic: plan.settings.antithetic, group: group, terminal: logPrice,
      minima: logMinimum, maxima: logMaximum, everyStep: observedPrices)
    for k in plan.observers.indices { plan.observers[k].observe(block, &partials[k]) }
  }
}
