/// Spinu's damped Newton method with each step solved inexactly by preconditioned conjugate
/// gradients (`RiskBudgetingMethod.newtonCG`): no factorisation, one product `Σp` per CG step.
///
/// ```
/// H = Σ + D, D = diag(b/x²);  M = diag(Σᵢᵢ + bᵢ/xᵢ²)  (Jacobi preconditioner)
/// CG on H d = g from d = 0 until ‖r‖_{M⁻¹} ≤ η‖g‖_{M⁻¹},  η = max(min(½, ‖g‖_{M⁻¹}), 0.1·tol/residual)
/// ```
/// Why it is cheap: with `X = diag(x)`, `XHX = XΣX + diag(b)` and at the solution
/// `XΣX·1 = b`. For equal budgets and non-negative correlations Perron–Frobenius puts the
/// eigenvalues of `XHX`, and its diagonal, in `[1/d, 2/d]`, so the diagonally preconditioned
/// Hessian has a condition number of at most 4 and CG gains about a digit per product. `‖g‖_{M⁻¹}` approximates the Newton
/// decrement, so the forcing term `η` gives quadratic convergence, and its floor stops the last
/// step from solving to more digits than the tolerance asks for (Dembo, Eisenstat & Steihaug,
/// "Inexact Newton methods", SIAM J. Numer. Anal. 19(2), 1982).
///
/// `Σd` is accumulated from the CG products, so the iterate's `Σx` is updated without a product;
/// the residual is always confirmed on a fresh product before the solve returns. Negative
/// curvature `pᵀΣp < 0` proves Σ is not positive semi-definite and is diagnosed (`diagnose()`); a
/// CG solve that stalls (`cgLimit` steps) hands over to the exact path from the current point.
extension RiskBudgetingProblem {
  /// The most CG steps per Newton step before falling back to the exact path.
  var cgLimit: Int { Swift.min(2 * dimension + 10, 200) }

  @specialized(where T == Double)
  @specialized(where T == Float)
  func truncatedNewtonSolve(start: [T]?) throws(RiskKernelsError) -> RiskBudgetingIterate<T> {
    let d = dimension
    var (x, y) = try startingPoint(start)
    var products = 1
    var fresh = true
    let diagonal = covariance.diagonal
    var gradient = [T](repeating: 0, count: d)
    var curvature = gradient  // D = b/x²
    var inverseM = gradient
    var direction = gradient  // d
    var sigmaDirection = gradient  // Σd
    var r = gradient
    var z = gradient
    var p = gradient
    var sigmaP = gradient
    var candidateX = gradient
    var candidateY = gradient
    var scratch = gradient
    var residual = self.residual(x, y)
    var iteration = 0
    while true {
      guard !residual.isNaN else {
        return try fallBack(from: nil, after: iteration, products: products)
      }
      if residual <= tolerance {
        if fresh {
          return RiskBudgetingIterate(
            x: x, y: y, iterations: iteration, products: products, residual: residual)
        }
        try product(x, into: &y)
        products += 1
        fresh = true
        residual = self.residual(x, y)
        continue
      }
      if iteration == maxIterations {
        throw .noConvergence(
          iterations: iteration, residual: Double(residual), tolerance: Double(tolerance))
      }
      iteration += 1

      // Newton system H d = g by Jacobi-preconditioned CG from d = 0.
      var rz: T = 0
      for i in 0..<d {
        gradient[i] = y[i] - budgets[i] / x[i]
        curvature[i] = budgets[i] / (x[i] * x[i])
        inverseM[i] = 1 / (diagonal[i] + curvature[i])
        direction[i] = 0
        sigmaDirection[i] = 0
        r[i] = gradient[i]
        z[i] = inverseM[i] * r[i]
        p[i] = z[i]
        rz += r[i] * z[i]
      }
      let gradientNorm = rz.squareRoot()
      let forcing = Swift.max(Swift.min(T(0.5), gradientNorm), T(0.1) * tolerance / residual)
      let target = forcing * gradientNorm
      var solved = false
      for _ in 0..<cgLimit {
        try product(p, into: &sigmaP)
        products += 1
        var pSigmaP: T = 0
        var pHp: T = 0
        for i in 0..<d {
          pSigmaP += p[i] * sigmaP[i]
          pHp += p[i] * (sigmaP[i] + curvature[i] * p[i])
        }
        guard pSigmaP >= 0, pHp > 0 else {
          return try fallBack(from: x, after: iteration, products: products)
        }
        let alpha = rz / pHp
        var rzNext: T = 0
        for i in 0..<d {
          direction[i] += alpha * p[i]
          sigmaDirection[i] += alpha * sigmaP[i]
          r[i] -= alpha * (sigmaP[i] + curvature[i] * p[i])
          z[i] = inverseM[i] * r[i]
          rzNext += r[i] * z[i]
        }
        if rzNext.squareRoot() <= target {
          solved = true
          break
        }
        let beta = rzNext / rz
        rz = rzNext
        for i in 0..<d { p[i] = z[i] + beta * p[i] }
      }
      guard solved else { return try fallBack(from: x, after: iteration, products: products) }

      // Damped step with a sufficient-decrease safeguard (the inexact step carries no guarantee).
      var decrementSquared: T = 0
      for i in 0..<d { decrementSquared += gradient[i] * direction[i] }
      var alpha = stepLength(
        decrement: Swift.max(decrementSquared, 0).squareRoot(), x: x, direction: direction)
      // Below 10⁴ε the decrease ½λ² is lost in rounding: the full step is taken unchecked there
      // (the region of quadratic convergence).
      let checked = decrementSquared > 10_000 * T.ulpOfOne
      var accepted = false
      for _ in 0..<30 {
        for i in 0..<d {
          candidateX[i] = x[i] - alpha * direction[i]
          candidateY[i] = y[i] - alpha * sigmaDirection[i]
        }
        if !checked {
          accepted = true
          break
        }
        let change = objectiveChange(from: x, y, to: candidateX, candidateY, scratch: &scratch)
        if change <= -alpha * decrementSquared / 4 {
          accepted = true
          break
        }
        alpha /= 2
      }
      guard accepted else { return try fallBack(from: x, after: iteration, products: products) }
      swap(&x, &candidateX)
      swap(&y, &candidateY)
      fresh = false
      residual = self.residual(x, y)
    }
  }

  /// Evidence that Σ may not be positive definite, or a stalled CG solve: name the failing minor
  /// if Σ is not positive definite, otherwise finish with the exact path from `x`.
  private func fallBack(from x: [T]?, after iterations: Int, products: Int) throws(RiskKernelsError)
    -> RiskBudgetingIterate<T>
  {
    try diagnose()
    var finished = try newtonSolve(start: x)
    finished.iterations += iterations
    finished.products += products
    return finished
  }
}
