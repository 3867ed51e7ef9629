import RiskKernels
import Testing
import _RiskKernelsTestSupport

@Suite struct NearestCorrelationTests {
  @Test("Higham's 3×3 example (Higham 2002)")
  func highamExample() throws {
    let a = try Matrix<Double>([[1, 1, 0], [1, 1, 1], [0, 1, 1]])
    let repair = try NearestCorrelation(tolerance: 1e-12).repair(a)
    let expected = try Matrix<Double>([
      [1, 0.7606898534, 0.1572981061], [0.7606898534, 1, 0.7606898534],
      [0.1572981061, 0.7606898534, 1],
    ])
    // Published to 10 digits.
    #expect(maxAbsoluteDifference(repair.matrix, expected) <= 1e-9)
    #expect(abs(repair.distance - 0.5277904636) <= 1e-9)
    let convergence = try #require(repair.convergence)
    #expect(convergence.iterations > 0 && convergence.residual < 1e-12)
    #expect(convergence.matrixProducts == convergence.iterations)
  }

  @Test("QuantLib's 4×4 tridiagonal case (test-suite/matrices.cpp)")
  func tridiagonalExample() throws {
    let a = try Matrix<Double>([[2, -1, 0, 0], [-1, 2, -1, 0], [0, -1, 2, -1], [0, 0, -1, 2]])
    let repair = try NearestCorrelation(tolerance: 1e-12).repair(a)
    let expected = try Matrix<Double>([
      [1, -0.8084124981, 0.1915875019, 0.106775049],
      [-0.8084124981, 1, -0.6562326948, 0.1915875019],
      [0.1915875019, -0.6562326948, 1, -0.8084124981],
      [0.106775049, 0.1915875019, -0.8084124981, 1],
    ])
    #expect(maxAbsoluteDifference(repair.matrix, expected) <= 1e-9)
    #expect(abs(repair.distance - 2.1337291087) <= 1e-9)
  }

  @Test("Float reaches the same matrix to Float accuracy with its default tolerance")
  func floatDefaultTolerance() throws {
    let a = try Matrix<Float>([[1, 1, 0], [1, 1, 1], [0, 1, 1]])
    let repair = try NearestCorrelation().repair(a)
    #expect(abs(Double(repair.matrix[0, 1]) - 0.7606898534) <= 1e-4)
  }

  @Test("A valid correlation matrix is returned unchanged in one iteration")
  func validInputUnchanged() throws {
    let a = try Matrix<Double>([[1, 0.3], [0.3, 1]])
    let repair = try NearestCorrelation().repair(a)
    #expect(repair.convergence?.iterations == 1)
    #expect(maxAbsoluteDifference(repair.matrix, a) <= 1e-15)
  }

  @Test("No convergence within maxIterations throws with the residual")
  func noConvergence() throws {
    let a = try Matrix<Double>([[1, 1, 0], [1, 1, 1], [0, 1, 1]])
    #expect {
      try NearestCorrelation(tolerance: 1e-15, maxIterations: 2).repair(a)
    } throws: { error in
      guard case .noConvergence(let iterations, let residual, _) = error as? RiskKernelsError else {
        return false
      }
      return iterations == 2 && residual > 1e-15
    }
  }

  @Test("Eigenvalue clipping raises negative eigenvalues and keeps PSD input")
  func eigenvalueClipping() throws {
    let a = try Matrix<Double>([[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]])  // indefinite
    let repair = try EigenvalueClipping(floor: 1e-8, restoreUnitDiagonal: true).repair(a)
    #expect(repair.adjustedEigenvalues == 1)
    #expect(try smallestEigenvalue(repair.matrix) > 0)
    for i in 0..<3 { #expect(abs(repair.matrix[i, i] - 1) < 1e-15) }
    _ = try Cholesky(repair.matrix)
    let psd = try Matrix<Float>([[2, 0.5], [0.5, 1]])
    let unchanged = try EigenvalueClipping().repair(psd)
    #expect(unchanged.adjustedEigenvalues == 0)
    #expect(maxAbsoluteDifference(unchanged.matrix, psd) <= 1e-6)
    #expect(throws: RiskKernelsError.self) { try EigenvalueClipping(floor: -1).repair(psd) }
    #expect(throws: RiskKernelsError.self) {
      try EigenvalueClipping().repair(Matrix<Double>([[1, 2], [0, 1]]))
    }
  }
}
