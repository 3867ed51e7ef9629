import RiskKernels
import Testing
import _RiskKernelsTestSupport

@Suite struct RiskBudgetingSolverTests {
  static let methods = RiskBudgetingMethod.allCases

  @Test("Reproduces the published pyrb 8-asset equal-risk weights", arguments: methods)
  func pyrb(method: RiskBudgetingMethod) throws {
    let solution = try RiskBudgetingSolver(method: method).solve(covariance: PyrbCase.covariance(Double.self))
    // Published to 4 decimals in percent: agreement to 1e-6 in weight.
    for (w, published) in zip(solution.weights, PyrbCase.weightsPercent) {
      #expect(abs(w * 100 - published) <= 1e-4, "\(w) vs \(published)%")
    }
    #expect(solution.convergence.residual <= 1e-10)
    for rc in solution.relativeRiskContributions { #expect(abs(rc - 0.125) <= 1e-10) }
    #expect(abs(solution.weights.reduce(0, +) - 1) <= 1e-14)
    #expect(abs(solution.riskContributions.reduce(0, +) - solution.portfolioVolatility) <= 1e-15)
  }
}
