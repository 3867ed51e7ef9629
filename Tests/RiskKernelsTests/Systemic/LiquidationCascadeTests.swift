import Foundation
import RiskKernels
import Testing
import _RiskKernelsTestSupport

/// The cascades of Tests/FixtureScripts/make_cascade.py (a naive, independent implementation).
struct CascadeFixture: Decodable {
  struct Pool: Decodable {
    let baseReserve: Double
    let quoteReserve: Double
    let fee: Double
  }
  struct Position: Decodable {
    let side: PositionSide
    let leverage: Double
    let margin: Double
    let maintenanceMargin: Double
    let entryPrice: Double
  }
  struct Book: Decodable {
    let pool: Pool
    let positions: [Position]
  }
  struct Round: Decodable {
    let price: Double
    let closed: Int
    let netUnitsSold: Double
    let executionPrice: Double
    let priceAfter: Double
    let badDebt: Double
  }
  struct Expected: Decodable {
    let rounds: Int
    let liquidatedPositions: Int
    let liquidatedNotional: Double
    let shockedPrice: Double
    let finalPrice: Double
    let badDebt: Double
    let amplification: Double?
    let closingRound: [Int?]
    let roundDetails: [Round]
  }
  struct Case: Decodable {
    let name: String
    let book: Book
    let shock: Double
    let expected: Expected
  }
  let cases: [Case]

  static func load() throws -> CascadeFixture {
    let url = try #require(
      Bundle.module.url(forResource: "Fixtures/leverage/cascade", withExtension: "json"))
    return try JSONDecoder().decode(CascadeFixture.self, from: Data(contentsOf: url))
  }
}

extension CascadeFixture.Book {
  func cascade<T: BLASScalar>(_: T.Type) throws -> LiquidationCascade<T> {
    try LiquidationCascade(
      pool: ConstantProductAMM(
        reserveX: T(pool.baseReserve), reserveY: T(pool.quoteReserve), fee: T(pool.fee)),
      positions: positions.map {
        try .init(
          side: $0.side, leverage: T($0.leverage), margin: T($0.margin),
          maintenanceMargin: T($0.maintenanceMargin), entryPrice: T($0.entryPrice))
      })
  }
}

@Suite struct LiquidationCascadeTests {
  static func close(_ a: Double, _ b: Double, _ relative: Double) -> Bool {
    abs(a - b) <= relative * Swift.max(abs(b), 1)
  }

  @Test(
    "Hand-made books (two and three rounds, a squeeze, a fee, underwater, netting) match the reference"
  )
  func matchesReference() throws {
    for c in try CascadeFixture.load().cases {
      try Self.check(c, Double.self, tolerance: 1e-10)
      try Self.check(c, Float.self, tolerance: 2e-3)
    }
  }

  static func check<T: BLASScalar>(_ c: CascadeFixture.Case, _: T.Type, tolerance: Double) throws {
    let o = try c.book.cascade(T.self).run(shock: T(c.shock))
    let e = c.expected
    #expect(o.rounds == e.rounds, "\(c.name)")
    #expect(o.liquidatedPositions == e.liquidatedPositions, "\(c.name)")
    #expect(o.closingRound == e.closingRound, "\(c.name)")
    #expect(close(Double(o.liquidatedNotional), e.liquidatedNotional, tolerance), "\(c.name)")
    #expect(close(Double(o.shockedPrice), e.shockedPrice, tolerance), "\(c.name)")
    #expect(close(Double(o.finalPrice), e.finalPrice, tolerance), "\(c.name)")
    #expect(close(Double(o.badDebt), e.badDebt, tolerance), "\(c.name): \(o.badDebt)")
    #expect((o.amplification == nil) == (e.amplification == nil), "\(c.name)")
    if let a = o.amplification, let b = e.amplification {
      #expect(close(Double(a), b, tolerance), "\(c.name)")
    }
    #expect(o.roundDetails.count == e.roundDetails.count)
    for (r, x) in zip(o.roundDetails, e.roundDetails) {
      #expect(r.longsClosed + r.shortsClosed == x.closed, "\(c.name)")
      #expect(close(Double(r.price), x.price, tolerance))
      #expect(close(Double(r.netUnitsSold), x.netUnitsSold, tolerance))
      #expect(close(Double(r.executionPrice), x.executionPrice, tolerance))
      #expect(close(Double(r.priceAfter), x.priceAfter, tolerance))
      #expect(close(Double(r.badDebt), x.badDebt, tolerance))
    }
  }

  @Test(
    "The worked example of docs/liquidation.md, by hand: 20× long closed at the shock, its sale closes the 10×"
  )
  func workedExample() throws {
    let pool = try ConstantProductAMM<Double>(reserveX: 10_000, reserveY: 20_000_000, fee: 0)
    let book = try LiquidationCascade(
      pool: pool,
      positions: [
        .init(
          side: .long, leverage: 20, margin: 100_000, maintenanceMargin: 0.005, entryPrice: 2_000),
        .init(
          side: .long, leverage: 10, margin: 200_000, maintenanceMargin: 0.005, entryPrice: 2_000),
      ])
    let o = try book.run(shock: -0.05)
    // After the shock: k = 2·10¹¹, R_b = √(k/1900), R_q = √(k·1900).
    let rb = (2e11 / 1_900).squareRoot()
    let rq = (2e11 * 1_900).squareRoot()
    #expect(abs(o.shockedPrice - 1_900) < 1e-9)
    // Round 1: P_liq = 2000·0.95/0.995 = 1909.55 ≥ 1900, so the 20× long sells 1000 units.
    let paid = rq * 1_000 / (rb + 1_000)
    #expect(abs(o.roundDetails[0].executionPrice - paid / 1_000) < 1e-9)
    let mid1 = (rq - paid) / (rb + 1_000)
    #expect(abs(o.roundDetails[0].priceAfter - mid1) < 1e-9)
    // Its equity 100000 + 1000·(p_exec − 2000) < 0: bad debt.
    #expect(abs(o.roundDetails[0].badDebt - (1_000 * (2_000 - paid / 1_000) - 100_000)) < 1e-6)
    // Round 2: the 10× long's 1809.05 is above mid1 (≈ 1577.5).
    #expect(o.rounds == 2 && o.closingRound == [1, 2])
    #expect(o.liquidatedNotional == 4_000_000)
  }

  @Test(
    "More shock never liquidates less; a deeper pool never amplifies more (random one-sided books)")
  func monotone() throws {
    var rng = SplitMix64(seed: 42)
    for trial in 0..<200 {
      let side: PositionSide = trial.isMultiple(of: 2) ? .long : .short
      let positions = try (0..<Int(rng.next() % 40 + 1)).map { _ in
        try LiquidationCascade<Double>.Position(
          side: side, leverage: 1 + Double.random(in: 0..<1, using: &rng) * 99,
          margin: 1_000 + Double.random(in: 0..<1, using: &rng) * 100_000,
          maintenanceMargin: Double.random(in: 0..<1, using: &rng) * 0.02,
          entryPrice: 1_800 + Double.random(in: 0..<1, using: &rng) * 400)
      }
      // A pool 2 to 22 times the book's size, so a squeeze cannot drain it.
      let size = positions.reduce(0) { $0 + $1.units }
      let depth = size * (2 + Double.random(in: 0..<1, using: &rng) * 20)
      let pool = try ConstantProductAMM<Double>(
        reserveX: depth, reserveY: depth * 2_000, fee: 0.003)
      let deeper = try ConstantProductAMM<Double>(
        reserveX: depth * 3, reserveY: depth * 6_000, fee: 0.003)
      let book = try LiquidationCascade(pool: pool, positions: positions)
      let deepBook = try LiquidationCascade(pool: deeper, positions: positions)
      let sign: Double = side == .long ? -1 : 1
      var previous = -1
      for magnitude in stride(from: 0.01, through: 0.4, by: 0.01) {
        let o = try book.run(shock: sign * magnitude)
        #expect(o.liquidatedPositions >= previous, "trial \(trial), shock \(magnitude)")
        previous = o.liquidatedPositions
        let a = try #require(o.amplification)
        let b = try #require(try deepBook.run(shock: sign * magnitude).amplification)
        #expect(b <= a * (1 + 1e-12), "trial \(trial), shock \(magnitude)")
        #expect(a >= 1 - 1e-12)
        #expect(o.badDebt >= 0 && o.finalPrice > 0)
      }
    }
  }

  @Test("Closing order does not depend on the positions' order in the book")
  func orderInvariant() throws {
    let c = try CascadeFixture.load().cases[1]
    let book = try c.book.cascade(Double.self)
    let reversed = try LiquidationCascade(pool: book.pool, positions: book.positions.reversed())
    let (a, b) = (try book.run(shock: c.shock), try reversed.run(shock: c.shock))
    #expect(a.rounds == b.rounds && a.finalPrice == b.finalPrice)
    #expect(a.closingRound == b.closingRound.reversed())
    #expect(abs(a.badDebt - b.badDebt) <= 1e-9 * a.badDebt)
  }

  @Test("Errors: a shock at or below −100%, a purchase that would drain the pool, a bad margin")
  func errors() throws {
    let pool = try ConstantProductAMM<Double>(reserveX: 100, reserveY: 200_000, fee: 0)
    let squeeze = try LiquidationCascade(
      pool: pool,
      positions: [.init(side: .short, leverage: 10, margin: 100_000, entryPrice: 2_000)])
    #expect(throws: RiskKernelsError.self) { try squeeze.run(shock: -1) }
    #expect(throws: RiskKernelsError.self) { try squeeze.run(shock: .nan) }
    do {
      _ = try squeeze.run(shock: 0.2)
      Issue.record("a buy-back of 500 units from a 100-unit pool should fail")
    } catch {
      guard case .parameterOutOfRange(let name, _, _) = error else {
        Issue.record("\(error)")
        return
      }
      #expect(name.base.hasPrefix("round 1"))
    }
    #expect(throws: RiskKernelsError.self) {
      try LiquidationCascade<Double>.Position(side: .long, leverage: 5, margin: 0, entryPrice: 1)
    }
    #expect(throws: RiskKernelsError.self) {
      try LiquidationCascade<Double>.Position(side: .long, leverage: 5, margin: -1, entryPrice: 1)
    }
  }

  @Test("The pool's purchase is the inverse of its sale; arbitrage keeps k")
  func poolFormulas() throws {
    let pool = try ConstantProductAMM<Double>(reserveX: 1_000, reserveY: 2_000_000, fee: 0.003)
    let out = try pool.output(amountIn: 5_000, .yForX)
    #expect(abs(try pool.input(amountOut: out, .yForX) - 5_000) < 1e-8)
    var moved = pool
    try moved.arbitrage(toPrice: 1_500)
    #expect(abs(moved.spotPrice - 1_500) < 1e-9)
    #expect(abs(moved.reserveX * moved.reserveY - 2e9) < 1e-3)
    #expect(throws: RiskKernelsError.self) { try pool.input(amountOut: 1_000, .yForX) }
  }
}
