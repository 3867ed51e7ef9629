import Foundation
import RiskKernels
import Testing

@Suite struct LendingBookTests {
  static let month = 30.0 / 365

  static func phi(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

  /// Three loans: on asset 2 alone, on a basket of assets 0 and 1, on all three.
  static func book() throws -> LendingBook<Double> {
    let model = try LiquidationBookTests.model(Double.self)
    return try LendingBook(
      model: model,
      loans: [
        CollateralizedLoan(amount: 2_000, collateral: [0, 0, 100], liquidationRatio: 1.2),
        CollateralizedLoan(amount: 2_000, collateral: [10, 1, 0], liquidationRatio: 1.3),
        CollateralizedLoan(amount: 5_000, collateral: [20, 2, 50], liquidationRatio: 1.1),
      ])
  }

  @Test(
    "Single-asset collateral: default = closed-form first passage, cost = lognormal put, within 4 SE"
  )
  func singleAsset() throws {
    let book = try Self.book()
    let risk = try book.simulate(
      settings: SimulationSettings(paths: 100_000, steps: 30, horizon: Self.month, seed: 21))
    let loan = risk.loans[0]
    let (s0, sigma, mu, t) = (3_000.0, 1.2, 0.0, Self.month)
    // Down barrier at 2 400 on C = 100·S: a long at leverage L with P_liq/P₀ = 0.8 (m = 0).
    let position = try LeveragedPosition(side: .long, leverage: 5.0)
    #expect(abs(position.liquidationPrice - 0.8) < 1e-15)
    let exact = try LiquidationProbabilities(
      position: position, volatility: sigma, drift: mu, horizon: t)
    #expect(
      abs(loan.defaultProbability.value - exact.firstPassage) <= 4
        * loan.defaultProbability.standardError)
    // CR ≥ 1: C(T) < L implies default, so the cost is the put E[(L − C(T))⁺].
    let forward = s0 * exp(mu * t)
    let d1 = (log(forward / 2_000) + sigma * sigma * t / 2) / (sigma * t.squareRoot())
    let put = 2_000 * Self.phi(-(d1 - sigma * t.squareRoot())) - forward * Self.phi(-d1)
    #expect(abs(loan.expectedDefaultCost.value - put) <= 4 * loan.expectedDefaultCost.standardError)
    #expect(loan.collateralValue == s0)
    #expect(abs(loan.collateralVolatility - sigma) < 1e-12)
    #expect(loan.threshold == 2_400)
    #expect(loan.collateralRatio == 1.5)
  }

  @Test("Basket collateral: a daily grid agrees with an 8× finer grid within 4 SE")
  func basketConverges() throws {
    let book = try Self.book()
    let coarse = try book.simulate(
      settings: SimulationSettings(paths: 40_000, steps: 30, horizon: Self.month, seed: 1))
    let fine = try book.simulate(
      settings: SimulationSettings(paths: 10_000, steps: 240, horizon: Self.month, seed: 2))
    for k in 1...2 {
      let (a, b) = (coarse.loans[k].defaultProbability, fine.loans[k].defaultProbability)
      let se = (a.standardError * a.standardError + b.standardError * b.standardError).squareRoot()
      #expect(a.value > 0.01)
      #expect(abs(a.value - b.value) <= 4 * se, "loan \(k): \(a) vs \(b)")
      #expect(coarse.loans[k].defaultProbabilityOnGrid.value <= a.value)
    }
  }

  @Test("The basket cost equals the put on the same paths' terminal collateral (CR ≥ 1)")
  func basketCostIsPut() throws {
    let book = try Self.book()
    let settings = SimulationSettings(paths: 8_192, steps: 30, horizon: Self.month, seed: 9)
    let risk = try book.simulate(settings: settings)
    let loan = book.loans[1]
    let observers = PathObservers<Double>(
      holdings: loan.collateral, keepPortfolioValues: true, extremes: false)
    let values = try PathSimulator(model: book.model, settings: settings, observers: observers)
      .run().portfolioValues!
    let put = values.reduce(0) { $0 + max(2_000 - $1, 0) } / Double(values.count)
    #expect(abs(risk.loans[1].expectedDefaultCost.value - put) <= 1e-9 * put)
    #expect(
      abs(risk.expectedDefaultCost - risk.loans.reduce(0) { $0 + $1.expectedDefaultCost.value })
        == 0)
    #expect(
      risk.expectedDefaultCostStandardErrorBound >= risk.loans[1].expectedDefaultCost.standardError)
  }

  @Test(
    "Rates and collateral ratios follow r = r0 + βσ, CR = CR_min + γσ of each loan's collateral")
  func parameters() throws {
    let book = try Self.book()
    let sigma = book.collateralVolatilities
    #expect(abs(sigma[0] - 1.2) < 1e-12)
    // Loan 1: weights 1/3, 2/3 on σ = 0.6, 0.9 with ρ = 0.7.
    let (w0, w1) = (1.0 / 3, 2.0 / 3)
    let expected = (w0 * w0 * 0.36 + w1 * w1 * 0.81 + 2 * w0 * w1 * 0.7 * 0.6 * 0.9).squareRoot()
    #expect(abs(sigma[1] - expected) < 1e-12)
    let (rates, ratios) = try book.parameters(
      baseRate: 0.02, rateSensitivity: 0.1, minimumCollateralRatio: 1.1, ratioSensitivity: 0.5)
    for k in 0..<3 {
      #expect(abs(rates[k] - (0.02 + 0.1 * sigma[k])) < 1e-15)
      #expect(abs(ratios[k] - (1.1 + 0.5 * sigma[k])) < 1e-15)
    }
  }

  @Test("Bad loans are typed errors")
  func errors() throws {
    let model = try LiquidationBookTests.model(Double.self)
    #expect(
      throws: RiskKernelsError.parameterOutOfRange(name: "amount", value: 0, allowed: "> 0, finite")
    ) {
      try CollateralizedLoan(amount: 0.0, collateral: [1, 0, 0], liquidationRatio: 1.2)
    }
    #expect(
      throws: RiskKernelsError.parameterOutOfRange(
        name: "collateral", value: -1, allowed: "≥ 0, not all zero")
    ) {
      try CollateralizedLoan(amount: 1.0, collateral: [-1, 2, 0], liquidationRatio: 1.2)
    }
    let short = try CollateralizedLoan(amount: 1.0, collateral: [1.0, 0], liquidationRatio: 1.2)
    #expect(throws: RiskKernelsError.self) { try LendingBook(model: model, loans: [short]) }
    // 100 of collateral against 90 at CR 1.2: already in default.
    let underwater = try CollateralizedLoan(
      amount: 90.0, collateral: [1.0, 0, 0], liquidationRatio: 1.2)
    #expect(
      throws: RiskKernelsError.parameterOutOfRange(
        name: "loans[0] collateral value", value: 100,
        allowed: "> CR·L = 108.0 (the loan is already in default)")
    ) {
      try LendingBook(model: model, loans: [underwater])
    }
  }
}
