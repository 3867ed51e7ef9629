/// Richard & Roncalli's constrained risk budgeting with per-asset caps `wᵢ ≤ uᵢ` (liquidity
/// limits), by an active-set Newton method on its optimality conditions.
///
/// ```
/// Σwᵢ = 1, 0 < wᵢ ≤ uᵢ, and for one common λ > 0:
///   wᵢ (Σw)ᵢ = λ bᵢ        for assets below their cap (free set F)
///   uᵢ (Σw)ᵢ ≤ λ bᵢ        for assets at their cap (capped set C; multiplier νᵢ = λbᵢ/uᵢ − (Σw)ᵢ ≥ 0)
/// ```
/// So free assets keep risk contributions in the budgets' proportions, `RCᵢ/σ_p = κ bᵢ` with
/// `κ = λ/σ_p²`, and a capped asset contributes no more than its scaled budget. Source:
/// T. Richard & T. Roncalli, "Constrained risk budgeting portfolios: theory, algorithms,
/// applications and puzzles", arXiv:1902.05710 (2019), the KKT conditions of their problem with
/// box constraints.
///
/// For a fixed capped set, Newton's method on `(w_F, λ)`:
/// ```
/// [Σ_FF + λ diag(b/w²)   −b/w] [Δw]   [−((Σw)_F − λ b/w)]
/// [1ᵀ                      0 ] [Δλ] = [0                 ]
/// ```
/// with one Cholesky factorisation and two solves per step, a step kept inside `w > 0, λ > 0`,
/// and backtracking on `max |wᵢ(Σw)ᵢ − λbᵢ|`. The capped set starts empty; the most violated cap
/// joins it, or the capped asset with the most negative multiplier leaves it, one at a time,
/// until the conditions hold.
extension RiskBudgetingProblem {
  @specialized(where T == Double)
  @specialized(where T == Float)
  func solveCapped(
    caps: [T], start: [T]?, method: RiskBudgetingMethod, verified: Bool
  ) throws(RiskKernelsError) -> RiskBudgetingIterate<T> {
    let d = dimension
    let unconstrained = try solve(start: start, method: method, verified: verified)
    var iterations = unconstrained.iterations
    var products = unconstrained.products
    guard let first = mostViolatedCap(unconstrained.weights, caps) else { return unconstrained }
    var capped = Set([first])
    var w = unconstrained.weights
    var y = [T](repeating: 0, count: d)
    for _ in 0..<(2 * d + 2) {
      var free = (0..<d).filter { !capped.contains($0) }
      let cappedTotal = capped.reduce(T(0)) { $0 + caps[$1] }
      // The free caps just fill the room left (the caps sum to 1): w = u is the only feasible point.
      if free.reduce(T(0), { $0 + Swift.min(caps[$1], 1) }) <= (1 - cappedTotal)
        * (1 + 8 * T.ulpOfOne)
      {
        capped.formUnion(free)
        free = []
      }
      if free.isEmpty {
        for i in 0..<d { w[i] = caps[i] }
        try product(w, into: &y)
        products += 1
        return finish(w, y, capped: capped, iterations: iterations, products: products)
      }
      let room = 1 - cappedTotal
      guard room > 0 else {
        throw .noConvergence(iterations: iterations, residual: .nan, tolerance: Double(tolerance))
      }
      // Feasible start: capped at u, free weights rescaled to fill the room.
      var freeSum: T = 0
      for i in free { freeSum += w[i] }
      for i in 0..<d { w[i] = capped.contains(i) ? caps[i] : w[i] * room / freeSum }
      let steps = try newtonOnFreeSet(&w, &y, free: free, products: &products)
      iterations += steps
      if let violated = mostViolatedCap(w, caps) {
        capped.insert(violated)
        continue
      }
      let lambda = scaleFactor(w, y, free: free)
      // Release the capped asset whose multiplier νᵢ = λbᵢ/uᵢ − (Σw)ᵢ is most negative.
      var release: (index: Int, excess: T)?
      for i in capped {
        let excess = caps[i] * y[i] - lambda * budgets[i]
        if excess > tolerance * lambda, excess > (release?.excess ?? 0) { release = (i, excess) }
      }
      if let release {
        capped.remove(release.index)
        continue
      }
      return finish(w, y, capped: capped, iterations: iterations, products: products)
    }
    throw .noConvergence(iterations: iterations, residual: .nan, tolerance: Double(tolerance))
  }

  /// The asset exceeding its cap by the largest ratio `wᵢ/uᵢ > 1`, if any.
  private func mostViolatedCap(_ w: [T], _ caps: [T]) -> Int? {
    var worst: (index: Int, ratio: T)?
    for i in w.indices where w[i] > caps[i] {
      let ratio = w[i] / caps[i]
      if ratio > (worst?.ratio ?? 1) { worst = (i, ratio) }
    }
    return worst?.index
  }

  /// `λ = Σ_F wᵢ(Σw)ᵢ / Σ_F bᵢ`, the least-squares scale of the free assets' contributions.
  private func scaleFactor(_ w: [T], _ y: [T], free: [Int]) -> T {
    var contribution: T = 0
    var budget: T = 0
    for i in free {
      contribution += w[i] * y[i]
      budget += budgets[i]
    }
    return contribution / budget
  }

  /// The reported residual `max(max_F |RCᵢ/σ_p − κbᵢ|, max_C (RCᵢ/σ_p − κbᵢ)⁺)` with
  /// `RCᵢ/σ_p = wᵢ(Σw)ᵢ/σ_p²` and `κ = λ/σ_p²`. With every asset capped (the caps sum to 1),
  /// `w = u` is the only feasible point and so the solution: κ is then the largest
  /// `(RCᵢ/σ_p)/bᵢ`, for which every capped condition holds, and the residual is 0 (it was
  /// computed with κ = 1 and reported 0.17 with the solution exact).
  func cappedResidual(_ w: [T], _ y: [T], capped: Set<Int>) -> (residual: T, scale: T) {
    var variance: T = 0
    for i in w.indices { variance += w[i] * y[i] }
    let free = w.indices.filter { !capped.contains($0) }
    let kappa =
      free.isEmpty
      ? w.indices.filter { budgets[$0] > 0 }.map { w[$0] * y[$0] / variance / budgets[$0] }.max()
        ?? 1
      : scaleFactor(w, y, free: free) / variance
    var worst: T = 0
    for i in w.indices {
      let gap = w[i] * y[i] / variance - kappa * budgets[i]
      worst = Swift.max(worst, capped.contains(i) ? Swift.max(gap, 0) : Swift.abs(gap))
    }
    return (worst, kappa)
  }

  private func finish(_ w: [T], _ y: [T], capped: Set<Int>, iterations: Int, products: Int)
    -> RiskBudgetingIterate<T>
  {
    let (residual, kappa) = cappedResidual(w, y, capped: capped)
    return RiskBudgetingIterate(
      weights: w, product: y, iterations: iterations, products: products, residual: residual,
      capped: capped.sorted(), budgetScale: kappa)
  }

  /// Newton's method on `(w_F, λ)` for a fixed capped set; `w` enters feasible (`Σw = 1`,
  /// capped entries at their caps) and leaves with the free conditions met to the tolerance.
  /// Returns the iterations taken.
  private func newtonOnFreeSet(
    _ w: inout [T], _ y: inout [T], free: [Int], products: inout Int
  ) throws(RiskKernelsError) -> Int {
    let m = free.count
    let capped = Set((0..<dimension).filter { !free.contains($0) })
    let block = covariance.principalSubmatrix(free)
    try product(w, into: &y)
    products += 1
    var lambda = scaleFactor(w, y, free: free)
    var merit = freeMerit(w, y, lambda, free)
    var candidate = w
    for iteration in 0...maxIterations {
      let (residual, _) = cappedResidual(w, y, capped: capped)
      guard !residual.isNaN else {
        try diagnose()
        throw .noConvergence(iterations: iteration, residual: .nan, tolerance: Double(tolerance))
      }
      if residual <= tolerance { return iteration }
      if iteration == maxIterations { break }
      var k = block
      var rhs = try Matrix<T>(rows: m, columns: 2)
      for (a, i) in free.enumerated() {
        k.storage[a + a * m] += lambda * budgets[i] / (w[i] * w[i])
        rhs.storage[a] = -(y[i] - lambda * budgets[i] / w[i])
        rhs.storage[a + m] = budgets[i] / w[i]
      }
      if let minor = try T._potrf(&k, .lower) {
        throw .notPositiveDefinite(failingMinor: free[minor - 1] + 1)
      }
      try T._potrs(k, .lower, &rhs)
      var sum1: T = 0
      var sum2: T = 0
      for a in 0..<m {
        sum1 += rhs.storage[a]
        sum2 += rhs.storage[a + m]
      }
      let deltaLambda = -sum1 / sum2
      var alpha: T = 1
      if lambda + deltaLambda <= 0 { alpha = T(0.99) * lambda / -deltaLambda }
      for (a, i) in free.enumerated() {
        let step = rhs.storage[a] + deltaLambda * rhs.storage[a + m]
        if step < 0 { alpha = Swift.min(alpha, T(0.99) * w[i] / -step) }
      }
      var improved = false
      for _ in 0..<30 {
        candidate = w
        for (a, i) in free.enumerated() {
          candidate[i] = w[i] + alpha * (rhs.storage[a] + deltaLambda * rhs.storage[a + m])
        }
        try product(candidate, into: &y)
        products += 1
        let next = freeMerit(candidate, y, lambda + alpha * deltaLambda, free)
        if next < merit {
          merit = next
          improved = true
          break
        }
        alpha /= 2
      }
      guard improved else { break }
      w = candidate
      lambda += alpha * deltaLambda
    }
    try product(w, into: &y)
    products += 1
    let (residual, _) = cappedResidual(w, y, capped: capped)
    throw .noConvergence(
      iterations: maxIterations, residual: Double(residual), tolerance: Double(tolerance))
  }

  /// `max_F |wᵢ(Σw)ᵢ − λbᵢ|`: what Newton's steps on the free set drive to zero.
  private func freeMerit(_ w: [T], _ y: [T], _ lambda: T, _ free: [Int]) -> T {
    var worst: T = 0
    for i in free { worst = Swift.max(worst, Swift.abs(w[i] * y[i] - lambda * budgets[i])) }
    return worst
  }
}
