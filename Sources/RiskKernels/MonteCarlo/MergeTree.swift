/// The one binary tree over reduction groups `0..<G` along which every run merges its partial
/// moments: node `[lo, hi)` with two or more groups has the children `[lo, mid)` and `[mid, hi)`,
/// `mid = lo + ⌈(hi − lo)/2⌉`; the leaves are single groups.
///
/// A node's value is its left child's merged with its right child's (Chan, Golub & LeVeque's
/// pairwise update, in that order), whoever computed the children: one thread, many threads, or
/// processes that each own a contiguous range of groups. A range's partial therefore carries the
/// values of its *cover*, the largest nodes inside it (at most 2⌈log₂ G⌉ of them), and any
/// split of `0..<G` merges to the same root, bit for bit.
struct MergeTree: Sendable {
  let groupCount: Int

  /// The split point of a node of two or more groups.
  static func middle(of node: Range<Int>) -> Int {
    node.lowerBound + (node.count + 1) / 2
  }

  /// The root, `0..<G`.
  var root: Range<Int> { 0..<groupCount }

  /// The largest nodes inside `range`, in group order: the nodes whose groups all lie in
  /// `range` and whose parent's do not.
  func cover(_ range: Range<Int>) -> [Range<Int>] {
    var nodes: [Range<Int>] = []
    func visit(_ node: Range<Int>) {
      guard !node.isEmpty, node.overlaps(range) else { return }
      if range.lowerBound <= node.lowerBound, node.upperBound <= range.upperBound {
        nodes.append(node)
        return
      }
      let middle = Self.middle(of: node)
      visit(node.lowerBound..<middle)
      visit(middle..<node.upperBound)
    }
    visit(root)
    return nodes
  }

  /// Whether `node` is a node of the tree.
  func contains(_ node: Range<Int>) -> Bool {
    var current = root
    while true {
      if current == node { return true }
      guard current.count >= 2, !node.isEmpty else { return false }
      let middle = Self.middle(of: current)
      if node.upperBound <= middle {
        current = current.lowerBound..<middle
      } else if node.lowerBound >= middle {
        current = middle..<current.upperBound
      } else {
        return false
      }
    }
  }

  /// The node whose child `node` is (`nil` for the root or a range that is not a node).
  func parent(of node: Range<Int>) -> Range<Int>? {
    var current = root
    while current.count >= 2, !node.isEmpty {
      let middle = Self.middle(of: current)
      let child: Range<Int>
      if node.upperBound <= middle {
        child = current.lowerBound..<middle
      } else if node.lowerBound >= middle {
        child = middle..<current.upperBound
      } else {
        return nil
      }
      if child == node { return current }
      current = child
    }
    return nil
  }

  /// The value of each node of `cover(range)`: a node's known value if `known` has one, its
  /// children's merged otherwise; `nil` when a leaf it needs is unknown.
  func reduce<Value>(
    over range: Range<Int>, known: (Range<Int>) -> Value?, merge: (Value, Value) -> Value
  ) -> [Value]? {
    func value(_ node: Range<Int>) -> Value? {
      if let found = known(node) { return found }
      guard node.count >= 2 else { return nil }
      let middle = Self.middle(of: node)
      guard let left = value(node.lowerBound..<middle),
        let right = value(middle..<node.upperBound)
      else { return nil }
      return merge(left, right)
    }
    var values: [Value] = []
    for node in cover(range) {
      guard let v = value(node) else { return nil }
      values.append(v)
    }
    return values
  }
}
