/// How an iterative solver stopped. A solver returns a report only when it converged; otherwise
/// it throws `.noConvergence` with the same figures.
public struct ConvergenceReport: Sendable, Equatable, Codable {
  /// Newton iterations taken: 0 when the starting point already met the tolerance.
  public let iterations: Int
  /// Products with Σ (or factorisations, for the exact Newton path) the solve needed: the
  /// measure of its work.
  public let matrixProducts: Int
  /// The optimality residual reached (for risk budgeting `max_i |RC_i/σ_p − κ b_i|`, see
  /// `RiskBudgetingSolver`), computed from a fresh product with Σ.
  public let residual: Double
  /// The tolerance the residual had to meet.
  public let tolerance: Double

  /// Whether `residual ≤ tolerance` (always true for a returned report).
  public var converged: Bool { residual <= tolerance }
}
