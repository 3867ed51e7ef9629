/// Value at risk and expected shortfall at one confidence level, as positive losses.
///
/// Sign convention: returns are gains (`r > 0` is a profit); `valueAtRisk = −q` where `q` is the
/// `(1 − confidence)` quantile of the return over the horizon, and `expectedShortfall` is the
/// mean loss in that tail. Both are fractions of portfolio value (or in the P&L's units for a
/// P&L sample). A VaR can be negative when even the tail quantile is a gain.
public struct TailRisk<Scalar: BLASScalar>: Sendable, Equatable, Codable {
  /// The confidence level `c` (0.99 means the 1% tail).
  public let confidence: Double
  /// `VaR_c = −q_{1−c}`.
  public let valueAtRisk: Scalar
  /// `ES_c`, the mean loss beyond the VaR (`≥ valueAtRisk`).
  public let expectedShortfall: Scalar
  /// Euler components of the VaR per asset, summing to `valueAtRisk`; `nil` where not computed.
  public let valueAtRiskComponents: [Scalar]?
  /// Euler components of the ES per asset, summing to `expectedShortfall`; `nil` where not
  /// computed.
  public let expectedShortfallComponents: [Scalar]?

  public init(
    confidence: Double, valueAtRisk: Scalar, expectedShortfall: Scalar,
    valueAtRiskComponents: [Scalar]? = nil, expectedShortfallComponents: [Scalar]? = nil
  ) {
    self.confidence = confidence
    self.valueAtRisk = valueAtRisk
    self.expectedShortfall = expectedShortfall
    self.valueAtRiskComponents = valueAtRiskComponents
    self.expectedShortfallComponents = expectedShortfallComponents
  }
}

/// Throws unless `0.5 ≤ confidence < 1` (a tail probability of at most one half).
func checkConfidence(_ confidence: Double) throws(RiskKernelsError) {
  guard confidence >= 0.5, confidence < 1 else {
    throw .parameterOutOfRange(name: "confidence", value: confidence, allowed: "0.5 ≤ c < 1")
  }
}
