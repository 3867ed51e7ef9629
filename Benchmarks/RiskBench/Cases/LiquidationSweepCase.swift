import Foundation
import RiskKernels

/// A perpetual exchange's per-block sweep: the block's oracle return updates each of 20
/// underlyings' EWMA volatility, then every open position's probability of being liquidated
/// within the next block (first passage with drift, closed form) is refreshed and the positions
/// above 1 % counted for the keepers.
final class LiquidationSweepCase: BenchmarkCase {
  let name: String
  let useCase: UseCase
  let sizeUnit = "positions"
  let defaultSize = 100_000
  let maximumSize = 1 << 24
  var details: String {
    "20 underlyings, leverage 1–125×, horizon one \(blockSeconds) s block, all cores"
  }
  private let blockSeconds: Double
  private var sweep: LiquidationSweep?
  private var asset: [Int] = []
  private var volatility: [EWMAVolatility<Double>] = []
  private var blockReturns: [Double] = []
  private var probabilities: [Double] = []
  private var block = 0

  init(blockSeconds: Double) {
    self.blockSeconds = blockSeconds
    useCase = blockSeconds < 1 ? .fastBlock : .slowBlock
    name = blockSeconds < 1 ? "liquidation-sweep-400ms" : "liquidation-sweep-12s"
  }

  func setUp(size: Int) throws {
    var rng = SyntheticMarket(seed: 11)
    asset = (0..<size).map { _ in Int(rng.uniform() * 20) }
    let annual = (0..<20).map { _ in rng.uniform(0.3...1.5) }
    volatility = try (0..<20).map { i in
      var v = try EWMAVolatility<Double>()
      // Seed each EWMA with its per-block variance.
      try v.update(annual[i] * (blockSeconds / (365 * 86_400)).squareRoot())
      return v
    }
    blockReturns = (0..<1024).map { _ in rng.normal() }
    sweep = try LiquidationSweep(
      sides: (0..<size).map { _ in rng.uniform() < 0.5 ? .long : .short },
      leverage: (0..<size).map { _ in 1 + 124 * rng.uniform() * rng.uniform() },
      maintenanceMargin: (0..<size).map { _ in rng.uniform(0.004...0.01) },
      volatility: asset.map { annual[$0] }, drift: [Double](repeating: 0, count: size))
    block = 0
  }

  func run() throws {
    guard var sweep else { return }
    self.sweep = nil  // keep the arrays uniquely referenced while mutating
    let perYear = (365 * 86_400 / blockSeconds).squareRoot()
    var sigma = [Double](repeating: 0, count: 20)
    for i in 0..<20 {
      let perBlock = (volatility[i].volatility ?? 0) * blockReturns[(block + 37 * i) & 1023]
      try volatility[i].update(perBlock)
      sigma[i] = (volatility[i].volatility ?? 0) * perYear
    }
    for k in asset.indices { sweep.volatility[k] = sigma[asset[k]] }
    try sweep.firstPassage(horizon: blockSeconds / (365 * 86_400), into: &probabilities)
    var atRisk = 0
    for p in probabilities where p > 0.01 { atRisk += 1 }
    self.sweep = sweep
    block += 1
    blackHole(atRisk)
  }
}
