internal import Dispatch
internal import Foundation
internal import RealModule
internal import Synchronization

/// The Monte Carlo engine: draws correlated GBM paths and feeds them to the observers, never
/// storing more than a block of paths (unless asked to keep them).
///
/// Paths are split into reduction groups of `SimulationSettings.groupPaths`; each group runs on
/// one thread in blocks of `blockPaths` paths, and the groups' partial moments are merged in group
/// order. Per block and chunk of steps: the normals of each path (its own stream, see
/// `NormalGenerator`) fill a `d × (paths·steps)` matrix `Z`; one TRMM makes `√Δt·L·Z`; a pass adds
/// the drift and accumulates log-prices and observers; one SLEEF call exponentiates the chunk
/// when an observer needs prices. OpenBLAS is pinned to one thread during the run, and a block's
/// columns are padded so that no path falls in OpenBLAS's edge kernels (`paddedColumns`). Results
/// are therefore bit-identical for any `threads` and `blockPaths` on one machine (and one vector
/// level and OpenBLAS kernel: see docs/monte-carlo.md).
///
/// ```swift
/// let model = try CorrelatedGBM(spot: [100, 50], drift: [0.05, 0.02], volatility: [0.2, 0.3],
///                               correlation: Matrix([[1, 0.5], [0.5, 1]]))
/// let settings = SimulationSettings(paths: 100_000, steps: 252, horizon: 1, seed: 42)
/// let result = try PathSimulator(model: model, settings: settings).run()
/// print(result.terminal[0].value, "±", result.terminal[0].standardError)
/// ```
public struct PathSimulator<Scalar: BLASScalar>: Sendable {
  public let model: CorrelatedGBM<Scalar>
  public var settings: SimulationSettings
  public var observers: PathObservers<Scalar>

  public init(
    model: CorrelatedGBM<Scalar>, settings: SimulationSettings,
    observers: PathObservers<Scalar> = PathObservers()
  ) {
    self.model = model
    self.settings = settings
    self.observers = observers
  }

  /// Runs the simulation.
  ///
  /// - Parameter progress: called from the worker threads after each group of
  ///   `SimulationSettings.groupPaths` paths with the number of paths done so far (for a
  ///   progress display; it must be quick and thread-safe). It does not affect the results.
  /// - Throws: `.parameterOutOfRange`, `.dimensionMismatch` or `.nonFiniteInput` for invalid
  ///   settings or observers (checked before any path is drawn); `.backend` if GSL cannot
  ///   allocate a generator; `.environment` if `RISKKERNELS_ISA` names a level this CPU lacks.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public func run(progress: (@Sendable (_ pathsDone: Int) -> Void)? = nil)
    throws(RiskKernelsError) -> SimulationResult<Scalar>
  {
    try Backend.checkVectorLevel()
    try settings.validate()
    try observers.validate(model: model, settings: settings)
    let plan = SimulationPlan(model: model, settings: settings, observers: observers)
    let groups =
      (settings.paths + SimulationSettings.groupPaths - 1) / SimulationSettings.groupPaths
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let workers = Swift.max(1, Swift.min(settings.threads ?? cores, groups))
    let tallies = Mutex<[GroupTally<Scalar>?]>(Array(repeating: nil, count: groups))
    let failure = Mutex<RiskKernelsError?>(nil)
    // Workers take the next group as they become free, so a worker slowed by another process
    // takes fewer; the merge is in group order whoever ran them.
    let nextGroup = Atomic<Int>(0)
    let pathsDone = Atomic<Int>(0)
    BLASThreads.withOneThread {
      DispatchQueue.concurrentPerform(iterations: workers) { _ in
        do throws(RiskKernelsError) {
          var workspace = try BlockWorkspace(plan: plan)
          defer { workspace.recycle() }
          while true {
            let group = nextGroup.add(1, ordering: .relaxed).oldValue
            guard group < groups, failure.withLock({ $0 == nil }) else { break }
            let tally = try workspace.run(group: group)
            tallies.withLock { $0[group] = tally }
            let done = pathsDone.add(tally.pathCount, ordering: .relaxed).newValue
            progress?(done)
          }
        } catch {
          failure.withLock { $0 = $0 ?? error }
        }
      }
    }
    if let error = failure.withLock({ $0 }) { throw error }
    return try plan.result(from: tallies.withLock { $0.map { $0! } })
  }
}

// MARK: - Plan: everything fixed for a run

/// The per-run constants and the layout of the per-path values the observers produce.
struct SimulationPlan<Scalar: BLASScalar>: Sendable {
  let model: CorrelatedGBM<Scalar>
  let settings: SimulationSettings
  let observers: PathObservers<Scalar>
  let d: Int
  /// `(μᵢ − σᵢ²/2)Δt` and `Δt`.
  let driftPerStep: [Scalar]
  let dt: Scalar
  /// `√Δt·L`, so each chunk's TRMM runs with α = 1 (OpenBLAS scales the whole right-hand side
  /// by α in a separate pass otherwise: 3% of a 252-step run).
  let stepFactor: Matrix<Scalar>
  let logSpot: [Scalar]
  /// Every monitored barrier: the per-asset lower ones, the per-asset upper ones, then
  /// `observers.barriers`; `lowerIndex[i]`/`upperIndex[i]` locate asset i's.
  let barriers: [MonitoredBarrier<Scalar>]
  let lowerIndex: [Int?]
  let upperIndex: [Int?]
  let firstUserBarrier: Int
  /// Whether a barrier is on a basket (the bridge then needs prices at every date).
  let hasBaskets: Bool
  /// Paths per block, and steps per chunk: the block's normals matrix stays about
  /// `chunkElements` values.
  let blockPaths: Int
  let chunkSteps: Int
  /// 2¹⁷ values (1 MB in Double): at d = 500 and one step, 262-path blocks ran 3% faster than
  /// the 524 that 2¹⁸ gave (alternating A/B runs, `riskbench montecarlo`); no case got slower.
  static var chunkElements: Int { 1 << 17 }

  // Offsets of each path's values (see `BlockWorkspace.pathValues`).
  let terminalOffset = 0
  let minimumOffset: Int?
  let maximumOffset: Int?
  let portfolioOffset: Int?
  /// Per monitored barrier: the offset of its on-grid hit, continuous hit and (with a strike)
  /// shortfall values.
  let barrierOffsets: [Int]
  let valueCount: Int

  init(model: CorrelatedGBM<Scalar>, settings: SimulationSettings, observers: PathObservers<Scalar>)
  {
    self.model = model
    self.settings = settings
    self.observers = observers
    d = model.dimension
    let dt = Scalar(settings.horizon / Double(settings.steps))
    self.dt = dt
    driftPerStep = (0..<d).map {
      (model.drift[$0] - model.volatility[$0] * model.volatility[$0] / 2) * dt
    }
    var stepFactor = model.covarianceFactor.lower
    stepFactor.scale(by: dt.squareRoot())
    self.stepFactor = stepFactor
    logSpot = model.spot.map { Scalar.log($0) }
    var monitored: [Barrier<Scalar>] = []
    let assetCount = model.dimension
    func perAsset(_ levels: [Scalar?]?, _ direction: Barrier<Scalar>.Direction) -> [Int?] {
      (0..<assetCount).map { i in
        guard let level = levels?[i] else { return nil }
        monitored.append(Barrier(.asset(i), level: level, direction: direction))
        return monitored.count - 1
      }
    }
    lowerIndex = perAsset(observers.lowerBarriers, .down)
    upperIndex = perAsset(observers.upperBarriers, .up)
    firstUserBarrier = monitored.count
    monitored += observers.barriers
    barriers = monitored.map { MonitoredBarrier($0, model: model) }
    hasBaskets = monitored.contains {
      if case .basket = $0.underlying { return true } else { return false }
    }
    blockPaths =
      settings.blockPaths ?? Self.automaticBlockPaths(dimension: d, steps: settings.steps)
    // Equal chunks (252 steps in two of 126, not 204 + 48), so the normals matrix keeps one
    // shape and is never reallocated (zeroed) for a short last chunk.
    let longestChunk = Swift.max(
      1, Swift.min(settings.steps, Self.chunkElements / (d * blockPaths)))
    let chunks = (settings.steps + longestChunk - 1) / longestChunk
    chunkSteps = (settings.steps + chunks - 1) / chunks
    var next = d
    minimumOffset = observers.extremes ? next : nil
    if observers.extremes { next += d }
    maximumOffset = observers.tracksMaxima ? next : nil
    if observers.tracksMaxima { next += d }
    portfolioOffset = observers.holdings != nil ? next : nil
    if observers.holdings != nil {
      next += 1 + (observers.extremes ? 1 : 0) + (observers.tracksMaxima ? 1 : 0)
    }
    var offsets: [Int] = []
    for barrier in barriers {
      offsets.append(next)
      next += barrier.strike == nil ? 2 : 3
    }
    barrierOffsets = offsets
    valueCount = next
  }

  /// Paths per block when the settings leave it open: a block's normals fill about
  /// `chunkElements` values, within 64 … 1024 paths, even.
  static func automaticBlockPaths(dimension d: Int, steps: Int) -> Int {
    Swift.min(Swift.max(chunkElements / (d * steps), 64), 1024) & ~1
  }

  /// Merges the groups in order and assembles the result.
  func result(from tallies: [GroupTally<Scalar>]) throws(RiskKernelsError) -> SimulationResult<
    Scalar
  > {
    var moments = [MomentAccumulator](repeating: MomentAccumulator(), count: valueCount)
    for tally in tallies {
      for (q, group) in tally.sums.accumulators.enumerated() { moments[q].merge(group) }
    }
    let estimates = moments.map(\.estimate)
    func slice(_ offset: Int?, _ count: Int) -> [MonteCarloEstimate]? {
      offset.map { Array(estimates[$0..<($0 + count)]) }
    }
    var portfolio: PortfolioStatistics?
    if let offset = portfolioOffset, let holdings = observers.holdings {
      let initial = zip(holdings, model.spot).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
      portfolio = PortfolioStatistics(
        initial: initial, terminal: estimates[offset],
        minimum: observers.extremes ? estimates[offset + 1] : nil,
        maximum: observers.tracksMaxima ? estimates[offset + 2] : nil)
    }
    func hit(_ b: Int) -> BarrierHitEstimate {
      let offset = barrierOffsets[b]
      return BarrierHitEstimate(
        barrier: Double(barriers[b].level), onGrid: estimates[offset],
        continuous: estimates[offset + 1],
        shortfall: barriers[b].strike == nil ? nil : estimates[offset + 2])
    }
    func perAsset(_ levels: [Scalar?]?, _ index: [Int?]) -> [BarrierHitEstimate?]? {
      levels == nil ? nil : index.map { $0.map(hit) }
    }
    let n = settings.paths
    var terminalPrices: Matrix<Scalar>?
    if observers.keepTerminalPrices {
      var storage: [Scalar] = []
      storage.reserveCapacity(n * d)
      for i in 0..<d {
        for tally in tallies {
          let m = tally.pathCount
          storage.append(contentsOf: tally.terminalPrices[(i * m)..<((i + 1) * m)])
        }
      }
      terminalPrices = Matrix(uncheckedRows: n, columns: d, storage: storage)
    }
    return SimulationResult(
      settings: settings, assets: model.assets, terminal: slice(terminalOffset, d)!,
      minimum: slice(minimumOffset, d), maximum: slice(maximumOffset, d), portfolio: portfolio,
      lowerBarrierHits: perAsset(observers.lowerBarriers, lowerIndex),
      upperBarrierHits: perAsset(observers.upperBarriers, upperIndex),
      barrierHits: observers.barriers.isEmpty
        ? nil : (firstUserBarrier..<barriers.count).map(hit),
      terminalPrices: terminalPrices,
      portfolioValues: observers.keepPortfolioValues ? Self.concatenated(tallies) : nil,
      paths: observers.keepPaths ? tallies.flatMap(\.paths) : nil)
  }
}

extension SimulationPlan {
  /// The groups' portfolio values in path order, in an array from the scratch pool (a caller
  /// that is done with them may return it).
  static func concatenated(_ tallies: [GroupTally<Scalar>]) -> [Scalar] {
    var values: [Scalar] = ScratchPool.take(tallies.reduce(0) { $0 + $1.portfolioValues.count })
    var at = 0
    for tally in tallies {
      for v in tally.portfolioValues {
        values[at] = v
        at += 1
      }
    }
    return values
  }
}

/// One reduction group's partial results.
struct GroupTally<Scalar: BLASScalar>: Sendable {
  var sums: ShiftedSums
  /// The group's first path and path count.
  var firstPath = 0
  var pathCount = 0
  /// Asset-major within the group (`[i·pathCount + p]`), so the result's column-major matrix
  /// is built by contiguous copies.
  var terminalPrices: [Scalar] = []
  var portfolioValues: [Scalar] = []
  var paths: [Matrix<Scalar>] = []
}

extension PathSimulator {
  /// The terminal prices of the given paths, re-simulated: row r of the result is path
  /// `paths[r]`'s, column i asset i's. With antithetic variates each path is simulated in the
  /// pair of paths starting at its even index (as a run's blocks are laid out). Path k's normals
  /// depend only on the seed and k, so these are the prices a full run gives path k (tested bit
  /// for bit).
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  func terminalPrices(ofPaths paths: [Int]) throws(RiskKernelsError) -> Matrix<Scalar> {
    try settings.validate()
    precondition(paths.allSatisfy { (0..<settings.paths).contains($0) }, "path index")
    let d = model.dimension
    // Every wanted path (with its pair partner), sorted, once; simulated in as few blocks as fit.
    var listed: [Int] = []
    for path in paths.sorted() {
      let first = settings.antithetic ? path & ~1 : path
      if let last = listed.last, last >= first { continue }
      listed.append(first)
      if settings.antithetic, first + 1 < settings.paths { listed.append(first + 1) }
    }
    // Every entry is written below (each wanted path is in some block), so the storage may come
    // from the scratch pool; a caller done with the matrix may return it.
    var prices = Matrix<Scalar>(
      uncheckedRows: paths.count, columns: d, storage: ScratchPool.take(paths.count * d))
    guard !listed.isEmpty else { return prices }
    // Each wanted path's position in `listed`, by bisection.
    let position = paths.map { path in
      var (low, high) = (0, listed.count - 1)
      while low < high {
        let middle = (low + high) / 2
        if listed[middle] < path { low = middle + 1 } else { high = middle }
      }
      return low
    }
    var observers = PathObservers<Scalar>(extremes: false)
    observers.moments = false
    var small = settings
    small.blockPaths = Swift.min(
      settings.blockPaths
        ?? SimulationPlan<Scalar>.automaticBlockPaths(dimension: d, steps: settings.steps),
      (listed.count + 1) & ~1)
    let plan = SimulationPlan(model: model, settings: small, observers: observers)
    var workspace = try BlockWorkspace(plan: plan)
    defer { workspace.recycle() }
    var tally = GroupTally<Scalar>(sums: ShiftedSums(quantities: 0))
    // One BLAS thread, as in `run`: the same arithmetic, and no OpenBLAS worker woken to spin
    // (yielding for a good fraction of a second) beside the caller's next run.
    try BLASThreads.withOneThread { () throws(RiskKernelsError) in
      for blockStart in stride(from: 0, to: listed.count, by: plan.blockPaths) {
        let count = Swift.min(plan.blockPaths, listed.count - blockStart)
        try workspace.simulate(
          blockStart: blockStart, count: count, listedPaths: listed, into: &tally)
        // The block's terminal prices are in `logPrice`, path-major.
        for (r, j) in position.enumerated() where (blockStart..<(blockStart + count)).contains(j) {
          for i in 0..<d { prices[r, i] = workspace.logPrice[i + (j - blockStart) * d] }
        }
      }
    }
    return prices
  }
}

// MARK: - Workspace: one per thread, allocated once per run

struct BlockWorkspace<Scalar: BLASScalar> {
  let plan: SimulationPlan<Scalar>
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
  /// The Philox streams of a block's paths (reused from block to block).
  var pathIDs: [UInt64] = []

  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  init(plan: SimulationPlan<Scalar>) throws(RiskKernelsError) {
    self.plan = plan
    let (d, blockPaths) = (plan.d, plan.blockPaths)
    stream = try NormalStream(
      generator: plan.settings.generator, seed: plan.settings.seed, slots: blockPaths)
    // The two large arrays come from the scratch pool (no fresh pages to fault in) and go back
    // to it in `recycle()`; both are overwritten before they are read.
    let columns = Self.paddedColumns(blockPaths * plan.chunkSteps)
    z = Matrix(uncheckedRows: d, columns: columns, storage: ScratchPool.take(d * columns))
    // As long as a one-step chunk's z, so the two can be swapped (see `simulate`).
    logPrice = ScratchPool.take(d * Self.paddedColumns(blockPaths))
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

  /// Returns the large arrays to the scratch pool; the workspace is not used afterwards.
  mutating func recycle() {
    ScratchPool.recycle(z.storage)
    ScratchPool.recycle(logPrice)
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
    let needPrices = (observers.holdings != nil && observers.extremes) || observers.keepPaths
    let barrierObservers = !plan.barriers.isEmpty
    resetState(count: count)
    if observers.keepPaths {
      keptPaths = Array(repeating: [Scalar](repeating: 0, count: (steps + 1) * d), count: count)
      for p in 0..<count { for i in 0..<d { keptPaths[p][i * (steps + 1)] = plan.model.spot[i] } }
    }
    var s0 = 0
    while s0 < steps {
      let chunk = Swift.min(plan.chunkSteps, steps - s0)
      let columns = Self.paddedColumns(count * chunk)
      if z.columns != columns {
        ScratchPool.recycle(z.storage)
        z = Matrix(uncheckedRows: d, columns: columns, storage: ScratchPool.take(d * columns))
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
      let (first, stride) = (blockStart - tally.firstPath, tally.pathCount)
      for p in 0..<count {
        for i in 0..<d { tally.terminalPrices[i * stride + first + p] = logPrice[i + p * d] }
      }
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

/// A barrier prepared for the inner loop.
struct MonitoredBarrier<Scalar: BLASScalar>: Sendable {
  /// The asset, or `nil` for a basket with `holdings`.
  let asset: Int?
  let holdings: [Scalar]
  /// The assets a basket holds (`hᵢ ≠ 0`), their holdings, and Σ restricted to them
  /// (`k × k`, column-major): a basket of k of d assets costs O(k²) per date, not O(d²).
  let support: [Int]
  let supportHoldings: [Scalar]
  let supportCovariance: [Scalar]
  let level: Scalar
  let logLevel: Scalar
  let down: Bool
  let strike: Scalar?
  /// `log U(0)`, and the volatility of `log U` over the first interval.
  let logInitial: Scalar
  let initialSigma: Scalar

  init(_ barrier: Barrier<Scalar>, model: CorrelatedGBM<Scalar>) {
    let start = barrier.initialValue(spot: model.spot)
    switch barrier.underlying {
    case .asset(let i):
      (asset, holdings, initialSigma) = (i, [], model.volatility[i])
      (support, supportHoldings, supportCovariance) = ([], [], [])
    case .basket(let h):
      (asset, holdings) = (nil, h)
      initialSigma = Self.basketVolatility(h, model.spot, value: start, model.covarianceFactor)
      let assets = h.indices.filter { h[$0] != 0 }
      let lower = model.covarianceFactor.lower
      var covariance = [Scalar](repeating: 0, count: assets.count * assets.count)
      for (b, j) in assets.enumerated() {
        for (a, i) in assets.enumerated() {
          // Σᵢⱼ = Σ_m L[i, m] L[j, m], m ≤ min(i, j).
          var sum: Scalar = 0
          for m in 0...min(i, j) { sum += lower[i, m] * lower[j, m] }
          covariance[a + b * assets.count] = sum
        }
      }
      (support, supportHoldings, supportCovariance) = (assets, assets.map { h[$0] }, covariance)
    }
    level = barrier.level
    logLevel = Scalar.log(barrier.level)
    down = barrier.direction == .down
    strike = barrier.strike
    logInitial = Scalar.log(start)
  }

  /// `Σ hᵢ Sᵢ` at one date's prices.
  func basketValue(_ prices: [Scalar], offset: Int = 0) -> Scalar {
    var v: Scalar = 0
    for a in support.indices { v += supportHoldings[a] * prices[offset + support[a]] }
    return v
  }

  /// The underlying at path `p`'s terminal prices (`terminal[i + p·d]`).
  func value(_ terminal: [Scalar], path p: Int, dimension d: Int) -> Scalar {
    if let asset { return terminal[asset + p * d] }
    return basketValue(terminal, offset: p * d)
  }

  /// `σ_V = √(xᵀΣx) / V`, `xᵢ = hᵢSᵢ` over the basket's support: its local log-volatility.
  func localVolatility(_ prices: [Scalar], offset: Int, value: Scalar) -> Scalar {
    let k = support.count
    var sum: Scalar = 0
    for b in 0..<k {
      let xb = supportHoldings[b] * prices[offset + support[b]]
      var t: Scalar = 0
      for a in 0..<b {
        t += supportCovariance[a + b * k] * supportHoldings[a] * prices[offset + support[a]]
      }
      sum += xb * (2 * t + supportCovariance[b + b * k] * xb)
    }
    return sum.squareRoot() / value
  }

  /// `σ_V = ‖Lᵀw‖`, `wᵢ = hᵢSᵢ/V`: the basket's local log-volatility, from the factor.

  static func basketVolatility(
    _ holdings: [Scalar], _ prices: [Scalar], value: Scalar, _ factor: Cholesky<Scalar>
  ) -> Scalar {
    let lower = factor.lower
    let d = holdings.count
    var sum: Scalar = 0
    // (Lᵀw)ⱼ = Σ_{i ≥ j} L[i, j] wᵢ.
    for j in 0..<d {
      var t: Scalar = 0
      for i in j..<d { t += lower[i, j] * holdings[i] * prices[i] }
      sum += t * t
    }
    return sum.squareRoot() / value
  }
}
