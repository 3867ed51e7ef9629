import Foundation
import Testing

@testable import RiskKernels

@Suite("Re-simulating chosen paths")
struct PathResimulationTests {
  func model() throws -> CorrelatedGBM<Double> {
    try CorrelatedGBM(
      spot: [10, 20, 30], drift: [0.05, -0.1, 0], volatility: [0.2, 0.5, 0.9],
      correlation: Matrix([[1, 0.3, -0.2], [0.3, 1, 0.4], [-0.2, 0.4, 1]]))
  }

  @Test(
    "A path re-simulated alone has bit for bit the terminal prices of the full run",
    arguments: [(false, NormalGenerator.philox), (true, .philox), (false, .mt19937)])
  func sameAsFullRun(antithetic: Bool, generator: NormalGenerator) throws {
    let settings = SimulationSettings(
      paths: 10_002, steps: 3, horizon: 0.1, seed: 9, antithetic: antithetic,
      generator: generator)
    let simulator = PathSimulator(
      model: try model(), settings: settings,
      observers: PathObservers(keepTerminalPrices: true, extremes: false))
    let full = try #require(try simulator.run().terminalPrices)
    // Any order, repeats, both members of a pair, the last path.
    let chosen = [5001, 0, 1, 4095, 4096, 8193, 10_001, 4096]
    let again = try simulator.terminalPrices(ofPaths: chosen)
    #expect(again.rows == chosen.count && again.columns == 3)
    for (r, k) in chosen.enumerated() {
      #expect((0..<3).map { again[r, $0] } == (0..<3).map { full[k, $0] }, "path \(k)")
    }
  }

  @Test("Monte Carlo VaR from the model equals the form on kept terminal prices")
  func modelFormEqualsPricesForm() throws {
    let model = try model()
    let holdings = [3.0, -1.0, 2.0]
    let settings = SimulationSettings(paths: 20_000, steps: 2, horizon: 0.05, seed: 4)
    let fromModel = try MonteCarloVaR.portfolio(
      model: model, holdings: holdings, settings: settings, confidence: 0.99)
    let prices = try #require(
      try PathSimulator(
        model: model, settings: settings,
        observers: PathObservers(keepTerminalPrices: true, extremes: false)
      ).run().terminalPrices)
    let fromPrices = try MonteCarloVaR.portfolio(
      terminalPrices: prices, spot: model.spot, holdings: holdings, confidence: 0.99)
    #expect(fromModel == fromPrices)
  }
}
