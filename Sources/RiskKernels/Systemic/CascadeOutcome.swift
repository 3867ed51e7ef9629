/// What a liquidation cascade did (`LiquidationCascade.run(shock:)`).
public struct CascadeOutcome<Scalar: BLASScalar>: Sendable, Equatable {
  /// Rounds that closed at least one position.
  public let rounds: Int
  /// Positions closed, over all rounds.
  public let liquidatedPositions: Int
  /// `Σ margin·L` of the closed positions.
  public let liquidatedNotional: Scalar
  /// The pool's mid before the shock, after it, and after the last round.
  public let initialPrice: Scalar
  /// The mid after the shock, before any liquidation.
  public let shockedPrice: Scalar
  /// The mid after the last round.
  public let finalPrice: Scalar
  /// `Σ max(0, −equity)` over the closed positions: what the venue's insurance fund covers.
  public let badDebt: Scalar
  /// Each round, in order (empty from the Monte Carlo, which keeps only the totals).
  public let roundDetails: [CascadeRound<Scalar>]
  /// Per position, in the book's order: the round that closed it (1-based), or `nil` when it
  /// stayed open (empty from the Monte Carlo).
  public let closingRound: [Int?]

  /// `(P − P_final) / (P − P(1 + s))`: how many times the exogenous move the cascade made the
  /// price move; 1 when nothing was liquidated by the shock's own move. `nil` for a shock that
  /// did not move the price (the ratio is undefined).
  public var amplification: Scalar? {
    let exogenous = initialPrice - shockedPrice
    guard exogenous != 0 else { return nil }
    return (initialPrice - finalPrice) / exogenous
  }
}

/// One round of a cascade.
public struct CascadeRound<Scalar: BLASScalar>: Sendable, Equatable {
  /// The pool's mid at which the round's positions were found liquidated.
  public let price: Scalar
  /// Longs closed in the round.
  public let longsClosed: Int
  /// Shorts closed in the round.
  public let shortsClosed: Int
  /// `Σ_long u − Σ_short u`: base units sold into the pool (negative: bought from it).
  public let netUnitsSold: Scalar
  /// Quote paid or received ÷ units: the price every position of the round closed at (the mid
  /// when the round's trades netted to zero).
  public let executionPrice: Scalar
  /// The pool's mid after the round's swap.
  public let priceAfter: Scalar
  /// The round's `Σ max(0, −equity)`.
  public let badDebt: Scalar
}
