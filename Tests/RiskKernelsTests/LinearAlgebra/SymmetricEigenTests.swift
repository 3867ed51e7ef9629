import RiskKernels
import Testing
import _RiskKernelsTestSupport

@Suite struct SymmetricEigenTests {
  func checkDecomposition<T: BLASScalar>(_: T.Type) throws {
    let n = 25
    let a = randomSPD(n, seed: 5, as: T.self)
    let e = try SymmetricEigen(a)
    let tol = Double(T.ulpOfOne) * Double(20 * n)
    #expect(relativeDifference(try e.reconstructed(), a) <= tol)
    let vtv = try e.vectors.transposeMultiplied(by: e.vectors)
    #expect(maxAbsoluteDifference(vtv, try Matrix<T>.identity(n)) <= tol)
    #expect(zip(e.values, e.values.dropFirst()).allSatisfy { $0 <= $1 })
  }

  @Test func decompositionDouble() throws { try checkDecomposition(Double.self) }
  @Test func decompositionFloat() throws { try checkDecomposition(Float.self) }

  @Test("Eigenvalues match NumPy's eigvalsh on the fixtures")
  func matchesNumPy() throws {
    for name in ["quandl4_first400", "factor_n120_p30", "normal_n20_p50"] {
      let fixture = try CovarianceFixture.load(name)
      let values = try SymmetricEigen<Double>.eigenvalues(
        of: matrix(fixture.expected.sampleUnbiased))
      let expected = fixture.expected.eigenvaluesOfSampleUnbiased!
      let scale = expected.map(abs).max()!
      // Eigenvalues are perfectly conditioned: |Δλ| ≤ ‖ΔA‖, i.e. rounding × ‖A‖.
      #expect(maxAbsoluteDifference(values, expected) <= 1e-13 * scale, "\(name)")
      let kappa = try (matrix(fixture.expected.sampleUnbiased) as Matrix<Double>).conditionNumber()
      if expected.first! > 1e-12 * scale {
        #expect(
          abs(kappa / fixture.expected.conditionNumberOfSampleUnbiased! - 1) <= 1e-8, "\(name)")
      }
    }
  }
}
