/// The eigendecomposition of a symmetric matrix, `A = V·diag(λ)·Vᵀ`, eigenvalues ascending.
///
/// The corresponding LAPACK routine is `?syevd` (`ssyevd`/`dsyevd`, divide and conquer), which
/// reads the lower triangle.
///
/// Tested against: NumPy `np.linalg.eigh` eigenvalues on the fixtures; reconstruction
/// `V diag(λ) Vᵀ ≈ A` and orthonormality `VᵀV ≈ I`.
public struct SymmetricEigen<Scalar: BLASScalar>: Sendable, Equatable {
  /// Eigenvalues in ascending order.
  public let values: [Scalar]
  /// Orthonormal eigenvectors, column `j` belonging to `values[j]`.
  public let vectors: Matrix<Scalar>

  /// Decomposes the symmetric `matrix` (lower triangle read).
  ///
  /// - Throws: `.dimensionMismatch` for a non-square matrix; `.nonFiniteInput`;
  ///   `.backend(routine:status:)` if LAPACK fails to converge.
  /// - Complexity: O(n³).
  public init(_ matrix: Matrix<Scalar>) throws(RiskKernelsError) {
    try matrix.checkSquare("matrix")
    try matrix.checkFinite("matrix")
    var v = matrix
    self.values = try Scalar._syevd(&v, .lower, vectors: true)
    self.vectors = v
  }

  /// Only the eigenvalues (ascending), cheaper than the full decomposition.
  public static func eigenvalues(of matrix: Matrix<Scalar>) throws(RiskKernelsError) -> [Scalar] {
    try matrix.checkSquare("matrix")
    try matrix.checkFinite("matrix")
    var v = matrix
    return try Scalar._syevd(&v, .lower, vectors: false)
  }

  /// `V·diag(f(λ))·Vᵀ`: the matrix with the same eigenvectors and transformed eigenvalues (used
  /// by eigenvalue clipping).
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public func reconstructed(
    transformingEigenvalues f: (Scalar) -> Scalar = { $0 }
  ) throws(RiskKernelsError) -> Matrix<Scalar> {
    let n = values.count
    // V·diag(√f) would fail for negative f, so scale columns of V by f and multiply by Vᵀ.
    var scaled = vectors
    for j in 0..<n {
      let fj = f(values[j])
      for i in 0..<n { scaled[i, j] *= fj }
    }
    var out = try Matrix<Scalar>(rows: n, columns: n)
    try Scalar._gemm(scaled, .noTranspose, vectors, .transpose, alpha: 1, beta: 0, into: &out)
    out.symmetrize()
    return out
  }
}

extension Matrix {
  /// Replaces the matrix by `(A + Aᵀ)/2` (square matrices only), removing rounding asymmetry.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  mutating func symmetrize() {
    let n = rows
    for j in 0..<n {
      for i in (j + 1)..<max(j + 1, n) {
        let mean = (storage[i + j * n] + storage[j + i * n]) / 2
        storage[i + j * n] = mean
        storage[j + i * n] = mean
      }
    }
  }
}
