/// A constant-product market maker (Uniswap v2): reserves `x` of token X and `y` of token Y with
/// `x·y = k` kept by every swap, and a fee `f` taken from the input.
/// ```
/// spot price of X in Y:  P = y/x
/// X in, Y out:           Δy = y·Δx(1 − f) / (x + Δx(1 − f))
/// slippage:              1 − (Δy/Δx)/P = 1 − (1 − f)·x/(x + Δx(1 − f))
/// ```
/// The slippage includes the fee (what a trader loses against the spot price); with `f = 0` it
/// is the price impact `Δx/(x + Δx)`. After a swap the reserves are `(x + Δx, y − Δy)`, so `k`
/// grows by the fee. Source: Adams, Zinsmeister & Robinson, *Uniswap v2 Core* (2020), §3.2.
public struct ConstantProductAMM<Scalar: BLASScalar>: Sendable, Equatable {
  /// Which token goes in.
  public enum Direction: Sendable, Equatable {
    case xForY
    case yForX
  }

  public private(set) var reserveX: Scalar
  public private(set) var reserveY: Scalar
  /// `0 ≤ f < 1` (0.003 = 0.3%).
  public let fee: Scalar

  /// - Throws: `.parameterOutOfRange` for non-positive or non-finite reserves or a fee outside
  ///   `[0, 1)`.
  public init(reserveX: Scalar, reserveY: Scalar, fee: Scalar = 0.003) throws(RiskKernelsError) {
    for (value, name) in [(reserveX, "reserveX"), (reserveY, "reserveY")] {
      guard value > 0, value.isFinite else {
        throw .parameterOutOfRange(name: name, value: Double(value), allowed: "> 0, finite")
      }
    }
    guard fee >= 0, fee < 1 else {
      throw .parameterOutOfRange(name: "fee", value: Double(fee), allowed: "0 ≤ f < 1")
    }
    self.reserveX = reserveX
    self.reserveY = reserveY
    self.fee = fee
  }

  /// `y/x`: the price of one X in Y.
  public var spotPrice: Scalar { reserveY / reserveX }

  /// The output of a swap of `amountIn`, without executing it.
  ///
  /// - Throws: `.parameterOutOfRange` for an amount that is not positive and finite.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public func output(amountIn: Scalar, _ direction: Direction) throws(RiskKernelsError) -> Scalar {
    guard amountIn > 0, amountIn.isFinite else {
      throw .parameterOutOfRange(name: "amountIn", value: Double(amountIn), allowed: "> 0, finite")
    }
    let (reserveIn, reserveOut) = direction == .xForY ? (reserveX, reserveY) : (reserveY, reserveX)
    let effective = amountIn * (1 - fee)
    return reserveOut * effective / (reserveIn + effective)
  }

  /// `1 − execution price / spot price` of a swap of `amountIn` (fee included).
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public func slippage(amountIn: Scalar, _ direction: Direction) throws(RiskKernelsError) -> Scalar
  {
    let out = try output(amountIn: amountIn, direction)
    let spot = direction == .xForY ? spotPrice : 1 / spotPrice
    return 1 - (out / amountIn) / spot
  }

  /// Executes a swap and returns its output.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public mutating func swap(amountIn: Scalar, _ direction: Direction) throws(RiskKernelsError)
    -> Scalar
  {
    let out = try output(amountIn: amountIn, direction)
    switch direction {
    case .xForY: (reserveX, reserveY) = (reserveX + amountIn, reserveY - out)
    case .yForX: (reserveY, reserveX) = (reserveY + amountIn, reserveX - out)
    }
    return out
  }
}
