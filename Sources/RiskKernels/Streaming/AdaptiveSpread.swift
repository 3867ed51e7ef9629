internal import RealModule

/// Inventory-aware market-making quotes around a mid price (typically the TWAP), after
/// Avellaneda & Stoikov, "High-frequency trading in a limit order book", Quant. Finance 8(3),
/// 2008. A market maker with exponential (CARA) utility `−e^{−γW}`, inventory `q`, and order
/// fills arriving with intensity `A·e^{−kδ}` at distance `δ` from the mid (`k` measures the book's
/// depth: larger k, thinner liquidity away from the mid) quotes:
/// ```
/// reservation price  r = S − q·γσ²τ
/// spread             s = γσ²τ + (2/γ)·ln(1 + γ/k)
/// bid, ask           r ∓ s/2
/// ```
/// `τ` is the time left in the trading period. The spread widens with volatility and with risk
/// aversion, and tightens as the book deepens (larger k). The reservation price is the
/// utility-indifference price of the inventory (tested from the value function
/// `−e^{−γx}e^{−γqS}e^{γ²q²σ²τ/2}`). σ and τ must use the same time unit.
public struct AdaptiveSpread<Scalar: BLASScalar>: Sendable, Equatable {
  /// `γ > 0`.
  public let riskAversion: Scalar
  /// `k > 0`.
  public let depth: Scalar

  /// One update's quotes.
  public struct Quotes: Sendable, Equatable {
    /// `r = S − qγσ²τ`, the mid adjusted for the inventory.
    public let reservationPrice: Scalar
    /// `s = γσ²τ + (2/γ) ln(1 + γ/k)`, the bid–ask width.
    public let spread: Scalar
    /// `r − s/2`.
    public let bid: Scalar
    /// `r + s/2`.
    public let ask: Scalar
  }

  /// A quoter with risk aversion γ and order-book depth k.
  ///
  /// - Throws: `.parameterOutOfRange` unless both are positive and finite.
  public init(riskAversion: Scalar, depth: Scalar) throws(RiskKernelsError) {
    for (value, name) in [(riskAversion, "riskAversion"), (depth, "depth")] {
      guard value > 0, value.isFinite else {
        throw .parameterOutOfRange(
          name: ParameterName(name), value: Double(value), allowed: "> 0, finite")
      }
    }
    self.riskAversion = riskAversion
    self.depth = depth
  }

  /// The quotes for mid `S`, volatility `σ`, inventory `q` (signed units) and time left `τ`.
  ///
  /// - Throws: `.parameterOutOfRange` for a non-positive mid, a negative volatility or time
  ///   left; `.nonFiniteInput` for a non-finite inventory.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public func quotes(mid: Scalar, volatility: Scalar, inventory: Scalar, timeLeft: Scalar)
    throws(RiskKernelsError) -> Quotes
  {
    guard mid > 0, mid.isFinite else {
      throw .parameterOutOfRange(name: "mid", value: Double(mid), allowed: "> 0, finite")
    }
    for (value, name) in [(volatility, "volatility"), (timeLeft, "timeLeft")] {
      guard value >= 0, value.isFinite else {
        throw .parameterOutOfRange(
          name: ParameterName(name), value: Double(value), allowed: "≥ 0, finite")
      }
    }
    guard inventory.isFinite else { throw .nonFiniteInput(argument: "inventory", index: 0) }
    let risk = riskAversion * volatility * volatility * timeLeft
    let reservation = mid - inventory * risk
    let spread = risk + 2 / riskAversion * Scalar.log(onePlus: riskAversion / depth)
    return Quotes(
      reservationPrice: reservation, spread: spread, bid: reservation - spread / 2,
      ask: reservation + spread / 2)
  }
}
