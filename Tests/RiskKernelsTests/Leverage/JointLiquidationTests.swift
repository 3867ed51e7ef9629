import Foundation
import RiskKernels
import Testing

@Suite struct JointLiquidationTests {
  static let week = 7.0 / 365

  static func position(_ side: PositionSide, _ leverage: Double, entry: Double) throws
    -> LeveragedPosition<Double>
  {
    try LeveragedPosition(
      side: side, leverage: leverage, maintenanceMargin: 0.005, entryPrice: entry)
  }

  static func firstPassage(_ p: LeveragedPosition<Double>, _ sigma: Double, _ mu: Double) throws
    -> Double
  {
    try LiquidationProbabilities(position: p, volatility: sigma, drift: mu, horizon: week)
      .firstPassage
  }

  @Test("Independent assets: both and either match the product of the closed forms within 4 SE")
  func independent() throws {
    let model = try CorrelatedGBM<Double>(
      spot: [100, 50], drift: [0.1, -0.1], volatility: [0.8, 0.6],
      correlation: Matrix([[1, 0], [0, 1]]))
    let a = try Self.position(.long, 20, entry: 100)
    let b = try Self.position(.short, 15, entry: 50)
    let book = try LiquidationBook(
      model: model, positions: [.init(asset: 0, position: a), .init(asset: 1, position: b)])
    let joint = try book.simulateJoint(
      settings: SimulationSettings(paths: 100_000, steps: 4, horizon: Self.week, seed: 21),
      notionals: [2_000, 750])
    let (pa, pb) = (try Self.firstPassage(a, 0.8, 0.1), try Self.firstPassage(b, 0.6, -0.1))
    for (estimate, exact) in [
      (joint.marginal[0], pa), (joint.marginal[1], pb), (joint.together[0][1], pa * pb),
      (joint.any, 1 - (1 - pa) * (1 - pb)), (joint.all, pa * pb),
    ] {
      #expect(estimate.standardError > 0)
      #expect(abs(estimate.value - exact) <= 4 * estimate.standardError, "\(estimate) vs \(exact)")
    }
    // Consistency: E[count] = Σ P(k liquidated); E[notional] = Σ notionalₖ P(k).
    #expect(abs(joint.count.value - joint.marginal[0].value - joint.marginal[1].value) < 1e-12)
    #expect(
      abs(joint.notional.value - 2_000 * joint.marginal[0].value - 750 * joint.marginal[1].value)
        < 1e-9)
    #expect(joint.atLeast[0].value == 1 && joint.together[1][0] == joint.together[0][1])
  }

  @Test(
    "One asset, same side: the deeper level is never crossed without the nearer (exactly), and both match the closed forms"
  )
  func nested() throws {
    let model = try CorrelatedGBM<Double>(
      spot: [2_000], drift: [0], volatility: [0.9], correlation: Matrix([[1]]))
    let near = try Self.position(.long, 50, entry: 2_000)
    let far = try Self.position(.long, 10, entry: 2_000)
    let book = try LiquidationBook(
      model: model, positions: [.init(asset: 0, position: near), .init(asset: 0, position: far)])
    let settings = SimulationSettings(paths: 60_000, steps: 2, horizon: Self.week, seed: 4)
    let joint = try book.simulateJoint(settings: settings)
    #expect(joint.together[0][1] == joint.marginal[1])  // both ⇔ the far one
    #expect(joint.any == joint.marginal[0])
    #expect(joint.all == joint.marginal[1])
    for (estimate, exact) in [
      (joint.marginal[0], try Self.firstPassage(near, 0.9, 0)),
      (joint.marginal[1], try Self.firstPassage(far, 0.9, 0)),
    ] {
      #expect(abs(estimate.value - exact) <= 4 * estimate.standardError, "\(estimate) vs \(exact)")
    }
  }

  @Test(
    "Correlated assets, fine grid: the same bits on 1 and 2 threads; antithetic; Float; fixed positions"
  )
  func reproducible() throws {
    let model = try CorrelatedGBM<Float>(
      spot: [100, 200, 300], drift: [0, 0, 0], volatility: [0.5, 0.7, 0.9],
      correlation: Matrix([[1, 0.8, 0.6], [0.8, 1, 0.7], [0.6, 0.7, 1]]))
    let entries = try [
      (0, PositionSide.long, Float(25), Float(100)), (1, .short, 20, 200), (2, .long, 1, 300),
      (2, .long, 10, 400),  // underwater at the spot: always liquidated
    ].map { asset, side, leverage, entry in
      LiquidationBook.Entry(
        asset: asset,
        position: try LeveragedPosition<Float>(side: side, leverage: leverage, entryPrice: entry))
    }
    let book = try LiquidationBook(model: model, positions: entries)
    var settings = SimulationSettings(
      paths: 8_192, steps: 10, horizon: Self.week, seed: 9, antithetic: true, threads: 1)
    let one = try book.simulateJoint(settings: settings)
    settings.threads = 2
    #expect(try book.simulateJoint(settings: settings) == one)
    #expect(one.marginal[2].value == 0 && one.marginal[3].value == 1)
    #expect(one.atLeast[1].value == 1 && one.atLeast[4].value == 0)
    #expect(one.countQuantiles[0] >= 1)
  }

  @Test("Notionals are checked")
  func badNotionals() throws {
    let model = try CorrelatedGBM<Double>(
      spot: [1], drift: [0], volatility: [0.5], correlation: Matrix([[1]]))
    let book = try LiquidationBook(
      model: model, positions: [.init(asset: 0, position: try Self.position(.long, 5, entry: 1))])
    let settings = SimulationSettings(paths: 100, steps: 1, horizon: Self.week, seed: 1)
    #expect(throws: RiskKernelsError.self) {
      try book.simulateJoint(settings: settings, notionals: [1, 2])
    }
    #expect(throws: RiskKernelsError.self) {
      try book.simulateJoint(settings: settings, notionals: [-1])
    }
  }
}

@Suite struct JointDefaultTests {
  @Test(
    "Loans on independent single assets: each loan's default matches the book's own estimate, and both match the product within 4 SE"
  )
  func independentLoans() throws {
    let model = try CorrelatedGBM<Double>(
      spot: [100, 50], drift: [0, 0], volatility: [0.9, 0.7],
      correlation: Matrix([[1, 0], [0, 1]]))
    let loans = try [
      CollateralizedLoan<Double>(amount: 80, collateral: [1, 0], liquidationRatio: 1.1),
      CollateralizedLoan<Double>(amount: 40, collateral: [0, 1], liquidationRatio: 1.1),
    ]
    let book = try LendingBook(model: model, loans: loans)
    let settings = SimulationSettings(paths: 80_000, steps: 5, horizon: 30.0 / 365, seed: 12)
    let joint = try book.simulateJoint(settings: settings)
    let single = try book.simulate(settings: settings)
    for k in 0..<2 {
      let a = joint.marginal[k]
      let b = single.loans[k].defaultProbability
      #expect(abs(a.value - b.value) <= 4 * a.standardError, "\(a) vs \(b)")
    }
    let (p0, p1) = (
      single.loans[0].defaultProbability.value, single.loans[1].defaultProbability.value
    )
    #expect(abs(joint.all.value - p0 * p1) <= 4 * joint.all.standardError + 1e-3)
    #expect(abs(joint.any.value - (1 - (1 - p0) * (1 - p1))) <= 4 * joint.any.standardError + 1e-3)
    // The defaulted debt: E = Σ Lₖ P(k defaults).
    #expect(
      abs(joint.notional.value - 80 * joint.marginal[0].value - 40 * joint.marginal[1].value) < 1e-9
    )
  }

  @Test(
    "A basket loan's default matches the engine's barrier estimate within 4 SE; split runs give the same bits"
  )
  func basketLoan() throws {
    let model = try CorrelatedGBM<Double>(
      spot: [100, 50, 20], drift: [0, 0, 0], volatility: [0.8, 0.6, 1.0],
      correlation: Matrix([[1, 0.6, 0.3], [0.6, 1, 0.4], [0.3, 0.4, 1]]))
    let loans = try [
      CollateralizedLoan<Double>(amount: 150, collateral: [1, 1, 2], liquidationRatio: 1.2),
      CollateralizedLoan<Double>(amount: 60, collateral: [0, 1, 1], liquidationRatio: 1.05),
    ]
    let book = try LendingBook(model: model, loans: loans)
    let settings = SimulationSettings(paths: 40_000, steps: 20, horizon: 20.0 / 365, seed: 5)
    let joint = try book.simulateJoint(settings: settings)
    let single = try book.simulate(settings: settings)
    for k in 0..<2 {
      let a = joint.marginal[k]
      #expect(abs(a.value - single.loans[k].defaultProbability.value) <= 4 * a.standardError)
    }
    #expect(joint.any.value >= max(joint.marginal[0].value, joint.marginal[1].value))
    let simulator = book.jointSimulator(settings: settings)
    #expect(try book.jointDefault(from: SystemicPartialTests.split(simulator)) == joint)
  }
}
