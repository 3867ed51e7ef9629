import Foundation
import Testing

@testable import RiskKernels

@Suite struct LiquidationImportanceSamplingTests {
  /// One asset of volatility σ and drift μ, and the position's closed-form first passage.
  func book(_ position: LeveragedPosition<Double>, sigma: Double, mu: Double = 0) throws
    -> LiquidationBook<Double>
  {
    let model = try CorrelatedGBM<Double>(
      spot: [100], drift: [mu], volatility: [sigma], correlation: Matrix([[1]]))
    return try LiquidationBook(model: model, positions: [.init(asset: 0, position: position)])
  }

  func exact(_ p: LeveragedPosition<Double>, sigma: Double, mu: Double = 0, horizon: Double)
    throws -> Double
  {
    try LiquidationProbabilities(
      position: p, volatility: sigma, drift: mu, horizon: horizon
    ).firstPassage
  }

  @Test(
    "Rare liquidations: the IS first passage matches the closed form within 4 s.e., to a few percent of itself",
    arguments: [
      (PositionSide.long, 5.0, 0.8, 1.0 / 365),  // P ≈ 1e-7
      (.short, 4.0, 0.6, 1.0 / 365),
      (.long, 10.0, 0.3, 5.0 / 365),
    ])
  func rare(side: PositionSide, leverage: Double, sigma: Double, horizon: Double)
    throws
  {
    let position = try LeveragedPosition(
      side: side, leverage: leverage, maintenanceMargin: 0.005, entryPrice: 100)
    let exact = try exact(position, sigma: sigma, mu: 0.05, horizon: horizon)
    let sampled = try book(position, sigma: sigma, mu: 0.05).importanceSampled(
      position: 0, settings: SimulationSettings(paths: 20_000, steps: 8, horizon: horizon, seed: 3))
    let p = sampled.liquidation.continuous
    #expect(exact < 1e-2, "not rare: \(exact)")
    #expect(
      abs(p.value - exact) < 4 * p.standardError, "\(p.value) ± \(p.standardError) vs \(exact)")
    #expect(p.standardError < 0.05 * exact, "relative s.e. \(p.standardError / exact)")
    #expect(sampled.liquidation.onGrid.value <= p.value)
    #expect(sampled.shiftSize > 2)
  }

  @Test(
    "Against plain simulation (P ≈ 0.2%): agreement within s.e., a s.e. several times smaller, weights averaging 1"
  )
  func againstPlain() throws {
    let position = try LeveragedPosition(
      side: .long, leverage: 8.0, maintenanceMargin: 0.005, entryPrice: 100)
    let b = try book(position, sigma: 0.8)
    let settings = SimulationSettings(paths: 50_000, steps: 10, horizon: 1.0 / 365, seed: 8)
    let plain = try b.simulate(settings: settings)[0]
    let result = try b.importanceSampled(position: 0, settings: settings)
    let sampled = result.liquidation
    // E[w] = 1; its variance e^{θ²} − 1 is moderate at this θ (about 3), not at θ = 5.
    let w = result.meanWeight
    #expect(abs(w.value - 1) < 4 * w.standardError, "\(w)")
    for (a, c) in [(plain.onGrid, sampled.onGrid), (plain.continuous, sampled.continuous)] {
      let combined = (a.standardError * a.standardError + c.standardError * c.standardError)
        .squareRoot()
      #expect(abs(a.value - c.value) < 4 * combined, "\(a) vs \(c)")
      #expect(c.standardError < a.standardError / 3, "\(c.standardError) vs \(a.standardError)")
    }
  }

  @Test("The same bits on 1 and 2 threads and any block size; Float agrees")
  func reproducible() throws {
    let position = try LeveragedPosition(
      side: .long, leverage: 5.0, maintenanceMargin: 0.005, entryPrice: 100)
    let b = try book(position, sigma: 0.8)
    func run(threads: Int, block: Int?) throws -> ImportanceSampledLiquidation<Double> {
      try b.importanceSampled(
        position: 0,
        settings: SimulationSettings(
          paths: 5_000, steps: 4, horizon: 1.0 / 365, seed: 1, threads: threads,
          blockPaths: block))
    }
    let one = try run(threads: 1, block: nil)
    #expect(try run(threads: 2, block: nil) == one)
    #expect(try run(threads: 2, block: 6) == one)
    let floatModel = try CorrelatedGBM<Float>(
      spot: [100], drift: [0], volatility: [0.8], correlation: Matrix([[1]]))
    let floatBook = try LiquidationBook(
      model: floatModel,
      positions: [
        .init(
          asset: 0,
          position: try LeveragedPosition(
            side: .long, leverage: 5, maintenanceMargin: 0.005, entryPrice: 100))
      ])
    let float = try floatBook.importanceSampled(
      position: 0, settings: SimulationSettings(paths: 5_000, steps: 4, horizon: 1.0 / 365, seed: 1)
    )
    let (a, c) = (one.liquidation.continuous, float.liquidation.continuous)
    #expect(abs(a.value - c.value) < 0.01 * a.value, "\(a) vs \(c)")
  }

  @Test("Exact cases and bad arguments")
  func edges() throws {
    let unlevered = try LeveragedPosition(
      side: .long, leverage: 1.0, maintenanceMargin: 0.005, entryPrice: 100)
    let none = try book(unlevered, sigma: 0.8).importanceSampled(
      position: 0, settings: SimulationSettings(paths: 100, steps: 1, horizon: 1, seed: 1))
    #expect(none.liquidation.continuous == MonteCarloEstimate(value: 0, standardError: 0))
    let position = try LeveragedPosition(
      side: .long, leverage: 5.0, maintenanceMargin: 0.005, entryPrice: 100)
    let b = try book(position, sigma: 0.8)
    let settings = SimulationSettings(paths: 100, steps: 1, horizon: 1, seed: 1)
    #expect(throws: RiskKernelsError.self) {
      try b.importanceSampled(position: 1, settings: settings)
    }
    var antithetic = settings
    antithetic.antithetic = true
    #expect(throws: RiskKernelsError.self) {
      try b.importanceSampled(position: 0, settings: antithetic)
    }
    for bad in [-0.5, 10.5, Double.nan] {
      #expect(throws: RiskKernelsError.self) {
        try b.importanceSampled(position: 0, settings: settings, shiftSize: bad)
      }
    }
    var noPaths = settings
    noPaths.paths = 0
    #expect(throws: RiskKernelsError.self) {
      try b.importanceSampled(position: 0, settings: noPaths)
    }
  }
}
