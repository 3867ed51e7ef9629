/// A stressed covariance: every volatility multiplied by `k`, every correlation pushed a fraction
/// `c` of the way to one.
/// ```
/// σᵢ' = k σᵢ,   ρᵢⱼ' = ρᵢⱼ + c (1 − ρᵢⱼ),   Σ' = D' R' D'
/// ```
/// `R' = (1 − c)R + c·11ᵀ` is a convex combination of two positive semi-definite matrices, so it
/// is a correlation matrix whenever R is. When the input's correlation is not positive definite
/// (more assets than observations, an indefinite estimate), R' is repaired to the nearest
/// correlation matrix by Higham's method (`NearestCorrelation`; N. J. Higham, "Computing the
/// nearest correlation matrix — a problem from finance", *IMA J. Numer. Anal.* 22(3), 2002) and
/// the repair is returned, so a report can say how far the stressed matrix was moved.
///
/// ```swift
/// let stressed = try CovarianceStress(volatilityMultiplier: 2, correlationShift: 0.5)
///   .apply(to: covariance)
/// stressed.covariance; stressed.repair   // nil: no repair was needed
/// ```
public struct CovarianceStress: Sendable, Equatable {
  /// `k > 0` (1: volatilities unchanged).
  public let volatilityMultiplier: Double
  /// `0 ≤ c < 1` (0: correlations unchanged; 1, every correlation one, is a singular matrix no
  /// simulation can factor).
  public let correlationShift: Double

  /// A stress multiplying every volatility by k and moving every correlation a fraction c of the
  /// way to one.
  ///
  /// - Throws: `.parameterOutOfRange` for `k` outside (0, 1000] or `c` outside [0, 1).
  public init(volatilityMultiplier: Double = 1, correlationShift: Double = 0)
    throws(RiskKernelsError)
  {
    guard volatilityMultiplier > 0, volatilityMultiplier <= 1000 else {
      throw .parameterOutOfRange(
        name: "volatilityMultiplier", value: volatilityMultiplier, allowed: "0 < k ≤ 1000")
    }
    guard correlationShift >= 0, correlationShift < 1 else {
      throw .parameterOutOfRange(
        name: "correlationShift", value: correlationShift,
        allowed: "0 ≤ c < 1; 1 makes every correlation one, a singular matrix")
    }
    self.volatilityMultiplier = volatilityMultiplier
    self.correlationShift = correlationShift
  }

  /// The stressed covariance of `covariance`.
  ///
  /// - Throws: as `Matrix.correlation()` (a variance that is not positive), and
  ///   `NearestCorrelation.repair`'s errors when a repair is needed.
  public func apply<T: BLASScalar>(to covariance: Matrix<T>) throws(RiskKernelsError)
    -> StressedCovariance<T>
  {
    var (r, sigma) = try covariance.correlation()
    let c = T(correlationShift)
    if c > 0 {
      for j in 0..<r.columns {
        for i in 0..<r.rows where i != j { r[i, j] += c * (1 - r[i, j]) }
      }
    }
    var repair: MatrixRepair<T>?
    if (try? Cholesky(r)) == nil {
      let repaired = try NearestCorrelation().repair(r)
      r = repaired.matrix
      repair = repaired
    }
    let k = T(volatilityMultiplier)
    var stressed = try r.covariance(volatilities: sigma.map { $0 * k })
    // (ρ·σᵢ)·σⱼ and (ρ·σⱼ)·σᵢ differ in the last bit; the model factorisation needs symmetry.
    for j in 0..<stressed.columns {
      for i in (j + 1)..<stressed.rows { stressed[j, i] = stressed[i, j] }
    }
    return StressedCovariance(covariance: stressed, repair: repair)
  }
}

/// A covariance after `CovarianceStress`, with the repair its correlation needed (`nil`: none).
public struct StressedCovariance<T: BLASScalar>: Sendable, Equatable {
  /// The stressed covariance, positive definite.
  public let covariance: Matrix<T>
  /// Higham's repair of the stressed correlation, when it needed one.
  public let repair: MatrixRepair<T>?
}
