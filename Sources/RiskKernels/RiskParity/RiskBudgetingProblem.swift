/// One risk-budgeting problem on the assets with a positive budget: Σ (lower triangle), budgets
/// summing to 1, and the stopping rule. The solvers (`SpinuNewton`, `TruncatedNewton`,
/// `CappedRiskBudgeting`) extend it.
struct RiskBudgetingProblem<T: BLASScalar>: Sendable {
  let covariance: Matrix<T>
  let budgets: [T]
  let tolerance: T
  let maxIterations: Int

  init(covariance: Matrix<T>, budgets: [T], tolerance: T, maxIterations: Int)
    throws(RiskKernelsError)
  {
    self.covariance = covariance
    self.budgets = budgets
    self.tolerance = tolerance
    self.maxIterations = maxIterations
    for i in 0..<covariance.rows where !(covariance[i, i] > 0) {
      try diagnose()
      throw .notPositiveDefinite(failingMinor: i + 1)
    }
  }

  var dimension: Int { budgets.count }

  /// `y = Σx` (`?symv` on the lower triangle).
  func product(_ x: [T], into y: inout [T]) throws(RiskKernelsError) {
    try T._symv(covariance, .lower, x, alpha: 1, beta: 0, into: &y)
  }

  /// `max_i |x_i y_i / xᵀy − b_i|` for `y = Σx`: the distance of the relative risk contributions
  /// of `w = x/Σx` from the budgets (scale-free, so it applies to `x` directly). NaN when
  /// `xᵀy ≤ 0` or a value is not finite.
  func residual(_ x: [T], _ y: [T]) -> T {
    var q: T = 0
    for i in x.indices { q += x[i] * y[i] }
    guard q > 0, q.isFinite else { return .nan }
    var worst: T = 0
    for i in x.indices {
      let gap = Swift.abs(x[i] * y[i] / q - budgets[i])
      guard !gap.isNaN else { return .nan }
      worst = Swift.max(worst, gap)
    }
    return worst
  }

  /// The starting point: `v` (warm start, or `vᵢ = √bᵢ/√Σᵢᵢ`, exact for a diagonal Σ) scaled to
  /// the minimiser of F along its ray, `x = v·√(Σb / vᵀΣv)`; returns `x` and `Σx`.
  func startingPoint(_ warm: [T]?) throws(RiskKernelsError) -> (x: [T], y: [T]) {
    var x = warm ?? budgets.indices.map { (budgets[$0] / covariance[$0, $0]).squareRoot() }
    var y = [T](repeating: 0, count: dimension)
    try product(x, into: &y)
    var q: T = 0
    for i in x.indices { q += x[i] * y[i] }
    guard q > 0, q.isFinite else {
      try diagnose()
      throw .notPositiveDefinite(failingMinor: dimension)
    }
    let scale = (1 / q).squareRoot()
    for i in x.indices {
      x[i] *= scale
      y[i] *= scale
    }
    return (x, y)
  }

  /// `F(x′) − F(x) = ½(x′ᵀy′ − xᵀy) − Σ bᵢ ln(x′ᵢ/xᵢ)` for `y = Σx`, `y′ = Σx′` (one vectorised
  /// SLEEF log over `scratch`).
  func objectiveChange(from x: [T], _ y: [T], to next: [T], _ nextY: [T], scratch: inout [T]) -> T {
    var quadratic: T = 0
    for i in x.indices {
      quadratic += next[i] * nextY[i] - x[i] * y[i]
      scratch[i] = next[i] / x[i]
    }
    T._vlog(&scratch)
    var logarithmic: T = 0
    for i in x.indices { logarithmic += budgets[i] * scratch[i] }
    return quadratic / 2 - logarithmic
  }

  /// Names what is wrong with Σ when an iteration met evidence that it is not positive definite:
  /// throws `.nonFiniteInput` or `.notPositiveDefinite(failingMinor:)` from a Cholesky
  /// factorisation. Returns if Σ turns out positive definite after all (then the caller falls
  /// back to the exact path).
  func diagnose() throws(RiskKernelsError) {
    try covariance.checkFinite("covariance")
    _ = try Cholesky(covariance)
  }

  /// Newton's step length: damped `1/(1+λ)` while the decrement `λ > λ*`, full afterwards, then
  /// shortened if needed so that `x − α·d` stays positive (at most 99% of the way to the
  /// boundary).
  func stepLength(decrement: T, x: [T], direction: [T]) -> T {
    var alpha: T = decrement > Self.dampingThreshold ? 1 / (1 + decrement) : 1
    for i in x.indices where direction[i] > 0 {
      alpha = Swift.min(alpha, T(0.99) * x[i] / direction[i])
    }
    return alpha
  }

  /// λ* = 0.95·(3 − √5)/2: below it, Newton's method on a self-concordant function converges
  /// quadratically from the full step (Spinu 2013, after Nesterov).
  static var dampingThreshold: T { T(0.95 * (3 - 5.0.squareRoot()) / 2) }

  /// The unconstrained solve by `method` (after factoring Σ when `verified`), with the exact
  /// path as a fallback when the conjugate-gradient steps stall on an ill-conditioned Hessian.
  func solve(start: [T]?, method: RiskBudgetingMethod, verified: Bool) throws(RiskKernelsError)
    -> RiskBudgetingIterate<T>
  {
    if verified || method == .newton { try diagnose() }
    switch method {
    case .newton:
      return try newtonSolve(start: start)
    case .newtonCG:
      return try truncatedNewtonSolve(start: start)
    }
  }
}

/// A solver's answer on the active assets: normalised weights, `Σw`, and the work it took.
struct RiskBudgetingIterate<T: BLASScalar>: Sendable {
  var weights: [T]
  var product: [T]
  var iterations: Int
  var products: Int
  var residual: T
  var capped: [Int] = []
  var budgetScale: T = 1

  /// From the minimiser `x` of Spinu's F and `y = Σx`: `w = x/Σx`, `Σw = y/Σx`.
  init(x: [T], y: [T], iterations: Int, products: Int, residual: T) {
    var sum: T = 0
    for value in x { sum += value }
    self.weights = x.map { $0 / sum }
    self.product = y.map { $0 / sum }
    self.iterations = iterations
    self.products = products
    self.residual = residual
  }

  init(
    weights: [T], product: [T], iterations: Int, products: Int, residual: T, capped: [Int],
    budgetScale: T
  ) {
    self.weights = weights
    self.product = product
    self.iterations = iterations
    self.products = products
    self.residual = residual
    self.capped = capped
    self.budgetScale = budgetScale
  }
}
