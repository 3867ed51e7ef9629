import RiskKernels
import Testing
import _RiskKernelsTestSupport

@Suite struct ConstantCorrelationShrinkageTests {
  func check<T: BLASScalar>(_: T.Type) throws {
    try checkAgainstFixtures(ConstantCorrelationShrinkage(), T.self) { f in
      f.expected.constantCorrelation.map { ($0.covariance, $0.shrinkage) }
    }
    try checkEstimatorProperties(ConstantCorrelationShrinkage(), T.self)
  }

  @Test("Matches a NumPy transcription of Ledoit & Wolf's covCor.m")
  func matchesReferenceDouble() throws { try check(Double.self) }
  @Test func matchesReferenceFloat() throws { try check(Float.self) }

  @Test("With full shrinkage every off-diagonal correlation equals the average")
  func targetHasConstantCorrelation() throws {
    // 8 observations of 4 assets: the fixture where shrinkage is strong; check the blend.
    let fixture = try CovarianceFixture.load("weak_n8_p4")
    let e = try constantCorrelationCovariance(fixture.returns(Double.self))
    let s = try sampleCovariance(fixture.returns(Double.self), normalization: .maximumLikelihood)
      .covariance
    let (r, _) = try s.correlation()
    var rBar = 0.0
    for i in 0..<4 { for j in 0..<4 where i != j { rBar += r[i, j] / 12 } }
    let (rc, _) = try e.covariance.correlation()
    let delta = e.shrinkage!
    for i in 0..<4 {
      for j in 0..<4 where i != j {
        // Σ = δF + (1−δ)S with Fᵢⱼ = r̄ sᵢsⱼ, so the correlation is δ r̄ + (1−δ) rᵢⱼ.
        #expect(abs(rc[i, j] - (delta * rBar + (1 - delta) * r[i, j])) < 1e-12)
      }
    }
  }

  @Test("One asset, or a constant asset, is a typed error")
  func failurePaths() throws {
    #expect(
      throws: RiskKernelsError.insufficientData(
        argument: "returns (assets)", required: 2, actual: 1)
    ) {
      try constantCorrelationCovariance(Matrix<Double>([[1], [2], [3]]))
    }
    #expect(
      throws: RiskKernelsError.parameterOutOfRange(
        name: "variance of asset 1", value: 0, allowed: "> 0")
    ) {
      try constantCorrelationCovariance(Matrix<Double>([[1, 5], [2, 5], [4, 5]]))
    }
  }
}
