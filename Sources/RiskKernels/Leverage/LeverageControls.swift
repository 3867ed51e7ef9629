internal import RealModule

/// Risk controls for leveraged markets on tokenized assets, as plain formulas.
///
/// ```
/// volatility-adjusted leverage   L* = κ/σ_P · min(100, M/VaR)
/// dynamic liquidation threshold  LT(t) = LT₀ (1 + η σ_P(t))
/// portfolio entropy              H = −Σ pᵢ ln pᵢ   (pᵢ > 0, Σpᵢ = 1; 0 ln 0 := 0)
/// leveraged-return variance      Var(L ΔP/P) = L² Var(ΔP/P)
/// lending parameters             rᵢ = r₀ + β σᵢ,   CRᵢ = CR_min + γ σᵢ
/// ```
/// `σ_P` is the portfolio volatility, `M` the margin (or capital) and `VaR` the VaR in the same
/// units as `M`. The circuit breaker is the stateful `VolatilityCircuitBreaker`.
public enum LeverageControls {
  /// `L* = κ/σ · min(100, M/VaR)`.
  ///
  /// - Throws: `.parameterOutOfRange` unless `κ > 0`, `σ > 0`, `M ≥ 0` and `VaR > 0`, all finite.
  public static func volatilityAdjustedLeverage<T: BLASScalar>(
    scale kappa: T, volatility sigma: T, margin: T, valueAtRisk: T
  ) throws(RiskKernelsError) -> T {
    try positive(kappa, "scale")
    try positive(sigma, "volatility")
    try positive(valueAtRisk, "valueAtRisk")
    guard margin >= 0, margin.isFinite else {
      throw .parameterOutOfRange(name: "margin", value: Double(margin), allowed: "≥ 0, finite")
    }
    return kappa / sigma * Swift.min(100, margin / valueAtRisk)
  }

  /// `LT(t) = LT₀ (1 + η σ(t))`.
  public static func dynamicLiquidationThreshold<T: BLASScalar>(
    base: T, sensitivity eta: T, volatility sigma: T
  ) throws(RiskKernelsError) -> T {
    try positive(base, "base")
    guard eta >= 0, eta.isFinite else {
      throw .parameterOutOfRange(name: "sensitivity", value: Double(eta), allowed: "≥ 0, finite")
    }
    guard sigma >= 0, sigma.isFinite else {
      throw .parameterOutOfRange(name: .volatility, value: Double(sigma), allowed: "≥ 0, finite")
    }
    return base * (1 + eta * sigma)
  }

  /// `H = −Σ pᵢ ln pᵢ` of portfolio shares `p` (weights or risk contributions), in nats; `ln d`
  /// for equal shares, 0 for a single holding.
  ///
  /// - Throws: `.parameterOutOfRange` for a negative share or shares not summing to 1 (±1e-6).
  public static func entropy<T: BLASScalar>(_ shares: [T]) throws(RiskKernelsError) -> T {
    try checkAllFinite(shares, "shares")
    try checkNonNegative(shares, "shares")
    let sum = shares.reduce(0.0) { $0 + Double($1) }
    guard abs(sum - 1) <= 1e-6 else {
      throw .parameterOutOfRange(name: "sum of shares", value: sum, allowed: "1")
    }
    var h: T = 0
    for p in shares where p > 0 { h -= p * T.log(p) }
    return h
  }

  /// `Var(L·ΔP/P) = L² Var(ΔP/P)`.
  public static func leveragedReturnVariance<T: BLASScalar>(leverage: T, returnVariance: T)
    throws(RiskKernelsError) -> T
  {
    try positive(leverage, "leverage")
    guard returnVariance >= 0, returnVariance.isFinite else {
      throw .parameterOutOfRange(
        name: "returnVariance", value: Double(returnVariance), allowed: "≥ 0, finite")
    }
    return leverage * leverage * returnVariance
  }

  /// Rule-based lending parameters per collateral asset: `rᵢ = r₀ + βσᵢ`, `CRᵢ = CR_min + γσᵢ`.
  public static func lendingParameters<T: BLASScalar>(
    volatilities: [T], baseRate: T, rateSensitivity beta: T, minimumCollateralRatio: T,
    ratioSensitivity gamma: T
  ) throws(RiskKernelsError) -> (rates: [T], collateralRatios: [T]) {
    try checkAllFinite(volatilities, "volatilities")
    try checkNonNegative(volatilities, "volatilities")
    for (value, name) in [
      (baseRate, "baseRate"), (beta, "rateSensitivity"),
      (minimumCollateralRatio, "minimumCollateralRatio"), (gamma, "ratioSensitivity"),
    ] {
      guard value.isFinite else {
        throw .parameterOutOfRange(
          name: ParameterName(name), value: Double(value), allowed: "finite")
      }
    }
    return (
      volatilities.map { baseRate + beta * $0 },
      volatilities.map { minimumCollateralRatio + gamma * $0 }
    )
  }

  private static func positive<T: BLASScalar>(_ value: T, _ name: String) throws(RiskKernelsError) {
    guard value > 0, value.isFinite else {
      throw .parameterOutOfRange(
        name: ParameterName(name), value: Double(value), allowed: "> 0, finite")
    }
  }
}

/// A volatility circuit breaker: trips when the portfolio volatility exceeds `θ` times its
/// exponential moving average, `σ(t) > θ · EMA(σ)`, with `EMA ← λ EMA + (1 − λ) σ` after each
/// check (the first observation seeds the average). O(1) per update; a value type, so each
/// market keeps its own.
public struct VolatilityCircuitBreaker<Scalar: BLASScalar>: Sendable, Equatable {
  /// `θ > 0`, e.g. 2 (trip at twice the usual volatility).
  public let threshold: Scalar
  /// `λ ∈ (0, 1)`, the average's decay per update (a `Double`, as every decay of the
  /// library's configurations is).
  public let decay: Double
  /// λ in the breaker's precision.
  private let lambda: Scalar
  /// The current average, `nil` before the first observation.
  public private(set) var average: Scalar?

  /// A breaker tripping at `threshold` times the average, with decay λ.
  ///
  /// - Throws: `.parameterOutOfRange` unless `θ > 0` and `0 < λ < 1`.
  public init(threshold: Scalar, decay: Double) throws(RiskKernelsError) {
    guard threshold > 0, threshold.isFinite else {
      throw .parameterOutOfRange(
        name: "threshold", value: Double(threshold), allowed: "> 0, finite")
    }
    guard decay > 0, decay < 1 else {
      throw .parameterOutOfRange(name: "decay", value: decay, allowed: "0 < λ < 1")
    }
    self.threshold = threshold
    self.decay = decay
    self.lambda = Scalar(decay)
  }

  /// Checks `σ` against `θ·EMA` (before `σ` enters the average), then updates the average.
  /// Returns whether the breaker trips; the first observation never trips.
  ///
  /// - Throws: `.parameterOutOfRange` for a negative or non-finite `σ` (the state is unchanged).
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public mutating func update(volatility sigma: Scalar) throws(RiskKernelsError) -> Bool {
    guard sigma >= 0, sigma.isFinite else {
      throw .parameterOutOfRange(name: .volatility, value: Double(sigma), allowed: "≥ 0, finite")
    }
    guard let current = average else {
      average = sigma
      return false
    }
    let trips = sigma > threshold * current
    average = lambda * current + (1 - lambda) * sigma
    return trips
  }

  /// Forgets the average.
  public mutating func reset() { average = nil }
}
