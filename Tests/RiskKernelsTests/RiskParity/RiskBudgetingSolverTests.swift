import Foundation
import RiskKernels
import Testing
import _RiskKernelsTestSupport

@Suite struct RiskBudgetingSolverTests {
  static let methods = RiskBudgetingMethod.allCases

  @Test("Reproduces the published pyrb 8-asset equal-risk weights", arguments: methods)
  func pyrb(method: RiskBudgetingMethod) throws {
    let solution = try RiskBudgetingSolver(method: method).solve(
      covariance: PyrbCase.covariance(Double.self))
    // Published to 4 decimals in percent.
    for (w, published) in zip(solution.weights, PyrbCase.weightsPercent) {
      #expect(abs(w * 100 - published) <= 1e-4, "\(w) vs \(published)%")
    }
    #expect(solution.convergence.residual <= 1e-10)
    #expect(solution.convergence.converged)
    for rc in solution.relativeRiskContributions { #expect(abs(rc - 0.125) <= 1e-10) }
    #expect(abs(solution.weights.reduce(0, +) - 1) <= 1e-14)
    #expect(abs(solution.riskContributions.reduce(0, +) - solution.portfolioVolatility) <= 1e-15)
    #expect(solution.budgetScale == 1 && solution.cappedAssets.isEmpty)
  }

  @Test("The default tolerance comes from the precision: 1e-10 in Double, 1e-6 in Float")
  func defaultTolerance() {
    #expect(RiskBudgetingSolver.defaultTolerance(for: Double.self) == 1e-10)
    #expect(RiskBudgetingSolver.defaultTolerance(for: Float.self) == 1e-6)
    #expect(RiskBudgetingSolver().effectiveTolerance(for: Float.self) == 1e-6)
    #expect(RiskBudgetingSolver(tolerance: 1e-8).effectiveTolerance(for: Float.self) == 1e-8)
  }

  @Test("Float reproduces pyrb to Float's tolerance", arguments: methods)
  func pyrbFloat(method: RiskBudgetingMethod) throws {
    let solution = try RiskBudgetingSolver(method: method).solve(
      covariance: PyrbCase.covariance(Float.self))
    #expect(solution.convergence.tolerance == 1e-6)
    #expect(solution.convergence.residual <= 1e-6)
    for (w, published) in zip(solution.weights, PyrbCase.weightsPercent) {
      #expect(abs(Double(w) * 100 - published) <= 1e-3)
    }
  }

  @Test("Diagonal Σ: wᵢ ∝ √bᵢ/σᵢ")
  func diagonal() throws {
    let vol = [0.1, 0.2, 0.3, 0.05, 0.4]
    let budgets = [0.1, 0.3, 0.2, 0.25, 0.15]
    let sigma = Matrix<Double>.diagonal(vol.map { $0 * $0 })
    let raw = zip(budgets, vol).map { $0.squareRoot() / $1 }
    let expected = raw.map { $0 / raw.reduce(0, +) }
    for method in Self.methods {
      let solution = try RiskBudgetingSolver(method: method).solve(
        covariance: sigma, budgets: budgets)
      #expect(maxAbsoluteDifference(solution.weights, expected) <= 1e-12)
      // The starting point is exact for a diagonal Σ: no iteration needed.
      #expect(solution.convergence.iterations == 0)
    }
  }

  @Test(
    "Two assets with equal budgets: w₁ = σ₂/(σ₁+σ₂) for any ρ",
    arguments: [-0.9, -0.3, 0.0, 0.5, 0.95])
  func twoAssets(rho: Double) throws {
    let sigma: Matrix<Double> = constantCorrelationCovariance([0.2, 0.3], rho: rho)
    for method in Self.methods {
      let w = try RiskBudgetingSolver(method: method).solve(covariance: sigma).weights
      #expect(abs(w[0] - 0.6) <= 1e-11 && abs(w[1] - 0.4) <= 1e-11, "ρ = \(rho): \(w)")
    }
  }

  @Test(
    "Constant correlation, equal budgets: inverse-volatility weights", arguments: [0.0, 0.3, 0.8])
  func constantCorrelation(rho: Double) throws {
    let vol = (0..<12).map { 0.05 + 0.03 * Double($0) }
    let sigma: Matrix<Double> = constantCorrelationCovariance(vol, rho: rho)
    let inverse = vol.map { 1 / $0 }
    let expected = inverse.map { $0 / inverse.reduce(0, +) }
    for method in Self.methods {
      let w = try RiskBudgetingSolver(method: method).solve(covariance: sigma).weights
      #expect(maxAbsoluteDifference(w, expected) <= 1e-11)
    }
  }

  @Test("Agrees with SciPy's hybrid Powell solution (fixture factor_d30)", arguments: methods)
  func matchesSciPy(method: RiskBudgetingMethod) throws {
    let fixture = try RiskParityFixture<BudgetInputs, BudgetExpected>.load("factor_d30")
    let sigma: Matrix<Double> = matrix(fixture.inputs.covariance)
    let solver = RiskBudgetingSolver(method: method)
    let equal = try solver.solve(covariance: sigma)
    #expect(maxAbsoluteDifference(equal.weights, fixture.expected.equal) <= 1e-10)
    let budgeted = try solver.solve(covariance: sigma, budgets: fixture.inputs.budgets)
    #expect(maxAbsoluteDifference(budgeted.weights, fixture.expected.budgeted) <= 1e-10)
    #expect(maxAbsoluteDifference(budgeted.relativeRiskContributions, budgeted.budgets) <= 1e-10)
    let zero = try solver.solve(covariance: sigma, budgets: fixture.inputs.zeroBudgets)
    #expect(maxAbsoluteDifference(zero.weights, fixture.expected.zeroBudgeted) <= 1e-10)
    #expect(zero.weights[3] == 0 && zero.weights[17] == 0)
    #expect(zero.relativeRiskContributions[3] == 0)
  }

  @Test("Both methods agree on random factor covariances, Float and Double")
  func methodsAgree() throws {
    for seed in 1...4 {
      let d = 20 * seed
      let sigma: Matrix<Double> = factorCovariance(d, seed: UInt64(seed))
      let exact = try RiskBudgetingSolver(method: .newton).solve(covariance: sigma)
      let fast = try RiskBudgetingSolver(method: .newtonCG).solve(covariance: sigma)
      #expect(maxAbsoluteDifference(exact.weights, fast.weights) <= 1e-10)
      let single = try RiskBudgetingSolver().solve(covariance: sigma.converted(to: Float.self))
      #expect(maxAbsoluteDifference(single.weights.map(Double.init), exact.weights) <= 1e-5)
    }
  }

  @Test("A warm start converges in fewer iterations to the same answer", arguments: methods)
  func warmStart(method: RiskBudgetingMethod) throws {
    let sigma: Matrix<Double> = factorCovariance(60, seed: 7)
    var moved = sigma
    // The next day's Σ: a small perturbation of every volatility.
    for i in 0..<60 { for j in 0..<60 { moved[i, j] *= 1 + 0.002 * sin(Double(i + j)) } }
    let solver = RiskBudgetingSolver(method: method)
    let previous = try solver.solve(covariance: sigma)
    let cold = try solver.solve(covariance: moved)
    let warm = try solver.solve(covariance: moved, warmStart: previous.weights)
    #expect(warm.convergence.iterations < cold.convergence.iterations)
    #expect(maxAbsoluteDifference(warm.weights, cold.weights) <= 1e-10)
  }

  @Test(
    "Zero iterations when the warm start already meets the tolerance; one when it just misses",
    arguments: methods)
  func zeroIterationBoundary(method: RiskBudgetingMethod) throws {
    let sigma: Matrix<Double> = factorCovariance(25, seed: 3)
    let solution = try RiskBudgetingSolver(method: method).solve(covariance: sigma)
    // Restarting rescales x = w·√(1/wᵀΣw), which moves the residual by rounding only.
    let tolerance = max(2 * solution.convergence.residual, 1e-14)
    let again = try RiskBudgetingSolver(tolerance: tolerance, method: method)
      .solve(covariance: sigma, warmStart: solution.weights)
    #expect(again.convergence.iterations == 0)
    #expect(maxAbsoluteDifference(again.weights, solution.weights) <= 1e-15)
    // A perturbed start whose residual is above the tolerance needs at least one step.
    var nudged = solution.weights
    nudged[0] *= 1.001
    let tighter = try RiskBudgetingSolver(tolerance: 1e-12, method: method).solve(
      covariance: sigma, warmStart: nudged)
    #expect(tighter.convergence.iterations >= 1)
    #expect(tighter.convergence.residual <= 1e-12)
  }

  @Test("Not converging throws with the residual reached", arguments: methods)
  func noConvergence(method: RiskBudgetingMethod) throws {
    let sigma: Matrix<Double> = factorCovariance(40, seed: 11)
    #expect {
      try RiskBudgetingSolver(maxIterations: 1, method: method).solve(covariance: sigma)
    } throws: { error in
      guard
        case .noConvergence(let iterations, let residual, let tolerance) = error
          as? RiskKernelsError
      else { return false }
      return iterations == 1 && residual > tolerance && tolerance == 1e-10
    }
  }

  @Test(
    "A Σ that is not positive definite is a typed error naming the failing minor",
    arguments: methods)
  func notPositiveDefinite(method: RiskBudgetingMethod) throws {
    // Leading 2×2 minor fine, 3×3 negative: ρ₁₂ = ρ₁₃ = 0.9, ρ₂₃ = −0.9.
    let sigma = try Matrix<Double>([[1, 0.9, 0.9], [0.9, 1, -0.9], [0.9, -0.9, 1]])
    #expect(throws: RiskKernelsError.notPositiveDefinite(failingMinor: 3)) {
      try RiskBudgetingSolver(method: method).solve(covariance: sigma)
    }
    // A zero variance fails at its own minor.
    let degenerate = try Matrix<Double>([[1, 0], [0, 0]])
    #expect(throws: RiskKernelsError.notPositiveDefinite(failingMinor: 2)) {
      try RiskBudgetingSolver(method: method).solve(covariance: degenerate)
    }
    // Indefinite, yet x = (c, c) solves xᵢ(Σx)ᵢ = ½: caught by the up-front factorisation.
    let indefinite = try Matrix<Double>([[1, 2], [2, 1]])
    #expect(throws: RiskKernelsError.notPositiveDefinite(failingMinor: 2)) {
      try RiskBudgetingSolver(method: method).solve(covariance: indefinite)
    }
  }

  @Test("Unverified newtonCG still diagnoses the trouble it meets, and documents what it cannot")
  func unverified() throws {
    let solver = RiskBudgetingSolver(verifiesPositiveDefiniteness: false)
    // Negative curvature on the way: diagnosed with the failing minor.
    let sigma = try Matrix<Double>([[1, 0.9, 0.9], [0.9, 1, -0.9], [0.9, -0.9, 1]])
    #expect(throws: RiskKernelsError.notPositiveDefinite(failingMinor: 3)) {
      try solver.solve(covariance: sigma)
    }
    #expect(throws: RiskKernelsError.notPositiveDefinite(failingMinor: 2)) {
      try solver.solve(covariance: try Matrix<Double>([[1, 0], [0, -1]]))
    }
    // The documented blind spot: an indefinite Σ with a solution is solved.
    let blind = try solver.solve(covariance: try Matrix<Double>([[1, 2], [2, 1]]))
    #expect(blind.weights == [0.5, 0.5])
  }

  @Test("Invalid inputs are typed errors")
  func invalidInputs() throws {
    let sigma: Matrix<Double> = factorCovariance(4, seed: 1)
    let solver = RiskBudgetingSolver()
    #expect(throws: RiskKernelsError.self) {
      try solver.solve(covariance: sigma, budgets: [0.5, 0.5, 0.5, -0.5])
    }
    #expect(throws: RiskKernelsError.self) {
      try solver.solve(covariance: sigma, budgets: [0.3, 0.3, 0.3, 0.3])
    }
    #expect(throws: RiskKernelsError.self) {
      try solver.solve(covariance: sigma, budgets: [0, 0, 0, 0])
    }
    #expect(
      throws: RiskKernelsError.dimensionMismatch(
        operation: "budgets", expected: .vector(4), actual: .vector(3))
    ) {
      try solver.solve(covariance: sigma, budgets: [0.2, 0.3, 0.5])
    }
    #expect(throws: RiskKernelsError.nonFiniteInput(argument: "budgets", index: 1)) {
      try solver.solve(covariance: sigma, budgets: [0.5, .nan, 0.25, 0.25])
    }
    #expect(throws: RiskKernelsError.self) {
      try solver.solve(covariance: sigma, warmStart: [0.5, 0.5, 0, 0])
    }
    #expect(throws: RiskKernelsError.self) {
      try RiskBudgetingSolver(tolerance: 1e-18).solve(covariance: sigma)
    }
    #expect(throws: RiskKernelsError.self) {
      try RiskBudgetingSolver(maxIterations: 0).solve(covariance: sigma)
    }
    var nan = sigma
    nan[2, 1] = .nan
    #expect(throws: RiskKernelsError.nonFiniteInput(argument: "covariance", index: 6)) {
      try solver.solve(covariance: nan)
    }
    #expect(throws: RiskKernelsError.self) {
      try solver.solve(covariance: try Matrix<Double>(rows: 3, columns: 4))
    }
  }

  @Test("Budgets summing to 1 within 1e-6 are normalised exactly")
  func budgetsNormalised() throws {
    let sigma: Matrix<Double> = factorCovariance(3, seed: 2)
    let solution = try RiskBudgetingSolver().solve(
      covariance: sigma, budgets: [0.3333333, 0.3333333, 0.3333333])
    #expect(solution.budgets.allSatisfy { abs($0 - 1.0 / 3) <= 1e-15 })
  }

  @Test("Concurrent solves from many tasks give identical results")
  func concurrent() async throws {
    let sigma: Matrix<Double> = factorCovariance(300, seed: 5)
    let solver = RiskBudgetingSolver()
    let reference = try solver.solve(covariance: sigma)
    try await withThrowingTaskGroup(of: [Double].self) { group in
      for _ in 0..<6 { group.addTask { try solver.solve(covariance: sigma).weights } }
      for try await weights in group { #expect(weights == reference.weights) }
    }
  }
}
