import RiskKernels
import Testing

@Suite struct RiskParityDocsExampleTests {
  @Test("The docs/risk-parity.md example runs and its outputs hold their promises")
  func example() throws {
    let sigma = try Matrix<Double>([
      [0.0400, 0.0060, 0.0040],
      [0.0060, 0.0900, 0.0100],
      [0.0040, 0.0100, 0.0625],
    ])
    let solver = RiskBudgetingSolver()
    let erc = try solver.solve(covariance: sigma)
    for rc in erc.relativeRiskContributions { #expect(abs(rc - 1.0 / 3) <= 1e-10) }

    let capped = try solver.solve(
      covariance: sigma, budgets: [0.5, 0.25, 0.25], caps: [0.45, 1, 1], warmStart: erc.weights)
    #expect(capped.cappedAssets == [0] && capped.weights[0] == 0.45)
    #expect(capped.convergence.residual <= 1e-10)

    let move = try CostAwareRebalance().solve(
      covariance: sigma, currentWeights: [0.2, 0.3, 0.5], expectedReturns: [0.06, 0.08, 0.05],
      riskAversion: 0.2, costs: [0.001, 0.001, 0.001], caps: [0.6, 0.6, 0.6])
    #expect(abs(move.weights.reduce(0, +) - 1) <= 1e-12)
    #expect(move.convergence.residual <= 1e-10)
    #expect(move.weights.allSatisfy { $0 >= 0 && $0 <= 0.6 })
  }
}
