import Foundation
import RiskKernels
import Testing

@Suite struct CascadeSimulationTests {
  static let pool = try! ConstantProductAMM<Double>(
    reserveX: 10_000, reserveY: 20_000_000, fee: 0.003)

  /// One 20× long: bad debt exactly when the shock is beyond a threshold s*, so P(bad debt) is
  /// the lognormal probability P(S_T/S_0 − 1 ≤ s*).
  @Test(
    "P(bad debt) of one long matches the lognormal closed form within 4 SE; 1 and 2 threads give the same bits"
  )
  func badDebtProbability() throws {
    let book = try LiquidationCascade(
      pool: Self.pool,
      positions: [
        .init(
          side: .long, leverage: 20, margin: 500_000, maintenanceMargin: 0.005, entryPrice: 2_000)
      ])
    var (low, high) = (-0.99, 0.0)  // bad debt at low, none at high
    for _ in 0..<100 {
      let mid = (low + high) / 2
      if try book.run(shock: mid).badDebt > 0 { low = mid } else { high = mid }
    }
    let (sigma, mu, t) = (0.8, 0.0, 5.0 / 365)
    let model = try CorrelatedGBM<Double>(
      spot: [2_000], drift: [mu], volatility: [sigma], correlation: Matrix([[1]]))
    let exact = StandardNormal.cdf(
      (Foundation.log(1 + low) - (mu - sigma * sigma / 2) * t) / (sigma * t.squareRoot()))
    let simulation = try CascadeSimulation(model: model, markets: [.init(asset: 0, cascade: book)])
    var settings = SimulationSettings(paths: 60_000, steps: 1, horizon: t, seed: 5, threads: 1)
    let one = try simulation.simulate(settings: settings)[0]
    settings.threads = 2
    let two = try simulation.simulate(settings: settings)[0]
    #expect(one == two)
    let p = one.badDebtProbability
    #expect(p.standardError > 0)
    #expect(abs(p.value - exact) <= 4 * p.standardError, "\(p) vs \(exact)")
    #expect(one.paths == 60_000)
    #expect(one.rounds.quantile99 >= one.rounds.quantile95)
    #expect(one.finalPrice.mean.value > 0)
  }

  @Test("Two pools see the same correlated paths; a failing path is named")
  func twoMarketsAndFailure() throws {
    let model = try CorrelatedGBM<Float>(
      spot: [2_000, 30_000], drift: [0, 0], volatility: [0.8, 0.6],
      correlation: Matrix([[1, 0.9], [0.9, 1]]))
    let eth = try LiquidationCascade<Float>(
      pool: ConstantProductAMM(reserveX: 10_000, reserveY: 20_000_000, fee: 0.003),
      positions: [.init(side: .long, leverage: 50, margin: 100_000, entryPrice: 2_000)])
    let btc = try LiquidationCascade<Float>(
      pool: ConstantProductAMM(reserveX: 1_000, reserveY: 30_000_000, fee: 0.003),
      positions: [.init(side: .short, leverage: 50, margin: 100_000, entryPrice: 30_000)])
    let simulation = try CascadeSimulation(
      model: model, markets: [.init(asset: 0, cascade: eth), .init(asset: 1, cascade: btc)])
    let settings = SimulationSettings(paths: 4_000, steps: 1, horizon: 1.0 / 365, seed: 9)
    let both = try simulation.simulate(settings: settings)
    #expect(both.count == 2)
    let alone = try CascadeSimulation(model: model, markets: [.init(asset: 1, cascade: btc)])
      .simulate(settings: settings)[0]
    #expect(alone == both[1])
    #expect(throws: RiskKernelsError.self) {
      try CascadeSimulation(
        model: model, markets: [.init(asset: 0, cascade: eth), .init(asset: 0, cascade: eth)])
    }
    // A short the pool cannot buy back: every rising path fails; the first is named.
    let thin = try LiquidationCascade<Float>(
      pool: ConstantProductAMM(reserveX: 10, reserveY: 300_000, fee: 0),
      positions: [.init(side: .short, leverage: 100, margin: 100_000, entryPrice: 30_000)])
    do {
      _ = try CascadeSimulation(model: model, markets: [.init(asset: 1, cascade: thin)])
        .simulate(settings: settings)
      Issue.record("expected a drained pool")
    } catch {
      guard case .parameterOutOfRange(let name, _, _) = error else {
        Issue.record("\(error)")
        return
      }
      #expect(name.base.hasPrefix("path "), "\(name)")
    }
  }
}

@Suite struct SystemicPartialTests {
  /// A run split into two group ranges, each partial through its bytes (as MPI ranks send them),
  /// gives the whole run's result.
  static func split<T: BLASScalar>(_ simulator: PathSimulator<T>) throws -> SimulationResult<T> {
    let g = simulator.groupCount
    let left = try simulator.partial(encoded: simulator.run(groups: 0..<(g / 3)).encoded())
    let right = try simulator.partial(encoded: simulator.run(groups: (g / 3)..<g).encoded())
    return try simulator.result(from: left.merging(right))
  }

  @Test("Cascade samples split across groups and bytes give the whole run's distributions")
  func cascadeSplit() throws {
    let model = try CorrelatedGBM<Double>(
      spot: [2_000], drift: [0], volatility: [0.8], correlation: Matrix([[1]]))
    let book = try LiquidationCascade(
      pool: ConstantProductAMM(reserveX: 10_000, reserveY: 20_000_000, fee: 0.003),
      positions: [
        .init(side: .long, leverage: 20, margin: 100_000, entryPrice: 2_000),
        .init(side: .short, leverage: 10, margin: 50_000, entryPrice: 2_000),
      ])
    let simulation = try CascadeSimulation(model: model, markets: [.init(asset: 0, cascade: book)])
    for antithetic in [false, true] {
      let simulator = simulation.simulator(
        settings: SimulationSettings(
          paths: 5_000, steps: 1, horizon: 2.0 / 365, seed: 8, antithetic: antithetic))
      let whole = try simulation.distributions(from: simulator.run())
      #expect(try simulation.distributions(from: Self.split(simulator)) == whole)
    }
  }

  @Test("Joint liquidation samples split across groups and bytes give the whole run's figures")
  func jointSplit() throws {
    let model = try CorrelatedGBM<Float>(
      spot: [100, 50], drift: [0, 0], volatility: [0.8, 0.6],
      correlation: Matrix([[1, 0.5], [0.5, 1]]))
    // 300 positions: more than the pair limit, so the untracked path is covered too.
    let entries = try (0..<300).map { k in
      LiquidationBook<Float>.Entry(
        asset: k % 2,
        position: try LeveragedPosition<Float>(
          side: k % 3 == 0 ? .short : .long, leverage: Float(5 + k % 60),
          entryPrice: k % 2 == 0 ? 100 : 50))
    }
    let book = try LiquidationBook(model: model, positions: entries)
    let settings = SimulationSettings(paths: 3_000, steps: 3, horizon: 7.0 / 365, seed: 2)
    let simulator = try book.jointSimulator(settings: settings)
    let whole = try book.jointLiquidation(from: simulator.run())
    #expect(try book.jointLiquidation(from: Self.split(simulator)) == whole)
    #expect(whole.together.isEmpty)
    // Above the pair limit the marginals still count every liquidated position.
    let sum = whole.marginal.reduce(0) { $0 + $1.value }
    #expect(abs(sum - whole.count.value) < 1e-9 * max(1, sum))
  }
}
