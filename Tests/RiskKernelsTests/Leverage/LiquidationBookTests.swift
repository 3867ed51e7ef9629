import Foundation
import RiskKernels
import Testing

@Suite struct LiquidationBookTests {
  static let day = 1.0 / 365

  /// Three correlated assets; volatilities typical of crypto.
  static func model<T: BLASScalar>(_: T.Type) throws -> CorrelatedGBM<T> {
    try CorrelatedGBM(
      spot: [100, 2_000, 30], drift: [0.1, -0.2, 0], volatility: [0.6, 0.9, 1.2],
      correlation: Matrix([[1, 0.7, 0.5], [0.7, 1, 0.6], [0.5, 0.6, 1]]))
  }

  @Test(
    "One step per path gives the closed-form first passage within 4 SE, long and short, on every asset",
    arguments: [1, 4])
  func agreesWithClosedForm(steps: Int) throws {
    let model = try Self.model(Double.self)
    let specs: [(Int, PositionSide, Double)] = [
      (0, .long, 20), (0, .short, 20), (1, .long, 50), (1, .short, 10), (2, .long, 100),
      (2, .short, 125),
    ]
    let entries = try specs.map { asset, side, leverage in
      LiquidationBook.Entry(
        asset: asset,
        position: try LeveragedPosition(
          side: side, leverage: leverage, maintenanceMargin: 0.005, entryPrice: model.spot[asset]))
    }
    let book = try LiquidationBook(model: model, positions: entries)
    let settings = SimulationSettings(paths: 200_000, steps: steps, horizon: Self.day, seed: 11)
    let simulated = try book.simulate(settings: settings)
    for (entry, estimate) in zip(entries, simulated) {
      let exact = try LiquidationProbabilities(
        position: entry.position, volatility: model.volatility[entry.asset],
        drift: model.drift[entry.asset], horizon: Self.day)
      let se = estimate.continuous.standardError
      #expect(se > 0)
      #expect(abs(estimate.continuous.value - exact.firstPassage) <= 4 * se, "\(entry)")
      // A date beyond the level makes the path's crossing probability 1.
      #expect(estimate.onGrid.value <= estimate.continuous.value)
      #expect(estimate.liquidationPrice == entry.position.liquidationPrice)
    }
  }

  @Test("Float agrees with the closed form within 4 SE")
  func float() throws {
    let model = try Self.model(Float.self)
    let position = try LeveragedPosition<Float>(
      side: .short, leverage: 25, maintenanceMargin: 0.01, entryPrice: 2_000)
    let book = try LiquidationBook(model: model, positions: [.init(asset: 1, position: position)])
    let estimate = try book.simulate(
      settings: SimulationSettings(paths: 100_000, steps: 1, horizon: Self.day, seed: 3))[0]
    let exact = try LiquidationProbabilities<Double>(
      position: LeveragedPosition(side: .short, leverage: 25, maintenanceMargin: 0.01),
      volatility: 0.9, drift: -0.2, horizon: Self.day)
    #expect(
      abs(estimate.continuous.value - exact.firstPassage) <= 4 * estimate.continuous.standardError)
  }

  @Test("Unreachable and already-crossed liquidation prices are exactly 0 and 1")
  func exactCases() throws {
    let model = try Self.model(Double.self)
    let unlevered = try LeveragedPosition(side: .long, leverage: 1.0, entryPrice: 100)
    // Entered at 200 with 2×: liquidated at 100 ≥ spot 100.
    let underwater = try LeveragedPosition(side: .long, leverage: 2.0, entryPrice: 200)
    let book = try LiquidationBook(
      model: model,
      positions: [.init(asset: 0, position: unlevered), .init(asset: 0, position: underwater)])
    let result = try book.simulate(
      settings: SimulationSettings(paths: 1_000, steps: 1, horizon: Self.day, seed: 1))
    #expect(result[0].continuous == MonteCarloEstimate(value: 0, standardError: 0))
    #expect(result[1].continuous == MonteCarloEstimate(value: 1, standardError: 0))
    #expect(result[1].onGrid.value == 1)
  }

  @Test("Estimates do not depend on the thread count")
  func threadInvariance() throws {
    let model = try Self.model(Double.self)
    let position = try LeveragedPosition(side: .long, leverage: 40.0, entryPrice: 30)
    let book = try LiquidationBook(model: model, positions: [.init(asset: 2, position: position)])
    var settings = SimulationSettings(
      paths: 20_000, steps: 3, horizon: Self.day, seed: 5, threads: 1)
    let one = try book.simulate(settings: settings)
    settings.threads = 2
    #expect(try book.simulate(settings: settings) == one)
  }

  @Test("A position on an asset the model lacks is a typed error")
  func badAsset() throws {
    let model = try Self.model(Double.self)
    let position = try LeveragedPosition(side: .long, leverage: 10.0)
    #expect(
      throws: RiskKernelsError.parameterOutOfRange(
        name: "positions[0].asset", value: 3, allowed: "0..<3")
    ) {
      try LiquidationBook(model: model, positions: [.init(asset: 3, position: position)])
    }
  }
}
