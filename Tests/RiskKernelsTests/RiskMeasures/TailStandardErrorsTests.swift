import Foundation
import Testing

@testable import RiskKernels

@Suite struct TailStandardErrorsTests {
  /// One asset, S(T)/S(0) = exp((μ − σ²/2)T + σ√T Z): the return's VaR and ES in closed form.
  /// VaR = 1 − exp((μ − σ²/2)T + σ√T z_p), ES = 1 − e^{μT} Φ(z_p − σ√T)/p, z_p = Φ⁻¹(p),
  /// p = 1 − c (the lognormal's partial expectation).
  struct Lognormal {
    let mu = 0.05
    let sigma = 0.3
    let horizon = 1.0

    func exact(confidence c: Double) throws -> (valueAtRisk: Double, expectedShortfall: Double) {
      let p = 1 - c
      let z = try GSLNormal.quantile(p)
      let s = sigma * horizon.squareRoot()
      let valueAtRisk = 1 - Foundation.exp((mu - sigma * sigma / 2) * horizon + s * z)
      let expectedShortfall = 1 - Foundation.exp(mu * horizon) * GSLNormal.cdf(z - s) / p
      return (valueAtRisk, expectedShortfall)
    }

    func risk(paths: Int, confidence: Double, seed: UInt64) throws -> TailRisk<Double> {
      let model = try CorrelatedGBM<Double>(
        spot: [100], drift: [mu], volatility: [sigma], correlation: Matrix([[1]]))
      return try MonteCarloVaR(confidence: confidence).measure(
        model: model, holdings: [1],
        settings: SimulationSettings(
          paths: paths, steps: 1, horizon: horizon, seed: seed, threads: 1))
    }
  }

  @Test(
    "Coverage: over 200 seeds the 95% intervals hold the closed-form VaR and ES 90–99% of the time",
    arguments: [(20_000, 0.99), (4_000, 0.95)])
  func coverage(paths: Int, confidence: Double) throws {
    let model = Lognormal()
    let exact = try model.exact(confidence: confidence)
    var (coveredVaR, coveredES) = (0, 0)
    for seed in 0..<200 {
      let risk = try model.risk(paths: paths, confidence: confidence, seed: UInt64(1000 + seed))
      let v = try #require(try risk.valueAtRiskInterval())
      let e = try #require(try risk.expectedShortfallInterval())
      if v.contains(exact.valueAtRisk) { coveredVaR += 1 }
      if e.contains(exact.expectedShortfall) { coveredES += 1 }
    }
    #expect((180...198).contains(coveredVaR), "VaR covered \(coveredVaR) of 200")
    #expect((180...198).contains(coveredES), "ES covered \(coveredES) of 200")
  }

  @Test("The standard errors fall as 1/√N: four times the paths, about half the error")
  func rate() throws {
    let model = Lognormal()
    func meanErrors(_ paths: Int) throws -> (Double, Double) {
      var (v, e) = (0.0, 0.0)
      for seed in 0..<20 {
        let risk = try model.risk(paths: paths, confidence: 0.99, seed: UInt64(seed))
        v += try #require(risk.valueAtRiskStandardError)
        e += try #require(risk.expectedShortfallStandardError)
      }
      return (v / 20, e / 20)
    }
    let small = try meanErrors(10_000)
    let large = try meanErrors(40_000)
    #expect(abs(small.0 / large.0 - 2) < 0.3, "VaR: \(small.0) → \(large.0)")
    #expect(abs(small.1 / large.1 - 2) < 0.3, "ES: \(small.1) → \(large.1)")
  }

  @Test("Intervals are value ± z·s.e.; absent without a standard error; bad coverage throws")
  func intervals() throws {
    let risk = try Lognormal().risk(paths: 5000, confidence: 0.99, seed: 3)
    let se = try #require(risk.valueAtRiskStandardError)
    let interval = try #require(try risk.valueAtRiskInterval(coverage: 0.9))
    let z = try GSLNormal.quantile(0.95)
    #expect(abs(interval.upperBound - risk.valueAtRisk - z * se) < 1e-15)
    #expect(abs(risk.valueAtRisk - interval.lowerBound - z * se) < 1e-15)
    for bad in [0.0, 1.0, -0.5, .nan] {
      #expect(throws: RiskKernelsError.self) { try risk.valueAtRiskInterval(coverage: bad) }
      #expect(throws: RiskKernelsError.self) { try risk.expectedShortfallInterval(coverage: bad) }
    }
    let historical = try EmpiricalVaR(confidence: 0.5).measure([-0.1, 0.2, 0.05, -0.3])
    #expect(historical.valueAtRiskStandardError == nil)
    #expect(try historical.valueAtRiskInterval() == nil)
    // A tail of one scenario has no spread to estimate the ES's error from.
    let single = try EmpiricalVaR(confidence: 0.75).measure(
      contributions: Matrix(uncheckedRows: 4, columns: 1, storage: [-0.1, 0.2, 0.05, -0.3]))
    #expect(single.expectedShortfallStandardError == nil)
    #expect(single.valueAtRiskStandardError != nil)
  }
}
