/// What a simulation observed: estimates with Monte Carlo standard errors, and whatever was
/// asked to be kept.
public struct SimulationResult<Scalar: BLASScalar>: Sendable {
  /// The settings the paths were drawn with.
  public let settings: SimulationSettings
  /// Asset names, in model order.
  public let assets: [String]
  /// `E[Sᵢ(T)]` per asset.
  public let terminal: [MonteCarloEstimate]
  /// `E[minₜ Sᵢ(t)]` and `E[maxₜ Sᵢ(t)]` over the grid (time 0 included), when `extremes`.
  public let minimum: [MonteCarloEstimate]?
  /// `E[maxₜ Sᵢ(t)]` over the grid (time 0 included), when `extremes` and `maxima`.
  public let maximum: [MonteCarloEstimate]?
  /// Portfolio value statistics, when holdings were given.
  public let portfolio: PortfolioStatistics?
  /// Per asset, the lower-barrier hit probabilities (`nil` for assets without a barrier).
  public let lowerBarrierHits: [BarrierHitEstimate?]?
  /// Per asset, the upper-barrier hit probabilities.
  public let upperBarrierHits: [BarrierHitEstimate?]?
  /// The hit probabilities of `PathObservers.barriers`, in order (`nil` when none were given).
  public let barrierHits: [BarrierHitEstimate]?
  /// Every path's terminal prices, `N × d` (row k is path k), when kept.
  public let terminalPrices: Matrix<Scalar>?
  /// Every path's terminal portfolio value (index k is path k), when kept.
  public let portfolioValues: [Scalar]?
  /// Every path's prices, each `(S+1) × d` with row 0 the spot, when kept.
  public let paths: [Matrix<Scalar>]?
  /// The custom observers' merged partials, in `PathObservers.custom`'s order.
  let observedPartials: [any Sendable]

  /// Custom observer `index`'s partial over every path (`PathObservers.custom[index]`), or
  /// `nil` if there is no such observer or its partial is not a `P`.
  public func observed<P>(_ index: Int, as _: P.Type = P.self) -> P? {
    observedPartials.indices.contains(index) ? observedPartials[index] as? P : nil
  }

  /// Quantiles of each asset's terminal price: `result[q][i]` for `probabilities[q]`, by
  /// linear interpolation between order statistics (`linearQuantiles`, NumPy's default rule).
  ///
  /// - Throws: `.parameterOutOfRange` when the terminal prices were not kept or a probability
  ///   is outside [0, 1].
  public func terminalQuantiles(_ probabilities: [Double]) throws(RiskKernelsError) -> [[Scalar]] {
    guard let terminalPrices else {
      throw .parameterOutOfRange(
        name: "keepTerminalPrices", value: 0, allowed: "true to compute quantiles")
    }
    var out = [[Scalar]](
      repeating: [Scalar](repeating: 0, count: terminalPrices.columns), count: probabilities.count)
    for i in 0..<terminalPrices.columns {
      let column = try linearQuantiles(of: terminalPrices.column(i), probabilities: probabilities)
      for q in probabilities.indices { out[q][i] = column[q] }
    }
    return out
  }
}

/// `E[V(T)]`, `E[minₜ V(t)]`, `E[maxₜ V(t)]` of the portfolio value `V = Σ hᵢ Sᵢ`.
public struct PortfolioStatistics: Sendable, Equatable {
  /// V(0).
  public let initial: Double
  /// `E[V(T)]`.
  public let terminal: MonteCarloEstimate
  /// `E[minₜ V(t)]` over the grid and time 0 (with `extremes`).
  public let minimum: MonteCarloEstimate?
  /// `E[maxₜ V(t)]` (with `extremes` and `maxima`).
  public let maximum: MonteCarloEstimate?
}

/// The probability of touching a barrier before the horizon, two ways.
public struct BarrierHitEstimate: Sendable, Equatable {
  /// The barrier level.
  public let barrier: Double
  /// Touched at one of the S monitoring dates (discrete monitoring).
  public let onGrid: MonteCarloEstimate
  /// Touched at any time: each path contributes `1 − Πₛ (1 − pₛ)` with `pₛ` the Brownian-bridge
  /// crossing probability of interval s (1 once a date is at or beyond the barrier). This is
  /// the conditional expectation of the continuous hit given the grid, so it is unbiased for
  /// continuous monitoring and has a smaller variance than counting.
  public let continuous: MonteCarloEstimate
  /// With a strike K: `E[(K − U(T))⁺ · 1{hit}]` for a down barrier, `E[(U(T) − K)⁺ · 1{hit}]`
  /// for an up one, with the continuous hit (the path's crossing probability) as the weight.
  public let shortfall: MonteCarloEstimate?
}
