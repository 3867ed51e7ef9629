/// The weights a `RiskBudgetingSolver` found, their risk contributions and how it got there.
public struct RiskBudgetingSolution<Scalar: BLASScalar>: Sendable, Equatable {
  /// Long-only weights summing to 1; exactly 0 for assets with a zero budget.
  public let weights: [Scalar]
  /// `σ_p` and the contributions `RC_i` (absolute, summing to σ_p; relative, summing to 1).
  public let risk: RiskContributions<Scalar>
  /// The budgets solved for, normalised to sum to 1.
  public let budgets: [Scalar]
  /// Indices of the assets held at their cap (empty without caps, or when none binds).
  public let cappedAssets: [Int]
  /// `κ` with `RC_i/σ_p = κ·b_i` for every asset below its cap (capped assets have
  /// `RC_i/σ_p ≤ κ·b_i`). Exactly the budgets (κ = 1) when no cap binds.
  public let budgetScale: Scalar
  /// Iterations, residual reached and tolerance.
  public let convergence: ConvergenceReport

  /// `σ_p = √(wᵀΣw)`.
  public var portfolioVolatility: Scalar { risk.portfolioVolatility }
  /// `RC_i = w_i (Σw)_i / σ_p`, summing to σ_p.
  public var riskContributions: [Scalar] { risk.absolute }
  /// `RC_i / σ_p`, summing to 1: the quantity the budgets target.
  public var relativeRiskContributions: [Scalar] { risk.relative }
}
