/// What a simulation of a contiguous range of reduction groups observed, ready to merge with the
/// partials of the neighbouring ranges and to become a `SimulationResult`.
///
/// A run of N paths has `G = ⌈N / groupPaths⌉` reduction groups; `PathSimulator.run(groups:)`
/// simulates some of them and returns their partial. Observers' partials merge along one fixed
/// binary tree over the group indices (`MergeTree`), so a partial holds those of the few tree
/// nodes that tile its range (at most 2⌈log₂ G⌉, or 1), every observer's, the values the
/// built-in ones keep for its paths (terminal prices, portfolio values, paths) included.
/// Partials of adjacent ranges merge in any grouping (`merging(_:)`) and give, once they cover
/// every group, the same bits as a run in one piece: `PathSimulator.result(from:)`.
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
  /// N, the run's number of paths.
  public let totalPaths: Int
  /// A hash of everything that fixes the run's numbers (model, settings but `threads` and
  /// `blockPaths`, observers, precision): partials merge only with their own run's.
  public let runFingerprint: UInt64
  /// Assets d.
  let assetCount: Int
  /// The tree nodes tiling `groups` (`MergeTree.cover`), and each node's observers' partials.
  let nodes: [Range<Int>]
  let values: [NodeValue]
  /// Every observer of the run (`SimulationPlan.observers`), which merge and encode their
  /// partials: `builtInCount` built-in ones, then the custom ones (`PathObservers.custom`).
  let observers: [AnyPathObserver<Scalar>]
  let builtInCount: Int

  /// A tree node's merged values: each observer's partial.
  struct NodeValue: Sendable {
    var observed: [any Sendable]

    /// `left` then `right`: each observer's `merge`.
    static func merged(
      _ left: NodeValue, _ right: NodeValue, observers: [AnyPathObserver<Scalar>]
    ) -> NodeValue {
      NodeValue(
        observed: observers.indices.map {
          observers[$0].merge(left.observed[$0], right.observed[$0])
        })
    }
  }

  /// Asset-major arrays of consecutive path ranges (`arrays[k][i·pathCounts[k] + p]`) joined
  /// into one asset-major array over all their paths, each slice with one memory copy.
  static func concatenatedAssetMajor(_ arrays: [[Scalar]], pathCounts: [Int], assets d: Int)
    -> [Scalar]
  {
    if arrays.count == 1 { return arrays[0] }  // one group: already in order, no copy
    var out = [Scalar](repeating: 0, count: pathCounts.reduce(0, +) * d)
    var at = 0
    for i in 0..<d {
      for (array, m) in zip(arrays, pathCounts) {
        ScalarBytes.copy(array, from: i * m, count: m, into: &out, at: at)
        at += m
      }
    }
    return out
  }

  /// The paths of `groups`.
  public var paths: Range<Int> { Self.paths(ofGroups: groups, totalPaths: totalPaths) }

  /// Whether this partial covers every group of its run.
  public var isComplete: Bool { groups == 0..<groupCount }

  static func paths(ofGroups groups: Range<Int>, totalPaths n: Int) -> Range<Int> {
    let g = SimulationSettings.groupPaths
    return Swift.min(groups.lowerBound * g, n)..<Swift.min(groups.upperBound * g, n)
  }

  /// The partial of `self.groups` followed by `next.groups`: the partials merged along the tree
  /// (kept values concatenated in path order). Either partial may be empty.
  ///
  /// - Throws: `.invalidPartial` if the two come from different runs or their ranges do not
  ///   meet (`self.groups.upperBound == next.groups.lowerBound`).
  public func merging(_ next: SimulationPartial) throws(RiskKernelsError) -> SimulationPartial {
    try Self.merging([self, next])
  }

  /// The partial of adjacent partials, in group order: one reduction and one concatenation for
  /// all of them (merging them two at a time copies the kept values at every step).
  ///
  /// - Throws: `.invalidPartial` as `merging(_:)`, and for an empty list.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public static func merging(_ parts: [SimulationPartial]) throws(RiskKernelsError)
    -> SimulationPartial
  {
    guard let first = parts.first else {
      throw .invalidPartial(reason: "no partials to merge")
    }
    let parts = parts.filter { !$0.groups.isEmpty }
    guard let start = parts.first else { return first }
    if parts.count == 1, parts.allSatisfy({ $0.runFingerprint == first.runFingerprint }) {
      return start
    }
    for (a, b) in zip(parts, parts.dropFirst()) {
      guard a.runFingerprint == b.runFingerprint, a.groupCount == b.groupCount,
        a.totalPaths == b.totalPaths, a.assetCount == b.assetCount,
        a.observers.count == b.observers.count, a.builtInCount == b.builtInCount
      else {
        throw .invalidPartial(reason: "the partials come from different runs")
      }
      guard a.groups.upperBound == b.groups.lowerBound else {
        throw .invalidPartial(
          reason:
            "groups \(a.groups.lowerBound)..<\(a.groups.upperBound) and \(b.groups.lowerBound)..<\(b.groups.upperBound) do not meet"
        )
      }
    }
    for part in [first] + parts where part.runFingerprint != start.runFingerprint {
      throw .invalidPartial(reason: "the partials come from different runs")
    }
    let range = start.groups.lowerBound..<parts.last!.groups.upperBound
    var known: [Range<Int>: NodeValue] = [:]
    for part in parts {
      for (node, value) in zip(part.nodes, part.values) { known[node] = value }
    }
    let tree = MergeTree(groupCount: start.groupCount)
    let merged = tree.reduce(
      over: range, known: { known[$0] },
      merge: { NodeValue.merged($0, $1, observers: start.observers) })!
    return SimulationPartial(
      groups: range, groupCount: start.groupCount, totalPaths: start.totalPaths,
      runFingerprint: start.runFingerprint, assetCount: start.assetCount,
      nodes: tree.cover(range), values: merged, observers: start.observers,
      builtInCount: start.builtInCount)
  }
}
