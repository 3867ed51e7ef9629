internal import RealModule

/// How `RiskBudgetingSolver` computes each Newton step of Spinu's problem.
public enum RiskBudgetingMethod: String, Sendable, Equatable, Codable, CaseIterable {
  /// Spinu's damped Newton with a Cholesky factorisation of the Hessian `Σ + diag(b/x²)` per
  /// step, O(d³/3) each. The exact reference path; it factors Σ first, so a Σ that is not
  /// positive definite is always `.notPositiveDefinite` naming the failing minor.
  case newton
  /// Truncated Newton: the same damped Newton iteration, each step solved by conjugate gradients
  /// on the Hessian preconditioned by its diagonal, with products `Σv` (one `?symv`, O(d²)) and
  /// no factorisation. The default: near the solution the preconditioned Hessian has a condition
  /// number close to 2 for positively correlated assets, so a step costs a handful of products.
  case newtonCG
}

/// Risk budgeting (equal risk contribution by default) by Spinu's convex formulation.
///
/// Finds long-only weights `w` (`Σwᵢ = 1`) whose risk contributions `RCᵢ = wᵢ(Σw)ᵢ/σ_p` equal
/// `bᵢ·σ_p`:
/// ```
/// minimise F(x) = ½ xᵀΣx − Σᵢ bᵢ ln xᵢ   (x > 0);   ∇F = Σx − b/x;   ∇²F = Σ + diag(b/x²)
/// Newton step d = (∇²F)⁻¹∇F, decrement λ = √(∇Fᵀd)
/// x ← x − d/(1+λ) while λ > λ* = 0.95·(3−√5)/2, x ← x − d afterwards;   w = x / Σx
/// stop when max_i |RC_i/σ_p − b_i| ≤ tolerance   (RC_i/σ_p = w_i(Σw)_i / wᵀΣw)
/// ```
/// At the minimiser `xᵢ(Σx)ᵢ = bᵢ`, so the risk contributions of `w = x/Σx` are exactly the
/// budgets. Source: F. Spinu, "An algorithm for computing risk parity weights", SSRN 2297383
/// (2013); the damped phase is Nesterov's for self-concordant functions.
///
/// - **Budgets** are non-negative and sum to 1 (to within 1e-6; they are then normalised). An
///   asset with budget 0 gets weight exactly 0 and the rest is solved on the other assets.
/// - **Caps** `wᵢ ≤ uᵢ` give Richard & Roncalli's constrained risk budgeting: assets below their
///   cap have `RCᵢ/σ_p = κ·bᵢ` for one common `κ`, capped assets contribute at most `κ·bᵢ`.
///   Solved by an active-set Newton method on those optimality conditions (exact path, Cholesky).
/// - **Warm start**: previous weights; the solve takes 0 iterations when they already meet the
///   tolerance.
/// - Only the lower triangle of Σ is read. By default Σ is factored once up front, so a Σ that
///   is not positive definite is `.notPositiveDefinite(failingMinor:)`. That factorisation costs
///   O(d³/3), more than the `newtonCG` solve itself at d ≥ 100 (1.3 ms at d = 500 against about
///   0.35 ms). An estimate known positive definite skips it by default through
///   `solve(estimate:…)`: a Ledoit-Wolf or OAS estimate (its estimator proves it), a
///   `StreamingCovariance` estimate (it carries the factor it keeps current), or any estimate the
///   caller built with the factor it already had (`CovarianceEstimate(…, cholesky:)`). A caller
///   who knows it of a bare matrix sets `verifiesPositiveDefiniteness = false`. The `newtonCG` path then still diagnoses any sign of
///   trouble it meets (negative curvature, `xᵀΣx ≤ 0`, a non-positive diagonal) with a Cholesky
///   factorisation, but an indefinite Σ that happens to admit a solution `x > 0` with
///   `xᵢ(Σx)ᵢ = bᵢ` (e.g. `[[1, 2], [2, 1]]`) is then solved without complaint.
///
/// A `Sendable` value: share one solver between threads freely. Solves pin OpenBLAS to one thread
/// (`BLASThreads`), so results are bit-identical whatever the thread count.
///
/// Tested against: the published pyrb 8-asset case (Richard & Roncalli), closed forms (diagonal Σ,
/// two assets, constant correlation), SciPy reference solutions (fixtures in `riskparity/`), the
/// optimality conditions of capped solutions, and agreement of both methods.
public struct RiskBudgetingSolver: Sendable, Equatable {
  /// Stop when `max_i |RC_i/σ_p − κ·b_i| ≤ tolerance`. `nil` means `defaultTolerance(for:)`:
  /// 1e-10 in `Double` and 1e-6 in `Float`.
  public var tolerance: Double?
  /// The most Newton iterations before `.noConvergence` is thrown.
  public var maxIterations: Int
  /// How each Newton step is computed.
  public var method: RiskBudgetingMethod
  /// Whether Σ is factored once up front to prove it positive definite (see above). The exact
  /// `newton` path always factors it.
  public var verifiesPositiveDefiniteness: Bool

  /// A solver; `tolerance` nil for `defaultTolerance(for:)`.
  public init(
    tolerance: Double? = nil, maxIterations: Int = 100, method: RiskBudgetingMethod = .newtonCG,
    verifiesPositiveDefiniteness: Bool = true
  ) {
    self.tolerance = tolerance
    self.maxIterations = maxIterations
    self.method = method
    self.verifiesPositiveDefiniteness = verifiesPositiveDefiniteness
  }

  /// The tolerance used for scalar type `T`: `tolerance`, or `defaultTolerance(for:)`.
  public func effectiveTolerance<T: BLASScalar>(for _: T.Type) -> Double {
    tolerance ?? Self.defaultTolerance(for: T.self)
  }

  /// The default stopping tolerance of the library's Newton solvers: 1e-10, or, when the
  /// precision cannot reach it, the smallest power of ten at or above `8ε` (the smallest
  /// tolerance the solvers accept). That is 1e-10 in `Double` and 1e-6 in `Float`.
  public static func defaultTolerance<T: BLASScalar>(for _: T.Type) -> Double {
    let reachable = Double.pow(10, (Double.log10(8 * Double(T.ulpOfOne))).rounded(.up))
    return Swift.max(1e-10, reachable)
  }

  /// Solves the risk-budgeting problem for an estimate's covariance: `solve(covariance:…)` on
  /// `estimate.covariance`, except that an estimate known positive definite
  /// (`CovarianceEstimate.isKnownPositiveDefinite`: Ledoit-Wolf and OAS with a positive
  /// shrinkage prove it; a streaming estimate, or one built with a factor, carries its Cholesky
  /// factor) is not factored up front. The proof or the factor stands in for the factorisation,
  /// so the default is both safe and fast; other estimates are verified as a bare matrix is.
  ///
  /// - Throws: as `solve(covariance:budgets:caps:warmStart:)`.
  public func solve<T: BLASScalar>(
    estimate: CovarianceEstimate<T>, budgets: [T]? = nil, caps: [T]? = nil, warmStart: [T]? = nil
  ) throws(RiskKernelsError) -> RiskBudgetingSolution<T> {
    var solver = self
    if estimate.isKnownPositiveDefinite { solver.verifiesPositiveDefiniteness = false }
    return try solver.solve(
      covariance: estimate.covariance, budgets: budgets, caps: caps, warmStart: warmStart)
  }

  /// Solves the risk-budgeting problem for `covariance`.
  ///
  /// - Parameters:
  ///   - covariance: Σ, symmetric positive definite; only its lower triangle is read.
  ///   - budgets: `b`, non-negative, summing to 1; `nil` for equal budgets `1/d`.
  ///   - caps: per-asset upper bounds `uᵢ > 0` on the weights (`.infinity` for none); `nil` for
  ///     no caps.
  ///   - warmStart: previous weights to start from (positive wherever the budget is).
  /// - Throws: `.dimensionMismatch`; `.nonFiniteInput`; `.notPositiveDefinite(failingMinor:)`;
  ///   `.parameterOutOfRange` for invalid budgets, caps summing to less than 1 (infeasible),
  ///   a non-positive warm-start weight, a tolerance the precision cannot reach or
  ///   `maxIterations < 1`; `.noConvergence(iterations:residual:tolerance:)`.
  /// - Complexity: `newtonCG`: O(d²) per conjugate-gradient step, typically 10–40 in all, plus
  ///   one O(d³/3) factorisation when verifying Σ; `newton` and capped solves: O(d³/3) per
  ///   iteration, typically 5–10.
  @specialized(where T == Double)
  @specialized(where T == Float)
  public func solve<T: BLASScalar>(
    covariance: Matrix<T>, budgets: [T]? = nil, caps: [T]? = nil, warmStart: [T]? = nil
  ) throws(RiskKernelsError) -> RiskBudgetingSolution<T> {
    let tol = effectiveTolerance(for: T.self)
    guard tol.isFinite, tol >= Double(8 * T.ulpOfOne) else {
      throw .parameterOutOfRange(name: .tolerance, value: tol, allowed: "≥ \(8 * T.ulpOfOne)")
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
    let b = try validatedBudgets(budgets, count: d)
    let active = b.indices.filter { b[$0] > 0 }
    var activeCaps: [T]? = nil
    if let caps {
      try validateCaps(caps, count: d, budgets: b)
      activeCaps = active.map { caps[$0] }
    }
    var start: [T]? = nil
    if let warmStart { start = try validatedWarmStart(warmStart, count: d, active: active) }
    let problem = try RiskBudgetingProblem(
      covariance: active.count == d ? covariance : covariance.principalSubmatrix(active),
      budgets: active.map { b[$0] }, tolerance: T(tol), maxIterations: maxIterations)
    let solved = try BLASThreads.withOneThread {
      () throws(RiskKernelsError) -> RiskBudgetingIterate<T> in
      if let activeCaps, activeCaps.contains(where: { $0 < 1 }) {
        return try problem.solveCapped(
          caps: activeCaps, start: start, method: method, verified: verifiesPositiveDefiniteness)
      }
      return try problem.solve(start: start, method: method, verified: verifiesPositiveDefiniteness)
    }
    var weights = [T](repeating: 0, count: d)
    var product = [T](repeating: 0, count: d)
    for (k, i) in active.enumerated() {
      weights[i] = solved.weights[k]
      product[i] = solved.product[k]
    }
    return RiskBudgetingSolution(
      weights: weights, risk: RiskContributions(weights: weights, product: product), budgets: b,
      cappedAssets: solved.capped.map { active[$0] }.sorted(), budgetScale: solved.budgetScale,
      convergence: ConvergenceReport(
        iterations: solved.iterations, matrixProducts: solved.products,
        residual: Double(solved.residual), tolerance: tol))
  }

  /// Budgets checked (finite, ≥ 0, one positive, summing to 1 within 1e-6) and normalised.
  private func validatedBudgets<T: BLASScalar>(_ budgets: [T]?, count d: Int)
    throws(RiskKernelsError) -> [T]
  {
    guard let budgets else { return [T](repeating: 1 / T(d), count: d) }
    try checkCount(budgets, d, "budgets")
    try checkAllFinite(budgets, "budgets")
    var sum: Double = 0
    for (i, value) in budgets.enumerated() {
      guard value >= 0 else {
        throw .parameterOutOfRange(
          name: ParameterName.budgets.element(i), value: Double(value), allowed: "≥ 0")
      }
      sum += Double(value)
    }
    guard abs(sum - 1) <= Swift.max(1e-6, Double(T.ulpOfOne) * Double(d) * 4) else {
      throw .parameterOutOfRange(name: .budgetSum, value: sum, allowed: "1 (to within 1e-6)")
    }
    return budgets.map { T(Double($0) / sum) }
  }

  /// Caps checked: finite or +∞, > 0 where the budget is positive, and feasible (`Σuᵢ ≥ 1`).
  private func validateCaps<T: BLASScalar>(
    _ caps: [T], count d: Int, budgets: [T]
  ) throws(RiskKernelsError) {
    try checkCount(caps, d, "caps")
    var sum: Double = 0
    for (i, cap) in caps.enumerated() where budgets[i] > 0 {
      guard !cap.isNaN else { throw .nonFiniteInput(argument: "caps", index: i) }
      guard cap > 0 else {
        throw .parameterOutOfRange(
          name: ParameterName.caps.element(i), value: Double(cap),
          allowed: "> 0 (give the asset a zero budget to exclude it)")
      }
      sum += Double(Swift.min(cap, 1))
    }
    guard sum >= 1 - 1e-12 else {
      throw .parameterOutOfRange(
        name: .capSum, value: sum,
        allowed: "≥ 1 (no long-only weights sum to 1 under these caps)")
    }
  }

  /// Warm-start weights checked and restricted to the assets with a positive budget.
  private func validatedWarmStart<T: BLASScalar>(
    _ weights: [T], count d: Int, active: [Int]
  ) throws(RiskKernelsError) -> [T] {
    try checkCount(weights, d, "warmStart")
    for i in active {
      guard weights[i].isFinite else { throw .nonFiniteInput(argument: "warmStart", index: i) }
      guard weights[i] > 0 else {
        throw .parameterOutOfRange(
          name: ParameterName("warmStart", index: i), value: Double(weights[i]),
          allowed: "> 0 where the budget is positive")
      }
    }
    return active.map { weights[$0] }
  }
}
