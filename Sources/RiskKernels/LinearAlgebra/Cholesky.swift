import RealModule

/// The Cholesky factor `L` of a symmetric positive-definite matrix, `A = L·Lᵀ`.
///
/// ```
/// A = L Lᵀ,  L lower triangular with a positive diagonal
/// log det A = 2 Σᵢ log Lᵢᵢ
/// ```
///
/// The initialiser throws, so a failed factor can never exist (unlike Eigen's `LLT::info()`):
/// a matrix that is not positive definite is `.notPositiveDefinite(failingMinor:)` with the
/// 1-based order of the first leading minor that is not positive, as LAPACK counts.
///
/// When not to use this: for a matrix that is only positive *semi*-definite (a covariance from
/// fewer observations than assets, a hand-edited correlation), repair it first
/// (`EigenvalueClipping`, `NearestCorrelation`) or use `SymmetricEigen`.
///
/// Tested against: NumPy `np.linalg.cholesky` on the covariance fixtures (`choleskyOfSampleUnbiased` in `Fixtures/covariance/`); reconstruction,
/// solve residual, log-determinant and failing-minor properties.
public struct Cholesky<Scalar: BLASScalar>: Sendable, Equatable {
  /// `L`, lower triangular with a positive diagonal; the strict upper triangle is zero.
  public internal(set) var lower: Matrix<Scalar>

  /// Factors the symmetric positive-definite `matrix`. Only its lower triangle is read.
  ///
  /// The corresponding LAPACK routine is `?potrf` (`spotrf`/`dpotrf`).
  ///
  /// - Throws: `.dimensionMismatch` for a non-square matrix; `.nonFiniteInput` for a NaN or
  ///   infinity; `.notPositiveDefinite(failingMinor:)`.
  /// - Complexity: O(n³/3).
  public init(_ matrix: Matrix<Scalar>) throws(RiskKernelsError) {
    try matrix.checkSquare("matrix")
    try matrix.checkFinite("matrix")
    var factor = matrix
    if let minor = try Scalar._potrf(&factor, .lower) {
      throw .notPositiveDefinite(failingMinor: minor)
    }
    factor.zeroStrictUpperTriangle()
    self.lower = factor
  }

  /// Wraps an existing lower-triangular factor, e.g. one kept current by rank-one updates.
  ///
  /// - Throws: `.dimensionMismatch` if not square; `.nonFiniteInput`;
  ///   `.notPositiveDefinite(failingMinor: i+1)` if diagonal element `i` is not positive;
  ///   `.parameterOutOfRange` if the strict upper triangle is not zero.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public init(lowerFactor: Matrix<Scalar>) throws(RiskKernelsError) {
    try lowerFactor.checkSquare("lowerFactor")
    try lowerFactor.checkFinite("lowerFactor")
    let n = lowerFactor.rows
    for j in 0..<n {
      for i in 0..<j where lowerFactor.storage[i + j * n] != 0 {
        throw .parameterOutOfRange(
          name: "lowerFactor[\(i), \(j)]", value: Double(lowerFactor[i, j]),
          allowed: "0 above the diagonal")
      }
      guard lowerFactor[j, j] > 0 else { throw .notPositiveDefinite(failingMinor: j + 1) }
    }
    self.lower = lowerFactor
  }

  /// The order `n` of the factored `n × n` matrix.
  public var order: Int { lower.rows }

  /// `log det A = 2 Σ log Lᵢᵢ`, without overflow for large or badly scaled matrices.
  public var logDeterminant: Scalar {
    var sum: Scalar = 0
    for i in 0..<order { sum += Scalar.log(lower[i, i]) }
    return 2 * sum
  }

  /// Solves `A·X = B` for `X`. The corresponding LAPACK routine is `?potrs`.
  ///
  /// - Throws: `.dimensionMismatch` unless `b.rows == order`; `.nonFiniteInput`.
  /// - Complexity: O(n²) per right-hand side.
  public func solve(_ b: Matrix<Scalar>) throws(RiskKernelsError) -> Matrix<Scalar> {
    guard b.rows == order else {
      throw .dimensionMismatch(
        operation: "Cholesky solve right-hand side",
        expected: .matrix(rows: order, columns: b.columns),
        actual: .matrix(rows: b.rows, columns: b.columns))
    }
    try b.checkFinite("right-hand side")
    var x = b
    try Scalar._potrs(lower, .lower, &x)
    return x
  }

  /// Solves `A·x = b` for one right-hand side. LAPACK `?potrs`.
  ///
  /// - Throws: `.dimensionMismatch` unless `b.count == order`; `.nonFiniteInput`.
  public func solve(_ b: [Scalar]) throws(RiskKernelsError) -> [Scalar] {
    try checkCount(b, order, "Cholesky solve right-hand side")
    let x = try solve(Matrix(rows: b.count, columns: 1, columnMajor: b))
    return x.columnMajorElements
  }

  /// `L·z`: maps independent standard normals `z` to normals with covariance `A`. BLAS `?trmm`.
  ///
  /// - Throws: `.dimensionMismatch` unless `z.rows == order`.
  public func lowerTimes(_ z: Matrix<Scalar>) throws(RiskKernelsError) -> Matrix<Scalar> {
    var out = z
    try Scalar._trmm(.left, .lower, .noTranspose, .nonUnit, alpha: 1, lower, &out)
    return out
  }

  /// `L⁻¹·b` by forward substitution. BLAS `?trsm`.
  ///
  /// - Throws: `.dimensionMismatch` unless `b.rows == order`.
  public func lowerSolve(_ b: Matrix<Scalar>) throws(RiskKernelsError) -> Matrix<Scalar> {
    var out = b
    try Scalar._trsm(.left, .lower, .noTranspose, .nonUnit, alpha: 1, lower, &out)
    return out
  }

  /// The factored matrix `L·Lᵀ`, exactly symmetric.
  public func reconstructed() throws(RiskKernelsError) -> Matrix<Scalar> {
    try lower.transposed().gram()
  }
}

extension Matrix {
  /// Sets every element above the diagonal to zero (LAPACK leaves the other triangle as it was).
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  mutating func zeroStrictUpperTriangle() {
    for j in 0..<columns {
      for i in 0..<min(j, rows) { storage[i + j * rows] = 0 }
    }
  }

  /// The Cholesky factor of this matrix. See `Cholesky.init(_:)`.
  public func cholesky() throws(RiskKernelsError) -> Cholesky<Scalar> {
    try Cholesky(self)
  }
}
