import Foundation
import RiskKernels
import Testing

@Suite struct LiquidationSweepTests {
  /// A book with ordinary and awkward positions: L ≤ 1 longs, huge drifts, tiny volatilities.
  static func book(_ n: Int) throws -> (LiquidationSweep, [LeveragedPosition<Double>]) {
    var state: UInt64 = 12345
    func uniform() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / Double(1 << 53)
    }
    var sides: [PositionSide] = []
    var leverage: [Double] = []
    var margin: [Double] = []
    var vol: [Double] = []
    var drift: [Double] = []
    for k in 0..<n {
      sides.append(uniform() < 0.5 ? .long : .short)
      leverage.append(k % 97 == 0 ? 0.5 + uniform() : 1 + 124 * uniform())
      margin.append(0.01 * uniform())
      vol.append(k % 89 == 0 ? 0.01 : 0.1 + 1.5 * uniform())
      drift.append(k % 83 == 0 ? (uniform() - 0.5) * 40 : (uniform() - 0.5))
    }
    let positions = try (0..<n).map {
      try LeveragedPosition(side: sides[$0], leverage: leverage[$0], maintenanceMargin: margin[$0])
    }
    return (
      try LiquidationSweep(
        sides: sides, leverage: leverage, maintenanceMargin: margin, volatility: vol, drift: drift),
      positions
    )
  }

  @Test("Agrees with LiquidationProbabilities position by position, awkward lanes included")
  func agreesWithClosedForm() throws {
    let (sweep, positions) = try Self.book(20_003)
    let horizon = 1.0 / 365
    var out: [Double] = []
    try sweep.firstPassage(horizon: horizon, into: &out)
    #expect(out.count == positions.count)
    for k in positions.indices {
      let expected = try LiquidationProbabilities(
        position: positions[k], volatility: sweep.volatility[k], drift: sweep.drift[k],
        horizon: horizon
      ).firstPassage
      // SLEEF's erfc and exp are within 1.5 ULP: relative 1e-13. Far in the tail (Φ(a) with
      // |a| ≳ 15) the argument's own rounding is amplified by |a|², so 1e-10 below 1e-50.
      let relative = expected < 1e-50 ? 1e-10 : 1e-13
      #expect(
        abs(out[k] - expected) <= relative * max(expected, 1e-300) + 1e-300,
        "position \(k): \(out[k]) vs \(expected)")
    }
  }

  /// Tests/FixtureScripts/make_first_passage_tails.py: mpmath at 60 digits from exact inputs.
  struct TailsFixture: Decodable {
    struct Position: Decodable {
      let side: String
      let leverage: Double
      let maintenanceMargin: Double
      let volatility: Double
      let drift: Double
      let p: Double
      let condition: Double
    }
    struct Book: Decodable {
      let horizon: String
      let horizonYears: Double
      let positions: [Position]
    }
    let books: [Book]

    static func load() throws -> TailsFixture {
      guard
        let url = Bundle.module.url(
          forResource: "Fixtures/leverage/first_passage_tails", withExtension: "json")
      else { throw FixtureMissing(name: "first_passage_tails") }
      return try JSONDecoder().decode(TailsFixture.self, from: Data(contentsOf: url))
    }

    /// Rounding moves p by at most condition·u relative (see the script); allow 4× that, plus
    /// 1e-15 for the rational approximations, and the subnormal spacing near zero.
    static func allowance(_ position: Position) -> Double {
      (4 * position.condition * 0x1p-53 + 1e-15) * position.p + 0x1p-1060
    }
  }

  @Test(
    "Exact to the formula's own conditioning, far tails included, against mpmath (6 horizons, 1440 positions)"
  )
  func matchesExactTails() throws {
    var worst = 0.0
    for book in try TailsFixture.load().books {
      let positions = book.positions
      let sweep = try LiquidationSweep(
        sides: positions.map { PositionSide(rawValue: $0.side)! },
        leverage: positions.map(\.leverage),
        maintenanceMargin: positions.map(\.maintenanceMargin),
        volatility: positions.map(\.volatility), drift: positions.map(\.drift))
      var out: [Double] = []
      try sweep.firstPassage(horizon: book.horizonYears, into: &out)
      for (k, position) in positions.enumerated() {
        let error = abs(out[k] - position.p)
        worst = max(worst, error / TailsFixture.allowance(position))
        #expect(
          error <= TailsFixture.allowance(position),
          "\(book.horizon) position \(k): \(out[k]) vs \(position.p) (condition \(position.condition))"
        )
      }
    }
    #expect(worst > 0)  // the comparison really ran
  }

  @Test("LiquidationProbabilities.firstPassage is as exact on the same positions")
  func closedFormMatchesExactTails() throws {
    var worst = 0.0
    for book in try TailsFixture.load().books {
      for (k, position) in book.positions.enumerated() {
        let p = try LiquidationProbabilities(
          position: LeveragedPosition(
            side: PositionSide(rawValue: position.side)!, leverage: position.leverage,
            maintenanceMargin: position.maintenanceMargin),
          volatility: position.volatility, drift: position.drift, horizon: book.horizonYears
        ).firstPassage
        let error = abs(p - position.p)
        worst = max(worst, error / TailsFixture.allowance(position))
        #expect(
          error <= TailsFixture.allowance(position),
          "\(book.horizon) position \(k): \(p) vs \(position.p) (condition \(position.condition))")
      }
    }
    #expect(worst > 0)
  }

  @Test("Identical results on 1, 2 and 3 threads")
  func threadInvariant() throws {
    let (sweep, _) = try Self.book(70_001)
    var one: [Double] = []
    var two: [Double] = []
    var three: [Double] = []
    try sweep.firstPassage(horizon: 0.4 / (365 * 86_400), threads: 1, into: &one)
    try sweep.firstPassage(horizon: 0.4 / (365 * 86_400), threads: 2, into: &two)
    try sweep.firstPassage(horizon: 0.4 / (365 * 86_400), threads: 3, into: &three)
    #expect(one == two && two == three)
  }

  @Test("Invalid books and horizons are typed errors")
  func invalid() throws {
    #expect(throws: RiskKernelsError.self) {
      try LiquidationSweep(
        sides: [.long], leverage: [0], maintenanceMargin: [0], volatility: [1], drift: [0])
    }
    #expect(throws: RiskKernelsError.self) {
      try LiquidationSweep(
        sides: [.long, .short], leverage: [2], maintenanceMargin: [0], volatility: [1], drift: [0])
    }
    let sweep = try LiquidationSweep(
      sides: [.long], leverage: [10], maintenanceMargin: [0], volatility: [0], drift: [0])
    var out: [Double] = []
    #expect(throws: RiskKernelsError.self) { try sweep.firstPassage(horizon: 1, into: &out) }
    // The mutable inputs are re-checked, never read past their end.
    var resized = try LiquidationSweep(
      sides: [.long, .short], leverage: [10, 10], maintenanceMargin: [0, 0], volatility: [1, 1],
      drift: [0, 0])
    resized.volatility = [1]
    #expect(
      throws: RiskKernelsError.dimensionMismatch(
        operation: "volatility", expected: .vector(2), actual: .vector(1))
    ) {
      try resized.firstPassage(horizon: 1, into: &out)
    }
    resized.volatility = [1, 1]
    resized.drift = [0, .nan]
    #expect(throws: RiskKernelsError.nonFiniteInput(argument: "drift", index: 1)) {
      try resized.firstPassage(horizon: 1, into: &out)
    }
  }
}
