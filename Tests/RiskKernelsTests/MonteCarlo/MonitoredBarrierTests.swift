import Foundation
import Testing

@testable import RiskKernels

@Suite("Monitored basket barriers")
struct MonitoredBarrierTests {
  /// Four correlated assets; the basket holds assets 0, 2 and 3 (asset 1 not at all).
  func model() throws -> CorrelatedGBM<Double> {
    try CorrelatedGBM(
      spot: [10, 20, 30, 40], drift: [0, 0, 0, 0], volatility: [0.2, 0.5, 0.3, 0.8],
      correlation: Matrix([
        [1, 0.3, 0.5, 0.2], [0.3, 1, 0.1, 0.4], [0.5, 0.1, 1, 0.6], [0.2, 0.4, 0.6, 1],
      ]))
  }

  @Test("The basket's local volatility over its support equals ‖Lᵀw‖ over all assets")
  func sparseLocalVolatility() throws {
    let model = try model()
    let holdings = [2.0, 0, 1.5, 0.25]
    let barrier = MonitoredBarrier(
      Barrier(.basket(holdings), level: 50, direction: .down), model: model)
    #expect(barrier.support == [0, 2, 3])
    for prices in [[10.0, 20, 30, 40], [12.5, 1, 27, 55], [3, 99, 0.5, 7]] {
      let value = barrier.basketValue(prices)
      #expect(abs(value - (2 * prices[0] + 1.5 * prices[2] + 0.25 * prices[3])) < 1e-12)
      let dense = MonitoredBarrier<Double>.basketVolatility(
        holdings, prices, value: value, model.covarianceFactor)
      let sparse = barrier.localVolatility(prices, offset: 0, value: value)
      #expect(abs(sparse - dense) <= 1e-14 * dense)
      // The offset selects another date's prices in the chunk.
      let padded = [0, 0, 0, 0] + prices
      #expect(barrier.localVolatility(padded, offset: 4, value: value) == sparse)
    }
  }

  @Test(
    "Bridge crossing probability: 0 instead of an underflowing exponential, else exp(−2ac/σ²Δt)")
  func bridgeUnderflow() {
    #expect(
      brownianBridgeCrossingProbability(logDistances: 1, 1, volatility: 0.01, interval: 1) == 0)
    let p = brownianBridgeCrossingProbability(
      logDistances: 0.1, 0.2, volatility: 0.5, interval: 0.25)
    #expect(abs(p - exp(-2 * 0.1 * 0.2 / (0.25 * 0.25))) < 1e-15)
    #expect(
      brownianBridgeCrossingProbability(logDistances: -0.1, 0.2, volatility: 0.5, interval: 0.25)
        == 1)
    #expect(
      brownianBridgeCrossingProbability(logDistances: Float(1), 1, volatility: 0.1, interval: 1)
        == 0)
  }
}
