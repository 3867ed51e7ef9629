import RiskKernels
import Testing
import _RiskKernelsTestSupport

@Suite struct CorrelationConversionTests {
  func check<T: BLASScalar>(_: T.Type) throws {
    let fixture = try CovarianceFixture.load("factor_n120_p30")
    let covariance: Matrix<T> = matrix(fixture.expected.sampleUnbiased)
    let (r, sd) = try covariance.correlation()
    let tol = tolerance(T.self, double: 1e-13, float: 1e-5)
    #expect(maxAbsoluteDifference(r, matrix(fixture.expected.correlationOfSampleUnbiased!)) <= tol)
    for i in 0..<r.rows { #expect(r[i, i] == 1) }
    #expect(relativeDifference(try r.covariance(volatilities: sd), covariance) <= tol)
  }

  @Test func roundTripDouble() throws { try check(Double.self) }
  @Test func roundTripFloat() throws { try check(Float.self) }

  @Test("Zero variance and negative volatilities are typed errors")
  func failurePaths() throws {
    #expect(
      throws: RiskKernelsError.parameterOutOfRange(
        name: "covariance[1, 1]", value: 0, allowed: "> 0")
    ) {
      try Matrix<Double>([[1, 0], [0, 0]]).correlation()
    }
    #expect(
      throws: RiskKernelsError.parameterOutOfRange(
        name: "volatilities[0]", value: -1, allowed: "≥ 0")
    ) {
      try Matrix<Double>.identity(2).covariance(volatilities: [-1, 1])
    }
    #expect(throws: RiskKernelsError.self) {
      try Matrix<Double>.identity(2).covariance(volatilities: [1])
    }
  }
}
