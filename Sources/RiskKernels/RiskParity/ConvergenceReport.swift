/// How an iterative method stopped: the risk-budgeting and rebalance solvers, and Higham's
/// nearest correlation (`MatrixRepair.convergence`). A method returns a report only when it
/// converged; otherwise it throws `.noConvergence` with the same figures.
public struct ConvergenceReport: Sendable, Equatable, Codable {
  /// Iterations taken: 0 when the starting point already met the tolerance.
  public let iterations: Int
  /// The matrix operations the method needed, the measure of its work: products with Σ (or
  /// factorisations, for the exact Newton path), eigendecompositions for Higham's method.
  public let matrixProducts: Int
  /// The residual reached: for risk budgeting the optimality residual `max_i |RC_i/σ_p − κ b_i|`
  /// (see `RiskBudgetingSolver`) from a fresh product with Σ; for Higham's method the relative
  /// change of the last iteration.
  public let residual: Double
  /// The tolerance the residual had to meet.
  public let tolerance: Double

  /// Whether `residual ≤ tolerance` (always true for a returned report).
  public var converged: Bool { residual <= tolerance }
}
