/// Brownian-bridge construction of standard Brownian motions on the grid 0, 1, …, S (unit
/// steps), so that the first normals fix the coarsest shape of the paths: the first sets W(S),
/// the next W(⌊S/2⌋) given W(0) = 0 and W(S), then the midpoints of each half, level by level
/// (Glasserman 2004, §3.1; Caflisch, Morokoff & Owen 1997). For a point `m` between filled
/// `l < m < r`:
/// ```
/// W(m) = ((r − m) W(l) + (m − l) W(r)) / (r − l) + √((m − l)(r − m)/(r − l)) · z
/// ```
/// The increments `W(s+1) − W(s)` are then independent standard normals, as the engine expects,
/// but a quasi-random point's leading coordinates carry most of each path's variance — where a
/// Sobol' sequence is most uniform.
///
/// With d assets, normal `c = r·d + i` of a point drives asset i at construction rank r (all
/// assets' horizon values first, then all their midpoints, …); the assets are in the model's
/// order, which is the order the correlation's Cholesky factor mixes them in.
struct BridgeConstruction: Sendable {
  /// One filled grid point: its index, its neighbours' weights and the normal's scale.
  struct Node: Sendable {
    let target: Int
    let left: Int
    let right: Int
    let leftWeight: Double
    let rightWeight: Double
    let scale: Double
  }
  let steps: Int
  /// In construction order: nodes[r] uses normal rank r.
  let nodes: [Node]

  init(steps: Int) {
    precondition(steps >= 1)
    self.steps = steps
    var nodes = [
      Node(
        target: steps, left: 0, right: 0, leftWeight: 0, rightWeight: 0,
        scale: Double(steps).squareRoot())
    ]
    var queue = [(0, steps)]
    var head = 0
    while head < queue.count {
      let (l, r) = queue[head]
      head += 1
      guard r - l > 1 else { continue }
      let m = l + (r - l) / 2
      let width = Double(r - l)
      nodes.append(
        Node(
          target: m, left: l, right: r, leftWeight: Double(r - m) / width,
          rightWeight: Double(m - l) / width,
          scale: (Double(m - l) * Double(r - m) / width).squareRoot()))
      queue.append((l, m))
      queue.append((m, r))
    }
    self.nodes = nodes
  }

  /// `increments[s·d + i] = W_i(s+1) − W_i(s)` from `normals[r·d + i]` (rank r, asset i);
  /// `path` is scratch of (S+1)·d values.
  func increments(
    from normals: [Double], assets d: Int, path: inout [Double], into increments: inout [Double]
  ) {
    for i in 0..<d { path[i] = 0 }
    for (rank, node) in nodes.enumerated() {
      for i in 0..<d {
        path[node.target * d + i] =
          node.leftWeight * path[node.left * d + i] + node.rightWeight * path[node.right * d + i]
          + node.scale * normals[rank * d + i]
      }
    }
    for s in 0..<steps {
      for i in 0..<d { increments[s * d + i] = path[(s + 1) * d + i] - path[s * d + i] }
    }
  }
}
