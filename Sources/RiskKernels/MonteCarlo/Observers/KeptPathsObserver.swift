/// Every path's prices at every date (`SimulationResult.paths`): each path an `(S+1) × d`
/// column-major matrix with row 0 the spot, stored one after another in the group's chunk. The
/// block's paths are assembled in `buffer` chunk by chunk of steps.
struct KeptPathsObserver<Scalar: BLASScalar>: BuiltInObserver {
  let spot: [Scalar]
  /// S, the steps of the grid.
  let steps: Int

  var needs: PathObserverNeeds { .stepPrices }

  func makePartial() -> Partial { Partial(kept: [[]]) }

  /// Values per path: (S + 1) · d.
  var pathValues: Int { (steps + 1) * spot.count }

  func observe(steps chunk: PathSteps<Scalar>, into partial: inout Partial) {
    let (d, rows, count) = (chunk.dimension, steps + 1, chunk.pathCount)
    if chunk.firstStep == 0 {
      if partial.buffer.count < count * pathValues {
        partial.buffer = Array(repeating: 0, count: count * pathValues)
      }
      for p in 0..<count { for i in 0..<d { partial.buffer[p * pathValues + i * rows] = spot[i] } }
    }
    for p in 0..<count {
      for s in 0..<chunk.stepCount {
        let column = (p * chunk.stepCount + s) * d
        let row = p * pathValues + chunk.firstStep + s + 1
        for i in 0..<d { partial.buffer[row + i * rows] = chunk.values[column + i] }
      }
    }
  }

  func observe(_ block: PathBlock<Scalar>, into partial: inout Partial) {
    partial.kept[0].append(contentsOf: partial.buffer[0..<(block.pathCount * pathValues)])
  }
}
