/// A barrier the path simulator monitors: a level on one asset's price or on the value of a
/// basket `V = Σ hᵢ Sᵢ` (a loan's collateral), hit from above (`.down`) or from below (`.up`).
///
/// The engine reports the probability of touching it on the monitoring grid and under
/// continuous monitoring, by the Brownian-bridge crossing probability between dates
/// (`brownianBridgeCrossingProbability`):
/// - on one asset the bridge is exact for GBM, so one step per path already gives the
///   continuous first-passage probability;
/// - on a basket, `log V` is treated as a Brownian motion over each interval with the local
///   volatility `σ_V² = wᵀΣw`, `wᵢ = hᵢSᵢ/V` at the interval's start (the standard lognormal
///   approximation of a basket); the error vanishes as the grid is refined, so use a grid
///   (daily, say) rather than one step.
///
/// With a `strike` K it also estimates `E[(K − U(T))⁺ · 1{hit}]` for a down barrier
/// (`E[(U(T) − K)⁺ · 1{hit}]` for an up one), `U` the underlying: the expected terminal
/// shortfall on paths that touched the barrier (a loan's default cost with K its amount).
public struct Barrier<Scalar: BLASScalar>: Sendable, Equatable {
  /// What the barrier is on.
  public enum Underlying: Sendable, Equatable {
    /// The price of asset `i` (model order).
    case asset(Int)
    /// The value `Σ hᵢ Sᵢ` of holdings `h` (one per asset, non-negative, not all zero).
    case basket([Scalar])
  }

  /// Which way the underlying must move to touch it.
  public enum Direction: String, Sendable, Equatable, Codable {
    /// Touched when the underlying falls to the level (it starts above).
    case down
    /// Touched when the underlying rises to the level (it starts below).
    case up
  }

  /// The asset or basket the barrier watches.
  public var underlying: Underlying
  /// The level, strictly beyond the underlying's value at time 0 on the safe side.
  public var level: Scalar
  /// Hit from above (`.down`) or from below (`.up`).
  public var direction: Direction
  /// The strike of the shortfall estimate, or `nil` for none.
  public var strike: Scalar?

  /// A barrier at `level` on `underlying`, hit going `direction`, with the shortfall beyond
  /// `strike` when one is given.
  public init(
    _ underlying: Underlying, level: Scalar, direction: Direction, strike: Scalar? = nil
  ) {
    self.underlying = underlying
    self.level = level
    self.direction = direction
    self.strike = strike
  }

  /// The underlying's value at the model's spot prices.
  func initialValue(spot: [Scalar]) -> Scalar {
    switch underlying {
    case .asset(let i): return spot[i]
    case .basket(let h): return zip(h, spot).reduce(0) { $0 + $1.0 * $1.1 }
    }
  }

  /// Checks the barrier against a model of `spot.count` assets; `name` labels errors.
  func validate(spot: [Scalar], name: String) throws(RiskKernelsError) {
    let d = spot.count
    switch underlying {
    case .asset(let i):
      guard (0..<d).contains(i) else {
        throw .parameterOutOfRange(name: "\(name).asset", value: Double(i), allowed: "0..<\(d)")
      }
    case .basket(let h):
      try checkCount(h, d, "\(name) basket holdings for \(d) assets")
      try checkAllFinite(h, "\(name) basket holdings")
      guard h.allSatisfy({ $0 >= 0 }), h.contains(where: { $0 > 0 }) else {
        throw .parameterOutOfRange(
          name: "\(name) basket holdings", value: Double(h.min() ?? 0),
          allowed: "≥ 0, not all zero")
      }
    }
    let start = initialValue(spot: spot)
    let beyond = direction == .down ? level < start : level > start
    guard level.isFinite, level > 0, beyond else {
      throw .parameterOutOfRange(
        name: "\(name).level", value: Double(level),
        allowed: direction == .down
          ? "0 < level < \(start) (the value at time 0)"
          : "level > \(start) (the value at time 0)")
    }
    if let strike {
      guard strike.isFinite, strike >= 0 else {
        throw .parameterOutOfRange(
          name: "\(name).strike", value: Double(strike), allowed: "≥ 0, finite")
      }
    }
  }
}
