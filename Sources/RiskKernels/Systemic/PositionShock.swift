/// A leveraged position after the price gaps from `S` to `p = S(1 + r)` at once, as a stress
/// scenario moves it.
///
/// With margin `M`, size `u = M·L/E` and `s = +1` (long) or `−1` (short), the equity is
/// `M + s·u(S − E)` now and `M + s·u(p − E)` after the move. A position whose liquidation price
/// `p` reaches or crosses (`p ≤ P_liq` long, `p ≥ P_liq` short) is liquidated at `p` (gap-through:
/// no better fill): the trader's equity goes to zero, so the trader loses what the position was
/// worth now, and any equity below zero after the move is bad debt. A position not liquidated
/// gains or loses `s·u(p − S)`. The liquidation price is `LeveragedPosition.liquidationPrice`;
/// the gap-through fill is the standard stress assumption of no liquidation before the move
/// completes (the worst case for the venue's insurance fund).
public struct PositionShock<Scalar: BLASScalar>: Sendable, Equatable {
  /// Whether the shock crosses the position's liquidation price.
  public let liquidated: Bool
  /// The change of the trader's equity from now (negative: a loss).
  public let pnl: Scalar
  /// `max(0, −(M + s·u(p − E)))` when liquidated, else 0.
  public let badDebt: Scalar

  /// The effect on a position of a move r of its price from today's spot.
  ///
  /// - Parameters:
  ///   - position: side, leverage, maintenance margin and entry price.
  ///   - margin: `M > 0`; 1 gives the figures per unit of margin (returns on margin).
  ///   - spot: today's price `S > 0`.
  ///   - move: the relative move `r > −1`.
  /// - Throws: `.parameterOutOfRange` for a margin or spot that is not positive and finite, a
  ///   move that is not finite and above −1, or figures that are not finite in `Scalar`.
  public init(position: LeveragedPosition<Scalar>, margin: Scalar, spot: Scalar, move: Scalar)
    throws(RiskKernelsError)
  {
    for (name, value) in [("margin", margin), ("spot", spot)] where !(value > 0 && value.isFinite) {
      throw .parameterOutOfRange(
        name: ParameterName(name), value: Double(value), allowed: "> 0, finite")
    }
    guard move > -1, move.isFinite else {
      throw .parameterOutOfRange(name: "move", value: Double(move), allowed: "> −1, finite")
    }
    let sign: Scalar = position.side == .long ? 1 : -1
    let units = margin * position.leverage / position.entryPrice
    let price = spot * (1 + move)
    let level = position.liquidationPrice
    let now = margin + sign * units * (spot - position.entryPrice)
    liquidated = position.side == .long ? price <= level : price >= level
    if liquidated {
      pnl = -Swift.max(now, 0)
      badDebt = Swift.max(0, -(margin + sign * units * (price - position.entryPrice)))
    } else {
      pnl = sign * units * (price - spot)
      badDebt = 0
    }
    // A size or a move so large that the figures leave `Scalar`'s range (an entry price far
    // below the spot, a spot near its largest value) is refused, not returned as ±∞ or NaN.
    guard price.isFinite, pnl.isFinite, badDebt.isFinite else {
      throw .parameterOutOfRange(
        name: "move", value: Double(move),
        allowed: "one whose P&L and bad debt are finite in \(Scalar.self) for this position")
    }
  }
}
