/// The result of an explicit repair of a matrix that was not positive semi-definite.
public struct MatrixRepair<Scalar: BLASScalar>: Sendable, Equatable {
  /// The repaired matrix.
  public let matrix: Matrix<Scalar>
  /// How many eigenvalues were raised (clipping), or 0 for Higham's method.
  public let adjustedEigenvalues: Int
  /// `‖input − repaired‖_F`: how far the repair moved the matrix.
  public let distance: Scalar
  /// How Higham's method converged: its iterations (each one eigendecomposition, counted as
  /// `matrixProducts`), the relative change of the last one as `residual`, and the tolerance;
  /// `nil` for one-shot clipping.
  public let convergence: ConvergenceReport?
}
