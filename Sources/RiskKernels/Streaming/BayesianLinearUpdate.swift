/// Conjugate Gaussian online regression for a linear valuation model `y = xᵀβ + ε`,
/// `ε ~ N(0, s²)` with `s²` known, prior `β ~ N(m, P)`. Each observation `(x, y)` gives the
/// posterior in O(d²) (the recursive-least-squares / Kalman form):
/// ```
/// q = xᵀPx + s²,   k = Px/q,   m ← m + k(y − xᵀm),   P ← P − (Px)(Px)ᵀ/q
/// ```
/// which equals the batch posterior `P_n = (P₀⁻¹ + XᵀX/s²)⁻¹`, `m_n = P_n(P₀⁻¹m₀ + Xᵀy/s²)`
/// (Bishop, *Pattern Recognition and Machine Learning*, 2006, §3.3.1; tested). `P` is kept
/// exactly symmetric. Arithmetic in Double whatever `Scalar`.
public struct BayesianLinearUpdate<Scalar: BLASScalar>: Sendable, Equatable {
  /// The posterior mean `m`.
  public private(set) var mean: [Scalar]
  /// The posterior covariance `P` (symmetric positive definite).
  public private(set) var covariance: Matrix<Scalar>
  /// `s² > 0`.
  public let noiseVariance: Scalar
  /// Observations folded in since the prior.
  public private(set) var observations = 0
  private let prior: (mean: [Scalar], covariance: Matrix<Scalar>)

  /// Equal when the posterior (mean, covariance) and the noise variance are.
  public static func == (a: Self, b: Self) -> Bool {
    a.mean == b.mean && a.covariance == b.covariance && a.noiseVariance == b.noiseVariance
      && a.observations == b.observations
  }

  /// The prior `N(priorMean, priorCovariance)` with observation noise of variance `noiseVariance`.
  ///
  /// - Throws: `.dimensionMismatch`, `.nonFiniteInput`; `.notPositiveDefinite` for a prior
  ///   covariance that is not; `.parameterOutOfRange` for `s² ≤ 0`.
  public init(priorMean: [Scalar], priorCovariance: Matrix<Scalar>, noiseVariance: Scalar)
    throws(RiskKernelsError)
  {
    let d = priorMean.count
    guard d >= 1 else { throw .insufficientData(argument: "priorMean", required: 1, actual: 0) }
    try checkAllFinite(priorMean, "priorMean")
    guard priorCovariance.rows == d, priorCovariance.columns == d else {
      throw .dimensionMismatch(
        operation: "priorCovariance for \(d) coefficients", expected: .matrix(rows: d, columns: d),
        actual: .matrix(rows: priorCovariance.rows, columns: priorCovariance.columns))
    }
    try priorCovariance.checkFinite("priorCovariance")
    _ = try Cholesky(priorCovariance)
    guard noiseVariance > 0, noiseVariance.isFinite else {
      throw .parameterOutOfRange(
        name: "noiseVariance", value: Double(noiseVariance), allowed: "> 0, finite")
    }
    mean = priorMean
    covariance = priorCovariance
    self.noiseVariance = noiseVariance
    prior = (priorMean, priorCovariance)
  }

  /// Folds in one observation.
  ///
  /// - Throws: `.dimensionMismatch` or `.nonFiniteInput` (the state is unchanged).
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public mutating func update(features x: [Scalar], value y: Scalar) throws(RiskKernelsError) {
    let d = mean.count
    try checkCount(x, d, "features")
    try checkAllFinite(x, "features")
    guard y.isFinite else { throw .nonFiniteInput(argument: "value", index: 0) }
    var px = [Double](repeating: 0, count: d)
    for j in 0..<d {
      let xj = Double(x[j])
      for i in 0..<d { px[i] += Double(covariance[i, j]) * xj }
    }
    var q = Double(noiseVariance)
    var predicted = 0.0
    for i in 0..<d {
      q += Double(x[i]) * px[i]
      predicted += Double(x[i]) * Double(mean[i])
    }
    let innovation = (Double(y) - predicted) / q
    for i in 0..<d { mean[i] = Scalar(Double(mean[i]) + px[i] * innovation) }
    for j in 0..<d {
      for i in j..<d {
        let value = Scalar(Double(covariance[i, j]) - px[i] * px[j] / q)
        covariance[i, j] = value
        covariance[j, i] = value
      }
    }
    observations += 1
  }

  /// The predictive mean `xᵀm` and variance `xᵀPx + s²` of a new observation at `x`.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public func predict(features x: [Scalar]) throws(RiskKernelsError) -> (
    mean: Scalar, variance: Scalar
  ) {
    try checkCount(x, mean.count, "features")
    try checkAllFinite(x, "features")
    var (m, v) = (0.0, Double(noiseVariance))
    for i in mean.indices {
      m += Double(x[i]) * Double(mean[i])
      for j in mean.indices { v += Double(x[i]) * Double(covariance[i, j]) * Double(x[j]) }
    }
    return (Scalar(m), Scalar(v))
  }

  /// Back to the prior.
  public mutating func reset() {
    (mean, covariance, observations) = (prior.mean, prior.covariance, 0)
  }
}
