// A covariance that absorbs one return row at a time in O(d²) and keeps its Cholesky factor
// current by rank-one updates, never refactorising. Goals in priority order: agreement with the
// batch estimators on the same data, losing nothing on bad input (validated before any state
// changes), then speed (one Givens sweep and one triangle update per row).

/// How a `StreamingCovariance` weighs its observations.
public enum StreamingWeighting: Sendable, Equatable {
  /// Every row weighs the same; matches `SampleCovariance(normalization:)`.
  case equal(Normalization)
  /// Exponential decay `λ`; matches `EWMACovariance(decay:centering:)`.
  case exponential(decay: Double, centering: EWMACentering)
}

/// A streaming covariance estimator with a Cholesky factor kept current.
///
/// State after rows `r₁…r_T`, with weights `λ^(T−t)` (`λ = 1` for equal weights):
/// ```
/// W ← λW + 1
/// δ = r − m;   m ← m + δ/W                        (m ≡ 0 for .zeroMean)
/// C ← λC + (1 − 1/W) δδᵀ     (centred)    or   C ← λC + r rᵀ   (zero mean)
/// L ← factor of C by one rank-one Givens sweep (Cholesky.update)
/// Σ = C / (W − 1) (unbiased) or C / W (maximum likelihood, and EWMA)
/// ```
/// This is West's (1979) weighted update of the mean and scatter, "Updating mean and variance
/// estimates: an improved method", *Comm. ACM* 22(9):532–535. It agrees with `SampleCovariance`
/// and `EWMACovariance` on the same rows (tested to rounding).
///
/// The factor of the scatter starts at zero and is built up by the same sweep, so it exists from
/// the first row; `cholesky()` throws until the covariance is positive definite (at least
/// d + 1 rows for a centred estimator).
///
/// A value type: copy it to keep a snapshot. Thread-safe as any value is.
///
/// - Complexity: O(d²) per row, O(d²) memory.
public struct StreamingCovariance<Scalar: BLASScalar>: Sendable, Equatable {
  /// The weighting chosen at creation.
  public let weighting: StreamingWeighting
  /// Number of assets.
  public let dimension: Int
  /// Number of rows absorbed.
  public private(set) var observationCount: Int = 0
  /// Total weight `W = Σ λ^(T−t)` of the rows absorbed.
  public private(set) var totalWeight: Double = 0
  /// The running (weighted) mean; zeros for `.zeroMean`.
  public private(set) var mean: [Scalar]
  /// Scatter `C`, lower triangle only.
  private var scatter: Matrix<Scalar>
  /// `L` with `L·Lᵀ = C`, lower triangular.
  private var scatterFactor: Matrix<Scalar>

  /// An empty estimator for `dimension` assets.
  ///
  /// - Throws: `.parameterOutOfRange` for `dimension < 1` or a decay outside (0, 1).
  public init(dimension: Int, weighting: StreamingWeighting = .equal(.unbiased))
    throws(RiskKernelsError)
  {
    guard dimension >= 1 else {
      throw .parameterOutOfRange(name: "dimension", value: Double(dimension), allowed: "≥ 1")
    }
    if case .exponential(let decay, _) = weighting, !(decay > 0 && decay < 1) {
      throw .parameterOutOfRange(name: "decay", value: decay, allowed: "0 < decay < 1")
    }
    self.weighting = weighting
    self.dimension = dimension
    self.mean = [Scalar](repeating: 0, count: dimension)
    self.scatter = try Matrix(rows: dimension, columns: dimension)
    self.scatterFactor = try Matrix(rows: dimension, columns: dimension)
  }

  private var decay: Scalar {
    if case .exponential(let decay, _) = weighting { return Scalar(decay) }
    return 1
  }

  private var isCentred: Bool {
    if case .exponential(_, .zeroMean) = weighting { return false }
    return true
  }

  /// Absorbs one return row in O(d²): mean, scatter and factor.
  ///
  /// - Throws: `.dimensionMismatch` unless `row.count == dimension`; `.nonFiniteInput`. On a
  ///   throw nothing changes.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public mutating func update(with row: [Scalar]) throws(RiskKernelsError) {
    try checkCount(row, dimension, "return row")
    try checkAllFinite(row, "return row")
    let lambda = decay
    let newWeight = Double(lambda) * totalWeight + 1
    var delta = row
    var coefficient: Scalar = 1
    if isCentred {
      for i in 0..<dimension {
        delta[i] = row[i] - mean[i]
        mean[i] += delta[i] / Scalar(newWeight)
      }
      coefficient = Scalar(1 - 1 / newWeight)
    }
    scatter.decayAndAddLower(delta, decay: lambda, weight: coefficient)
    scatterFactor.rotateInRankOne(delta, weight: coefficient, decay: lambda)
    totalWeight = newWeight
    observationCount += 1
  }

  /// Absorbs every row of `returns` in order (each in O(d²)).
  ///
  /// - Throws: as `update(with:)`, naming the row; rows before the bad one stay absorbed.
  public mutating func update(withRows returns: Matrix<Scalar>) throws(RiskKernelsError) {
    guard returns.columns == dimension else {
      throw .dimensionMismatch(
        operation: "returns columns", expected: .vector(dimension), actual: .vector(returns.columns)
      )
    }
    for i in 0..<returns.rows { try update(with: returns.row(i)) }
  }

  /// The divisor of the scatter: `W − 1` (unbiased), or `W`.
  private var divisor: Double {
    if case .equal(.unbiased) = weighting { return totalWeight - 1 }
    return totalWeight
  }

  private var minimumObservations: Int {
    if case .equal(.unbiased) = weighting { return 2 }
    if case .exponential(_, .weightedMean) = weighting { return 2 }
    return 1
  }

  /// The current covariance `C / divisor`, exactly symmetric.
  ///
  /// - Throws: `.insufficientData` before 2 rows (1 for zero-mean EWMA or maximum likelihood).
  public func covariance() throws(RiskKernelsError) -> Matrix<Scalar> {
    try checkObservations()
    var out = scatter
    out.scaleLowerAndMirror(by: Scalar(1 / divisor))
    return out
  }

  /// The Cholesky factor of the current covariance, `L/√divisor`, from the factor kept current
  /// row by row (O(d²), no refactorisation).
  ///
  /// - Throws: `.insufficientData` as `covariance()`; `.notPositiveDefinite(failingMinor:)`
  ///   while the covariance is singular (e.g. fewer than d + 1 rows).
  public func cholesky() throws(RiskKernelsError) -> Cholesky<Scalar> {
    try checkObservations()
    var factor = scatterFactor
    factor.scaleAll(by: Scalar((1 / divisor).squareRoot()))
    // The Givens sweep keeps the diagonal ≥ 0; a zero (or underflowed) pivot means singular.
    return try Cholesky(lowerFactor: factor)
  }

  /// The current estimate as a `CovarianceEstimate` (shrinkage `nil`), carrying the factor kept
  /// current (`cholesky()`) once the covariance is positive definite, so that
  /// `RiskBudgetingSolver.solve(estimate:…)` need not factor it again.
  ///
  /// - Throws: `.insufficientData` as `covariance()`.
  public func estimate() throws(RiskKernelsError) -> CovarianceEstimate<Scalar> {
    let factor: Cholesky<Scalar>?
    do { factor = try cholesky() } catch { factor = nil }
    return CovarianceEstimate(
      covariance: try covariance(), mean: mean, observationCount: observationCount,
      ownCholesky: factor)
  }

  private func checkObservations() throws(RiskKernelsError) {
    guard observationCount >= minimumObservations else {
      throw .insufficientData(
        argument: "observations", required: minimumObservations, actual: observationCount)
    }
  }
}

extension Matrix {
  /// `A ← λA + w·x·xᵀ` on the lower triangle.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  mutating func decayAndAddLower(_ x: [Scalar], decay lambda: Scalar, weight w: Scalar) {
    let n = rows
    for j in 0..<n {
      let wxj = w * x[j]
      let base = j * n
      for i in j..<n { storage[base + i] = lambda * storage[base + i] + wxj * x[i] }
    }
  }

  /// Scales the lower triangle and mirrors it onto the upper one.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  mutating func scaleLowerAndMirror(by factor: Scalar) {
    let n = rows
    for j in 0..<n {
      for i in j..<n { storage[i + j * n] *= factor }
    }
    mirrorLowerTriangle()
  }

  /// Multiplies every element by `factor`.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  mutating func scaleAll(by factor: Scalar) {
    for k in 0..<storage.count { storage[k] *= factor }
  }
}
