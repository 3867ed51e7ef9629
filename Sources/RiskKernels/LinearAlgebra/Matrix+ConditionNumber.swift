extension Matrix {
  /// The 2-norm condition number of a symmetric matrix, `κ = |λ|max / |λ|min`, from its
  /// eigenvalues (LAPACK `?syevd`). `+∞` when the matrix is singular.
  ///
  /// A covariance with κ above about `1/√ε` (≈ 7·10⁷ in Double, 3·10³ in Float) loses half the
  /// digits of a solve; shrink it (`LedoitWolf`) or repair it.
  ///
  /// - Throws: `.dimensionMismatch` if not square; `.nonFiniteInput`.
  /// - Complexity: O(d³).
  public func conditionNumber() throws(RiskKernelsError) -> Scalar {
    let values = try SymmetricEigen<Scalar>.eigenvalues(of: self)
    guard let first = values.first else { return 1 }
    var largest = Swift.abs(first)
    var smallest = Swift.abs(first)
    for v in values {
      largest = Swift.max(largest, Swift.abs(v))
      smallest = Swift.min(smallest, Swift.abs(v))
    }
    return smallest == 0 ? .infinity : largest / smallest
  }
}
