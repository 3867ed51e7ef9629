/// A constant-product market maker (Uniswap v2): reserves `x` of token X and `y` of token Y with
/// `x·y = k` kept by every swap, and a fee `f` taken from the input.
/// ```
/// spot price of X in Y:  P = y/x
/// X in, Y out:           Δy = y·Δx(1 − f) / (x + Δx(1 − f))
/// slippage:              1 − (Δy/Δx)/P = 1 − (1 − f)·x/(x + Δx(1 − f))
/// X out, Y in:           Δy = y·Δx / ((x − Δx)(1 − f))      (Δx < x)
/// ```
/// The slippage includes the fee (what a trader loses against the spot price); with `f = 0` it
/// is the price impact `Δx/(x + Δx)`. After a swap the reserves are `(x + Δx, y − Δy)`, so `k`
/// grows by the fee. Source: Adams, Zinsmeister & Robinson, *Uniswap v2 Core* (2020), §3.2.
public struct ConstantProductAMM<Scalar: BLASScalar>: Sendable, Equatable {
  /// Which token goes in.
  public enum Direction: Sendable, Equatable {
    /// X in, Y out.
    case xForY
    /// Y in, X out.
    case yForX
  }

  /// x, the pool's reserve of token X.
  public private(set) var reserveX: Scalar
  /// y, the pool's reserve of token Y.
  public private(set) var reserveY: Scalar
  /// `0 ≤ f < 1` (0.003 = 0.3%).
  public let fee: Scalar

  /// A pool with reserves `reserveX` and `reserveY` and fee `fee` on every input.
  ///
  /// - Throws: `.parameterOutOfRange` for non-positive or non-finite reserves or a fee outside
  ///   `[0, 1)`.
  public init(reserveX: Scalar, reserveY: Scalar, fee: Scalar = 0.003) throws(RiskKernelsError) {
    for (value, name) in [(reserveX, "reserveX"), (reserveY, "reserveY")] {
      guard value > 0, value.isFinite else {
        throw .parameterOutOfRange(
          name: ParameterName(name), value: Double(value), allowed: "> 0, finite")
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
    // The output reserve as R_out·R_in/(R_in + Δ(1 − f)), equal to R_out − out but never
    // cancelling to 0 or below when Δ dwarfs R_in.
    let effective = amountIn * (1 - fee)
    switch direction {
    case .xForY:
      (reserveX, reserveY) = (reserveX + amountIn, reserveY * reserveX / (reserveX + effective))
    case .yForX:
      (reserveY, reserveX) = (reserveY + amountIn, reserveX * reserveY / (reserveY + effective))
    }
    return out
  }

  /// The input a swap needs to pay out exactly `amountOut` (the inverse of `output`):
  /// `Δin = R_in·Δout / ((R_out − Δout)(1 − f))`.
  ///
  /// - Throws: `.parameterOutOfRange` for an amount that is not positive, or not below the
  ///   pool's reserve of the output token (a purchase that would drain the pool).
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public func input(amountOut: Scalar, _ direction: Direction) throws(RiskKernelsError) -> Scalar {
    let (reserveIn, reserveOut) = direction == .xForY ? (reserveX, reserveY) : (reserveY, reserveX)
    guard amountOut > 0, amountOut < reserveOut else {
      throw .parameterOutOfRange(
        name: "amountOut", value: Double(amountOut), allowed: "in (0, \(reserveOut)) (the reserve)")
    }
    let needed = reserveIn * amountOut / ((reserveOut - amountOut) * (1 - fee))
    guard needed.isFinite else {
      throw .parameterOutOfRange(
        name: "amountOut", value: Double(amountOut),
        allowed: "small enough that the input is finite")
    }
    return needed
  }

  /// Executes a swap that pays out exactly `amountOut` and returns the input it took.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public mutating func swap(amountOut: Scalar, _ direction: Direction) throws(RiskKernelsError)
    -> Scalar
  {
    let needed = try input(amountOut: amountOut, direction)
    switch direction {
    case .xForY: (reserveX, reserveY) = (reserveX + needed, reserveY - amountOut)
    case .yForX: (reserveY, reserveX) = (reserveY + needed, reserveX - amountOut)
    }
    return needed
  }

  /// Moves the pool along its curve to the spot price `price`, as an arbitrageur trading against
  /// an outside market would (fees aside): `k = x·y` kept, `x = √(k/p)`, `y = √(k·p)`.
  ///
  /// - Throws: `.parameterOutOfRange` for a price that is not positive and finite, or one that
  ///   leaves a reserve of 0 or ∞ in `Scalar`.
  public mutating func arbitrage(toPrice price: Scalar) throws(RiskKernelsError) {
    guard price > 0, price.isFinite else {
      throw .parameterOutOfRange(name: .price, value: Double(price), allowed: "> 0, finite")
    }
    // √(x·y/p) and √(x·y·p) as √x·√y/√p and √x·√y·√p, so k itself never overflows.
    let root = reserveX.squareRoot() * reserveY.squareRoot()
    let (x, y) = (root / price.squareRoot(), root * price.squareRoot())
    guard x > 0, y > 0, x.isFinite, y.isFinite else {
      throw .parameterOutOfRange(
        name: .price, value: Double(price), allowed: "one that leaves finite, positive reserves")
    }
    (reserveX, reserveY) = (x, y)
  }
}
