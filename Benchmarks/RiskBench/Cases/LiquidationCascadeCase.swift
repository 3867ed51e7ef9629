import Foundation
import RiskKernels

/// A perpetual exchange's cascade check. Fast chain (`cascade-400ms`): each block's oracle
/// move is the shock of one cascade through the AMM pool over the whole book. Slow chain
/// (`cascade-montecarlo-12s`): the distribution of the cascade over `paths` simulated one-day
/// shocks. The book (70 % long, 2–50×, margins 10³–10⁵, entries within 1 % of the price) is
/// sorted once, as an exchange keeps it sorted between blocks; its pool holds ten times the
/// longs' size.
final class LiquidationCascadeCase: BenchmarkCase {
  let name: String
  let useCase: UseCase
  let sizeUnit = "positions"
  let defaultSize: Int
  let maximumSize = 1 << 24
  let paths: Int?
  var details: String {
    paths.map { "\($0) one-day GBM shocks (σ 0.8), one pool, all cores" }
      ?? "one pool, shock N(−5 %, 3 %) per block, one thread"
  }

  private var cascade: LiquidationCascade<Double>?
  private var shocks: [Double] = []
  private var block = 0

  /// - Parameter paths: `nil` for one shock per run (the fast chain), else the Monte Carlo's.
  init(paths: Int?) {
    self.paths = paths
    name = paths == nil ? "cascade-400ms" : "cascade-montecarlo-12s"
    useCase = paths == nil ? .fastBlock : .slowBlock
    defaultSize = paths == nil ? 100_000 : 10_000
  }

  /// The benchmark's book of `size` positions and its pool.
  static func book(size: Int, seed: UInt64) throws -> LiquidationCascade<Double> {
    var rng = SyntheticMarket(seed: seed)
    var longs = 0.0
    let positions = try (0..<size).map { _ in
      let side: PositionSide = rng.uniform() < 0.7 ? .long : .short
      let p = try LiquidationCascade<Double>.Position(
        side: side, leverage: rng.uniform(2...50), margin: rng.uniform(1e3...1e5),
        maintenanceMargin: rng.uniform(0.004...0.01), entryPrice: 2_000 * rng.uniform(0.99...1.01))
      if side == .long { longs += p.units }
      return p
    }
    let pool = try ConstantProductAMM(
      reserveX: 10 * longs, reserveY: 10 * longs * 2_000, fee: 0.003)
    return try LiquidationCascade(pool: pool, positions: positions)
  }

  func setUp(size: Int) throws {
    cascade = try Self.book(size: size, seed: 31)
    var rng = SyntheticMarket(seed: 32)
    shocks = (0..<256).map { _ in max(-0.5, -0.05 + 0.03 * rng.normal()) }
    block = 0
  }

  func run() throws {
    guard let cascade else { return }
    block += 1
    guard let paths else {
      blackHole(try cascade.run(shock: shocks[block & 255]).badDebt)
      return
    }
    let model = try CorrelatedGBM<Double>(
      spot: [cascade.pool.spotPrice], drift: [0], volatility: [0.8], correlation: Matrix([[1]]))
    let settings = SimulationSettings(
      paths: paths, steps: 1, horizon: 1.0 / 365, seed: UInt64(block))
    let distribution = try CascadeSimulation(
      model: model, markets: [.init(asset: 0, cascade: cascade)]
    ).simulate(settings: settings)
    blackHole(distribution[0].badDebtProbability)
  }
}
