import Foundation
import RiskKernels

/// A lending protocol's daily update: `size` loans, each collateralised by three of 20
/// correlated assets, simulated over one day with hourly monitoring and the Brownian-bridge
/// correction between hours; per loan the default probability and expected default cost, then
/// the rule-based rate and collateral ratio from each loan's collateral volatility.
final class LendingSimulationCase: BenchmarkCase {
  let name = "lending-collateral-simulation"
  let useCase = UseCase.lending
  let sizeUnit = "loans"
  let defaultSize = 100
  let maximumSize = 1 << 16
  let paths: Int
  var details: String { "20 assets, \(paths) paths × 24 hourly steps (bridge), all cores" }

  private var book: LendingBook<Double>?
  private var day: UInt64 = 0

  init(paths: Int = 10_000) { self.paths = paths }

  func setUp(size: Int) throws {
    var rng = SyntheticMarket(seed: 23)
    let d = 20
    let daily = try rng.factorReturns(rows: 500, assets: d)
    let model = try CorrelatedGBM(
      spot: (0..<d).map { _ in rng.uniform(1...100) },
      dailyEstimate: LedoitWolf().estimate(from: daily))
    let loans = try (0..<size).map { _ in
      var collateral = [Double](repeating: 0, count: d)
      for _ in 0..<3 { collateral[Int(rng.uniform() * Double(d))] += rng.uniform(10...100) }
      let value = zip(collateral, model.spot).reduce(0) { $0 + $1.0 * $1.1 }
      // Borrowed at 50–70 % of the collateral's value, liquidated at 110 % of the loan.
      return try CollateralizedLoan(
        amount: value * rng.uniform(0.5...0.7), collateral: collateral, liquidationRatio: 1.1)
    }
    book = try LendingBook(model: model, loans: loans)
  }

  func run() throws {
    guard let book else { return }
    let risk = try book.simulate(
      settings: SimulationSettings(
        paths: paths, steps: 24, horizon: Horizon.days(1).years, seed: day))
    let parameters = try book.parameters(
      baseRate: 0.02, rateSensitivity: 0.1, minimumCollateralRatio: 1.2, ratioSensitivity: 0.5)
    day += 1
    blackHole((risk, parameters))
  }
}
