// Products through BLAS: GEMM, GEMV and SYRK. Every shape is checked before C is called.

extension Matrix {
  /// The product `self · other`. The corresponding BLAS routine is `?gemm`.
  ///
  /// - Throws: `.dimensionMismatch` unless `self.columns == other.rows`.
  /// - Complexity: O(rows · columns · other.columns).
  public func multiplied(by other: Matrix) throws(RiskKernelsError) -> Matrix {
    var c = try Matrix(rows: rows, columns: other.columns)
    try Scalar._gemm(self, .noTranspose, other, .noTranspose, alpha: 1, beta: 0, into: &c)
    return c
  }

  /// The product `selfᵀ · other` without forming the transpose. BLAS `?gemm`.
  ///
  /// - Throws: `.dimensionMismatch` unless `self.rows == other.rows`.
  public func transposeMultiplied(by other: Matrix) throws(RiskKernelsError) -> Matrix {
    var c = try Matrix(rows: columns, columns: other.columns)
    try Scalar._gemm(self, .transpose, other, .noTranspose, alpha: 1, beta: 0, into: &c)
    return c
  }

  /// The matrix-vector product `self · x`. The corresponding BLAS routine is `?gemv`.
  ///
  /// - Throws: `.dimensionMismatch` unless `x.count == columns`.
  public func multiplied(by x: [Scalar]) throws(RiskKernelsError) -> [Scalar] {
    var y = [Scalar](repeating: 0, count: rows)
    try Scalar._gemv(self, .noTranspose, x, alpha: 1, beta: 0, into: &y)
    return y
  }

  /// The product `selfᵀ · x`. The corresponding BLAS routine is `?gemv`.
  ///
  /// - Throws: `.dimensionMismatch` unless `x.count == rows`.
  public func transposeMultiplied(by x: [Scalar]) throws(RiskKernelsError) -> [Scalar] {
    var y = [Scalar](repeating: 0, count: columns)
    try Scalar._gemv(self, .transpose, x, alpha: 1, beta: 0, into: &y)
    return y
  }

  /// The Gram matrix `alpha · selfᵀ · self` (columns × columns), computed on one triangle by
  /// SYRK and mirrored, so it is exactly symmetric. The corresponding BLAS routine is `?syrk`.
  ///
  /// - Throws: `.parameterOutOfRange` only for sizes beyond a C `int`.
  /// - Complexity: O(rows · columns²), half of a GEMM.
  public func gram(scaledBy alpha: Scalar = 1) throws(RiskKernelsError) -> Matrix {
    var c = try Matrix(rows: columns, columns: columns)
    try Scalar._syrk(self, .transpose, alpha: alpha, beta: 0, .lower, into: &c)
    c.mirrorLowerTriangle()
    return c
  }

  /// Copies the lower triangle onto the upper one, making a square matrix exactly symmetric.
  /// Blocked in 64×64 tiles so the strided writes stay in cache.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  mutating func mirrorLowerTriangle() {
    let n = rows
    let tile = 64
    for jb in stride(from: 0, to: n, by: tile) {
      for ib in stride(from: jb, to: n, by: tile) {
        let rowEnd = Swift.min(ib + tile, n)
        for j in jb..<Swift.min(jb + tile, n) where Swift.max(ib, j + 1) < rowEnd {
          for i in Swift.max(ib, j + 1)..<rowEnd { storage[j + i * n] = storage[i + j * n] }
        }
      }
    }
  }
}
