internal import RealModule

/// The three liquidation probabilities of a position on a GBM price
/// `dP = μP dt + σP dW` over a horizon `T`, which must not be mistaken for one another.
///
/// With `ν = μ − σ²/2` and `ℓ = ln(P_liq/P₀)` (negative for a long, positive for a short):
/// ```
/// terminal:      long  P(P_T ≤ P_liq) = Φ((ℓ − νT)/(σ√T))
///                short P(P_T ≥ P_liq) = Φ((−ℓ + νT)/(σ√T))
/// first passage: long  P(min P ≤ P_liq) = Φ((ℓ − νT)/(σ√T)) + e^{2νℓ/σ²} Φ((ℓ + νT)/(σ√T))
///                short P(max P ≥ P_liq) = Φ((−ℓ + νT)/(σ√T)) + e^{2νℓ/σ²} Φ((−ℓ − νT)/(σ√T))
/// discrete:      first passage with the barrier moved away by e^{∓βσ√Δ},  β = −ζ(½)/√(2π),
///                kept within [terminal, first passage]; the terminal one when Δ ≥ T
/// ```
/// - **Terminal** is the chance of being beyond the liquidation price *at* the horizon. The
///   form often quoted for it, `P = 1 − Φ((ln(M₀/LT) − (μ − σ²/2)t)/(σ√t))`, is exactly the
///   short-side case (tested).
/// - **First passage** (reflection principle with drift; Harrison 1985, Shreve II §7.2) is the
///   chance of touching it at any time before the horizon: what actually liquidates a
///   continuously marked position, always at least the terminal probability.
/// - **Discrete monitoring** is the chance of being seen beyond it when the price is observed
///   only every `Δ` (an oracle per block: 400 ms, 12 s), at the dates Δ, 2Δ, … and at the
///   horizon, by the Broadie–Glasserman–Kou continuity correction (Math. Finance 7(4), 1997).
///   BGK is asymptotic in Δ/T: with few dates it can fall below the terminal probability (one
///   date of the set) or, in principle, above the first passage (a superset of the dates). The
///   result is therefore kept within [terminal, first passage], which holds exactly for every
///   Δ, and is exactly the terminal probability when Δ ≥ T (the horizon is the only date);
///   `discreteMonitoringMethod` says which applied.
///
/// The second term of the first passage is computed as `exp(2νℓ/σ² + log Φ(…))`, so it neither
/// overflows nor loses the tail. Time is in years, μ and σ annualised.
public struct LiquidationProbabilities<Scalar: BLASScalar>: Sendable, Equatable, Codable {
  /// Liquidation price per unit of entry price, `P_liq/P₀`.
  public let liquidationPrice: Scalar
  /// Beyond the liquidation price at the horizon.
  public let terminal: Scalar
  /// Touching the liquidation price at any time before the horizon.
  public let firstPassage: Scalar
  /// Seen beyond it at a monitoring date every `monitoringInterval`; `nil` when no interval was
  /// given.
  public let discreteMonitoring: Scalar?
  /// How `discreteMonitoring` was obtained; `nil` when no interval was given.
  public let discreteMonitoringMethod: DiscreteMonitoringMethod?

  /// BGK's `β = −ζ(½)/√(2π)`.
  public static var bgkBeta: Scalar { Scalar(0.5825971579390106) }

  /// The liquidation probabilities of `position` over `horizon` years.
  ///
  /// - Parameters:
  ///   - position: side, leverage and maintenance margin (the entry price cancels).
  ///   - volatility: annualised σ in (0, 1000].
  ///   - drift: annualised μ (the price's, not the log's).
  ///   - horizon: `T > 0` in years.
  ///   - monitoringInterval: `Δ > 0` in years (400 ms = 0.4/(365·86400)), or `nil`.
  /// - Throws: `.parameterOutOfRange` for σ outside (0, 1000], a non-positive or non-finite T or
  ///   Δ, or a non-finite μ.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public init(
    position: LeveragedPosition<Scalar>, volatility: Scalar, drift: Scalar = 0, horizon: Scalar,
    monitoringInterval: Scalar? = nil
  ) throws(RiskKernelsError) {
    // σ ≤ 1000 (100 000% a year): beyond it σ² and the drift correction lose every digit.
    guard volatility > 0, volatility <= 1000 else {
      throw .parameterOutOfRange(
        name: .volatility, value: Double(volatility), allowed: "0 < σ ≤ 1000")
    }
    guard drift.isFinite else {
      throw .parameterOutOfRange(name: .drift, value: Double(drift), allowed: "finite")
    }
    guard horizon > 0, horizon.isFinite else {
      throw .parameterOutOfRange(name: .horizon, value: Double(horizon), allowed: "> 0, finite")
    }
    if let monitoringInterval {
      guard monitoringInterval > 0, monitoringInterval.isFinite else {
        throw .parameterOutOfRange(
          name: .monitoringInterval, value: Double(monitoringInterval), allowed: "> 0, finite")
      }
    }
    let ratio = position.liquidationPrice / position.entryPrice
    self.liquidationPrice = ratio
    guard ratio > 0 else {  // a long with L ≤ 1: never liquidated
      self.terminal = 0
      self.firstPassage = 0
      self.discreteMonitoring = monitoringInterval.map { _ in 0 }
      self.discreteMonitoringMethod = monitoringInterval.map { _ in .exact }
      return
    }
    let barrier = Scalar.log(ratio)
    let side = position.side
    self.terminal = Self.terminal(side, barrier, volatility, drift, horizon)
    // Touching before the horizon includes being beyond at it: kept so against rounding.
    self.firstPassage = Swift.max(
      terminal, Self.firstPassage(side, barrier, volatility, drift, horizon))
    guard let interval = monitoringInterval else {
      (discreteMonitoring, discreteMonitoringMethod) = (nil, nil)
      return
    }
    if interval >= horizon {  // one monitoring date, the horizon: exactly the terminal case
      (discreteMonitoring, discreteMonitoringMethod) = (terminal, .exact)
      return
    }
    let shift = Self.bgkBeta * volatility * interval.squareRoot()
    let corrected = Self.firstPassage(
      side, side == .long ? barrier - shift : barrier + shift, volatility, drift, horizon)
    let bounded = Swift.min(firstPassage, Swift.max(terminal, corrected))
    discreteMonitoring = bounded
    discreteMonitoringMethod = bounded == corrected ? .continuityCorrection : .bounded
  }

  /// `Φ(∓(ℓ − νT)/(σ√T))` as above.
  static func terminal(
    _ side: PositionSide, _ barrier: Scalar, _ sigma: Scalar, _ mu: Scalar, _ t: Scalar
  ) -> Scalar {
    let nu = mu - sigma * sigma / 2
    let scale = sigma * t.squareRoot()
    let z = (barrier - nu * t) / scale
    return StandardNormal.cdf(side == .long ? z : -z)
  }

  /// The reflection-principle formula, clamped to [0, 1] against rounding.
  static func firstPassage(
    _ side: PositionSide, _ barrier: Scalar, _ sigma: Scalar, _ mu: Scalar, _ t: Scalar
  ) -> Scalar {
    // Already beyond the barrier (a BGK shift cannot do this: it moves the barrier away).
    if side == .long ? barrier >= 0 : barrier <= 0 { return 1 }
    let nu = mu - sigma * sigma / 2
    let scale = sigma * t.squareRoot()
    let sign: Scalar = side == .long ? 1 : -1
    let first = StandardNormal.cdf(sign * (barrier - nu * t) / scale)
    let exponent = 2 * nu * barrier / (sigma * sigma)
    let second = Scalar.exp(exponent + StandardNormal.logCDF(sign * (barrier + nu * t) / scale))
    return Swift.min(1, Swift.max(0, first + second))
  }
}

/// How a discrete-monitoring liquidation probability was obtained.
public enum DiscreteMonitoringMethod: String, Sendable, Equatable, Codable {
  /// Exact: the monitoring interval reaches the horizon (the terminal probability), or the
  /// position can never be liquidated.
  case exact
  /// The Broadie–Glasserman–Kou continuity correction, within [terminal, first passage].
  case continuityCorrection
  /// BGK fell outside [terminal, first passage] (too few dates for the asymptotic correction)
  /// and the nearer bound is given: a bound, not an estimate.
  case bounded
}
