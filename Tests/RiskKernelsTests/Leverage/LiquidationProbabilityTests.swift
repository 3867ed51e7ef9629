import Foundation
import RiskKernels
import Testing

/// Tests/FixtureScripts/make_liquidation.py: SciPy closed forms, QuantLib one-touch, BGK.
struct LiquidationFixture: Decodable {
  struct Case: Decodable {
    let side: String
    let leverage: Double
    let maintenanceMargin: Double
    let volatility: Double
    let drift: Double
    let horizonYears: Double
    let liquidationPrice: Double
    let terminal: Double
    let firstPassage: Double
    let firstPassageQuantLib: Double
    let discrete: [String: Double]
  }
  let cases: [Case]

  static func load() throws -> LiquidationFixture {
    guard
      let url = Bundle.module.url(
        forResource: "Fixtures/leverage/liquidation", withExtension: "json")
    else { throw FixtureMissing(name: "liquidation") }
    return try JSONDecoder().decode(LiquidationFixture.self, from: Data(contentsOf: url))
  }
}

@Suite struct LiquidationProbabilityTests {
  static let yearSeconds = 365.0 * 86_400

  @Test("Liquidation prices and all three probabilities match SciPy and QuantLib (180 cases)")
  func matchesReferences() throws {
    for c in try LiquidationFixture.load().cases {
      let position = try LeveragedPosition(
        side: PositionSide(rawValue: c.side)!, leverage: c.leverage,
        maintenanceMargin: c.maintenanceMargin)
      #expect(abs(position.liquidationPrice - c.liquidationPrice) <= 1e-15)
      for (seconds, expected) in c.discrete {
        let p = try LiquidationProbabilities(
          position: position, volatility: c.volatility, drift: c.drift, horizon: c.horizonYears,
          monitoringInterval: Double(seconds)! / Self.yearSeconds)
        let label =
          "\(c.side) L=\(c.leverage) m=\(c.maintenanceMargin) σ=\(c.volatility) T=\(c.horizonYears)"
        // Probabilities to 1e-13 absolute or 1e-10 relative (the far tails).
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= max(1e-13, 1e-10 * abs(b)) }
        #expect(close(p.terminal, c.terminal), "\(label) terminal")
        #expect(close(p.firstPassage, c.firstPassage), "\(label) first passage")
        #expect(close(p.firstPassage, c.firstPassageQuantLib), "\(label) QuantLib")
        #expect(close(p.discreteMonitoring!, expected), "\(label) Δ = \(seconds) s")
        // Ordering: terminal ≤ discrete ≤ first passage.
        #expect(
          p.terminal <= p.discreteMonitoring! + 1e-15
            && p.discreteMonitoring! <= p.firstPassage + 1e-15)
      }
    }
  }

  @Test("The often-quoted terminal formula is the short-side terminal probability")
  func seedFormulaIsShortTerminal() throws {
    let (sigma, mu, t) = (0.8, 0.1, 3.0 / 365)
    for leverage in [5.0, 20.0, 100.0] {
      let position = try LeveragedPosition(
        side: .short, leverage: leverage, maintenanceMargin: 0.004)
      // P = 1 − Φ((ln(M₀/LT) − (μ − σ²/2)t)/(σ√t)) with ln(M₀/LT) the log-distance to P_liq.
      let distance = Foundation.log(position.liquidationPrice / position.entryPrice)
      let seed =
        1 - StandardNormal.cdf((distance - (mu - sigma * sigma / 2) * t) / (sigma * t.squareRoot()))
      let p = try LiquidationProbabilities(
        position: position, volatility: sigma, drift: mu, horizon: t)
      #expect(abs(p.terminal - seed) <= 1e-14)
      // For a long, the drift enters with the opposite sign: the same expression is wrong there.
      let long = try LeveragedPosition(side: .long, leverage: leverage, maintenanceMargin: 0.004)
      let longDistance = -Foundation.log(long.liquidationPrice)
      let naive =
        1
        - StandardNormal.cdf(
          (longDistance - (mu - sigma * sigma / 2) * t) / (sigma * t.squareRoot()))
      let right = try LiquidationProbabilities(
        position: long, volatility: sigma, drift: mu, horizon: t
      ).terminal
      #expect(abs(right - naive) > 1e-6)
    }
  }

  @Test("Edge cases: L ≤ 1 long never liquidates; zero drift first passage = 2·terminal; Float")
  func edges() throws {
    let safe = try LiquidationProbabilities(
      position: LeveragedPosition<Double>(side: .long, leverage: 1), volatility: 2, horizon: 1,
      monitoringInterval: 1e-6)
    #expect(safe.terminal == 0 && safe.firstPassage == 0 && safe.discreteMonitoring == 0)
    // ν = 0 (μ = σ²/2): P(first passage) = 2Φ(ℓ/σ√T) = 2·terminal.
    let sigma = 0.6
    let p = try LiquidationProbabilities(
      position: LeveragedPosition(side: .long, leverage: 20), volatility: sigma,
      drift: sigma * sigma / 2, horizon: 0.02)
    #expect(abs(p.firstPassage - 2 * p.terminal) <= 1e-15)
    #expect(p.discreteMonitoring == nil)
    // Far tails stay finite and ordered (no overflow of e^{2νℓ/σ²}).
    let tail = try LiquidationProbabilities(
      position: LeveragedPosition(side: .long, leverage: 1.01), volatility: 0.05, drift: -3,
      horizon: 1e-4)
    #expect(
      tail.firstPassage.isFinite && tail.firstPassage >= tail.terminal && tail.firstPassage < 1e-100
    )
    let f = try LiquidationProbabilities(
      position: LeveragedPosition<Float>(side: .short, leverage: 50, maintenanceMargin: 0.005),
      volatility: 0.8, horizon: 1 / 365)
    let d = try LiquidationProbabilities(
      position: LeveragedPosition<Double>(side: .short, leverage: 50, maintenanceMargin: 0.005),
      volatility: 0.8, horizon: 1 / 365)
    #expect(abs(Double(f.firstPassage) - d.firstPassage) <= 1e-5)
  }

  @Test(
    "terminal ≤ discrete ≤ first passage on a grid of Δ/T from 10⁻⁶ to 10, exactly terminal for Δ ≥ T"
  )
  func discreteMonitoringOrdering() throws {
    var methods: Set<DiscreteMonitoringMethod> = []
    for side in [PositionSide.long, .short] {
      for leverage in [1.5, 4, 20, 100] {
        let position = try LeveragedPosition<Double>(
          side: side, leverage: leverage, maintenanceMargin: 0.005)
        for sigma: Double in [0.05, 0.5, 0.8, 3] {
          for horizon: Double in [0.01 / 365, 1 / 365, 30 / 365, 1] {
            for ratio: Double in [1e-6, 1e-3, 0.05, 0.3, 0.9, 1, 2, 10] {
              let p = try LiquidationProbabilities(
                position: position, volatility: sigma, drift: 0.03, horizon: horizon,
                monitoringInterval: ratio * horizon)
              let d = try #require(p.discreteMonitoring)
              #expect(
                p.terminal <= d && d <= p.firstPassage, "\(side) \(leverage) \(sigma) \(ratio)")
              if ratio >= 1 {
                #expect(d == p.terminal && p.discreteMonitoringMethod == .exact)
              }
              methods.insert(p.discreteMonitoringMethod!)
            }
          }
        }
      }
    }
    // The cases: BGK had fallen below the terminal probability.
    let long100 = try LiquidationProbabilities(
      position: LeveragedPosition<Double>(side: .long, leverage: 100), volatility: 0.5,
      horizon: 0.01 / 365, monitoringInterval: 3600 / (365 * 86_400))
    #expect(long100.discreteMonitoring == long100.terminal)
    let long4 = try LiquidationProbabilities(
      position: LeveragedPosition<Double>(side: .long, leverage: 4), volatility: 0.8,
      horizon: 1 / 365, monitoringInterval: 3600 / (365 * 86_400))
    #expect(long4.discreteMonitoringMethod == .bounded)
    #expect(long4.discreteMonitoring! >= long4.terminal)
    #expect(methods == [.exact, .continuityCorrection, .bounded])
  }

  @Test("Invalid parameters are typed errors")
  func invalid() throws {
    #expect(throws: RiskKernelsError.self) {
      try LeveragedPosition<Double>(side: .long, leverage: 0)
    }
    #expect(throws: RiskKernelsError.self) {
      try LeveragedPosition<Double>(side: .long, leverage: .infinity)
    }
    for tiny in [1e-320, 4e-309] {  // 1/L overflowed: a liquidation price of −∞
      #expect(throws: RiskKernelsError.self) {
        try LeveragedPosition<Double>(side: .long, leverage: tiny)
      }
    }
    #expect(throws: RiskKernelsError.self) {
      try LeveragedPosition<Double>(side: .long, leverage: 10, maintenanceMargin: 1)
    }
    #expect(throws: RiskKernelsError.self) {
      try LeveragedPosition<Double>(side: .short, leverage: 10, entryPrice: -1)
    }
    let position = try LeveragedPosition<Double>(side: .long, leverage: 10)
    #expect(throws: RiskKernelsError.self) {
      try LiquidationProbabilities(position: position, volatility: 0, horizon: 1)
    }
    #expect(throws: RiskKernelsError.self) {
      try LiquidationProbabilities(position: position, volatility: 1, horizon: 0)
    }
    #expect(throws: RiskKernelsError.self) {
      try LiquidationProbabilities(position: position, volatility: 1, drift: .nan, horizon: 1)
    }
    #expect(throws: RiskKernelsError.self) {
      try LiquidationProbabilities(
        position: position, volatility: 1, horizon: 1, monitoringInterval: -1)
    }
  }

  @Test("log Φ agrees with log(Φ) where Φ is representable and stays finite beyond")
  func logCDF() {
    for z in stride(from: -37.0, through: 5, by: 0.5) {
      #expect(
        abs(StandardNormal.logCDF(z) - Foundation.log(StandardNormal.cdf(z))) <= 1e-12
          * max(1, abs(Foundation.log(StandardNormal.cdf(z)))))
    }
    // Beyond erfc's range: −z²/2 − log(−z) − ½log 2π to leading order.
    let z = -60.0
    #expect(
      abs(
        StandardNormal.logCDF(z)
          - (-z * z / 2 - Foundation.log(-z) - Foundation.log(2 * Double.pi) / 2)) < 1e-3)
  }
}
