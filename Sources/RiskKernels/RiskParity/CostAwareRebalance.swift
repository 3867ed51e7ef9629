internal import RealModule

/// The hourly rebalance: from current weights `w0`, trade to the weights that best balance risk,
/// expected return and linear trading costs.
///
/// ```
/// minimise  σ_p(w) − λ μᵀw + Σᵢ cᵢ |wᵢ − w0ᵢ|      σ_p(w) = √(wᵀΣw)
/// subject to Σwᵢ = 1,  0 ≤ wᵢ ≤ uᵢ
/// ```
/// A convex problem (σ_p is a norm). With zero costs and `λ = 0` it is the long-only minimum
/// variance portfolio under the caps; costs add a no-trade region around `w0` (an asset is
/// traded only when its marginal risk-return gain exceeds `cᵢ`). It does not target equal risk
/// contributions: the risk-budgeting portfolio is the minimum-volatility portfolio over
/// `Σ bᵢ ln wᵢ ≥ k` (Maillard, Roncalli & Teïletche 2010), so rebalancing toward it means solving
/// `RiskBudgetingSolver` for the target and trading toward it, and this problem is the answer to
/// "how far is it worth trading, given the costs".
///
/// Algorithm: a primal barrier method (Boyd & Vandenberghe, *Convex Optimization*, §11.3). Each
/// trade splits into a purchase `pᵢ ∈ [0, uᵢ − w0ᵢ]` and a sale `nᵢ ∈ [max(0, w0ᵢ − uᵢ), w0ᵢ]`,
/// `w = w0 + p − n`, so the cost term is linear and every bound a box. For `t = 1, 10, 100, …`
/// Newton's method with backtracking minimises `t·f − Σ log(slacks)` from a strictly feasible
/// point; the `2d × 2d` Newton system reduces exactly to one `d × d` Cholesky solve with the
/// equality's multiplier. It stops when the barrier's duality-gap bound `m/t` (m the number of
/// bounds) is below the tolerance: the objective is then within `m/t` of its minimum, and that
/// bound is the reported residual. `Float` inputs are solved in `Double` (the barrier's Newton
/// systems grow ill-conditioned beyond what Float's 7 digits resolve) and the result rounded.
///
/// Tested against: CVXPY with Clarabel (fixture `rebalance_d8`), minimum variance in closed form
/// (`w ∝ Σ⁻¹1` when it is long-only), the no-trade region, caps and infeasible inputs.
public struct CostAwareRebalance: Sendable, Equatable {
  /// Stop when the duality-gap bound `m/t` is below this. `nil` means
  /// `RiskBudgetingSolver.defaultTolerance(for:)` (1e-10 in `Double`, 1e-6 in `Float`),
  /// relative to the objective's scale `σ_p(w0)`-ish values of order 0.01–1.
  public var tolerance: Double?
  /// The most Newton steps over all barrier stages.
  public var maxIterations: Int

  /// A rebalance solver; `tolerance` nil for `RiskBudgetingSolver.defaultTolerance(for:)`.
  public init(tolerance: Double? = nil, maxIterations: Int = 1000) {
    self.tolerance = tolerance
    self.maxIterations = maxIterations
  }

  /// Solves the rebalance.
  ///
  /// - Parameters:
  ///   - covariance: Σ, positive definite (factored once to check; only the lower triangle is
  ///     read).
  ///   - currentWeights: `w0 ≥ 0`; need not sum to 1 (cash, drift) — the trades bring it to 1.
  ///   - expectedReturns: μ, in Σ's units (annual with an annual Σ); `nil` for zeros.
  ///   - riskAversion: λ ≥ 0, the weight of expected return against volatility.
  ///   - costs: `cᵢ ≥ 0` per unit of weight traded (10 bp = 0.001); `nil` for none.
  ///   - caps: `uᵢ ≥ 0` (`.infinity` for none); `nil` for none. A zero cap forces a sale to 0.
  /// - Throws: `.dimensionMismatch`; `.nonFiniteInput`; `.notPositiveDefinite(failingMinor:)`;
  ///   `.parameterOutOfRange` for negative weights, costs, caps or λ, or caps summing to less
  ///   than 1; `.noConvergence`.
  /// - Complexity: O(d³/3) per Newton step; typically 50–150 steps.
  @specialized(where T == Double)
  @specialized(where T == Float)
  public func solve<T: BLASScalar>(
    covariance: Matrix<T>, currentWeights: [T], expectedReturns: [T]? = nil, riskAversion: T = 0,
    costs: [T]? = nil, caps: [T]? = nil
  ) throws(RiskKernelsError) -> RebalanceSolution<T> {
    let tol = tolerance ?? RiskBudgetingSolver.defaultTolerance(for: T.self)
    guard tol.isFinite, tol > 0 else {
      throw .parameterOutOfRange(name: .tolerance, value: tol, allowed: "> 0")
    }
    guard maxIterations >= 1 else {
      throw .parameterOutOfRange(
        name: "maxIterations", value: Double(maxIterations), allowed: "≥ 1")
    }
    try covariance.checkSquare("covariance")
    let d = covariance.rows
    guard d >= 1 else {
      throw .insufficientData(argument: "covariance assets", required: 1, actual: 0)
    }
    try checkCount(currentWeights, d, "currentWeights")
    try checkAllFinite(currentWeights, "currentWeights")
    try checkNonNegative(currentWeights, "currentWeights")
    let mu = expectedReturns ?? [T](repeating: 0, count: d)
    try checkCount(mu, d, "expectedReturns")
    try checkAllFinite(mu, "expectedReturns")
    guard riskAversion.isFinite, riskAversion >= 0 else {
      throw .parameterOutOfRange(
        name: "riskAversion", value: Double(riskAversion), allowed: "finite, ≥ 0")
    }
    let c = costs ?? [T](repeating: 0, count: d)
    try checkCount(c, d, "costs")
    try checkAllFinite(c, "costs")
    try checkNonNegative(c, "costs")
    let u = caps ?? [T](repeating: .infinity, count: d)
    try checkCount(u, d, "caps")
    if let index = u.firstIndex(where: { $0.isNaN }) {
      throw .nonFiniteInput(argument: "caps", index: index)
    }
    try checkNonNegative(u, "caps")
    let capSum = u.reduce(0.0) { $0 + Swift.min(Double($1), 1) }
    guard capSum >= 1 - 1e-12 else {
      throw .parameterOutOfRange(
        name: .capSum, value: capSum,
        allowed: "≥ 1 (no long-only weights sum to 1 under these caps)")
    }
    let sigma = covariance.converted(to: Double.self)
    _ = try Cholesky(sigma)
    var barrier = RebalanceBarrier(
      sigma: sigma, w0: currentWeights.map(Double.init), mu: mu.map(Double.init),
      lambda: Double(riskAversion), costs: c.map(Double.init),
      caps: u.map { Swift.min(Double($0), 1) }, tolerance: tol, maxIterations: maxIterations)
    let result = try BLASThreads.withOneThread { () throws(RiskKernelsError) in try barrier.solve()
    }
    let weights = result.weights.map { T($0) }
    return RebalanceSolution(
      weights: weights, trades: zip(weights, currentWeights).map { $0 - $1 },
      tradingCost: T(result.cost), objective: T(result.objective),
      portfolioVolatility: T(result.volatility),
      convergence: ConvergenceReport(
        iterations: result.iterations, matrixProducts: result.factorisations, residual: result.gap,
        tolerance: tol))
  }
}

/// What `CostAwareRebalance` found.
public struct RebalanceSolution<Scalar: BLASScalar>: Sendable, Equatable {
  /// The new weights: `Σwᵢ = 1`, `0 ≤ wᵢ ≤ uᵢ`.
  public let weights: [Scalar]
  /// `w − w0`: positive to buy, negative to sell (exactly 0 inside the no-trade region only to
  /// within the tolerance).
  public let trades: [Scalar]
  /// `Σ cᵢ |wᵢ − w0ᵢ|`.
  public let tradingCost: Scalar
  /// `σ_p(w) − λ μᵀw + Σ cᵢ |wᵢ − w0ᵢ|` at the solution.
  public let objective: Scalar
  /// `σ_p(w) = √(wᵀΣw)`.
  public let portfolioVolatility: Scalar
  /// Newton steps, factorisations and the duality-gap bound reached (the objective is within
  /// `residual` of its minimum).
  public let convergence: ConvergenceReport
}
