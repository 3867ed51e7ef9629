import Foundation
import RiskKernels
import Testing
import _RiskKernelsTestSupport

@Suite struct RollingVaRTests {
  static func returns(_ n: Int, seed: UInt64) -> [Double] {
    var rng = SplitMix64(seed: seed)
    return (0..<n).map { _ in 0.01 * rng.normal() }
  }

  @Test(
    "Each day's VaR is the method's VaR of the previous window; the backtest counts the days beyond it",
    arguments: RollingVaR.Method.allCases)
  func rolling(method: RollingVaR.Method) throws {
    let r = Self.returns(400, seed: 4)
    let rolling = try RollingVaR(method: method, window: 100, confidence: 0.99)
    let result = try rolling.backtest(r)
    #expect(result.valueAtRisk.count == 300 && result.backtest.observations == 300)
    var hits = 0
    for t in 100..<400 {
      let v = try rolling.valueAtRisk(ofWindow: Array(r[(t - 100)..<t]))
      #expect(v == result.valueAtRisk[t - 100])
      if r[t] < -v { hits += 1 }
    }
    #expect(result.backtest.exceedances == hits)
    if method == .historical {
      let direct = try EmpiricalVaR(confidence: 0.99).measure(Array(r[0..<100])).valueAtRisk
      #expect(result.valueAtRisk[0] == direct)
    }
  }

  @Test("EWMA weighs the latest day most, normalised over the window")
  func ewma() throws {
    let rolling = try RollingVaR(method: .ewma, window: 5, confidence: 0.99, ewmaDecay: 0.9)
    let w = [0.01, -0.02, 0.005, 0.03, -0.01]
    var (sum, total) = (0.0, 0.0)
    for (k, x) in w.reversed().enumerated() {
      let weight = 0.1 * Foundation.pow(0.9, Double(k))
      sum += weight * x * x
      total += weight
    }
    let expected = 2.3263478740408408 * (sum / total).squareRoot()
    #expect(abs(try rolling.valueAtRisk(ofWindow: w) - expected) <= 1e-12 * expected)
  }

  @Test("Bad settings and too short a series are typed errors")
  func errors() throws {
    #expect(throws: RiskKernelsError.self) {
      try RollingVaR(method: .historical, window: 1, confidence: 0.99)
    }
    #expect(throws: RiskKernelsError.self) {
      try RollingVaR(method: .historical, window: 10, confidence: 1)
    }
    #expect(throws: RiskKernelsError.self) {
      try RollingVaR(method: .ewma, window: 10, confidence: 0.99, ewmaDecay: 1)
    }
    let rolling = try RollingVaR(method: .parametric, window: 10, confidence: 0.99)
    #expect(throws: RiskKernelsError.self) { try rolling.backtest(Self.returns(11, seed: 1)) }
    // A window of fewer than 2 returns has no variance (parametric divided by n − 1 = 0).
    for method in RollingVaR.Method.allCases {
      let r = try RollingVaR(method: method, window: 10, confidence: 0.99)
      #expect(throws: RiskKernelsError.self) { try r.valueAtRisk(ofWindow: []) }
      #expect(throws: RiskKernelsError.self) { try r.valueAtRisk(ofWindow: [0.01]) }
    }
  }
}
