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
  /// The Monte Carlo standard errors of `valueAtRisk` and `expectedShortfall` (asymptotic, for N
  /// independent scenarios: `TailStandardErrors`); `nil` where not computed (parametric,
  /// Cornish-Fisher, `EmpiricalVaR.measure(_:)`) or where the tail is too short to estimate them.
  public let valueAtRiskStandardError: Scalar?
  /// The standard error of `expectedShortfall`, likewise.
  public let expectedShortfallStandardError: Scalar?
  /// The degrees of freedom of the standard errors when they come from a few independent
  /// estimates (R − 1 for R scramblings, `RandomizedQMC`): the intervals then use Student's t
  /// quantile instead of the normal's. `nil`: large-sample errors, normal intervals.
  public let standardErrorDegreesOfFreedom: Int?

  /// The figures as given (no checks: a result type, built by the library's methods or by a
  /// caller's own).
  public init(
    confidence: Double, valueAtRisk: Scalar, expectedShortfall: Scalar,
    valueAtRiskComponents: [Scalar]? = nil, expectedShortfallComponents: [Scalar]? = nil,
    valueAtRiskStandardError: Scalar? = nil, expectedShortfallStandardError: Scalar? = nil,
    standardErrorDegreesOfFreedom: Int? = nil
  ) {
    self.confidence = confidence
    self.valueAtRisk = valueAtRisk
    self.expectedShortfall = expectedShortfall
    self.valueAtRiskComponents = valueAtRiskComponents
    self.expectedShortfallComponents = expectedShortfallComponents
    self.valueAtRiskStandardError = valueAtRiskStandardError
    self.expectedShortfallStandardError = expectedShortfallStandardError
    self.standardErrorDegreesOfFreedom = standardErrorDegreesOfFreedom
  }

  /// The confidence interval `VaR ± z·s.e.` with `z = Φ⁻¹((1 + coverage)/2)` (1.96 for 95%), or
  /// Student's t quantile with `standardErrorDegreesOfFreedom` when set (2.13 for 95% and 15);
  /// `nil` without a standard error.
  ///
  /// - Throws: `.parameterOutOfRange` unless `0 < coverage < 1`.
  public func valueAtRiskInterval(coverage: Double = 0.95) throws(RiskKernelsError)
    -> ClosedRange<Scalar>?
  {
    try interval(valueAtRisk, valueAtRiskStandardError, coverage: coverage)
  }

  /// `ES ± z·s.e.`, as `valueAtRiskInterval(coverage:)`.
  public func expectedShortfallInterval(coverage: Double = 0.95) throws(RiskKernelsError)
    -> ClosedRange<Scalar>?
  {
    try interval(expectedShortfall, expectedShortfallStandardError, coverage: coverage)
  }

  private func interval(_ value: Scalar, _ error: Scalar?, coverage: Double)
    throws(RiskKernelsError) -> ClosedRange<Scalar>?
  {
    guard coverage > 0, coverage < 1 else {
      throw .parameterOutOfRange(name: "coverage", value: coverage, allowed: "0 < coverage < 1")
    }
    guard let error else { return nil }
    let level = (1 + coverage) / 2
    let z: Double
    if let degrees = standardErrorDegreesOfFreedom {
      z = try GSLStudentT.quantile(level, degrees: degrees)
    } else {
      z = try GSLNormal.quantile(level)
    }
    let half = Scalar(z) * error
    return (value - half)...(value + half)
  }
}

/// Throws unless `0.5 ≤ confidence < 1` (a tail probability of at most one half).
func checkConfidence(_ confidence: Double) throws(RiskKernelsError) {
  guard confidence >= 0.5, confidence < 1 else {
    throw .parameterOutOfRange(name: "confidence", value: confidence, allowed: "0.5 ≤ c < 1")
  }
}
