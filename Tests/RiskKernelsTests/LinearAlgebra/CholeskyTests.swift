import Foundation
import RiskKernels
import Testing
import _RiskKernelsTestSupport

@Suite struct CholeskyTests {
  func checkProperties<T: BLASScalar>(_: T.Type) throws {
    for n in [1, 3, 17, 64] {
      let a = randomSPD(n, seed: UInt64(n), as: T.self)
      let factor = try Cholesky(a)
      // Reconstruction LLᵀ ≈ A relative to ‖A‖: backward stable, so a few n·ε.
      let tol = Double(T.ulpOfOne) * Double(8 * n)
      #expect(relativeDifference(try factor.reconstructed(), a) <= tol)
      for j in 0..<n { for i in 0..<j { #expect(factor.lower[i, j] == 0) } }
      // Residual of a solve: ‖A x − b‖ / (‖A‖‖x‖) small.
      let b = (0..<n).map { T($0 % 5) - 2 }
      let x = try factor.solve(b)
      let r = try a.multiplied(by: x)
      #expect(maxAbsoluteDifference(r, b) <= tol * 50 * Double(x.map { abs($0) }.max()! + 1))
      // log det from the factor agrees with Σ log λ.
      let logDetFromEigen = try SymmetricEigen<T>.eigenvalues(of: a).map { Double($0).logDouble }
        .reduce(0, +)
      #expect(
        abs(Double(factor.logDeterminant) - logDetFromEigen) <= tol * 100
          * max(1, abs(logDetFromEigen)))
    }
  }

  @Test func propertiesDouble() throws { try checkProperties(Double.self) }
  @Test func propertiesFloat() throws { try checkProperties(Float.self) }

  @Test("Matches NumPy's np.linalg.cholesky on the fixture covariances")
  func matchesNumPy() throws {
    for name in ["quandl4_first400", "factor_n120_p30"] {
      let fixture = try CovarianceFixture.load(name)
      let expected: Matrix<Double> = matrix(fixture.expected.choleskyOfSampleUnbiased!)
      let factor = try Cholesky(matrix(fixture.expected.sampleUnbiased) as Matrix<Double>)
      // Cholesky is backward stable; entries agree to rounding relative to the largest.
      #expect(relativeDifference(factor.lower, expected) <= 1e-12, "\(name)")
    }
  }

  @Test("Reports the failing leading minor, 1-based, as LAPACK counts")
  func reportsFailingMinorForIndefiniteInput() throws {
    let a = try Matrix<Double>([[4, 2, 0], [2, 1, 0], [0, 0, 1]])  // minor 2 is singular
    #expect(throws: RiskKernelsError.notPositiveDefinite(failingMinor: 2)) { try Cholesky(a) }
    let b = try Matrix<Float>([[1, 0, 0], [0, 1, 0], [0, 0, -1]])
    #expect(throws: RiskKernelsError.notPositiveDefinite(failingMinor: 3)) { try Cholesky(b) }
  }

  @Test("Non-square and non-finite inputs are typed errors")
  func rejectsBadInput() throws {
    #expect(
      throws: RiskKernelsError.dimensionMismatch(
        operation: "matrix must be square", expected: .matrix(rows: 2, columns: 2),
        actual: .matrix(rows: 2, columns: 3))
    ) {
      try Cholesky(Matrix<Double>(rows: 2, columns: 3))
    }
    #expect(throws: RiskKernelsError.nonFiniteInput(argument: "matrix", index: 3)) {
      try Cholesky(Matrix<Double>([[1, 0], [0, .nan]]))
    }
    let f = try Cholesky(Matrix<Double>.identity(2))
    #expect(throws: RiskKernelsError.self) { try f.solve([1, 2, 3]) }
  }

  @Test("A lower factor with a zero pivot or an upper entry is rejected")
  func lowerFactorValidation() throws {
    #expect(throws: RiskKernelsError.notPositiveDefinite(failingMinor: 2)) {
      try Cholesky(lowerFactor: Matrix<Double>([[1, 0], [1, 0]]))
    }
    #expect(throws: RiskKernelsError.self) {
      try Cholesky(lowerFactor: Matrix<Double>([[1, 1], [0, 1]]))
    }
  }
}

extension Double {
  var logDouble: Double { Foundation.log(self) }
}
