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

  @Test(
    "At d = 37 and 50 too, where OpenBLAS's TRMM edge columns round differently from the rest",
    arguments: [37, 50])
  func sameAsFullRunWideModel(d: Int) throws {
    // ρᵢⱼ = 0.8^|i−j|; re-simulated paths sit in a block of 7 paths, the full run's in 1024-path
    // blocks, so a path lands in different columns of the correlation step.
    let correlation = try Matrix<Double>(
      rows: d, columns: d,
      columnMajor: (0..<(d * d)).map { Foundation.pow(0.8, Double(abs($0 % d - $0 / d))) })
    let model = try CorrelatedGBM(
      spot: (0..<d).map { 20 + Double($0) }, drift: Array(repeating: 0.03, count: d),
      volatility: (0..<d).map { 0.1 + 0.01 * Double($0) }, correlation: correlation)
    let settings = SimulationSettings(paths: 3_000, steps: 1, horizon: 0.02, seed: 21)
    let simulator = PathSimulator(
      model: model, settings: settings,
      observers: PathObservers(keepTerminalPrices: true, extremes: false))
    let full = try #require(try simulator.run().terminalPrices)
    let chosen = [2_999, 1_234, 7, 1_031, 2_048, 0, 555]
    let again = try simulator.terminalPrices(ofPaths: chosen)
    for (r, k) in chosen.enumerated() {
      #expect((0..<d).map { again[r, $0] } == (0..<d).map { full[k, $0] }, "path \(k)")
    }
  }

  @Test("Monte Carlo VaR from the model equals the form on kept terminal prices")
  func modelFormEqualsPricesForm() throws {
    let model = try model()
    let holdings = [3.0, -1.0, 2.0]
    let settings = SimulationSettings(paths: 20_000, steps: 2, horizon: 0.05, seed: 4)
    let fromModel = try MonteCarloVaR(confidence: 0.99).measure(
      model: model, holdings: holdings, settings: settings)
    let prices = try #require(
      try PathSimulator(
        model: model, settings: settings,
        observers: PathObservers(keepTerminalPrices: true, extremes: false)
      ).run().terminalPrices)
    let fromPrices = try MonteCarloVaR(confidence: 0.99).measure(
      terminalPrices: prices, spot: model.spot, holdings: holdings)
    #expect(fromModel == fromPrices)
  }
}
