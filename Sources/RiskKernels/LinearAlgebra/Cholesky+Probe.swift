extension Cholesky {
  /// Whether this is a factor of `matrix` as far as a probe can tell: the orders agree and, for
  /// the fixed vector `xᵢ = ±(1 + (i mod 5)/5)` (signs alternating),
  /// ```
  /// ‖A·x − L(Lᵀx)‖∞ ≤ √u · n · max Aᵢᵢ · ‖x‖∞      (u the unit roundoff; A's lower triangle read)
  /// ```
  /// (`n · max Aᵢᵢ` bounds `‖A‖∞` for a positive semidefinite `A`). A factor of `A` up to
  /// rounding leaves a residual of order `n·u·‖A‖`, far below the bound; a factor of another
  /// matrix leaves one of the order of the two matrices' difference. O(n²): one symmetric and two
  /// triangular products.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  func reproduces(_ matrix: Matrix<Scalar>) -> Bool {
    let n = order
    guard matrix.rows == n, matrix.columns == n, n >= 1 else { return false }
    let x = (0..<n).map { i in
      Scalar(i.isMultiple(of: 2) ? 1 : -1) * (1 + Scalar(i % 5) / 5)
    }
    var ax = [Scalar](repeating: 0, count: n)
    var product = Matrix(uncheckedRows: n, columns: 1, storage: x)
    do {
      try Scalar._symv(matrix, .lower, x, alpha: 1, beta: 0, into: &ax)
      try Scalar._trmm(.left, .lower, .transpose, .nonUnit, alpha: 1, lower, &product)
      try Scalar._trmm(.left, .lower, .noTranspose, .nonUnit, alpha: 1, lower, &product)
    } catch {
      return false
    }
    var largestDiagonal: Scalar = 0
    for i in 0..<n { largestDiagonal = Swift.max(largestDiagonal, matrix.storage[i + i * n]) }
    let bound =
      (Scalar.ulpOfOne / 2).squareRoot() * Scalar(n) * largestDiagonal * x.map(abs).max()!
    var residual: Scalar = 0
    for i in 0..<n { residual = Swift.max(residual, abs(ax[i] - product.storage[i])) }
    return residual.isFinite && residual <= bound
  }
}
