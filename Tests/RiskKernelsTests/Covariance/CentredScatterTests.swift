import RiskKernels
import Testing
import _RiskKernelsTestSupport

/// Histories longer than one SYRK block (`CentredScatter.blockRows` = 512), with a partial last
/// block, against naive double loops: the blocking must not change the result.
@Suite struct CentredScatterTests {
  let x = randomNormalMatrix(rows: 1300, columns: 7, seed: 21, scale: 0.01, as: Double.self)

  @Test("Sample covariance over three blocks equals the naive loop")
  func sampleAcrossBlocks() throws {
    let fast = try sampleCovariance(x).covariance
    #expect(maxAbsoluteDifference(fast, matrix(naiveCovariance(x))) <= 1e-17)
  }

  @Test("Weighted-mean EWMA over three blocks equals Σ wₜ (xₜ − m)(xₜ − m)ᵀ")
  func ewmaAcrossBlocks() throws {
    let estimator = EWMACovariance(decay: 0.997, centering: .weightedMean)
    let w = try estimator.weights(count: x.rows)
    var m = [Double](repeating: 0, count: x.columns)
    for j in 0..<x.columns { for t in 0..<x.rows { m[j] += w[t] * x[t, j] } }
    var naive = [[Double]](repeating: [Double](repeating: 0, count: x.columns), count: x.columns)
    for a in 0..<x.columns {
      for b in 0..<x.columns {
        for t in 0..<x.rows { naive[a][b] += w[t] * (x[t, a] - m[a]) * (x[t, b] - m[b]) }
      }
    }
    let fast = try estimator.estimate(from: x)
    #expect(maxAbsoluteDifference(fast.covariance, matrix(naive)) <= 1e-17)
    #expect(maxAbsoluteDifference(fast.mean, m) <= 1e-17)
  }

  @Test("Ledoit-Wolf's fourth-moment sum over three blocks equals the naive loop")
  func ledoitWolfAcrossBlocks() throws {
    let (n, p) = (x.rows, x.columns)
    let s = naiveCovariance(x, divisorOffset: 0)
    var mean = [Double](repeating: 0, count: p)
    for j in 0..<p { for t in 0..<n { mean[j] += x[t, j] / Double(n) } }
    var fourth = 0.0
    for t in 0..<n {
      var norm = 0.0
      for j in 0..<p { norm += (x[t, j] - mean[j]) * (x[t, j] - mean[j]) }
      fourth += norm * norm
    }
    let mu = (0..<p).map { s[$0][$0] }.reduce(0, +) / Double(p)
    let sNorm = s.joined().map { $0 * $0 }.reduce(0, +)
    let delta = (sNorm - 2 * mu * mu * Double(p) + Double(p) * mu * mu) / Double(p)
    let beta = (fourth / Double(n) - sNorm) / Double(n * p)
    let expected = min(beta, delta) / delta
    let estimate = try ledoitWolfCovariance(x)
    #expect(abs(try #require(estimate.shrinkage) - expected) <= 1e-12)
  }
}
