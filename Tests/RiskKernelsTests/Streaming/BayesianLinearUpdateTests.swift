import Foundation
import RiskKernels
import Testing
import _RiskKernelsTestSupport

@Suite struct BayesianLinearUpdateTests {
  @Test("200 online updates equal the batch posterior (P₀⁻¹ + XᵀX/s²)⁻¹ and its mean")
  func matchesBatch() throws {
    var rng = SplitMix64(seed: 3)
    let d = 3
    let priorMean = [0.5, -1.0, 2.0]
    let priorCovariance = try Matrix<Double>([[2, 0.3, 0], [0.3, 1, 0.2], [0, 0.2, 0.5]])
    let s2 = 0.25
    var online = try BayesianLinearUpdate(
      priorMean: priorMean, priorCovariance: priorCovariance, noiseVariance: s2)
    let beta = [1.0, 0.5, -0.7]
    var rows: [[Double]] = []
    var ys: [Double] = []
    for _ in 0..<200 {
      let x = (0..<d).map { _ in Double.random(in: -2...2, using: &rng) }
      let y =
        zip(x, beta).reduce(0) { $0 + $1.0 * $1.1 } + 0.5 * Double.random(in: -1...1, using: &rng)
      try online.update(features: x, value: y)
      rows.append(x)
      ys.append(y)
    }
    // Batch: precision Λ = P₀⁻¹ + XᵀX/s², mean Λ⁻¹(P₀⁻¹m₀ + Xᵀy/s²).
    let priorFactor = try Cholesky(priorCovariance)
    let priorPrecision = try priorFactor.solve(try Matrix<Double>.identity(d))
    var precision = priorPrecision
    var rhs = try priorFactor.solve(priorMean)
    for (x, y) in zip(rows, ys) {
      for i in 0..<d {
        rhs[i] += x[i] * y / s2
        for j in 0..<d { precision[i, j] += x[i] * x[j] / s2 }
      }
    }
    let factor = try Cholesky(precision)
    let batchMean = try factor.solve(rhs)
    let batchCovariance = try factor.solve(try Matrix<Double>.identity(d))
    for i in 0..<d {
      #expect(abs(online.mean[i] - batchMean[i]) <= 1e-10)
      for j in 0..<d {
        #expect(abs(online.covariance[i, j] - batchCovariance[i, j]) <= 1e-12)
        #expect(online.covariance[i, j] == online.covariance[j, i])
      }
    }
    #expect(online.observations == 200)
    let (m, v) = try online.predict(features: [1, 0, 0])
    #expect(abs(m - online.mean[0]) <= 1e-15 && abs(v - (online.covariance[0, 0] + s2)) <= 1e-15)
    online.reset()
    #expect(online.mean == priorMean && online.observations == 0)
  }

  @Test("Bad priors and observations are typed errors and change nothing")
  func errors() throws {
    let bad = try Matrix<Double>([[1, 2], [2, 1]])
    #expect(throws: RiskKernelsError.self) {
      try BayesianLinearUpdate(priorMean: [0, 0], priorCovariance: bad, noiseVariance: 1)
    }
    var model = try BayesianLinearUpdate<Float>(
      priorMean: [0, 0], priorCovariance: Matrix.identity(2), noiseVariance: 1)
    let before = model
    #expect(throws: RiskKernelsError.self) { try model.update(features: [1], value: 1) }
    #expect(throws: RiskKernelsError.self) { try model.update(features: [1, .nan], value: 1) }
    #expect(throws: RiskKernelsError.self) { try model.update(features: [1, 1], value: .infinity) }
    #expect(model == before)
    try model.update(features: [1, 1], value: 2)
    #expect(model.mean[0] > 0)
  }

  @Test("Systemic volatility √(wᵀΣw) and stability 1 − σ/σ_max")
  func systemic() throws {
    let sigma = try Matrix<Double>([[0.04, 0.006], [0.006, 0.09]])
    let (vol, stability) = try SystemicVolatility.measure(
      weights: [0.6, 0.4], covariance: sigma, maximum: 0.5)
    let expected = (0.36 * 0.04 + 0.16 * 0.09 + 2 * 0.24 * 0.006).squareRoot()
    #expect(abs(vol - expected) <= 1e-15)
    #expect(abs(stability - (1 - expected / 0.5)) <= 1e-15)
    #expect(throws: RiskKernelsError.self) {
      try SystemicVolatility.measure(weights: [0.6, 0.4], covariance: sigma, maximum: 0)
    }
  }
}
