import RiskKernels
import Testing
import _RiskKernelsTestSupport

@Suite struct SampleCovarianceTests {
  func check<T: BLASScalar>(_: T.Type) throws {
    try checkAgainstFixtures(SampleCovariance(), T.self) { ($0.expected.sampleUnbiased, nil) }
    try checkAgainstFixtures(SampleCovariance(normalization: .maximumLikelihood), T.self) {
      ($0.expected.sampleMaximumLikelihood, nil)
    }
    try checkEstimatorProperties(SampleCovariance(), T.self)
  }

  @Test func matchesNumPyDouble() throws { try check(Double.self) }
  @Test func matchesNumPyFloat() throws { try check(Float.self) }

  @Test("The SYRK path agrees with a naive double loop")
  func matchesNaiveOracle() throws {
    let x = randomNormalMatrix(rows: 37, columns: 9, seed: 4, as: Double.self)
    let fast = try sampleCovariance(x).covariance
    #expect(maxAbsoluteDifference(fast, matrix(naiveCovariance(x))) <= 1e-14)
  }

  @Test("Mean is the column mean")
  func meanMatchesNumPy() throws {
    let fixture = try CovarianceFixture.load("quandl4_first400")
    let e = try sampleCovariance(fixture.returns(Double.self))
    #expect(maxAbsoluteDifference(e.mean, fixture.expected.mean) <= 1e-16)
  }

  @Test("Too few observations, no assets and NaN are typed errors")
  func failurePaths() throws {
    #expect(
      throws: RiskKernelsError.insufficientData(
        argument: "returns (observations)", required: 2, actual: 1)
    ) {
      try sampleCovariance(Matrix<Double>([[0.01, 0.02]]))
    }
    #expect(
      throws: RiskKernelsError.insufficientData(
        argument: "returns (assets)", required: 1, actual: 0)
    ) {
      try sampleCovariance(Matrix<Double>(rows: 5, columns: 0))
    }
    #expect(throws: RiskKernelsError.nonFiniteInput(argument: "returns", index: 3)) {
      try sampleCovariance(Matrix<Double>([[0.01, 0.02], [0.03, .nan]]))
    }
    // One observation is enough for the maximum-likelihood form.
    #expect(
      try sampleCovariance(Matrix<Double>([[0.01, 0.02]]), normalization: .maximumLikelihood)
        .covariance == Matrix(rows: 2, columns: 2))
  }
}
