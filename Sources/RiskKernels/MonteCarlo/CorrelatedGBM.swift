/// Correlated geometric Brownian motion, the model the path simulator draws from:
/// ```
/// dSᵢ = μᵢ Sᵢ dt + σᵢ Sᵢ dWᵢ,   corr(dWᵢ, dWⱼ) = ρᵢⱼ,   Σ = D ρ D,  D = diag(σ)
/// log S(t+Δt) = log S(t) + (μ − σ²/2)Δt + √Δt · L z,   L Lᵀ = Σ,  z ~ N(0, I)
/// ```
/// The log step is exact for GBM, so the number of steps only sets the monitoring grid (for
/// minima, maxima and barriers), never a discretisation bias in the prices. Time is in years;
/// drifts and volatilities are annualised.
///
/// `Σ` must be positive definite: a non-PD correlation or covariance throws
/// `.notPositiveDefinite` naming the failing leading minor. The documented way out is an
/// explicit repair (`NearestCorrelation`, `EigenvalueClipping`) before building the model.
public struct CorrelatedGBM<Scalar: BLASScalar>: Sendable, Equatable {
  /// Asset names (`"asset 1"`, … when not given).
  public let assets: [String]
  /// Prices at time 0, positive.
  public let spot: [Scalar]
  /// Annualised drifts μ.
  public let drift: [Scalar]
  /// Annualised volatilities σ, positive.
  public let volatility: [Scalar]
  /// The correlation ρ (unit diagonal).
  public let correlation: Matrix<Scalar>
  /// The Cholesky factor of the annualised covariance `Σ = D ρ D`.
  public let covarianceFactor: Cholesky<Scalar>

  /// A model from volatilities and a correlation matrix.
  ///
  /// - Throws: `.dimensionMismatch` when the sizes differ; `.nonFiniteInput`;
  ///   `.parameterOutOfRange` for a spot or volatility that is not positive, a correlation
  ///   without a unit diagonal, not symmetric, or with an entry outside [−1, 1];
  ///   `.notPositiveDefinite` for a correlation that is not positive definite;
  ///   `.insufficientData` for no assets.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public init(
    assets: [String]? = nil, spot: [Scalar], drift: [Scalar], volatility: [Scalar],
    correlation: Matrix<Scalar>
  ) throws(RiskKernelsError) {
    let d = spot.count
    guard d >= 1 else { throw .insufficientData(argument: "assets", required: 1, actual: 0) }
    try checkAllFinite(spot, "spot")
    try checkCount(drift, d, "drift for \(d) assets")
    try checkAllFinite(drift, "drift")
    try checkCount(volatility, d, "volatility for \(d) assets")
    try checkAllFinite(volatility, "volatility")
    if let assets { try checkCount(assets, d, "asset names for \(d) assets") }
    for i in 0..<d {
      guard spot[i] > 0 else {
        throw .parameterOutOfRange(
          name: ParameterName("spot", index: i), value: Double(spot[i]), allowed: "> 0")
      }
      guard volatility[i] > 0 else {
        throw .parameterOutOfRange(
          name: ParameterName.volatility.element(i), value: Double(volatility[i]), allowed: "> 0")
      }
    }
    guard correlation.rows == d, correlation.columns == d else {
      throw .dimensionMismatch(
        operation: "correlation for \(d) assets", expected: .matrix(rows: d, columns: d),
        actual: .matrix(rows: correlation.rows, columns: correlation.columns))
    }
    try correlation.checkFinite("correlation")
    for j in 0..<d {
      for i in 0..<d {
        let r = correlation[i, j]
        if i == j, r != 1 {
          throw .parameterOutOfRange(
            name: "correlation[\(i), \(i)]", value: Double(r), allowed: "1")
        }
        guard abs(r) <= 1 else {
          throw .parameterOutOfRange(
            name: "correlation[\(i), \(j)]", value: Double(r), allowed: "−1 … 1")
        }
        guard r == correlation[j, i] else {
          throw .parameterOutOfRange(
            name: "correlation[\(i), \(j)]", value: Double(r),
            allowed: "equal to correlation[\(j), \(i)] = \(correlation[j, i])")
        }
      }
    }
    self.assets = assets ?? (1...d).map { "asset \($0)" }
    self.spot = spot
    self.drift = drift
    self.volatility = volatility
    self.correlation = correlation
    self.covarianceFactor = try Cholesky(correlation.covariance(volatilities: volatility))
  }

  /// A model from an annualised covariance matrix (volatilities `√Σᵢᵢ`).
  ///
  /// - Throws: as the correlation initialiser, and `.parameterOutOfRange` for a variance that
  ///   is not positive.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public init(
    assets: [String]? = nil, spot: [Scalar], drift: [Scalar], covariance: Matrix<Scalar>
  ) throws(RiskKernelsError) {
    let (rho, sigma) = try covariance.correlation()
    try self.init(assets: assets, spot: spot, drift: drift, volatility: sigma, correlation: rho)
  }

  /// A model from a covariance estimate of daily log returns, annualised by `daysPerYear`:
  /// ```
  /// Σ_annual = daysPerYear · Σ_daily
  /// μᵢ = daysPerYear · meanᵢ + σᵢ²/2      (the log-return mean is (μ − σ²/2) per year)
  /// ```
  /// `daysPerYear` defaults to 365 (tokenized assets and crypto trade every day); use 252 for
  /// exchange-traded assets. `drift` overrides the estimated drifts (pass zeros for a
  /// driftless risk view; estimated means are noisy).
  ///
  /// - Throws: `.parameterOutOfRange` unless `daysPerYear > 0`; as the covariance initialiser.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public init(
    assets: [String]? = nil, spot: [Scalar], dailyEstimate: CovarianceEstimate<Scalar>,
    daysPerYear: Scalar = 365, drift: [Scalar]? = nil
  ) throws(RiskKernelsError) {
    guard daysPerYear > 0, daysPerYear.isFinite else {
      throw .parameterOutOfRange(
        name: "daysPerYear", value: Double(daysPerYear), allowed: "> 0")
    }
    var annual = dailyEstimate.covariance
    annual.scale(by: daysPerYear)
    let variances = annual.diagonal
    let estimatedDrift = zip(dailyEstimate.mean, variances).map { daysPerYear * $0 + $1 / 2 }
    try self.init(
      assets: assets, spot: spot, drift: drift ?? estimatedDrift, covariance: annual)
  }

  /// The number of assets.
  public var dimension: Int { spot.count }
}
