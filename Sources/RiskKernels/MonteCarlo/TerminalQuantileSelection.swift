/// Exact quantiles of each asset's terminal price over a run's N paths without holding the
/// N × d prices: a radix selection on the prices' order-preserving keys (`OrderedKey`), in
/// passes over the same paths.
///
/// The linear rule's p-quantile needs the order statistics of ranks ⌊h⌋ and ⌊h⌋ + 1,
/// h = p·(N − 1) (`linearQuantiles`). Each pass re-simulates the run's paths (the same seed gives
/// the same prices) and, for every bucket that still holds a wanted order statistic, either
/// counts the next 12 bits of the keys that fall in it, which narrows the bucket 4 096-fold, or,
/// once the buckets hold at most `gatherLimit` prices in all, gathers those prices and selects
/// from them. A Double key has 64 bits, so no selection takes more than 6 passes (3 for
/// Float); a bucket of 12 bits already holds about N/2¹² prices, so a run whose prices span a few
/// octaves needs 3 passes for N ≤ 2¹² · `gatherLimit`. The first pass can ride along with the
/// run that computes the other results (add `pass` to its custom observers).
///
/// Memory: a pass's partial holds 4 096 counts per query (at most 2 per wanted order statistic,
/// and one per asset in the first pass) and at most `gatherLimit` prices; the engine holds such
/// partials only for the tree nodes whose siblings are unfinished (`threads · log₂ G`).
/// Neither grows with N. The result has the bits of `linearQuantiles` on all N prices.
///
/// ```swift
/// var selection = try TerminalQuantileSelection<Double>(
///   probabilities: [0.01, 0.5, 0.99], paths: settings.paths, assets: model.dimension)
/// let simulator = PathSimulator(model: model, settings: settings)
/// while let pass = selection.passSimulator(of: simulator) {
///   try selection.advance(with: pass.run())
/// }
/// let quantiles = selection.quantiles!  // [q][i]
/// ```
/// (`PathSimulator.terminalQuantiles(_:gatherLimit:)` is that loop.) Passes split across
/// processes merge like any run's partials, so an MPI job runs each pass as a distributed run.
public struct TerminalQuantileSelection<Scalar: BLASScalar>: Sendable {
  /// The probabilities, N and d.
  public let probabilities: [Double]
  /// N, the run's paths.
  public let paths: Int
  /// d, the assets.
  public let assets: Int
  /// The most prices a pass gathers, over all its buckets.
  public let gatherLimit: Int

  /// 2²² prices (32 MB in Double): a 10⁶-path run of 4 assets in one pass.
  public static var defaultGatherLimit: Int { 1 << 22 }

  /// A wanted order statistic and what is known of it.
  private struct Target: Sendable {
    let asset: Int
    let rank: Int
    /// The bucket it lies in: keys whose top `prefixBits` bits are `prefix`, `count` of them,
    /// `rankInBucket` of them below it.
    var prefix: UInt64 = 0
    var prefixBits = 0
    var count: Int
    var rankInBucket: Int
    var value: Scalar?
  }

  private var targets: [Target]
  private let positions: [LinearQuantilePosition]
  /// The current pass, and each unresolved target's query in it.
  public private(set) var pass: TerminalQuantilePass<Scalar>?
  private var queryOfTarget: [Int?] = []
  /// Passes advanced so far.
  public private(set) var passesDone = 0

  /// The selection of `probabilities`' quantiles of each of `assets` terminal prices over `paths` paths.
  ///
  /// - Throws: `.parameterOutOfRange` for a probability outside [0, 1], fewer than one path,
  ///   asset or gathered price.
  public init(
    probabilities: [Double], paths: Int, assets: Int,
    gatherLimit: Int = Self.defaultGatherLimit
  ) throws(RiskKernelsError) {
    for (q, p) in probabilities.enumerated() where !(p >= 0 && p <= 1) {
      throw .parameterOutOfRange(
        name: ParameterName("probabilities", index: q), value: p, allowed: "0 ≤ p ≤ 1")
    }
    guard paths >= 1 else {
      throw .parameterOutOfRange(name: .paths, value: Double(paths), allowed: "≥ 1")
    }
    guard assets >= 1 else {
      throw .parameterOutOfRange(name: "assets", value: Double(assets), allowed: "≥ 1")
    }
    guard gatherLimit >= 1 else {
      throw .parameterOutOfRange(name: "gatherLimit", value: Double(gatherLimit), allowed: "≥ 1")
    }
    self.probabilities = probabilities
    self.paths = paths
    self.assets = assets
    self.gatherLimit = gatherLimit
    positions = probabilities.map { LinearQuantilePosition(probability: $0, count: paths) }
    let ranks = Set(positions.flatMap { [$0.lower] + ($0.upper.map { [$0] } ?? []) }).sorted()
    targets = (0..<assets).flatMap { i in
      ranks.map { Target(asset: i, rank: $0, count: paths, rankInBucket: $0) }
    }
    planPass()
  }

  /// The quantiles, `[q][i]` for `probabilities[q]` and asset i, once every pass is done
  /// (`pass == nil`).
  public var quantiles: [[Scalar]]? {
    guard pass == nil else { return nil }
    let values = Dictionary(
      uniqueKeysWithValues: targets.map { (TargetKey(asset: $0.asset, rank: $0.rank), $0.value!) })
    return positions.map { position in
      (0..<assets).map { i in
        let below = values[TargetKey(asset: i, rank: position.lower)]!
        let above = position.upper.map { values[TargetKey(asset: i, rank: $0)]! } ?? below
        return position.interpolate(below, above)
      }
    }
  }

  /// Prices of one asset whose keys start with one prefix.
  private struct Bucket: Hashable {
    let asset: Int
    let prefix: UInt64
    let prefixBits: Int
  }

  private struct TargetKey: Hashable {
    let asset: Int
    let rank: Int
  }

  /// A simulator of `simulator`'s paths that observes only the current pass (no moments, no
  /// extremes), or `nil` when the selection is done.
  public func passSimulator(of simulator: PathSimulator<Scalar>) -> PathSimulator<Scalar>? {
    guard let pass else { return nil }
    var observers = PathObservers<Scalar>(extremes: false)
    observers.moments = false
    observers.custom = [pass]
    return PathSimulator(
      model: simulator.model, settings: simulator.settings, observers: observers,
      scratch: simulator.scratch)
  }

  /// Takes the current pass's partial over all N paths from `result` (the first custom observer
  /// that is a `TerminalQuantilePass`) and plans the next pass.
  ///
  /// - Throws: `.invalidPartial` if `result` has no such partial or it does not fit the pass.
  public mutating func advance(with result: SimulationResult<Scalar>) throws(RiskKernelsError) {
    guard
      let partial = result.observedPartials.lazy.compactMap({
        $0 as? TerminalQuantilePass<Scalar>.Partial
      }).first
    else {
      throw .invalidPartial(reason: "the run did not observe a quantile pass")
    }
    try advance(with: partial)
  }

  /// Takes the current pass's partial over all N paths and plans the next pass.
  ///
  /// - Throws: `.invalidPartial` when there is no pass left, or the partial is not this pass's
  ///   or does not count the prices the previous passes did (its run drew other paths).
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public mutating func advance(with partial: TerminalQuantilePass<Scalar>.Partial)
    throws(RiskKernelsError)
  {
    guard let pass else { throw .invalidPartial(reason: "the quantile selection is done") }
    let queries = pass.queries
    guard partial.counts.count == queries.count, partial.values.count == queries.count else {
      throw .invalidPartial(reason: "the partial is not this quantile pass's")
    }
    var gathered: [Int: [Scalar]] = [:]
    for t in targets.indices {
      guard let q = queryOfTarget[t] else { continue }
      let query = queries[q]
      let expected = targets[t].count
      if query.gathers {
        guard partial.values[q].count == expected else {
          throw .invalidPartial(
            reason:
              "the pass gathered \(partial.values[q].count) prices where the previous one counted \(expected): the passes drew different paths"
          )
        }
        if gathered[q] == nil {
          // Every gathered price lies in the query's bucket (so it is finite too).
          let shift = UInt64(OrderedKey.width(Scalar.self) - query.prefixBits)
          guard
            partial.values[q].allSatisfy({
              $0.isFinite && OrderedKey.key($0) >> shift == query.prefix
            })
          else {
            throw .invalidPartial(reason: "the pass gathered prices outside its bucket")
          }
        }
        // Quickselect (`select`) on one working copy per bucket: it only reorders the copy.
        var work = gathered[q] ?? partial.values[q]
        targets[t].value = select(&work, rank: targets[t].rankInBucket)
        gathered[q] = work
        continue
      }
      let counts = partial.counts[q]
      let digitBits = TerminalQuantilePass<Scalar>.digitBits(after: query.prefixBits)
      // Each count within 0...expected, so the sum (of at most 4 096 of them) cannot overflow.
      guard counts.count == 1 << digitBits, counts.allSatisfy({ (0...expected).contains($0) }),
        counts.reduce(0, +) == expected
      else {
        throw .invalidPartial(
          reason:
            "the pass counted \(counts.reduce(0, &+)) prices where the previous one counted \(expected): the passes drew different paths"
        )
      }
      var below = 0
      var digit = 0
      while below + counts[digit] <= targets[t].rankInBucket {
        below += counts[digit]
        digit += 1
      }
      targets[t].prefix = targets[t].prefix << UInt64(digitBits) | UInt64(digit)
      targets[t].prefixBits += digitBits
      targets[t].rankInBucket -= below
      targets[t].count = counts[digit]
      if targets[t].prefixBits == OrderedKey.width(Scalar.self) {
        let value: Scalar = OrderedKey.value(targets[t].prefix)
        guard value.isFinite else {
          throw .invalidPartial(reason: "the pass counted a price that is not a finite number")
        }
        targets[t].value = value
      }
    }
    passesDone += 1
    planPass()
  }

  /// The next pass: one query per bucket that holds an unresolved target; the smallest buckets
  /// gathered while their prices fit in `gatherLimit`, the others counted.
  private mutating func planPass() {
    var counts: [Bucket: Int] = [:]
    for target in targets where target.value == nil {
      counts[Bucket(asset: target.asset, prefix: target.prefix, prefixBits: target.prefixBits)] =
        target.count
    }
    guard !counts.isEmpty else {
      pass = nil
      queryOfTarget = []
      return
    }
    let buckets = counts.keys.sorted {
      ($0.asset, $0.prefixBits, $0.prefix) < ($1.asset, $1.prefixBits, $1.prefix)
    }
    var gathered: Set<Bucket> = []
    var budget = gatherLimit
    for bucket in buckets.sorted(by: { counts[$0]! < counts[$1]! }) where counts[bucket]! <= budget
    {
      gathered.insert(bucket)
      budget -= counts[bucket]!
    }
    let index = Dictionary(uniqueKeysWithValues: buckets.enumerated().map { ($1, $0) })
    pass = TerminalQuantilePass(
      queries: buckets.map {
        .init(
          asset: $0.asset, prefix: $0.prefix, prefixBits: $0.prefixBits,
          gathers: gathered.contains($0))
      })
    queryOfTarget = targets.map { target in
      target.value == nil
        ? index[Bucket(asset: target.asset, prefix: target.prefix, prefixBits: target.prefixBits)]
        : nil
    }
  }
}

extension PathSimulator {
  /// Exact quantiles of each asset's terminal price, `[q][i]`, without keeping the N × d prices:
  /// `TerminalQuantileSelection`'s passes, each a run of this simulator's paths. The bits of
  /// `SimulationResult.terminalQuantiles` of a run that kept them, in at most 6 runs (3 in
  /// Float) and memory that does not grow with N.
  ///
  /// - Throws: as `run()` and `TerminalQuantileSelection.init`.
  public func terminalQuantiles(
    _ probabilities: [Double],
    gatherLimit: Int = TerminalQuantileSelection<Scalar>.defaultGatherLimit
  ) throws(RiskKernelsError) -> [[Scalar]] {
    var selection = try TerminalQuantileSelection<Scalar>(
      probabilities: probabilities, paths: settings.paths, assets: model.dimension,
      gatherLimit: gatherLimit)
    while let pass = selection.passSimulator(of: self) {
      try selection.advance(with: pass.run())
    }
    return selection.quantiles!
  }
}
