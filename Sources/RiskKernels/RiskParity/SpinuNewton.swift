/// Spinu's damped Newton method with a Cholesky factorisation of the Hessian per step: the exact
/// reference path (`RiskBudgetingMethod.newton`).
///
/// ```
/// g = Σx − b/x,  H = Σ + diag(b/x²) = LLᵀ,  d = H⁻¹g,  λ = √(gᵀd)
/// x ← x − α d,   α = 1/(1+λ) while λ > λ*, else 1
/// ```
/// Source: F. Spinu, "An Algorithm for Computing Risk Parity Weights", SSRN 2297383 (2013). A Hessian that fails to factor (possible only when Σ
/// is numerically singular) is `.notPositiveDefinite`, never a garbage step.
extension RiskBudgetingProblem {
  @specialized(where T == Double)
  @specialized(where T == Float)
  func newtonSolve(start: [T]?) throws(RiskKernelsError) -> RiskBudgetingIterate<T> {
    let d = dimension
    var (x, y) = try startingPoint(start)
    var products = 1
    var gradient = [T](repeating: 0, count: d)
    var residual = self.residual(x, y)
    for iteration in 0...maxIterations {
      guard !residual.isNaN else {
        try diagnose()
        throw .noConvergence(iterations: iteration, residual: .nan, tolerance: Double(tolerance))
      }
      if residual <= tolerance {
        return RiskBudgetingIterate(
          x: x, y: y, iterations: iteration, products: products, residual: residual)
      }
      if iteration == maxIterations { break }
      for i in 0..<d { gradient[i] = y[i] - budgets[i] / x[i] }
      var hessian = covariance
      for i in 0..<d { hessian.storage[i + i * d] += budgets[i] / (x[i] * x[i]) }
      if let minor = try T._potrf(&hessian, .lower) {
        throw .notPositiveDefinite(failingMinor: minor)
      }
      var direction = try Matrix(rows: d, columns: 1, columnMajor: gradient)
      try T._potrs(hessian, .lower, &direction)
      var decrementSquared: T = 0
      for i in 0..<d { decrementSquared += gradient[i] * direction.storage[i] }
      let alpha = stepLength(
        decrement: Swift.max(decrementSquared, 0).squareRoot(), x: x, direction: direction.storage)
      for i in 0..<d { x[i] -= alpha * direction.storage[i] }
      try product(x, into: &y)
      products += 2
      residual = self.residual(x, y)
    }
    throw .noConvergence(
      iterations: maxIterations, residual: Double(residual), tolerance: Double(tolerance))
  }
}
