import RiskKernels
import Testing
import _RiskKernelsTestSupport

@Suite struct CappedRiskBudgetingTests {
  /// Richard & Roncalli's optimality conditions: feasibility, free assets at `κ·bᵢ`, capped ones
  /// at most `κ·bᵢ`.
  func expectOptimal<T: BLASScalar>(_ s: RiskBudgetingSolution<T>, caps: [T], tolerance: Double) {
    let w = s.weights.map(Double.init)
    #expect(abs(w.reduce(0, +) - 1) <= tolerance)
    let kappa = Double(s.budgetScale)
    for i in w.indices {
      #expect(w[i] > 0 && w[i] <= Double(caps[i]) * (1 + 1e-12))
      let rc = Double(s.relativeRiskContributions[i])
      let target = kappa * Double(s.budgets[i])
      if s.cappedAssets.contains(i) {
        #expect(w[i] == Double(caps[i]))
        #expect(rc <= target + tolerance, "capped asset \(i) contributes \(rc) > \(target)")
      } else {
        #expect(abs(rc - target) <= tolerance, "free asset \(i): \(rc) vs \(target)")
      }
    }
  }

  @Test("Agrees with SciPy (L-BFGS-B active set, hybrid Powell polish) on capped_d30")
  func matchesSciPy() throws {
    let fixture = try RiskParityFixture<CappedInputs, CappedExpected>.load("capped_d30")
    let sigma: Matrix<Double> = matrix(fixture.inputs.covariance)
    for method in RiskBudgetingMethod.allCases {
      let s = try RiskBudgetingSolver(method: method).solve(
        covariance: sigma, caps: fixture.inputs.caps)
      #expect(s.cappedAssets == fixture.expected.capped)
      #expect(maxAbsoluteDifference(s.weights, fixture.expected.weights) <= 1e-10)
      #expect(s.convergence.residual <= 1e-10)
      #expect(s.budgetScale > 1)  // the free assets take more than their budgets
      expectOptimal(s, caps: fixture.inputs.caps, tolerance: 1e-10)
    }
  }

  @Test("Caps that do not bind leave the unconstrained solution")
  func nonBindingCaps() throws {
    let sigma = PyrbCase.covariance(Double.self)
    let free = try RiskBudgetingSolver().solve(covariance: sigma)
    let capped = try RiskBudgetingSolver().solve(
      covariance: sigma, caps: [T](repeating: 0.3, count: 8))
    #expect(
      capped.weights == free.weights && capped.cappedAssets.isEmpty && capped.budgetScale == 1)
  }
  typealias T = Double

  @Test("pyrb with a 20% cap on its two largest weights, Float and Double")
  func pyrbCapped() throws {
    let caps = [0.2, 0.2, 1, 1, 1, 1, 1, 1]
    let s = try RiskBudgetingSolver().solve(
      covariance: PyrbCase.covariance(Double.self), caps: caps)
    #expect(s.cappedAssets == [0, 1])
    expectOptimal(s, caps: caps, tolerance: 1e-10)
    let f = try RiskBudgetingSolver().solve(
      covariance: PyrbCase.covariance(Float.self), caps: caps.map(Float.init))
    #expect(f.cappedAssets == [0, 1])
    expectOptimal(f, caps: caps.map(Float.init), tolerance: 1e-5)
    #expect(maxAbsoluteDifference(f.weights.map(Double.init), s.weights) <= 1e-5)
  }

  @Test("Caps summing to exactly 1 force w = u")
  func capsSumToOne() throws {
    let caps = [0.1, 0.2, 0.3, 0.4]
    let sigma: Matrix<Double> = factorCovariance(4, seed: 9)
    let s = try RiskBudgetingSolver().solve(covariance: sigma, caps: caps)
    #expect(s.weights == caps)
    #expect(s.cappedAssets == [0, 1, 2, 3])
  }

  @Test("Infeasible caps (Σuᵢ < 1) are a typed error; so are non-positive caps")
  func infeasible() throws {
    let sigma: Matrix<Double> = factorCovariance(4, seed: 9)
    #expect {
      try RiskBudgetingSolver().solve(covariance: sigma, caps: [0.2, 0.2, 0.2, 0.2])
    } throws: { error in
      guard case .parameterOutOfRange(let name, let value, _) = error as? RiskKernelsError else {
        return false
      }
      return name == "sum of caps" && abs(value - 0.8) < 1e-12
    }
    #expect(throws: RiskKernelsError.self) {
      try RiskBudgetingSolver().solve(covariance: sigma, caps: [0.5, 0.5, 0, 0.5])
    }
    #expect(throws: RiskKernelsError.nonFiniteInput(argument: "caps", index: 2)) {
      try RiskBudgetingSolver().solve(covariance: sigma, caps: [0.5, 0.5, .nan, 0.5])
    }
    // A zero cap is allowed on an asset excluded by a zero budget, and ignored in the sum.
    let s = try RiskBudgetingSolver().solve(
      covariance: sigma, budgets: [0.5, 0.5, 0, 0], caps: [0.6, 0.6, 0, 0])
    #expect(s.weights[2] == 0 && s.weights[3] == 0)
  }

  @Test("Many binding caps on a larger problem: optimality conditions hold")
  func manyCaps() throws {
    let d = 80
    let sigma: Matrix<Double> = factorCovariance(d, seed: 21)
    let caps = (0..<d).map { 0.011 + 0.004 * Double($0 % 5) }
    let s = try RiskBudgetingSolver().solve(covariance: sigma, caps: caps)
    #expect(!s.cappedAssets.isEmpty)
    expectOptimal(s, caps: caps, tolerance: 1e-10)
  }
}
