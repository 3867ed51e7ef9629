internal import Foundation
internal import RealModule

/// The per-run constants, and the observers that `PathObservers` asks for: the built-in ones
/// (`Roles`), then the caller's (`PathObservers.custom`).
struct SimulationPlan<Scalar: BLASScalar>: Sendable {
  let model: CorrelatedGBM<Scalar>
  let settings: SimulationSettings
  /// What the caller asked to record.
  let recording: PathObservers<Scalar>
  let d: Int
  /// `(μᵢ − σᵢ²/2)Δt` and `Δt`.
  let driftPerStep: [Scalar]
  let dt: Scalar
  /// `√Δt·L`, so each chunk's TRMM runs with α = 1 (OpenBLAS scales the whole right-hand side
  /// by α in a separate pass otherwise: 3% of a 252-step run).
  let stepFactor: Matrix<Scalar>
  let logSpot: [Scalar]
  /// Every monitored barrier: the per-asset lower ones, the per-asset upper ones, then
  /// `recording.barriers`; `lowerIndex[i]`/`upperIndex[i]` locate asset i's.
  let barriers: [MonitoredBarrier<Scalar>]
  let lowerIndex: [Int?]
  let upperIndex: [Int?]
  let firstUserBarrier: Int
  /// Paths per block, and steps per chunk: the block's normals matrix stays about
  /// `chunkElements` values.
  let blockPaths: Int
  let chunkSteps: Int
  /// 2¹⁷ values (1 MB in Double): at d = 500 and one step, 262-path blocks ran 3% faster than
  /// the 524 that 2¹⁸ gave (alternating A/B runs, `riskbench montecarlo`); no case got slower.
  static var chunkElements: Int { 1 << 17 }

  /// Every observer, the built-in ones first; `builtInCount` of them are the library's.
  let observers: [AnyPathObserver<Scalar>]
  let builtInCount: Int
  /// Where each built-in observer is in `observers`.
  let roles: Roles
  /// What the observers need from the engine: the running extremes in the log-price pass, the
  /// indices of the observers that read each chunk of log-prices or prices, whole paths.
  let runningMinima: Bool
  let runningMaxima: Bool
  let stepLogObservers: [Int]
  let stepPriceObservers: [Int]
  let wholePaths: Bool

  /// The index in `observers` of each built-in observer asked for.
  struct Roles: Sendable {
    var terminal: Int?
    var extremes: Int?
    var portfolio: Int?
    var barriers: Int?
    var paths: Int?
  }

  init(model: CorrelatedGBM<Scalar>, settings: SimulationSettings, observers: PathObservers<Scalar>)
  {
    self.model = model
    self.settings = settings
    recording = observers
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
    let (list, roles) = Self.observers(
      recording: observers, model: model, steps: settings.steps, barriers: barriers, dt: dt)
    let all = list + observers.custom.map { AnyPathObserver($0) }
    self.observers = all
    builtInCount = list.count
    self.roles = roles
    let needs = all.reduce(into: PathObserverNeeds()) { $0.formUnion($1.needs) }
    runningMinima = needs.contains(.runningMinima)
    runningMaxima = needs.contains(.runningMaxima)
    wholePaths = needs.contains(.pricesAtEveryStep)
    stepLogObservers = all.indices.filter { all[$0].needs.contains(.stepLogPrices) }
    stepPriceObservers = all.indices.filter { all[$0].needs.contains(.stepPrices) }
    var automatic = Self.automaticBlockPaths(dimension: d, steps: settings.steps)
    if wholePaths {
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
  }

  /// The built-in observers `recording` asks for, in a fixed order, and where each one is.
  static func observers(
    recording: PathObservers<Scalar>, model: CorrelatedGBM<Scalar>, steps: Int,
    barriers: [MonitoredBarrier<Scalar>], dt: Scalar
  ) -> ([AnyPathObserver<Scalar>], Roles) {
    var list: [AnyPathObserver<Scalar>] = []
    var roles = Roles()
    let moments = recording.moments
    if moments || recording.keepTerminalPrices {
      roles.terminal = list.count
      list.append(
        AnyPathObserver(
          TerminalObserver<Scalar>(
            dimension: model.dimension, moments: moments, keep: recording.keepTerminalPrices)))
    }
    if moments, recording.extremes {
      roles.extremes = list.count
      list.append(
        AnyPathObserver(
          RunningExtremesObserver<Scalar>(
            dimension: model.dimension, maxima: recording.tracksMaxima)))
    }
    if let holdings = recording.holdings, moments || recording.keepPortfolioValues {
      roles.portfolio = list.count
      list.append(
        AnyPathObserver(
          PortfolioObserver(
            holdings: holdings, spot: model.spot, moments: moments, minimum: recording.extremes,
            maximum: recording.tracksMaxima, keep: recording.keepPortfolioValues)))
    }
    if moments, !barriers.isEmpty {
      roles.barriers = list.count
      list.append(AnyPathObserver(BarrierObserver(barriers: barriers, dt: dt)))
    }
    if recording.keepPaths {
      roles.paths = list.count
      list.append(
        AnyPathObserver(KeptPathsObserver(spot: model.spot, steps: steps)))
    }
    return (list, roles)
  }

  /// The most prices a block may keep for custom observers that read every step (128 MB a
  /// thread in Double).
  static var observedPricesLimit: Int { 1 << 24 }

  /// Throws when custom observers that read every step would need a block of more than
  /// `observedPricesLimit` prices.
  func checkObservedPrices() throws(RiskKernelsError) {
    guard wholePaths else { return }
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

  /// The partial of `groups` from the values of their tree cover (`NodeReduction`).
  func partial(groups: Range<Int>, values: [SimulationPartial<Scalar>.NodeValue])
    -> SimulationPartial<Scalar>
  {
    SimulationPartial(
      groups: groups, groupCount: settings.groupCount, totalPaths: settings.paths,
      runFingerprint: fingerprint, assetCount: d,
      nodes: MergeTree(groupCount: settings.groupCount).cover(groups), values: values,
      observers: observers, builtInCount: builtInCount)
  }

  /// Built-in observer `role`'s partial over `partial`'s groups: its cover's nodes merged (the
  /// moments are only read from a complete partial, whose cover is the root).
  ///
  /// - Throws: `.invalidPartial` if the partial's observers are not this run's.
  func observed(_ role: Int?, in partial: SimulationPartial<Scalar>) throws(RiskKernelsError)
    -> ObservedValues<Scalar>?
  {
    guard let role else { return nil }
    var merged: ObservedValues<Scalar>?
    for node in partial.values {
      guard node.observed.indices.contains(role),
        let values = node.observed[role] as? ObservedValues<Scalar>
      else {
        throw .invalidPartial(reason: "the partial's observers are not this run's")
      }
      merged = merged.map { .merged($0, values) } ?? values
    }
    return merged ?? ObservedValues()
  }

  /// Throws unless `partial` is of this run: the same fingerprint, counts and observers.
  func check(_ partial: SimulationPartial<Scalar>) throws(RiskKernelsError) {
    guard partial.runFingerprint == fingerprint, partial.groupCount == settings.groupCount,
      partial.totalPaths == settings.paths, partial.assetCount == d,
      partial.observers.count == observers.count, partial.builtInCount == builtInCount
    else {
      throw .invalidPartial(reason: "the partial comes from another run")
    }
  }

  /// Throws unless `observed` keeps one chunk per group of `groups`, each of `perPath` values
  /// per path of its group (or nothing when `perPath` is 0).
  func checkKept(_ observed: ObservedValues<Scalar>, groups: Range<Int>, perPath: Int)
    throws(RiskKernelsError)
  {
    let fits =
      perPath == 0
      ? observed.kept.isEmpty
      : observed.kept.count == groups.count
        && zip(groups, observed.kept).allSatisfy { group, chunk in
          chunk.count
            == SimulationPartial<Scalar>.paths(
              ofGroups: group..<(group + 1), totalPaths: settings.paths
            ).count * perPath
        }
    guard fits else {
      throw .invalidPartial(reason: "a built-in observer's kept values do not fit its paths")
    }
  }

  /// The kept portfolio values of `partial`'s paths, in path order, in an array from the
  /// scratch (Monte Carlo VaR returns it there when it is done with the values).
  ///
  /// - Throws: `.invalidPartial` for a partial of another run, or one that keeps no portfolio
  ///   values or not one per path.
  func keptPortfolioValues(
    of partial: SimulationPartial<Scalar>, scratch: SimulationScratch? = nil
  ) throws(RiskKernelsError) -> [Scalar] {
    try check(partial)
    guard recording.keepPortfolioValues, let observed = try observed(roles.portfolio, in: partial)
    else {
      throw .invalidPartial(reason: "the partial does not hold the simulator's portfolio values")
    }
    try checkKept(observed, groups: partial.groups, perPath: 1)
    return Self.concatenated(observed.kept, scratch: scratch)
  }

  /// Chunks joined in order, in an array from the scratch.
  static func concatenated(_ chunks: [[Scalar]], scratch: SimulationScratch?) -> [Scalar] {
    var values: [Scalar] = scratch.take(chunks.reduce(0) { $0 + $1.count })
    var at = 0
    for chunk in chunks {
      ScalarBytes.copy(chunk, from: 0, count: chunk.count, into: &values, at: at)
      at += chunk.count
    }
    return values
  }

  /// The result of a complete partial.
  func result(from partial: SimulationPartial<Scalar>, scratch: SimulationScratch? = nil)
    throws(RiskKernelsError) -> SimulationResult<Scalar>
  {
    try check(partial)
    guard partial.isComplete else {
      throw .invalidPartial(
        reason:
          "the partial covers groups \(partial.groups.lowerBound)..<\(partial.groups.upperBound) of \(partial.groupCount)"
      )
    }
    let n = settings.paths
    // Per role: the quantities its moments cover in a run with moments (none without).
    let barrierLayout = BarrierObserver.layout(of: barriers)
    let quantities = [
      d, d * (recording.tracksMaxima ? 2 : 1),
      PortfolioObserver<Scalar>.quantities(
        minimum: recording.extremes, maximum: recording.tracksMaxima),
      barrierLayout.quantities, 0,
    ]
    let keptPerPath = [
      recording.keepTerminalPrices ? d : 0, 0, recording.keepPortfolioValues ? 1 : 0, 0,
      recording.keepPaths ? (settings.steps + 1) * d : 0,
    ]
    let roleIndices = [
      roles.terminal, roles.extremes, roles.portfolio, roles.barriers, roles.paths,
    ]
    var observed: [ObservedValues<Scalar>?] = []
    for (k, role) in roleIndices.enumerated() {
      let values = try self.observed(role, in: partial)
      if let values {
        guard values.moments.count == (recording.moments ? quantities[k] : 0) else {
          throw .invalidPartial(reason: "a built-in observer's moments do not fit the run")
        }
        try checkKept(values, groups: partial.groups, perPath: keptPerPath[k])
      }
      observed.append(values)
    }
    let (terminal, extremes, portfolioValues, barrierValues, kept) = (
      observed[0], observed[1], observed[2], observed[3], observed[4]
    )
    // Without moments (`recording.moments == false`), every estimate is an empty one (NaN
    // standard error), in the shapes a run with moments has.
    func estimates(_ values: ObservedValues<Scalar>?, _ count: Int) -> [MonteCarloEstimate] {
      guard recording.moments, let values else {
        return Array(repeating: MomentAccumulator().estimate, count: count)
      }
      return values.moments.map(\.estimate)
    }
    let terminalEstimates = estimates(terminal, quantities[0])
    let extremeEstimates = estimates(extremes, quantities[1])
    var portfolio: PortfolioStatistics?
    if let holdings = recording.holdings {
      let values = estimates(portfolioValues, quantities[2])
      let initial = zip(holdings, model.spot).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
      portfolio = PortfolioStatistics(
        initial: initial, terminal: values[0],
        minimum: recording.extremes ? values[1] : nil,
        maximum: recording.tracksMaxima ? values[2] : nil)
    }
    let barrierEstimates = estimates(barrierValues, quantities[3])
    let barrierOffsets = barrierLayout.offsets
    func hit(_ b: Int) -> BarrierHitEstimate {
      let offset = barrierOffsets[b]
      return BarrierHitEstimate(
        barrier: Double(barriers[b].level), onGrid: barrierEstimates[offset],
        continuous: barrierEstimates[offset + 1],
        shortfall: barriers[b].strike == nil ? nil : barrierEstimates[offset + 2])
    }
    func perAsset(_ levels: [Scalar?]?, _ index: [Int?]) -> [BarrierHitEstimate?]? {
      levels == nil ? nil : index.map { $0.map(hit) }
    }
    var terminalPrices: Matrix<Scalar>?
    if recording.keepTerminalPrices, let terminal {
      terminalPrices = Matrix(
        uncheckedRows: n, columns: d,
        storage: SimulationPartial.concatenatedAssetMajor(
          terminal.kept, pathCounts: terminal.kept.map { $0.count / d }, assets: d))
    }
    var paths: [Matrix<Scalar>]?
    if let kept {
      let (rows, perPath) = (settings.steps + 1, (settings.steps + 1) * d)
      paths = kept.kept.flatMap { chunk in
        stride(from: 0, to: chunk.count, by: perPath).map {
          Matrix(uncheckedRows: rows, columns: d, storage: Array(chunk[$0..<($0 + perPath)]))
        }
      }
    }
    return SimulationResult(
      settings: settings, assets: model.assets,
      terminal: terminalEstimates,
      minimum: recording.extremes ? Array(extremeEstimates[0..<d]) : nil,
      maximum: recording.tracksMaxima ? Array(extremeEstimates[d..<(2 * d)]) : nil,
      portfolio: portfolio,
      lowerBarrierHits: perAsset(recording.lowerBarriers, lowerIndex),
      upperBarrierHits: perAsset(recording.upperBarriers, upperIndex),
      barrierHits: recording.barriers.isEmpty
        ? nil : (firstUserBarrier..<barriers.count).map(hit),
      terminalPrices: terminalPrices,
      portfolioValues: recording.keepPortfolioValues
        ? Self.concatenated(portfolioValues?.kept ?? [], scratch: scratch) : nil,
      paths: paths,
      observedPartials: Array(partial.values[0].observed[builtInCount...]))
  }
}
