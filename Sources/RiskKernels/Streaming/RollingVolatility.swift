/// The sample standard deviation of the last `window` returns, updated in O(1):
/// Welford's running mean and sum of squared deviations, with the oldest return removed by the
/// inverse update (`M₂ −= (y − mean_old)(y − mean_new)`). Rounding from the removals is bounded by
/// recomputing both from the kept returns once every `window` updates (O(1) amortised).
///
/// Per-period volatility, in the returns' units: multiply by `√(periods per year)` to annualise.
public struct RollingVolatility<Scalar: BLASScalar>: Sendable, Equatable {
  /// `n ≥ 2` returns.
  public let window: Int
  private var ring: [Scalar]
  private var next = 0
  private var count = 0
  private var mean: Double = 0
  private var m2: Double = 0
  private var sinceExact = 0

  /// An estimator over the last `window` returns (at least 2).
  ///
  /// - Throws: `.parameterOutOfRange` unless `window ≥ 2`.
  public init(window: Int) throws(RiskKernelsError) {
    guard window >= 2 else {
      throw .parameterOutOfRange(name: "window", value: Double(window), allowed: "≥ 2")
    }
    self.window = window
    ring = Array(repeating: 0, count: window)
  }

  /// Adds a return (dropping the oldest once the window is full).
  ///
  /// - Throws: `.nonFiniteInput` for a NaN or infinity (the state is unchanged).
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public mutating func update(_ r: Scalar) throws(RiskKernelsError) {
    guard r.isFinite else { throw .nonFiniteInput(argument: "return", index: 0) }
    let x = Double(r)
    if count == window {
      let y = Double(ring[next])
      let old = mean
      mean -= (y - old) / Double(count - 1)
      m2 -= (y - old) * (y - mean)
      count -= 1
    }
    ring[next] = r
    next = (next + 1) % window
    count += 1
    let delta = x - mean
    mean += delta / Double(count)
    m2 += delta * (x - mean)
    sinceExact += 1
    if sinceExact >= window { recompute() }
  }

  /// The number of returns in the window.
  public var observations: Int { count }

  /// `√(M₂/(n − 1))` over the returns in the window; nil with fewer than 2.
  public var volatility: Scalar? {
    count >= 2 ? Scalar((Swift.max(m2, 0) / Double(count - 1)).squareRoot()) : nil
  }

  /// Forgets every return, as a new estimator would.
  public mutating func reset() {
    (next, count, mean, m2, sinceExact) = (0, 0, 0, 0, 0)
  }

  private mutating func recompute() {
    let kept = (0..<count).map { Double(ring[(next - count + $0 + 2 * window) % window]) }
    mean = kept.reduce(0, +) / Double(count)
    m2 = kept.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    sinceExact = 0
  }
}

/// RiskMetrics' exponentially weighted volatility, zero mean: `σ²ₜ = λσ²ₜ₋₁ + (1 − λ)rₜ²`, seeded
/// with the first return's square. O(1) per update. (J.P. Morgan/Reuters, RiskMetrics Technical
/// Document, 1996, §5.2; λ = 0.94 for daily data.)
public struct EWMAVolatility<Scalar: BLASScalar>: Sendable, Equatable {
  /// `0 < λ < 1` (a `Double`, as every decay of the library's configurations is).
  public let decay: Double
  /// λ in the estimator's precision.
  private let lambda: Scalar
  /// `σₜ²`, or nil before the first return.
  public private(set) var variance: Scalar?

  /// An estimator with decay λ (RiskMetrics' 0.94 by default).
  ///
  /// - Throws: `.parameterOutOfRange` unless `0 < decay < 1`.
  public init(decay: Double = 0.94) throws(RiskKernelsError) {
    guard decay > 0, decay < 1 else {
      throw .parameterOutOfRange(name: "decay", value: decay, allowed: "0 < λ < 1")
    }
    self.decay = decay
    self.lambda = Scalar(decay)
  }

  /// Absorbs return r: `σ² ← λσ² + (1 − λ)r²` (the first return seeds `σ² = r²`).
  ///
  /// - Throws: `.nonFiniteInput` for a NaN or infinity (the state is unchanged).
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public mutating func update(_ r: Scalar) throws(RiskKernelsError) {
    guard r.isFinite else { throw .nonFiniteInput(argument: "return", index: 0) }
    variance = variance.map { lambda * $0 + (1 - lambda) * r * r } ?? r * r
  }

  /// `σₜ`, or nil before the first return.
  public var volatility: Scalar? { variance?.squareRoot() }

  /// Forgets every return, as a new estimator would.
  public mutating func reset() { variance = nil }
}
