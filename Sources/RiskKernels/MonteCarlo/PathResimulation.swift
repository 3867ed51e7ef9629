internal import Foundation
internal import RealModule

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
    // from the scratch; Monte Carlo VaR returns it there.
    var prices = Matrix<Scalar>(
      uncheckedRows: paths.count, columns: d, storage: scratch.take(paths.count * d))
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
    var workspace = try BlockWorkspace(plan: plan, scratch: scratch)
    defer { workspace.recycle() }
    var partials: [any Sendable] = []  // no observers: the prices are read from the workspace
    // One BLAS thread, as in `run`: the same arithmetic, and no OpenBLAS worker woken to spin
    // (yielding for a good fraction of a second) beside the caller's next run.
    try BLASThreads.withOneThread { () throws(RiskKernelsError) in
      for blockStart in stride(from: 0, to: listed.count, by: plan.blockPaths) {
        let count = Swift.min(plan.blockPaths, listed.count - blockStart)
        try workspace.simulate(
          blockStart: blockStart, count: count, group: 0..<listed.count, listedPaths: listed,
          into: &partials)
        // The block's terminal prices are in `logPrice`, path-major.
        for (r, j) in position.enumerated() where (blockStart..<(blockStart + count)).contains(j) {
          for i in 0..<d { prices[r, i] = workspace.logPrice[i + (j - blockStart) * d] }
        }
      }
    }
    return prices
  }
}
