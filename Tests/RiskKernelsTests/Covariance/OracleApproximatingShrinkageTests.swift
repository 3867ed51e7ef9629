import RiskKernels
import Testing
import _RiskKernelsTestSupport

@Suite struct OracleApproximatingShrinkageTests {
  func check<T: BLASScalar>(_: T.Type) throws {
    try checkAgainstFixtures(OracleApproximatingShrinkage(), T.self) {
      ($0.expected.oas.covariance, $0.expected.oas.shrinkage)
    }
    try checkEstimatorProperties(OracleApproximatingShrinkage(), T.self)
  }

  @Test("Matches scikit-learn's OAS") func matchesScikitLearnDouble() throws {
    try check(Double.self)
  }
  @Test func matchesScikitLearnFloat() throws { try check(Float.self) }

  @Test("Identical observations (zero denominator) shrink fully")
  func zeroDenominator() throws {
    let x = try Matrix<Double>([[1, 1], [1, 1], [1, 1]])
    #expect(try oasCovariance(x).shrinkage == 1)
  }
}
