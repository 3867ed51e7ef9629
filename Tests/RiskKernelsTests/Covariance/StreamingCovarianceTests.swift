import RiskKernels
import Testing
import _RiskKernelsTestSupport

@Suite struct StreamingCovarianceTests {
  func checkAgreesWithBatch<T: BLASScalar>(_: T.Type) throws {
    let x = randomNormalMatrix(rows: 80, columns: 12, seed: 8, scale: 0.01, as: T.self)
    let cases: [(StreamingWeighting, any CovarianceEstimator)] = [
      (.equal(.unbiased), SampleCovariance()),
      (.equal(.maximumLikelihood), SampleCovariance(normalization: .maximumLikelihood)),
      (.exponential(decay: 0.94, centering: .zeroMean), EWMACovariance()),
      (
        .exponential(decay: 0.9, centering: .weightedMean),
        EWMACovariance(decay: 0.9, centering: .weightedMean)
      ),
    ]
    let tol = tolerance(T.self, double: 1e-12, float: 1e-4)
    for (weighting, batch) in cases {
      var stream = try StreamingCovariance<T>(dimension: 12, weighting: weighting)
      try stream.update(withRows: x)
      let expected = try batch.estimate(from: x)
      let streamed = try stream.covariance()
      #expect(relativeDifference(streamed, expected.covariance) <= tol, "\(weighting)")
      #expect(maxAbsoluteDifference(stream.mean, expected.mean) <= tol * 0.01, "\(weighting)")
      // The factor kept current row by row equals a refactorisation of the covariance.
      let kept = try stream.cholesky()
      let refactored = try Cholesky(streamed)
      #expect(relativeDifference(kept.lower, refactored.lower) <= tol * 10, "\(weighting)")
    }
  }

  @Test("Agrees with the batch estimators, and its factor with a refactorisation")
  func agreesWithBatchDouble() throws { try checkAgreesWithBatch(Double.self) }
  @Test func agreesWithBatchFloat() throws { try checkAgreesWithBatch(Float.self) }

  @Test("Agrees with scikit-learn/NumPy on the bundled prices")
  func agreesWithFixture() throws {
    let fixture = try CovarianceFixture.load("quandl4_first400")
    var stream = try StreamingCovariance<Double>(dimension: 4)
    try stream.update(withRows: fixture.returns(Double.self))
    #expect(
      relativeDifference(try stream.covariance(), matrix(fixture.expected.sampleUnbiased)) <= 1e-12)
  }

  @Test("The factor is singular until there are more rows than assets")
  func singularUntilEnoughRows() throws {
    var stream = try StreamingCovariance<Double>(dimension: 3)
    #expect(
      throws: RiskKernelsError.insufficientData(argument: "observations", required: 2, actual: 0)
    ) {
      try stream.covariance()
    }
    try stream.update(with: [0.01, 0.02, -0.01])
    try stream.update(with: [0.02, -0.01, 0.00])
    try stream.update(with: [-0.01, 0.00, 0.01])
    #expect(throws: RiskKernelsError.self) { try stream.cholesky() }
    try stream.update(with: [0.03, 0.01, 0.02])
    _ = try stream.cholesky()
  }

  @Test("The estimate carries its kept factor once positive definite, and the solver skips its own")
  func estimateCarriesFactor() throws {
    var stream = try StreamingCovariance<Double>(dimension: 3)
    for row in [[0.01, 0.02, -0.01], [0.02, -0.01, 0.00], [-0.01, 0.00, 0.01]] {
      try stream.update(with: row)
    }
    // Three rows of three assets: singular, no factor, so the solver verifies it and refuses it.
    let early = try stream.estimate()
    #expect(early.cholesky == nil && !early.isKnownPositiveDefinite)
    #expect(throws: RiskKernelsError.self) { try RiskBudgetingSolver().solve(estimate: early) }

    let x = randomNormalMatrix(rows: 400, columns: 30, seed: 5, scale: 0.01, as: Double.self)
    var big = try StreamingCovariance<Double>(dimension: 30)
    try big.update(withRows: x)
    let estimate = try big.estimate()
    let factor = try #require(estimate.cholesky)
    #expect(estimate.isKnownPositiveDefinite && estimate.eigenvalueLowerBound == nil)
    #expect(factor == (try big.cholesky()))
    #expect(relativeDifference(try factor.reconstructed(), estimate.covariance) <= 1e-11)
    // Not factored again: the bits of the trusted path, and the verified path's answer.
    let solver = RiskBudgetingSolver()
    var trusting = solver
    trusting.verifiesPositiveDefiniteness = false
    let byEstimate = try solver.solve(estimate: estimate)
    #expect(byEstimate == (try trusting.solve(covariance: estimate.covariance)))
    let verified = try solver.solve(covariance: estimate.covariance)
    for (a, b) in zip(byEstimate.weights, verified.weights) { #expect(abs(a - b) < 1e-12) }
    // A caller's own factor makes any estimate known positive definite.
    let batch = try SampleCovariance().estimate(from: x)
    #expect(!batch.isKnownPositiveDefinite)
    let factored = CovarianceEstimate(
      covariance: batch.covariance, mean: batch.mean, observationCount: batch.observationCount,
      shrinkage: nil, cholesky: try Cholesky(batch.covariance))
    #expect(factored.isKnownPositiveDefinite)
    // A factor of another matrix is caught by the probe, and Σ is verified as a bare matrix is:
    // an indefinite Σ with the identity's factor still throws.
    let indefinite = try Matrix<Double>([[1, 2], [2, 1]])
    let mismatched = CovarianceEstimate(
      covariance: indefinite, mean: [0, 0], observationCount: 10, shrinkage: nil,
      cholesky: try Cholesky(Matrix([[1, 0], [0, 1]])))
    #expect(!mismatched.isKnownPositiveDefinite)
    #expect(throws: RiskKernelsError.self) { try RiskBudgetingSolver().solve(estimate: mismatched) }
    let wrongOrder = CovarianceEstimate(
      covariance: batch.covariance, mean: batch.mean, observationCount: 400, shrinkage: nil,
      cholesky: try Cholesky(Matrix([[1.0]])))
    #expect(!wrongOrder.isKnownPositiveDefinite)
    // A factor of a slightly different matrix (one entry moved by 1%) is caught too.
    var nudged = batch.covariance
    nudged[3, 2] *= 1.01
    nudged[2, 3] = nudged[3, 2]
    let stale = CovarianceEstimate(
      covariance: nudged, mean: batch.mean, observationCount: 400, shrinkage: nil,
      cholesky: try Cholesky(batch.covariance))
    #expect(!stale.isKnownPositiveDefinite)
  }

  @Test("A bad row throws and loses nothing")
  func badRowLosesNothing() throws {
    var stream = try StreamingCovariance<Float>(
      dimension: 2, weighting: .exponential(decay: 0.94, centering: .zeroMean))
    try stream.update(with: [0.01, 0.02])
    let before = stream
    #expect(throws: RiskKernelsError.nonFiniteInput(argument: "return row", index: 1)) {
      try stream.update(with: [0.01, .nan])
    }
    #expect(
      throws: RiskKernelsError.dimensionMismatch(
        operation: "return row", expected: .vector(2), actual: .vector(3))
    ) {
      try stream.update(with: [0.01, 0.02, 0.03])
    }
    #expect(stream == before)
  }

  @Test("Invalid configurations are typed errors")
  func invalidConfigurations() {
    #expect(throws: RiskKernelsError.self) { try StreamingCovariance<Double>(dimension: 0) }
    #expect(throws: RiskKernelsError.self) {
      try StreamingCovariance<Double>(
        dimension: 2, weighting: .exponential(decay: 1, centering: .zeroMean))
    }
  }
}
