/// Each asset's running minimum and (optionally) maximum over the grid, time 0 included:
/// `E[minₜ Sᵢ(t)]` and `E[maxₜ Sᵢ(t)]` (`SimulationResult.minimum`, `.maximum`). The engine
/// tracks the extremes in its log-price pass (`.runningMinima`, `.runningMaxima`).
struct RunningExtremesObserver<Scalar: BLASScalar>: BuiltInObserver {
  let dimension: Int
  /// Whether the maxima are observed too (the minima always are).
  let maxima: Bool

  var needs: PathObserverNeeds { maxima ? [.runningMinima, .runningMaxima] : .runningMinima }

  func makePartial() -> Partial {
    Partial(sections: Array(repeating: ShiftedSums(quantities: dimension), count: maxima ? 2 : 1))
  }

  func observe(_ block: PathBlock<Scalar>, into partial: inout Partial) {
    partial.sections[0].add(
      block.minima, perPath: dimension, count: block.pathCount, antithetic: block.antithetic)
    if maxima {
      partial.sections[1].add(
        block.maxima, perPath: dimension, count: block.pathCount, antithetic: block.antithetic)
    }
  }
}
