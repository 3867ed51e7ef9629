internal import Foundation
internal import RealModule

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

  /// The custom observers, and whether any reads prices at every step.
  let custom: [AnyPathObserver<Scalar>]
  let customNeedsSteps: Bool

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
    custom = observers.custom.map { AnyPathObserver($0) }
    customNeedsSteps = custom.contains { $0.needs == .pricesAtEveryStep }
    var automatic = Self.automaticBlockPaths(dimension: d, steps: settings.steps)
    if customNeedsSteps {
      // A block's whole paths are kept for the observers: about `chunkElements` values.
      automatic = Swift.min(
        automatic, Swift.max(2, Self.chunkElements / ((settings.steps + 1) * d)) & ~1)
    }
    blockPaths = settings.blockPaths ?? automatic
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

  /// The most prices a block may keep for custom observers that read every step (128 MB a
  /// thread in Double).
  static var observedPricesLimit: Int { 1 << 24 }

  /// Throws when custom observers that read every step would need a block of more than
  /// `observedPricesLimit` prices.
  func checkObservedPrices() throws(RiskKernelsError) {
    guard customNeedsSteps else { return }
    let (perPath, o1) = (settings.steps + 1).multipliedReportingOverflow(by: d)
    let (values, o2) = perPath.multipliedReportingOverflow(by: blockPaths)
    guard !o1, !o2, values <= Self.observedPricesLimit else {
      throw .parameterOutOfRange(
        name: "blockPaths × (steps + 1) × assets (prices kept for custom observers)",
        value: Double(blockPaths) * Double(settings.steps + 1) * Double(d),
        allowed: "≤ 2²⁴")
    }
  }

  /// Paths per block when the settings leave it open: a block's normals fill about
  /// `chunkElements` values, within 64 … 1024 paths, even.
  static func automaticBlockPaths(dimension d: Int, steps: Int) -> Int {
    Swift.min(Swift.max(chunkElements / (d * steps), 64), 1024) & ~1
  }

  /// The partial of `groups` from the values of their tree cover (`NodeReduction`) and their
  /// tallies' kept values (in group order), concatenated.
  func partial(
    groups: Range<Int>, values: [SimulationPartial<Scalar>.NodeValue],
    from tallies: [GroupTally<Scalar>], scratch: SimulationScratch?
  ) -> SimulationPartial<Scalar> {
    let tree = MergeTree(groupCount: settings.groupCount)
    let terminalPrices =
      observers.keepTerminalPrices
      ? SimulationPartial.concatenatedAssetMajor(
        tallies.map(\.terminalPrices), pathCounts: tallies.map(\.pathCount), assets: d) : []
    return SimulationPartial(
      groups: groups, groupCount: settings.groupCount, totalPaths: settings.paths,
      runFingerprint: fingerprint, assetCount: d, valueCount: valueCount, kept: kept,
      keptPathRows: observers.keepPaths ? settings.steps + 1 : 0, nodes: tree.cover(groups),
      values: values, observers: custom, terminalPrices: terminalPrices,
      portfolioValues: observers.keepPortfolioValues
        ? Self.concatenated(tallies, scratch: scratch) : [],
      keptPaths: observers.keepPaths ? tallies.flatMap(\.paths) : [])
  }

  /// The per-path values the observers keep.
  var kept: SimulationPartial<Scalar>.KeptValues {
    var kept: SimulationPartial<Scalar>.KeptValues = []
    if observers.keepTerminalPrices { kept.insert(.terminalPrices) }
    if observers.keepPortfolioValues { kept.insert(.portfolioValues) }
    if observers.keepPaths { kept.insert(.paths) }
    return kept
  }

  /// The result of a complete partial.
  func result(from partial: SimulationPartial<Scalar>) throws(RiskKernelsError)
    -> SimulationResult<Scalar>
  {
    guard partial.runFingerprint == fingerprint, partial.groupCount == settings.groupCount,
      partial.totalPaths == settings.paths, partial.assetCount == d,
      partial.valueCount == valueCount, partial.kept == kept,
      partial.keptPathRows == (observers.keepPaths ? settings.steps + 1 : 0),
      partial.observers.count == custom.count
    else {
      throw .invalidPartial(reason: "the partial comes from another run")
    }
    guard partial.isComplete else {
      throw .invalidPartial(
        reason:
          "the partial covers groups \(partial.groups.lowerBound)..<\(partial.groups.upperBound) of \(partial.groupCount)"
      )
    }
    let estimates = partial.values[0].moments.map(\.estimate)
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
    return SimulationResult(
      settings: settings, assets: model.assets, terminal: slice(terminalOffset, d)!,
      minimum: slice(minimumOffset, d), maximum: slice(maximumOffset, d), portfolio: portfolio,
      lowerBarrierHits: perAsset(observers.lowerBarriers, lowerIndex),
      upperBarrierHits: perAsset(observers.upperBarriers, upperIndex),
      barrierHits: observers.barriers.isEmpty
        ? nil : (firstUserBarrier..<barriers.count).map(hit),
      terminalPrices: observers.keepTerminalPrices
        ? Matrix(uncheckedRows: settings.paths, columns: d, storage: partial.terminalPrices) : nil,
      portfolioValues: observers.keepPortfolioValues ? partial.portfolioValues : nil,
      paths: observers.keepPaths ? partial.keptPaths : nil,
      observedPartials: partial.values[0].custom)
  }
}

extension SimulationPlan {
  /// The groups' portfolio values in path order, in an array from the scratch (Monte Carlo VaR
  /// returns it there when it is done with the values).
  static func concatenated(_ tallies: [GroupTally<Scalar>], scratch: SimulationScratch?)
    -> [Scalar]
  {
    var values: [Scalar] = scratch.take(tallies.reduce(0) { $0 + $1.portfolioValues.count })
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
