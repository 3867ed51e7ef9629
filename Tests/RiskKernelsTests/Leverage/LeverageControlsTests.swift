import Foundation
import RiskKernels
import Testing

@Suite struct LeverageControlsTests {
  @Test("The controls' formulas on hand-computed values")
  func formulas() throws {
    // L* = κ/σ · min(100, M/VaR): 0.5/0.8 · min(100, 10/0.2 = 50) = 31.25; capped at 100.
    #expect(
      try LeverageControls.volatilityAdjustedLeverage(
        scale: 0.5, volatility: 0.8, margin: 10, valueAtRisk: 0.2) == 31.25)
    #expect(
      try LeverageControls.volatilityAdjustedLeverage(
        scale: 0.5, volatility: 0.5, margin: 1000, valueAtRisk: 0.2) == 100)
    #expect(
      try LeverageControls.dynamicLiquidationThreshold(base: 0.8, sensitivity: 0.5, volatility: 0.6)
        == 0.8 * 1.3)
    #expect(
      abs(try LeverageControls.entropy([0.25, 0.25, 0.25, 0.25]) - Foundation.log(4.0)) <= 1e-15)
    #expect(try LeverageControls.entropy([1.0, 0, 0]) == 0)
    #expect(
      try LeverageControls.leveragedReturnVariance(leverage: 100.0, returnVariance: 1e-4) == 1)
    let (rates, ratios) = try LeverageControls.lendingParameters(
      volatilities: [0.2, 0.8], baseRate: 0.02, rateSensitivity: 0.1, minimumCollateralRatio: 1.2,
      ratioSensitivity: 0.5)
    #expect(
      rates == [0.02 + 0.1 * 0.2, 0.02 + 0.1 * 0.8] && ratios == [1.2 + 0.5 * 0.2, 1.2 + 0.5 * 0.8])
    #expect(throws: RiskKernelsError.self) { try LeverageControls.entropy([0.5, 0.6]) }
    #expect(throws: RiskKernelsError.self) {
      try LeverageControls.volatilityAdjustedLeverage(
        scale: 1.0, volatility: 0, margin: 1, valueAtRisk: 1)
    }
    #expect(throws: RiskKernelsError.self) {
      try LeverageControls.lendingParameters(
        volatilities: [-0.1], baseRate: 0.0, rateSensitivity: 0, minimumCollateralRatio: 1,
        ratioSensitivity: 0)
    }
  }

  @Test("The circuit breaker trips above θ·EMA, never on the first observation, and resets")
  func circuitBreaker() throws {
    var breaker = try VolatilityCircuitBreaker<Double>(threshold: 2, decay: 0.9)
    #expect(try !breaker.update(volatility: 0.5))  // seeds EMA = 0.5
    #expect(try !breaker.update(volatility: 0.9))  // 0.9 ≤ 1.0; EMA = 0.54
    #expect(abs(breaker.average! - 0.54) <= 1e-15)
    #expect(try breaker.update(volatility: 1.1))  // 1.1 > 1.08
    #expect(throws: RiskKernelsError.self) { try breaker.update(volatility: .nan) }
    let before = breaker.average
    _ = try? breaker.update(volatility: -1)
    #expect(breaker.average == before)
    breaker.reset()
    #expect(breaker.average == nil)
    #expect(throws: RiskKernelsError.self) {
      try VolatilityCircuitBreaker<Double>(threshold: 2, decay: 1)
    }
  }
}
