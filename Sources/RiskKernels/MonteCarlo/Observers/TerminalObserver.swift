/// Each path's terminal prices: their moments `E[Sᵢ(T)]` (`SimulationResult.terminal`) and, when
/// kept, the prices themselves (`SimulationResult.terminalPrices`, for quantiles).
///
/// Kept prices are asset-major within each reduction group (`[i·m + p]` for a group of m paths),
/// so the result's column-major `N × d` matrix is built by contiguous copies.
struct TerminalObserver<Scalar: BLASScalar>: BuiltInObserver {
  let dimension: Int
  /// Whether the moments are accumulated, and whether the prices are kept.
  let moments: Bool
  let keep: Bool

  var needs: PathObserverNeeds { .terminalPrices }

  func makePartial() -> Partial {
    Partial(sections: moments ? [ShiftedSums(quantities: dimension)] : [])
  }

  func observe(_ block: PathBlock<Scalar>, into partial: inout Partial) {
    let d = dimension
    if moments {
      partial.sections[0].add(
        block.terminal, perPath: d, count: block.pathCount, antithetic: block.antithetic)
    }
    if keep {
      if partial.kept.isEmpty {
        partial.kept = [[Scalar](repeating: 0, count: d * block.group.count)]
      }
      // Asset-major into the group's columns, through spans (no uniqueness check per element).
      let (first, stride) = (block.firstPath - block.group.lowerBound, block.group.count)
      let source = block.terminal.span
      var kept = partial.kept[0].mutableSpan
      for i in 0..<d {
        let column = i * stride + first
        for p in 0..<block.pathCount { kept[column + p] = source[i + p * d] }
      }
    }
  }
}
