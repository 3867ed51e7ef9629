import Foundation
import RiskKernels
import Testing
import _RiskKernelsTestSupport

@Suite struct TailRiskMeasureTests {
  /// A skewed daily-return sample, fixed by its seed.
  static func sample(count: Int = 500) -> [Double] {
    var rng = SplitMix64(seed: 23)
    return (0..<count).map { _ in
      let x = Double.random(in: -1...1, using: &rng)
      return 0.0004 + 0.02 * x + 0.01 * x * x * x
    }
  }

  @Test("One verb over the sample methods: each existential gives its own type's figures")
  func existentialsMeasureOneSample() throws {
    let returns = Self.sample()
    let methods: [any TailRiskMeasure] = [
      EmpiricalVaR(confidence: 0.99), CornishFisherVaR(confidence: 0.99),
      ParametricVaR(confidence: 0.99),
    ]
    let risks = try methods.map { try $0.measure(returns) }
    #expect(risks[0] == (try EmpiricalVaR(confidence: 0.99).measure(returns)))
    #expect(risks[1] == (try CornishFisherVaR(confidence: 0.99).measure(returns)))
    #expect(risks[2] == (try ParametricVaR(confidence: 0.99).measure(returns)))
    for (method, risk) in zip(methods, risks) {
      #expect(risk.confidence == method.confidence)
      #expect(risk.expectedShortfall > risk.valueAtRisk && risk.valueAtRisk > 0)
    }
    // Float through the same existential.
    let single = try methods[2].measure(returns.map(Float.init))
    #expect(abs(Double(single.valueAtRisk) - risks[2].valueAtRisk) <= 1e-5 * risks[2].valueAtRisk)
  }

  @Test("ParametricVaR of a sample is the fitted normal: z s √h − r̄ h and s √h φ(z)/(1−c) − r̄ h")
  func parametricSampleIsFittedNormal() throws {
    let returns = Self.sample()
    let n = Double(returns.count)
    let mean = returns.reduce(0, +) / n
    let s = (returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
    let z = 2.3263478740408408  // Φ⁻¹(0.99), scipy.stats.norm.ppf(0.99)
    let esMultiple = 2.665214220345808  // φ(z)/(1 − c), scipy.stats.norm.pdf(z) / 0.01
    for days in [1.0, 10, 3] {
      let measure = ParametricVaR(confidence: 0.99, horizon: Horizon.years(days: days))
      let risk = try measure.measure(returns)
      let h = days
      #expect(abs(risk.valueAtRisk - (z * s * h.squareRoot() - mean * h)) <= 1e-14)
      #expect(abs(risk.expectedShortfall - (esMultiple * s * h.squareRoot() - mean * h)) <= 1e-14)
      // The same as the portfolio form on a one-asset "portfolio" with the sample's moments.
      let portfolio = try measure.measure(
        weights: [1.0], covariance: Matrix([[s * s]]), means: [mean])
      #expect(abs(risk.valueAtRisk - portfolio.valueAtRisk) <= 1e-15)
    }
    // No horizon is one period, exactly.
    let oneDay = try ParametricVaR(confidence: 0.99).measure(returns)
    let alsoOneDay = try ParametricVaR(confidence: 0.99, horizon: Horizon.years(days: 1))
      .measure(returns)
    #expect(oneDay == alsoOneDay)
    // 252 periods a year: five trading days is h = 5.
    let week = try ParametricVaR(
      confidence: 0.99, horizon: Horizon.years(days: 5, daysPerYear: 252), periodsPerYear: 252
    ).measure(returns)
    #expect(abs(week.valueAtRisk - (z * s * 5.0.squareRoot() - mean * 5)) <= 1e-14)
  }

  @Test("Bad settings and samples are typed errors naming the setting")
  func badInputs() throws {
    func name(_ body: () throws -> Void) -> ParameterName? {
      do {
        try body()
      } catch RiskKernelsError.parameterOutOfRange(let name, _, _) {
        return name
      } catch {}
      return nil
    }
    let returns = Self.sample(count: 20)
    #expect(
      name { _ = try ParametricVaR(confidence: 0.99, horizon: -1).measure(returns) } == .horizon)
    #expect(
      name { _ = try ParametricVaR(confidence: 0.99, horizon: .nan).measure(returns) } == .horizon)
    #expect(
      name { _ = try ParametricVaR(confidence: 0.99, periodsPerYear: 0).measure(returns) }
        == "periodsPerYear")
    #expect(name { _ = try ParametricVaR(confidence: 1).measure(returns) } != nil)
    #expect(name { _ = try ParametricVaR(confidence: 0.99).measure([0.01, 0.01, 0.01]) } != nil)
    #expect(throws: RiskKernelsError.self) { try ParametricVaR(confidence: 0.99).measure([0.01]) }
    #expect(throws: RiskKernelsError.self) {
      try ParametricVaR(confidence: 0.99).measure([0.01, .infinity])
    }
    #expect(name { _ = try CornishFisherVaR(confidence: 0.4).measure(returns) } != nil)
    #expect(name { _ = try EmpiricalVaR(confidence: 1.5).measure(returns) } != nil)
  }

  @Test("Horizon.years(days:) is days / daysPerYear, 365 by default")
  func horizonConversion() {
    #expect(Horizon.years(days: 10) == 10.0 / 365)
    #expect(Horizon.years(days: 5, daysPerYear: 252) == 5.0 / 252)
  }
}
