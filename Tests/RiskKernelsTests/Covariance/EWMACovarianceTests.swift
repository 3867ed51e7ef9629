import RiskKernels
import Testing
import _RiskKernelsTestSupport

@Suite struct EWMACovarianceTests {
  func check<T: BLASScalar>(_: T.Type) throws {
    try checkAgainstFixtures(EWMACovariance(), T.self) { ($0.expected.ewma94ZeroMean, nil) }
    try checkAgainstFixtures(EWMACovariance(decay: 0.97), T.self) {
      ($0.expected.ewma97ZeroMean, nil)
    }
    try checkAgainstFixtures(EWMACovariance(centering: .weightedMean), T.self) {
      ($0.expected.ewma94WeightedMean.covariance, nil)
    }
    try checkEstimatorProperties(EWMACovariance(), T.self)
  }

  @Test func matchesNumPyDouble() throws { try check(Double.self) }
  @Test func matchesNumPyFloat() throws { try check(Float.self) }

  @Test("Weights are normalised, newest heaviest, in ratio λ")
  func weights() throws {
    let w = try EWMACovariance(decay: 0.9).weights(count: 4)
    #expect(abs(w.reduce(0, +) - 1) < 1e-15)
    #expect(abs(w[2] / w[3] - 0.9) < 1e-15)
    #expect(throws: RiskKernelsError.parameterOutOfRange(name: "count", value: -1, allowed: "≥ 0"))
    {
      try EWMACovariance().weights(count: -1)
    }
  }

  @Test("Weighted mean matches NumPy")
  func weightedMean() throws {
    let fixture = try CovarianceFixture.load("factor_n120_p30")
    let e = try ewmaCovariance(fixture.returns(Double.self), centering: .weightedMean)
    #expect(maxAbsoluteDifference(e.mean, fixture.expected.ewma94WeightedMean.mean) <= 1e-16)
  }

  @Test("Decay outside (0, 1) is a typed error")
  func decayOutOfRange() throws {
    for decay in [0.0, 1.0, 1.2, -0.5, .nan] {
      #expect(throws: RiskKernelsError.self) {
        try ewmaCovariance(Matrix<Double>.identity(3), decay: decay)
      }
    }
  }
}
