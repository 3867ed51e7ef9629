import Foundation
import Testing

@testable import RiskKernels

@Suite struct LoanImportanceSamplingTests {
  /// P(min C ≤ B) for GBM collateral: Φ((ℓ − νT)/(σ√T)) + e^{2νℓ/σ²} Φ((ℓ + νT)/(σ√T)),
  /// ℓ = ln(B/C₀), ν = μ − σ²/2 (the reflection principle with drift).
  func firstPassage(barrier: Double, spot: Double, mu: Double, sigma: Double, horizon: Double)
    -> Double
  {
    let l = Foundation.log(barrier / spot)
    let nu = mu - sigma * sigma / 2
    let s = sigma * horizon.squareRoot()
    return GSLNormal.cdf((l - nu * horizon) / s)
      + Foundation.exp(2 * nu * l / (sigma * sigma)) * GSLNormal.cdf((l + nu * horizon) / s)
  }

  func basket() throws -> LendingBook<Double> {
    let model = try CorrelatedGBM<Double>(
      spot: [60_000, 3_000], drift: [0.02, 0], volatility: [0.6, 0.8],
      correlation: Matrix([[1, 0.7], [0.7, 1]]))
    // 2 BTC + 20 ETH = 180 000 against 100 000 at a 120% threshold.
    let loan = try CollateralizedLoan(
      amount: 100_000.0, collateral: [2, 20], liquidationRatio: 1.2)
    return try LendingBook(model: model, loans: [loan])
  }

  @Test(
    "One-asset collateral, rare default: the IS default probability matches the first passage within 4 s.e., to a few percent"
  )
  func rareDefault() throws {
    let model = try CorrelatedGBM<Double>(
      spot: [100], drift: [0.03], volatility: [0.5], correlation: Matrix([[1]]))
    // 3 units = 300 against 100 at 150%: default below 150, a fall of half in 10 days.
    let loan = try CollateralizedLoan(amount: 100.0, collateral: [3], liquidationRatio: 1.5)
    let book = try LendingBook(model: model, loans: [loan])
    let horizon = 10.0 / 365
    let sampled = try book.importanceSampled(
      loan: 0, settings: SimulationSettings(paths: 20_000, steps: 10, horizon: horizon, seed: 2))
    let exact = firstPassage(barrier: 50, spot: 100, mu: 0.03, sigma: 0.5, horizon: horizon)
    let p = sampled.risk.defaultProbability
    #expect(exact < 1e-4, "not rare: \(exact)")
    #expect(abs(p.value - exact) < 4 * p.standardError, "\(p) vs \(exact)")
    #expect(p.standardError < 0.05 * exact, "relative s.e. \(p.standardError / exact)")
    #expect(sampled.risk.defaultProbabilityOnGrid.value <= p.value)
    #expect(sampled.shiftSize > 3)
    // Collateral 3·S(T) against the loan of 100: a cost only where S(T) < 100/3.
    #expect(sampled.risk.expectedDefaultCost.value >= 0)
  }

  @Test(
    "A two-asset basket: IS and plain agree on the default probability and cost within s.e.; IS's s.e. several times smaller; weights average 1"
  )
  func basketAgainstPlain() throws {
    let book = try basket()
    let settings = SimulationSettings(paths: 40_000, steps: 10, horizon: 10.0 / 365, seed: 6)
    let plain = try book.simulate(settings: settings).loans[0]
    let sampled = try book.importanceSampled(loan: 0, settings: settings)
    let w = sampled.meanWeight
    #expect(abs(w.value - 1) < 4 * w.standardError, "\(w)")
    for (a, b) in [
      (plain.defaultProbability, sampled.risk.defaultProbability),
      (plain.defaultProbabilityOnGrid, sampled.risk.defaultProbabilityOnGrid),
      (plain.expectedDefaultCost, sampled.risk.expectedDefaultCost),
    ] {
      // Plain sampling may see no default at all (s.e. 0): then IS must stay below the
      // rule of three's 95% bound, 3/N.
      guard a.standardError > 0 else {
        #expect(b.value < 3.0 / Double(settings.paths), "\(b) with none seen by plain")
        continue
      }
      let combined = (a.standardError * a.standardError + b.standardError * b.standardError)
        .squareRoot()
      #expect(abs(a.value - b.value) < 4 * combined, "\(a) vs \(b)")
    }
    #expect(
      sampled.risk.defaultProbability.standardError < plain.defaultProbability.standardError / 3,
      "\(sampled.risk.defaultProbability) vs \(plain.defaultProbability)")
    #expect(plain.defaultProbability.value < 0.01 && plain.defaultProbability.value > 0)
  }

  @Test("The same bits on 1 and 2 threads and any block size; bad arguments throw")
  func reproducibleAndErrors() throws {
    let book = try basket()
    func run(threads: Int, block: Int?) throws -> ImportanceSampledLoan<Double> {
      try book.importanceSampled(
        loan: 0,
        settings: SimulationSettings(
          paths: 3_000, steps: 5, horizon: 5.0 / 365, seed: 1, threads: threads,
          blockPaths: block))
    }
    let one = try run(threads: 1, block: nil)
    #expect(try run(threads: 2, block: nil) == one)
    #expect(try run(threads: 2, block: 4) == one)
    let settings = SimulationSettings(paths: 100, steps: 1, horizon: 1, seed: 1)
    #expect(throws: RiskKernelsError.self) {
      try book.importanceSampled(loan: 1, settings: settings)
    }
    var antithetic = settings
    antithetic.antithetic = true
    #expect(throws: RiskKernelsError.self) {
      try book.importanceSampled(loan: 0, settings: antithetic)
    }
    for bad in [-1.0, 11, .nan] {
      #expect(throws: RiskKernelsError.self) {
        try book.importanceSampled(loan: 0, settings: settings, shiftSize: bad)
      }
    }
  }
}
