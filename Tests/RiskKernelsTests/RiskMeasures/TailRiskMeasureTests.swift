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

  @Test("ParametricVaR of a sample is the zero-mean normal: z s √h and s √h φ(z)/(1−c)")
  func parametricSampleIsZeroMeanNormal() throws {
    let returns = Self.sample()
    let n = Double(returns.count)
    let mean = returns.reduce(0, +) / n
    let s = (returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
    let z = 2.3263478740408408  // Φ⁻¹(0.99), scipy.stats.norm.ppf(0.99)
    let esMultiple = 2.665214220345808  // φ(z)/(1 − c), scipy.stats.norm.pdf(z) / 0.01
    for days in [1.0, 10, 3, 2.5] {
      let measure = ParametricVaR(confidence: 0.99, horizon: .days(days))
      let risk = try measure.measure(returns)
      #expect(abs(risk.valueAtRisk - z * s * days.squareRoot()) <= 1e-14)
      #expect(abs(risk.expectedShortfall - esMultiple * s * days.squareRoot()) <= 1e-14)
      // The portfolio form on a one-asset "portfolio" with the sample's variance: the same bits.
      let portfolio = try measure.measure(weights: [1.0], covariance: Matrix([[s * s]]))
      #expect(abs(risk.valueAtRisk - portfolio.valueAtRisk) <= 1e-15)
      // With the sample's mean: r̄h less.
      let withMean = try measure.measure(
        weights: [1.0], covariance: Matrix([[s * s]]), means: [mean])
      #expect(abs(withMean.valueAtRisk - (z * s * days.squareRoot() - mean * days)) <= 1e-14)
    }
    // No horizon is one period, exactly; so is one day of the returns' own calendar.
    let oneDay = try ParametricVaR(confidence: 0.99).measure(returns)
    #expect(oneDay == (try ParametricVaR(confidence: 0.99, horizon: .days(1)).measure(returns)))
    // A horizon in days of the returns' calendar is exactly those days (3/365·365 is not 3).
    #expect(3.0 / 365 * 365 != 3)
    let threeDays = try ParametricVaR(confidence: 0.99, horizon: .days(3)).measure(returns)
    let sqrt3 = ParametricVaR(confidence: 0.99, horizon: .days(3)).horizon!.days(daysPerYear: 365)
    #expect(sqrt3 == 3)
    #expect(abs(threeDays.valueAtRisk - z * s * 3.0.squareRoot()) <= 1e-15)
    // In years, or in another calendar: years × days per year.
    let week = try ParametricVaR(
      confidence: 0.99, horizon: .days(5, daysPerYear: 252), daysPerYear: 252
    ).measure(returns)
    #expect(abs(week.valueAtRisk - z * s * 5.0.squareRoot()) <= 1e-14)
    // Without daysPerYear, a horizon in days is those days, whatever its calendar.
    let ownCalendar = try ParametricVaR(confidence: 0.99, horizon: .days(5, daysPerYear: 252))
      .measure(returns)
    #expect(ownCalendar == week)
    let inA365Year = try ParametricVaR(
      confidence: 0.99, horizon: .days(5, daysPerYear: 252), daysPerYear: 365
    ).measure(returns)
    #expect(abs(inA365Year.valueAtRisk - z * s * (5.0 / 252 * 365).squareRoot()) <= 1e-14)
    let halfYear = try ParametricVaR(confidence: 0.99, horizon: .years(0.5)).measure(returns)
    #expect(abs(halfYear.valueAtRisk - z * s * 182.5.squareRoot()) <= 1e-13)
    // RollingVaR's parametric method is this measure on each window.
    let rolling = try RollingVaR(method: .parametric, window: 250, confidence: 0.99)
    #expect(
      try rolling.valueAtRisk(ofWindow: Array(returns.prefix(250)))
        == ParametricVaR(confidence: 0.99).measure(Array(returns.prefix(250))).valueAtRisk)
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
      name { _ = try ParametricVaR(confidence: 0.99, horizon: .days(-1)).measure(returns) }
        == .horizon)
    #expect(
      name { _ = try ParametricVaR(confidence: 0.99, horizon: .years(.nan)).measure(returns) }
        == .horizon)
    // A horizon whose days overflow.
    #expect(
      name { _ = try ParametricVaR(confidence: 0.99, horizon: .years(1e307)).measure(returns) }
        == .horizon)
    #expect(
      name { _ = try ParametricVaR(confidence: 0.99, daysPerYear: 0).measure(returns) }
        == "daysPerYear")
    #expect(name { _ = try ParametricVaR(confidence: 1).measure(returns) } != nil)
    #expect(name { _ = try ParametricVaR(confidence: 0.99).measure([0.01, 0.01, 0.01]) } != nil)
    #expect(throws: RiskKernelsError.self) { try ParametricVaR(confidence: 0.99).measure([0.01]) }
    #expect(throws: RiskKernelsError.self) {
      try ParametricVaR(confidence: 0.99).measure([0.01, .infinity])
    }
    #expect(name { _ = try CornishFisherVaR(confidence: 0.4).measure(returns) } != nil)
    #expect(name { _ = try EmpiricalVaR(confidence: 1.5).measure(returns) } != nil)
  }

  @Test("Horizon: days / daysPerYear years, and back to exactly the days in the same calendar")
  func horizonConversion() {
    #expect(Horizon.days(10).years == 10.0 / 365)
    #expect(Horizon.days(5, daysPerYear: 252).years == 5.0 / 252)
    for d in [1.0, 3, 6, 12, 29, 2.5, 2017] {
      for calendar in [365.0, 252, 49] {
        #expect(Horizon.days(d, daysPerYear: calendar).days(daysPerYear: calendar) == d)
      }
    }
    #expect(Horizon.days(3).days(daysPerYear: 252) == 3.0 / 365 * 252)
    #expect(Horizon.years(0.25).days(daysPerYear: 252) == 63)
    #expect(Horizon.years(0.25).years == 0.25)
    #expect(Horizon.days(10) != Horizon.years(10.0 / 365))
  }
}
