import RiskKernels
import Testing
import _RiskKernelsTestSupport

/// Compares `estimator` with the fixture value `expected(fixture)` on every fixture (or `names`).
///
/// Tolerance: relative to the largest expected entry. Double: the peers compute the same sums in
/// another order, so agreement is to rounding (1e-12 is ~4500 ε, generous for n ≤ 400 sums).
/// Float: inputs are rounded to Float first, so errors of a few 1e-5 relative are expected.
func checkAgainstFixtures<T: BLASScalar, E: CovarianceEstimator>(
  _ estimator: E, _: T.Type, names: [String] = CovarianceFixture.names,
  expected: (CovarianceFixture) -> (covariance: [[Double]], shrinkage: Double?)?
) throws {
  for name in names {
    let fixture = try CovarianceFixture.load(name)
    guard let (covariance, shrinkage) = expected(fixture) else { continue }
    let estimate = try estimator.estimate(from: fixture.returns(T.self))
    let error = relativeDifference(estimate.covariance, matrix(covariance) as Matrix<T>)
    let tol = tolerance(T.self, double: 1e-12, float: 3e-4)
    #expect(error <= tol, "\(name): \(comparison("covariance", error: error, tolerance: tol))")
    if let shrinkage {
      let got = Double(estimate.shrinkage ?? .nan)
      #expect(abs(got - shrinkage) <= tol * 10, "\(name): shrinkage \(got) vs \(shrinkage)")
    }
    #expect(estimate.observationCount == fixture.inputs.returns.count)
  }
}

/// Properties every covariance estimate has: exact symmetry, PSD (smallest eigenvalue ≥ −tiny),
/// permutation equivariance and scaling (returns × c ⇒ covariance × c²).
func checkEstimatorProperties<T: BLASScalar, E: CovarianceEstimator>(
  _ estimator: E, _: T.Type, seed: UInt64 = 99, rows: Int = 60, columns: Int = 6
) throws {
  let x = randomNormalMatrix(rows: rows, columns: columns, seed: seed, scale: 0.01, as: T.self)
  let e = try estimator.estimate(from: x)
  let c = e.covariance
  #expect(c == c.transposed(), "covariance must be exactly symmetric")
  let scale = Double(c.diagonal.max()!)
  #expect(Double(try smallestEigenvalue(c)) >= -scale * Double(T.ulpOfOne) * 100)
  if let s = e.shrinkage { #expect(s >= 0 && s <= 1) }
  // Permuting the assets permutes the covariance.
  let permutation = Array((0..<columns).reversed())
  var permuted = x
  for j in 0..<columns { for i in 0..<rows { permuted[i, j] = x[i, permutation[j]] } }
  let p = try estimator.estimate(from: permuted).covariance
  let tol = Double(T.ulpOfOne) * 1000
  for a in 0..<columns {
    for b in 0..<columns {
      #expect(abs(Double(p[a, b]) - Double(c[permutation[a], permutation[b]])) <= tol * scale)
    }
  }
  // Scaling every return by 3 scales the covariance by 9 (shrinkage intensity unchanged).
  var scaled = x
  for j in 0..<columns { for i in 0..<rows { scaled[i, j] = 3 * x[i, j] } }
  let s = try estimator.estimate(from: scaled)
  for a in 0..<columns {
    for b in 0..<columns {
      #expect(abs(Double(s.covariance[a, b]) - 9 * Double(c[a, b])) <= tol * 9 * scale)
    }
  }
}
