/// A block of simulated paths, as a `PathObserver` sees it: read-only prices.
///
/// With antithetic variates (`antithetic`), paths come in pairs (2j, 2j+1) whose normals are
/// negatives of each other, and a block always holds whole pairs; an observer that wants the
/// pair-average estimator averages them itself.
public struct PathBlock<Scalar: BLASScalar>: Sendable {
  /// The run's index of the block's first path.
  public let firstPath: Int
  /// The number of paths in the block.
  public let pathCount: Int
  /// Assets d; dates are `s·Δt`, s = 0 … S.
  public let dimension: Int
  /// S, the steps of the grid.
  public let steps: Int
  /// Whether the run draws antithetic pairs.
  public let antithetic: Bool
  /// The paths of the block's reduction group (the kept values' layout).
  let group: Range<Int>
  /// `[i + p·d]`: path p's terminal prices (the arrays may be longer than the block).
  let terminal: [Scalar]
  /// `[i + p·d]`: path p's running minima and maxima (empty unless asked for).
  let minima: [Scalar]
  let maxima: [Scalar]
  /// `[i + (s + p·(S+1))·d]`: path p's prices at every date (empty unless asked for).
  let everyStep: [Scalar]

  /// Path p's (0-based within the block) price of asset i at the horizon.
  public func terminalPrice(path p: Int, asset i: Int) -> Scalar {
    terminal[i + p * dimension]
  }

  /// Path p's lowest price of asset i over the grid, time 0 included. Only for observers whose
  /// `needs` contain `.runningMinima`.
  public func runningMinimum(path p: Int, asset i: Int) -> Scalar {
    precondition(!minima.isEmpty, "running minima need .runningMinima")
    return minima[i + p * dimension]
  }

  /// Path p's highest price of asset i over the grid, time 0 included. Only for observers whose
  /// `needs` contain `.runningMaxima`.
  public func runningMaximum(path p: Int, asset i: Int) -> Scalar {
    precondition(!maxima.isEmpty, "running maxima need .runningMaxima")
    return maxima[i + p * dimension]
  }

  /// Path p's price of asset i at date s (0 is the spot, S the horizon). Only for observers
  /// whose `needs` contain `.pricesAtEveryStep`.
  public func price(path p: Int, step s: Int, asset i: Int) -> Scalar {
    precondition(!everyStep.isEmpty, "prices at every step need .pricesAtEveryStep")
    return everyStep[i + (s + p * (steps + 1)) * dimension]
  }
}

/// A chunk of consecutive steps of a block's paths, as `PathObserver.observe(steps:into:)` sees
/// it: the dates `firstStep + 1 … firstStep + stepCount` of each path, as log-prices or prices.
public struct PathSteps<Scalar: BLASScalar>: Sendable {
  /// The run's index of the block's first path.
  public let firstPath: Int
  /// The number of paths in the block.
  public let pathCount: Int
  /// Assets d.
  public let dimension: Int
  /// The chunk's dates are `firstStep + 1 … firstStep + stepCount`; 0 starts a block.
  public let firstStep: Int
  /// The number of dates in the chunk.
  public let stepCount: Int
  /// Whether the values are log-prices (`.stepLogPrices`) rather than prices (`.stepPrices`).
  public let areLogPrices: Bool
  /// `[i + (s + p·stepCount)·d]`: path p's value of asset i at the chunk's date s.
  let values: [Scalar]

  /// Path p's (log-)price of asset i at date `firstStep + s + 1`, for s in `0..<stepCount`.
  public func value(path p: Int, step s: Int, asset i: Int) -> Scalar {
    values[i + (s + p * stepCount) * dimension]
  }
}
