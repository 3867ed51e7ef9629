import RiskKernels
import Testing
import _RiskKernelsTestSupport

/// `CovarianceEstimate.eigenvalueLowerBound`: what shrinkage toward μI proves, and what the
/// risk-parity solver does with it.
@Suite struct EigenvalueBoundTests {
  /// Returns with a level far from zero in some columns (the centring's hard case) and, when
  /// asked, a constant column (a singular S).
  func returns<T: BLASScalar>(rows: Int, columns: Int, seed: UInt64, constant: Bool, as _: T.Type)
    throws -> Matrix<T>
  {
    var x = randomNormalMatrix(rows: rows, columns: columns, seed: seed, as: T.self)
    for j in 0..<columns where j % 3 == 1 {
      for i in 0..<rows { x[i, j] = x[i, j] * T(0.01) + 5 }
    }
    if constant { for i in 0..<rows { x[i, 0] = 2 } }
    return x
  }

  @Test(
    "Ledoit-Wolf and OAS: a positive bound at or below the true smallest eigenvalue (Double and Float, p < n and p > n, a singular S)",
    arguments: [(200, 10, false), (30, 60, false), (120, 40, true)])
  func shrinkageBound(rows: Int, columns: Int, constant: Bool) throws {
    let estimators: [any CovarianceEstimator] = [LedoitWolf(), OracleApproximatingShrinkage()]
    for estimator in estimators {
      for seed: UInt64 in 1...3 {
        let double = try estimator.estimate(
          from: returns(
            rows: rows, columns: columns, seed: seed, constant: constant, as: Double.self
          ))
        let bound = try #require(double.eigenvalueLowerBound, "\(estimator) seed \(seed)")
        #expect(double.isKnownPositiveDefinite)
        #expect(bound <= (try smallestEigenvalue(double.covariance)), "\(estimator) seed \(seed)")
        let float = try estimator.estimate(
          from: returns(
            rows: rows, columns: columns, seed: seed, constant: constant, as: Float.self))
        if let floatBound = float.eigenvalueLowerBound {
          // The Float matrix's eigenvalues, computed in Double.
          let widened = try Matrix(
            rows: columns, columns: columns,
            columnMajor: float.covariance.columnMajorElements.map(Double.init))
          #expect(Double(floatBound) <= (try smallestEigenvalue(widened)))
        }
      }
    }
  }

  @Test("No bound without a proof: the sample covariance, one asset, returns all zero")
  func noProof() throws {
    let x = try returns(rows: 50, columns: 5, seed: 4, constant: false, as: Double.self)
    #expect(try SampleCovariance().estimate(from: x).eigenvalueLowerBound == nil)
    let one = try returns(rows: 50, columns: 1, seed: 4, constant: false, as: Double.self)
    #expect(try LedoitWolf().estimate(from: one).eigenvalueLowerBound == nil)  // s = 0 at p = 1
    let zeros = try Matrix<Double>(rows: 20, columns: 4)
    #expect(try LedoitWolf().estimate(from: zeros).isKnownPositiveDefinite == false)
    #expect(
      try OracleApproximatingShrinkage().estimate(from: zeros).isKnownPositiveDefinite == false)
  }

  @Test("The solver skips the factorisation for a proven estimate: the bits of the trusted path")
  func solverTrustsProof() throws {
    let x = try returns(rows: 300, columns: 40, seed: 7, constant: false, as: Double.self)
    let estimate = try LedoitWolf().estimate(from: x)
    let solver = RiskBudgetingSolver()
    let byEstimate = try solver.solve(estimate: estimate)
    var trusting = solver
    trusting.verifiesPositiveDefiniteness = false
    #expect(byEstimate == (try trusting.solve(covariance: estimate.covariance)))
    let verified = try solver.solve(covariance: estimate.covariance)
    for (a, b) in zip(byEstimate.weights, verified.weights) { #expect(abs(a - b) < 1e-12) }
  }

  @Test("An estimate without a proof is verified: a singular sample covariance still throws")
  func solverVerifiesOthers() throws {
    // p > n: the sample covariance has rank n − 1 < p.
    let x = try returns(rows: 10, columns: 20, seed: 8, constant: false, as: Double.self)
    let estimate = try SampleCovariance().estimate(from: x)
    #expect(!estimate.isKnownPositiveDefinite)
    #expect {
      try RiskBudgetingSolver().solve(estimate: estimate)
    } throws: { error in
      if case RiskKernelsError.notPositiveDefinite = error { return true }
      return false
    }
  }
}
