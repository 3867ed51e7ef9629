/// What a simulation of a contiguous range of reduction groups observed, ready to merge with the
/// partials of the neighbouring ranges and to become a `SimulationResult`.
///
/// A run of N paths has `G = ⌈N / groupPaths⌉` reduction groups; `PathSimulator.run(groups:)`
/// simulates some of them and returns their partial. Moments merge along one fixed binary tree
/// over the group indices (`MergeTree`), so a partial holds the merged moments of the few tree
/// nodes that tile its range (at most 2⌈log₂ G⌉), plus the values kept for its paths (terminal
/// prices, portfolio values, paths) in path order. Partials of adjacent ranges merge in any
/// grouping (`merging(_:)`) and give, once they cover every group, the same bits as a run in
/// one piece: `PathSimulator.result(from:)`.
///
/// `encoded()` and `init(encoded:)` turn a partial into bytes and back exactly, for sending it
/// to another process (the format is in docs/scale-out.md).
///
/// ```swift
/// let simulator = PathSimulator(model: model, settings: settings)
/// let g = simulator.groupCount
/// let first = try simulator.run(groups: 0..<(g / 2))
/// let second = try simulator.run(groups: (g / 2)..<g)
/// let result = try simulator.result(from: first.merging(second))  // == simulator.run()
/// ```
public struct SimulationPartial<Scalar: BLASScalar>: Sendable {
  /// The groups simulated, within `0..<groupCount`.
  public let groups: Range<Int>
  /// G, the run's number of reduction groups.
  public let groupCount: Int
  /// The paths of `groups`.
  public let paths: Range<Int>
  /// A hash of everything that fixes the run's numbers (model, settings but `threads` and
  /// `blockPaths`, observers, precision): partials merge only with their own run's.
  public let runFingerprint: UInt64
  /// Assets d and values per path observed by the moments.
  let assetCount: Int
  let valueCount: Int
  /// The tree nodes tiling `groups` (`MergeTree.cover`), and each node's moments.
  let nodes: [Range<Int>]
  let moments: [[MomentAccumulator]]
  /// Asset-major over `paths` (`[i·paths.count + p]`) when terminal prices are kept; else empty.
  let terminalPrices: [Scalar]
  /// In path order, when portfolio values are kept; else empty.
  let portfolioValues: [Scalar]
  /// In path order, when paths are kept; else empty.
  let keptPaths: [Matrix<Scalar>]

  /// Whether this partial covers every group of its run.
  public var isComplete: Bool { groups == 0..<groupCount }

  /// The partial of `self.groups` followed by `next.groups`: the moments merged along the tree,
  /// the kept values concatenated in path order. Either partial may be empty.
  ///
  /// - Throws: `.invalidPartial` if the two come from different runs or their ranges do not
  ///   meet (`self.groups.upperBound == next.groups.lowerBound`).
  public func merging(_ next: SimulationPartial) throws(RiskKernelsError) -> SimulationPartial {
    guard runFingerprint == next.runFingerprint, groupCount == next.groupCount,
      assetCount == next.assetCount, valueCount == next.valueCount
    else {
      throw .invalidPartial(reason: "the two partials come from different runs")
    }
    if next.groups.isEmpty { return self }
    if groups.isEmpty { return next }
    guard groups.upperBound == next.groups.lowerBound else {
      throw .invalidPartial(
        reason:
          "groups \(groups.lowerBound)..<\(groups.upperBound) and \(next.groups.lowerBound)..<\(next.groups.upperBound) do not meet"
      )
    }
    let range = groups.lowerBound..<next.groups.upperBound
    var known: [Range<Int>: [MomentAccumulator]] = [:]
    for (node, value) in zip(nodes + next.nodes, moments + next.moments) { known[node] = value }
    let tree = MergeTree(groupCount: groupCount)
    guard
      let merged = tree.reduce(
        over: range, known: { known[$0] }, merge: { zip($0, $1).map(MomentAccumulator.merged) })
    else {
      throw .invalidPartial(reason: "the partials' tree nodes do not tile their groups")
    }
    var prices: [Scalar] = []
    if !terminalPrices.isEmpty || !next.terminalPrices.isEmpty {
      let (m, n) = (paths.count, next.paths.count)
      prices.reserveCapacity(assetCount * (m + n))
      for i in 0..<assetCount {
        prices.append(contentsOf: terminalPrices[(i * m)..<((i + 1) * m)])
        prices.append(contentsOf: next.terminalPrices[(i * n)..<((i + 1) * n)])
      }
    }
    return SimulationPartial(
      groups: range, groupCount: groupCount, paths: paths.lowerBound..<next.paths.upperBound,
      runFingerprint: runFingerprint, assetCount: assetCount, valueCount: valueCount,
      nodes: tree.cover(range), moments: merged, terminalPrices: prices,
      portfolioValues: portfolioValues + next.portfolioValues, keptPaths: keptPaths + next.keptPaths
    )
  }
}
