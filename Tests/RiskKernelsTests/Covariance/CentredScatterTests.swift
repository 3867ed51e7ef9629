import Testing
import _RiskKernelsTestSupport

@testable import RiskKernels

/// The three ways `CentredScatter` reaches `Σₜ sₜ²(xₜ − m)(xₜ − m)ᵀ` — uncentred SYRK with a
/// rank-one correction, centred copies block by block, and EWMA's negligible prefix left out —
/// and its two-halves split, each against naive double loops; and the finiteness check the
/// estimators leave to it.
@Suite struct CentredScatterTests {
  let x = randomNormalMatrix(rows: 1300, columns: 7, seed: 21, scale: 0.01, as: Double.self)

  func shifted(_ x: Matrix<Double>, by offset: Double, fromRow first: Int = 0) -> Matrix<Double> {
    var y = x
    for j in 0..<x.columns { for i in first..<x.rows { y[i, j] += offset } }
    return y
  }

  @Test("Sample covariance (uncentred SYRK in two halves) equals the naive loop")
  func sampleUncentred() throws {
    let fast = try sampleCovariance(x).covariance
    #expect(maxAbsoluteDifference(fast, matrix(naiveCovariance(x))) <= 1e-17)
  }

  @Test("Above the split order one SYRK does it, and agrees with the naive loop")
  func sampleUnsplit() throws {
    let wide = randomNormalMatrix(rows: 300, columns: 260, seed: 5, scale: 0.01, as: Double.self)
    let fast = try sampleCovariance(wide).covariance
    #expect(maxAbsoluteDifference(fast, matrix(naiveCovariance(wide))) <= 1e-17)
  }

  @Test("Data far from zero mean are centred first: price levels keep full accuracy")
  func farFromZeroMean() throws {
    // Uncentred, 1000² against covariances near 10⁻⁴ would lose about 10⁻¹⁰ absolutely.
    let levels = shifted(x, by: 1000)
    let fast = try sampleCovariance(levels).covariance
    #expect(maxAbsoluteDifference(fast, matrix(naiveCovariance(levels))) <= 2e-15)
  }

  @Test("When the first rows look centred but the columns are not, the centred path takes over")
  func misleadingFirstRows() throws {
    // Rows 0..<64 alternate ±7071 (mean 0, so the 64-row guess says "uncentred"); the rest sit
    // near 1000, so n·m² ≈ 0.27·Σx² fails the diagonal check (τ = 1/16) after the SYRK.
    var y = shifted(x, by: 1000, fromRow: 64)
    for j in 0..<y.columns { for i in 0..<64 { y[i, j] = (i.isMultiple(of: 2) ? 7071 : -7071) } }
    let mean = (0..<7).map { j in (0..<1300).map { y[$0, j] }.reduce(0, +) / 1300 }
    #expect(CentredScatter(location: mean).looksNearZeroMean(y))
    let fast = try sampleCovariance(y).covariance
    let naive: Matrix<Double> = matrix(naiveCovariance(y))
    #expect(maxAbsoluteDifference(fast, naive) <= 1e-14 * naive[0, 0])
  }

  @Test("Centred copies in blocks of 100 rows equal one block")
  func blocks() throws {
    let levels = shifted(x, by: 50)
    let mean = (0..<7).map { j in (0..<1300).map { levels[$0, j] }.reduce(0, +) / 1300 }
    var scatter = CentredScatter(location: mean, alpha: 1 / 1299.0)
    let (whole, _) = try scatter(levels)
    scatter.bufferElements = 700
    let (blocked, _) = try scatter(levels)
    #expect(maxAbsoluteDifference(whole, blocked) <= 1e-17)
    #expect(maxAbsoluteDifference(blocked, matrix(naiveCovariance(levels))) <= 2e-16)
  }

  @Test("The two halves give the same bits on one OpenBLAS thread or two")
  func threadInvariance() throws {
    let saved = BLASThreads.count
    defer { try? BLASThreads.set(saved) }
    try BLASThreads.set(1)
    let one = try sampleCovariance(x).covariance
    try BLASThreads.set(2)
    let two = try sampleCovariance(x).covariance
    #expect(one == two)
  }

  /// `Σ wₜ (xₜ − m)(xₜ − m)ᵀ` and `m = Σ wₜxₜ` (zero for zero mean), naively.
  func naiveEWMA(_ x: Matrix<Double>, _ estimator: EWMACovariance) throws -> (
    Matrix<Double>, [Double]
  ) {
    let w = try estimator.weights(count: x.rows)
    var m = [Double](repeating: 0, count: x.columns)
    if estimator.centering == .weightedMean {
      for j in 0..<x.columns { for t in 0..<x.rows { m[j] += w[t] * x[t, j] } }
    }
    var naive = [[Double]](repeating: [Double](repeating: 0, count: x.columns), count: x.columns)
    for a in 0..<x.columns {
      for b in 0..<x.columns {
        for t in 0..<x.rows { naive[a][b] += w[t] * (x[t, a] - m[a]) * (x[t, b] - m[b]) }
      }
    }
    return (matrix(naive), m)
  }

  @Test(
    "EWMA, slow decay (every row summed): equals Σ wₜ (xₜ − m)(xₜ − m)ᵀ",
    arguments: [EWMACentering.zeroMean, .weightedMean])
  func ewmaEveryRow(centering: EWMACentering) throws {
    let estimator = EWMACovariance(decay: 0.997, centering: centering)
    let (naive, m) = try naiveEWMA(x, estimator)
    let fast = try estimator.estimate(from: x)
    #expect(maxAbsoluteDifference(fast.covariance, naive) <= 1e-17)
    #expect(maxAbsoluteDifference(fast.mean, m) <= 1e-17)
  }

  @Test(
    "EWMA λ = 0.94 leaves out rows below rounding and still equals the naive sum",
    arguments: [EWMACentering.zeroMean, .weightedMean])
  func ewmaNegligiblePrefix(centering: EWMACentering) throws {
    let estimator = EWMACovariance(decay: 0.94, centering: centering)
    let scatter = CentredScatter<Double>(
      rowScale: try estimator.weights(count: x.rows).map { $0.squareRoot() })
    #expect(scatter.negligiblePrefix(x) > 400)
    let (naive, _) = try naiveEWMA(x, estimator)
    #expect(maxAbsoluteDifference(try estimator.estimate(from: x).covariance, naive) <= 1e-17)
  }

  @Test("A prefix whose contribution is not negligible (an outlier of 10¹²) is summed")
  func ewmaOutlierInPrefix() throws {
    var y = x
    y[0, 0] = 1e12
    let estimator = EWMACovariance(decay: 0.94)
    let (naive, _) = try naiveEWMA(y, estimator)
    // w₀·10²⁴ ≈ 10⁻¹²: far above 10⁻¹⁷, so leaving it out would fail.
    #expect(naive[0, 0] - (try naiveEWMA(x, estimator)).0[0, 0] > 1e-14)
    #expect(
      maxAbsoluteDifference(try estimator.estimate(from: y).covariance, naive)
        <= 1e-17 + 1e-15 * naive[0, 0])
  }

  @Test(
    "A NaN or infinity anywhere is reported by every estimator, with its index",
    arguments: [Double.nan, .infinity, -.infinity])
  func nonFinite(bad: Double) throws {
    let estimators: [any CovarianceEstimator] = [
      SampleCovariance(), LedoitWolf(), LedoitWolf(assumeCentered: true),
      OracleApproximatingShrinkage(), EWMACovariance(), EWMACovariance(centering: .weightedMean),
      ConstantCorrelationShrinkage(),
    ]
    // Oldest row (EWMA's left-out prefix), a middle row, the newest row; and price levels.
    for (data, row, column) in [
      (x, 0, 0), (x, 650, 3), (x, 1299, 6), (shifted(x, by: 1000), 10, 2),
    ] {
      var y = data
      y[row, column] = bad
      for estimator in estimators {
        #expect(
          throws: RiskKernelsError.nonFiniteInput(argument: "returns", index: row + column * 1300),
          "\(estimator) at (\(row), \(column))"
        ) { _ = try estimator.estimate(from: y) }
        #expect(throws: RiskKernelsError.self) {
          _ = try estimator.estimate(from: y.converted(to: Float.self))
        }
      }
    }
  }

  @Test("Ledoit-Wolf's fourth-moment sum equals the naive loop")
  func ledoitWolfFourthMoment() throws {
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
