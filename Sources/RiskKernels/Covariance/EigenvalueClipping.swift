/// Repairs a symmetric matrix by raising its eigenvalues to a floor: `A = VΛVᵀ → V max(Λ, ε)Vᵀ`.
///
/// ```
/// λᵢ' = max(λᵢ, floor),   A' = V diag(λ') Vᵀ
/// correlation input:  A'ᵢⱼ / √(A'ᵢᵢ A'ⱼⱼ)   (unit diagonal restored)
/// ```
/// The nearest PSD matrix in Frobenius norm for `floor = 0` (Higham 1988). For correlation matrices
/// the rescaling makes the result a correlation again but no longer the nearest one; for that,
/// use `NearestCorrelation`. Repairs are explicit calls, never silent.
///
/// Tested against: NumPy eigenvalue clipping on the fixtures; eigenvalues ≥ floor after repair;
/// a PSD input comes back unchanged.
public struct EigenvalueClipping: Sendable, Equatable {
  /// Eigenvalues below this are raised to it (≥ 0). For a Cholesky-able result use a small
  /// positive floor (e.g. 1e-10 × the largest eigenvalue).
  public var floor: Double
  /// Rescale to a unit diagonal afterwards (for correlation matrices).
  public var restoreUnitDiagonal: Bool

  /// A repair raising eigenvalues below `floor`, optionally back to a unit diagonal.
  public init(floor: Double = 0, restoreUnitDiagonal: Bool = false) {
    self.floor = floor
    self.restoreUnitDiagonal = restoreUnitDiagonal
  }

  /// `matrix` with its eigenvalues below `floor` raised to it (and a unit diagonal restored when asked).
  ///
  /// - Throws: `.parameterOutOfRange` for a negative floor or an asymmetric input;
  ///   `.dimensionMismatch`; `.nonFiniteInput`.
  /// - Complexity: O(d³) (one eigendecomposition).
  public func repair<T: BLASScalar>(_ matrix: Matrix<T>) throws(RiskKernelsError) -> MatrixRepair<T>
  {
    guard floor >= 0, floor.isFinite else {
      throw .parameterOutOfRange(name: "floor", value: floor, allowed: "≥ 0, finite")
    }
    try matrix.checkSymmetric("matrix")
    let eigen = try SymmetricEigen(matrix)
    let level = T(floor)
    let adjusted = eigen.values.filter { $0 < level }.count
    var repaired = try eigen.reconstructed(transformingEigenvalues: { Swift.max($0, level) })
    if restoreUnitDiagonal {
      repaired = try repaired.correlation().correlation
    }
    let distance = repaired.frobeniusDistance(to: matrix)
    return MatrixRepair(
      matrix: repaired, adjustedEigenvalues: adjusted, distance: distance, convergence: nil)
  }
}
