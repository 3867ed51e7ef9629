import RiskKernels
import Testing
import _RiskKernelsTestSupport

@Suite struct LedoitWolfTests {
  func check<T: BLASScalar>(_: T.Type) throws {
    try checkAgainstFixtures(LedoitWolf(), T.self) {
      ($0.expected.ledoitWolf.covariance, $0.expected.ledoitWolf.shrinkage)
    }
    try checkEstimatorProperties(LedoitWolf(), T.self)
  }

  @Test("Matches scikit-learn's LedoitWolf (including p > n and p = 1)")
  func matchesScikitLearnDouble() throws { try check(Double.self) }
  @Test func matchesScikitLearnFloat() throws { try check(Float.self) }

  @Test("p > n: shrinkage is large and the estimate is positive definite")
  func highDimensional() throws {
    let fixture = try CovarianceFixture.load("normal_n20_p50")
    let e = try ledoitWolfCovariance(fixture.returns(Double.self))
    #expect(e.shrinkage! > 0.8)
    #expect(try smallestEigenvalue(e.covariance) > 0)
    _ = try Cholesky(e.covariance)
  }

  @Test("A single asset is not shrunk (scikit-learn's p = 1 rule)")
  func singleAsset() throws {
    let e = try ledoitWolfCovariance(
      randomNormalMatrix(rows: 30, columns: 1, seed: 1, as: Double.self))
    #expect(e.shrinkage == 0)
  }

  @Test("Fewer than two observations is a typed error")
  func insufficientData() throws {
    #expect(
      throws: RiskKernelsError.insufficientData(
        argument: "returns (observations)", required: 2, actual: 1)
    ) {
      try ledoitWolfCovariance(Matrix<Double>([[1, 2, 3]]))
    }
  }
}
