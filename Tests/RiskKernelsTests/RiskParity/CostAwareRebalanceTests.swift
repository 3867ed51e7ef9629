import RiskKernels
import Testing
import _RiskKernelsTestSupport

@Suite struct CostAwareRebalanceTests {
  @Test(
    "Agrees with CVXPY + Clarabel (fixture rebalance_d8)",
    arguments: ["costly", "free", "expensive"])
  func matchesCVXPY(label: String) throws {
    let fixture = try RiskParityFixture<RebalanceInputs, RebalanceExpected>.load("rebalance_d8")
    let inputs = fixture.inputs
    let expected = fixture.expected.cases[label]!
    let s = try CostAwareRebalance().solve(
      covariance: matrix(inputs.covariance) as Matrix<Double>,
      currentWeights: inputs.currentWeights,
      expectedReturns: inputs.expectedReturns, riskAversion: expected.riskAversion,
      costs: expected.costs,
      caps: inputs.caps)
    // Clarabel stops at gaps of 1e-10; the objective agrees to that, the weights to its square
    // root's order (a flat optimum).
    #expect(s.convergence.residual <= 1e-10)
    #expect(
      abs(s.objective - expected.objective) <= 1e-9, "\(s.objective) vs \(expected.objective)")
    #expect(s.objective <= expected.objective + 1e-10)
    #expect(maxAbsoluteDifference(s.weights, expected.weights) <= 1e-5)
    #expect(abs(s.weights.reduce(0, +) - 1) <= 1e-12)
    for (w, u) in zip(s.weights, inputs.caps) { #expect(w >= 0 && w <= u) }
    #expect(
      maxAbsoluteDifference(s.trades, zip(s.weights, inputs.currentWeights).map { $0 - $1 }) == 0)
  }

  @Test("Zero costs, λ = 0 and no binding bound: minimum variance w ∝ Σ⁻¹1")
  func minimumVariance() throws {
    let sigma = try Matrix<Double>([
      [0.04, 0.006, 0.004], [0.006, 0.09, 0.01], [0.004, 0.01, 0.0625],
    ])
    let raw = try Cholesky(sigma).solve([1, 1, 1])
    let expected = raw.map { $0 / raw.reduce(0, +) }
    // Weights converge like the square root of the objective's gap (a smooth minimum).
    for (tolerance, accuracy) in [(1e-10, 1e-5), (1e-14, 1e-7)] {
      let s = try CostAwareRebalance(tolerance: tolerance).solve(
        covariance: sigma, currentWeights: [0.2, 0.3, 0.5])
      #expect(maxAbsoluteDifference(s.weights, expected) <= accuracy, "tolerance \(tolerance)")
      #expect(s.tradingCost == 0)
    }
  }

  @Test("Costs above every marginal gain leave the current weights: the no-trade region")
  func noTrade() throws {
    let sigma: Matrix<Double> = factorCovariance(6, seed: 4)
    let w0 = [0.1, 0.2, 0.15, 0.25, 0.2, 0.1]
    let s = try CostAwareRebalance().solve(
      covariance: sigma, currentWeights: w0, costs: [Double](repeating: 1, count: 6))
    #expect(maxAbsoluteDifference(s.weights, w0) <= 1e-9)
    #expect(s.tradingCost <= 1e-8)
  }

  @Test("A weight above its cap is sold down to it; a zero cap sells out")
  func forcedSales() throws {
    let sigma: Matrix<Double> = factorCovariance(4, seed: 6)
    let s = try CostAwareRebalance().solve(
      covariance: sigma, currentWeights: [0.6, 0.2, 0.1, 0.1], costs: [0.01, 0.01, 0.01, 0.01],
      caps: [0.4, 0, 1, 1])
    #expect(s.weights[0] <= 0.4 + 1e-12)
    #expect(s.weights[1] == 0)
    #expect(abs(s.weights.reduce(0, +) - 1) <= 1e-12)
    #expect(s.tradingCost >= 0.01 * (0.2 + 0.2) - 1e-9)
  }

  @Test("Float inputs give the Double answer rounded")
  func float() throws {
    let sigma: Matrix<Double> = factorCovariance(6, seed: 4)
    let w0 = [0.1, 0.2, 0.15, 0.25, 0.2, 0.1]
    let mu = [0.05, 0.02, 0.08, 0.03, 0.06, 0.04]
    let d = try CostAwareRebalance().solve(
      covariance: sigma, currentWeights: w0, expectedReturns: mu, riskAversion: 0.3,
      costs: [Double](repeating: 0.001, count: 6))
    let f = try CostAwareRebalance().solve(
      covariance: sigma.converted(to: Float.self), currentWeights: w0.map(Float.init),
      expectedReturns: mu.map(Float.init),
      riskAversion: 0.3, costs: [Float](repeating: 0.001, count: 6))
    #expect(maxAbsoluteDifference(f.weights.map(Double.init), d.weights) <= 1e-4)
  }

  @Test("Invalid inputs are typed errors")
  func invalid() throws {
    let sigma: Matrix<Double> = factorCovariance(3, seed: 1)
    let r = CostAwareRebalance()
    let w0 = [0.3, 0.3, 0.4]
    #expect(throws: RiskKernelsError.self) {
      try r.solve(covariance: sigma, currentWeights: [0.5, -0.1, 0.6])
    }
    #expect(throws: RiskKernelsError.self) {
      try r.solve(covariance: sigma, currentWeights: w0, riskAversion: -1)
    }
    #expect(throws: RiskKernelsError.self) {
      try r.solve(covariance: sigma, currentWeights: w0, costs: [0, -0.1, 0])
    }
    #expect(throws: RiskKernelsError.self) {
      try r.solve(covariance: sigma, currentWeights: w0, caps: [0.3, 0.3, 0.3])
    }
    #expect(throws: RiskKernelsError.nonFiniteInput(argument: "expectedReturns", index: 2)) {
      try r.solve(covariance: sigma, currentWeights: w0, expectedReturns: [0, 0, .infinity])
    }
    let indefinite = try Matrix<Double>([[1, 0.9, 0.9], [0.9, 1, -0.9], [0.9, -0.9, 1]])
    #expect(throws: RiskKernelsError.notPositiveDefinite(failingMinor: 3)) {
      try r.solve(covariance: indefinite, currentWeights: w0)
    }
  }
}
