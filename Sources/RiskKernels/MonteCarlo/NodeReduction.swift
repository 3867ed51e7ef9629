internal import Synchronization

/// The merge tree's nodes reduced while a run's groups finish, instead of after all of them: a
/// finished group's value climbs the tree for as long as its sibling's value is waiting, and
/// waits there otherwise. A node's value is still its left child's merged with its right
/// child's, whichever thread computed them, so the bits are those of `MergeTree.reduce`; but
/// only the nodes whose siblings are unfinished are held (about threads · log₂ G of them when the
/// groups are taken in order), not one value per group. Observers' partials (a quantile pass's
/// histograms) therefore take memory bounded by the tree's depth, not by N (kept values, by
/// definition, take memory in N).
final class NodeReduction<Scalar: BLASScalar>: Sendable {
  private let tree: MergeTree
  /// The cover of the run's range: where values stop climbing.
  private let cover: [Range<Int>]
  private let coverSet: Set<Range<Int>>
  private let observers: [AnyPathObserver<Scalar>]
  private let waiting = Mutex<[Range<Int>: SimulationPartial<Scalar>.NodeValue]>([:])
  private let finished = Mutex<[Range<Int>: SimulationPartial<Scalar>.NodeValue]>([:])

  init(tree: MergeTree, range: Range<Int>, observers: [AnyPathObserver<Scalar>]) {
    self.tree = tree
    cover = tree.cover(range)
    coverSet = Set(cover)
    self.observers = observers
  }

  /// Adds group `group`'s value; merges (outside the locks) as far up as the tree allows.
  func add(group: Int, _ value: SimulationPartial<Scalar>.NodeValue) {
    var (node, value) = (group..<(group + 1), value)
    while !coverSet.contains(node) {
      guard let parent = tree.parent(of: node) else { preconditionFailure("not a node: \(node)") }
      let isLeft = node.lowerBound == parent.lowerBound
      let middle = MergeTree.middle(of: parent)
      let sibling = isLeft ? middle..<parent.upperBound : parent.lowerBound..<middle
      let other = waiting.withLock { waiting -> SimulationPartial<Scalar>.NodeValue? in
        if let found = waiting.removeValue(forKey: sibling) { return found }
        waiting[node] = value
        return nil
      }
      guard let other else { return }
      value = .merged(isLeft ? value : other, isLeft ? other : value, observers: observers)
      node = parent
    }
    finished.withLock { $0[node] = value }
  }

  /// The values waiting for their siblings.
  var waitingCount: Int { waiting.withLock { $0.count } }

  /// The cover's values in group order, once every group of the range has been added.
  var coverValues: [SimulationPartial<Scalar>.NodeValue] {
    finished.withLock { finished in cover.map { finished[$0]! } }
  }
}
