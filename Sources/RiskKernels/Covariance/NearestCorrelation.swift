/// Higham's (2002) nearest correlation matrix: the closest (Frobenius) unit-diagonal PSD matrix.
///
/// Alternating projections with Dykstra's correction (weights W = I):
/// ```
/// ΔS = 0, Y = A
/// repeat:  R = Y − ΔS;  X = P_S(R) (eigenvalues clipped at 0);  ΔS = X − R;  Y' = P_U(X) (unit diag)
/// until ‖Y' − Y‖_F / ‖Y'‖_F < tolerance
/// ```
/// Source: N. J. Higham, "Computing the nearest correlation matrix — a problem from finance",
/// *IMA J. Numer. Anal.* 22(3):329–343, 2002, Algorithm 3.3.
///
/// The result has an exact unit diagonal; its smallest eigenvalue is ≥ −(a few × tolerance).
/// For a strictly positive-definite result (to factor it), follow with `EigenvalueClipping`
/// with a small floor and `restoreUnitDiagonal`.
///
/// Tested against: Higham's published 3×3 example and QuantLib's 4×4 tridiagonal case
/// (Higham 2002, §4; QuantLib `test-suite/matrices.cpp`) to 1e-8; statsmodels `corr_nearest` agrees with both.
public struct NearestCorrelation: Sendable, Equatable {
  /// Stop when the relative change `‖Yₖ − Yₖ₋₁‖_F / ‖Yₖ‖_F` falls below this. `nil` means
  /// `100·ε` of the scalar type (2.2e-14 in Double, 1.2e-5 in Float).
  public var tolerance: Double?
  /// The most iterations before `.noConvergence` is thrown.
  public var maxIterations: Int

  /// A repair; `tolerance` nil for the precision's default.
  public init(tolerance: Double? = nil, maxIterations: Int = 10_000) {
    self.tolerance = tolerance
    self.maxIterations = maxIterations
  }

  /// The correlation matrix nearest to `matrix` in the Frobenius norm (Higham's alternating projections).
  ///
  /// - Throws: `.dimensionMismatch`; `.nonFiniteInput`; `.parameterOutOfRange` for an
  ///   asymmetric input, a non-positive tolerance or `maxIterations < 1`;
  ///   `.noConvergence(iterations:residual:tolerance:)`.
  /// - Complexity: O(d³) per iteration.
  public func repair<T: BLASScalar>(_ matrix: Matrix<T>) throws(RiskKernelsError) -> MatrixRepair<T>
  {
    let tol = tolerance ?? Double(100 * T.ulpOfOne)
    guard tol > 0, tol.isFinite else {
      throw .parameterOutOfRange(name: .tolerance, value: tol, allowed: "> 0")
    }
    guard maxIterations >= 1 else {
      throw .parameterOutOfRange(
        name: "maxIterations", value: Double(maxIterations), allowed: "≥ 1")
    }
    try matrix.checkSymmetric("matrix")
    let n = matrix.rows
    var y = matrix
    y.symmetrize()
    var correction = try Matrix<T>(rows: n, columns: n)
    var residual = T.infinity
    for iteration in 1...maxIterations {
      let r = y.subtracting(correction)
      let x = try SymmetricEigen(r).reconstructed(transformingEigenvalues: { Swift.max($0, 0) })
      correction = x.subtracting(r)
      var next = x
      for i in 0..<n { next[i, i] = 1 }
      let change = next.frobeniusDistance(to: y)
      let size = next.squaredFrobeniusNorm().squareRoot()
      residual = size > 0 ? change / size : change
      y = next
      if Double(residual) < tol {
        return MatrixRepair(
          matrix: y, adjustedEigenvalues: 0, distance: y.frobeniusDistance(to: matrix),
          convergence: ConvergenceReport(
            iterations: iteration, matrixProducts: iteration, residual: Double(residual),
            tolerance: tol))
      }
    }
    throw .noConvergence(iterations: maxIterations, residual: Double(residual), tolerance: tol)
  }
}
