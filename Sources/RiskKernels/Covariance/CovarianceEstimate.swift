/// The result of a covariance estimator: an immutable value.
///
/// Units are those of the returns it came from (daily returns give a daily covariance; nothing
/// is annualised).
public struct CovarianceEstimate<Scalar: BLASScalar>: Sendable, Equatable {
  /// The `d × d` covariance, exactly symmetric.
  public let covariance: Matrix<Scalar>
  /// The location the returns were centred on: the (weighted) sample mean, or zeros for
  /// zero-mean estimators such as RiskMetrics EWMA.
  public let mean: [Scalar]
  /// The number of return observations used.
  public let observationCount: Int
  /// The shrinkage intensity in [0, 1] for shrinkage estimators, `nil` otherwise.
  public let shrinkage: Scalar?
  /// A lower bound on Σ's smallest eigenvalue that the estimator proves, or `nil` when it proves
  /// none. Shrinkage toward a scaled identity (`LedoitWolf`, `OracleApproximatingShrinkage`)
  /// proves, by Weyl's inequality on `Σ = (1 − s)S + sμI` with S positive semidefinite up to
  /// the rounding of its sums (|ΔS| ≤ γₙ|X|ᵀ|X|/n; Higham 2002, §3.1) and of the shrink,
  /// ```
  /// λ_min(Σ) ≥ sμ − 4(n + p + 4)·u·tr(S)      (u the unit roundoff)
  /// ```
  /// and gives it when positive.
  public let eigenvalueLowerBound: Scalar?
  /// A Cholesky factor `LLᵀ = Σ` the estimator kept (`StreamingCovariance`, row by row) or the
  /// caller already had, or `nil`. Its positive pivots are the evidence the solvers' own
  /// factorisation would give: both are backward stable, so each shows Σ positive definite up to
  /// a rounding-sized perturbation (Higham 2002, Theorem 10.3 for the factorisation; the
  /// *LINPACK Users' Guide*, 1979, ch. 10, for the rank-one updates, whose rounding grows with
  /// the rows absorbed). A nearly singular Σ, within that rounding of singular, passes either check.
  public let cholesky: Cholesky<Scalar>?
  /// Whether the library computed `cholesky` with `covariance` (`StreamingCovariance`), so the
  /// pair needs no probe.
  let choleskyIsOwn: Bool

  /// An estimate; `eigenvalueLowerBound` only when the caller can prove it, and `cholesky` only
  /// when it is a factor of `covariance` (the solvers probe it before they trust it).
  public init(
    covariance: Matrix<Scalar>, mean: [Scalar], observationCount: Int, shrinkage: Scalar?,
    eigenvalueLowerBound: Scalar? = nil, cholesky: Cholesky<Scalar>? = nil
  ) {
    self.init(
      covariance: covariance, mean: mean, observationCount: observationCount,
      shrinkage: shrinkage, eigenvalueLowerBound: eigenvalueLowerBound, cholesky: cholesky,
      choleskyIsOwn: false)
  }

  /// An estimate with the factor the library kept alongside its covariance.
  init(
    covariance: Matrix<Scalar>, mean: [Scalar], observationCount: Int,
    ownCholesky: Cholesky<Scalar>?
  ) {
    self.init(
      covariance: covariance, mean: mean, observationCount: observationCount, shrinkage: nil,
      eigenvalueLowerBound: nil, cholesky: ownCholesky, choleskyIsOwn: ownCholesky != nil)
  }

  private init(
    covariance: Matrix<Scalar>, mean: [Scalar], observationCount: Int, shrinkage: Scalar?,
    eigenvalueLowerBound: Scalar?, cholesky: Cholesky<Scalar>?, choleskyIsOwn: Bool
  ) {
    self.covariance = covariance
    self.mean = mean
    self.observationCount = observationCount
    self.shrinkage = shrinkage
    self.eigenvalueLowerBound = eigenvalueLowerBound
    self.cholesky = cholesky
    self.choleskyIsOwn = choleskyIsOwn
  }

  /// Whether Σ is known to be positive definite: the estimator proves it (a positive
  /// `eigenvalueLowerBound`), or the estimate carries a Cholesky factor of Σ: one the library
  /// kept alongside it (`StreamingCovariance`), or a caller's that reproduces Σ on a probe
  /// (`‖Σx − L(Lᵀx)‖∞ ≤ √u·d·max Σᵢᵢ·‖x‖∞`, O(d²)), which catches a factor of another matrix.
  /// `RiskBudgetingSolver.solve(estimate:…)` then skips its up-front factorisation.
  public var isKnownPositiveDefinite: Bool {
    if let bound = eigenvalueLowerBound, bound > 0 { return true }
    guard let cholesky else { return false }
    return choleskyIsOwn || cholesky.reproduces(covariance)
  }

  /// The bound `sμ − 4(n + p + 4)·u·tr(S)` of a shrinkage toward `μI` with intensity s, from
  /// n observations of p assets; `nil` unless positive.
  static func shrinkageEigenvalueBound(
    intensity s: Scalar, scale mu: Scalar, trace: Scalar, observations n: Int, assets p: Int
  ) -> Scalar? {
    let u = Scalar.ulpOfOne / 2
    let bound = s * mu * (1 - u) - 4 * Scalar(n + p + 4) * u * trace
    return bound > 0 && bound.isFinite ? bound : nil
  }

  /// The number of assets `d`.
  public var dimension: Int { covariance.rows }

  /// Per-asset volatilities `√Σᵢᵢ`, in the units of the returns.
  public var volatilities: [Scalar] { covariance.diagonal.map { $0.squareRoot() } }
}

/// A covariance estimator: a `Sendable` configuration whose `estimate(from:)` maps a `T × d`
/// matrix of returns (rows are observations) to a `CovarianceEstimate`. Fitting never mutates the
/// estimator, so one value can be shared across threads.
public protocol CovarianceEstimator: Sendable {
  /// Estimates the covariance of the columns of `returns`.
  func estimate<T: BLASScalar>(from returns: Matrix<T>) throws(RiskKernelsError)
    -> CovarianceEstimate<T>
}

// MARK: - Shared steps

/// Validates a returns matrix for an estimator needing at least `minimumRows` observations.
/// `finiteness: false` leaves the check for non-finite values to the caller: `CentredScatter`
/// makes it from its result's diagonal, saving a pass over the data.
func checkReturns<T: BLASScalar>(
  _ returns: Matrix<T>, minimumRows: Int, finiteness: Bool = true
) throws(RiskKernelsError) {
  guard returns.columns >= 1 else {
    throw .insufficientData(argument: "returns (assets)", required: 1, actual: returns.columns)
  }
  guard returns.rows >= minimumRows else {
    throw .insufficientData(
      argument: "returns (observations)", required: minimumRows, actual: returns.rows)
  }
  if finiteness { try returns.checkFinite("returns") }
}

/// Column means `Xᵀ1/n`: each column summed in eight interleaved partial sums, the two halves
/// of the columns on two threads for large inputs. Not BLAS `?gemv`: its second OpenBLAS thread
/// would be left spinning for a while beside the two threads of the passes that follow.
@specialized(where T == Double)
@specialized(where T == Float)
func columnMeans<T: BLASScalar>(_ x: Matrix<T>) -> [T] {
  let (n, d) = (x.rows, x.columns)
  let (first, second) = onTwoHalves(of: 0..<d, parallel: worthTwoThreads(n * d)) { columns in
    columns.map { j in interleavedSum(x.storage, from: j * n, count: n) / T(n) }
  }
  return first + second
}

extension Matrix {
  /// Subtracts `location[j]` from every element of column `j` (one pass, no copy first).
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  func centred(on location: [Scalar]) -> Matrix {
    var out: [Scalar] = []
    out.reserveCapacity(storage.count)
    for j in 0..<columns {
      let m = location[j]
      let base = j * rows
      for i in 0..<rows { out.append(storage[base + i] - m) }
    }
    return Matrix(uncheckedRows: rows, columns: columns, storage: out)
  }

  /// `(1 − s)·self + s·μ·I`: shrinkage toward a scaled identity, in place.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  mutating func shrinkTowardScaledIdentity(intensity s: Scalar, scale mu: Scalar) {
    let keep = 1 - s
    for k in 0..<storage.count { storage[k] *= keep }
    for i in 0..<Swift.min(rows, columns) { storage[i + i * rows] += s * mu }
  }
}
