import Foundation
import RiskKernels
import Testing

@testable import RiskReportCore

@Suite struct CascadeCommandTests {
  struct Shock: Decodable {
    struct Round: Decodable {
      let round, longsClosed, shortsClosed: Int
      let price, executionPrice, priceAfter, netUnitsSold, badDebt: Double
    }
    let asset: String
    let shock, initialPrice, shockedPrice, finalPrice, liquidatedNotional, badDebt: Double
    let rounds, liquidatedPositions: Int
    let amplification: Double?
    let roundDetails: [Round]
  }

  static let book = """
    {"asset": "ETH", "pool": {"baseReserve": 10000, "quoteReserve": 20000000, "fee": 0.003},
     "positions": [
       {"side": "long", "leverage": 20, "margin": 100000, "maintenanceMargin": 0.005, "entryPrice": 2000},
       {"side": "long", "leverage": 10, "margin": 200000, "entryPrice": 2000},
       {"side": "short", "leverage": 10, "margin": 50000}
     ]}
    """

  @Test("json of one shock has the documented keys and the library's numbers, in Double and Float")
  func shockJSON() throws {
    let path = try temporaryFile(Self.book, name: "book.json")
    let (code, stdout, stderr) = try runRiskReport([
      "cascade", "--book", path, "--shock", "-0.05", "--format", "json",
    ])
    #expect(code == 0 && stderr.isEmpty, "\(stderr)")
    let out = try JSONDecoder().decode(Shock.self, from: Data(stdout.utf8))
    let file = try CascadeBookFile(path: path)
    let cascade = try file.cascade(file.markets[0].market, field: "", as: Double.self)
    let expected = try cascade.run(shock: -0.05)
    #expect(out.asset == "ETH" && out.shock == -0.05)
    #expect(out.rounds == expected.rounds && out.rounds == 2)
    #expect(out.finalPrice == expected.finalPrice && out.badDebt == expected.badDebt)
    #expect(out.amplification == expected.amplification)
    #expect(out.roundDetails.map(\.longsClosed) == [1, 1])
    // The short's entry defaults to the pool's price: P_liq = 2000·1.1/1.005 is not reached.
    #expect(expected.closingRound == [1, 2, nil])
    let (_, float, _) = try runRiskReport([
      "cascade", "--book", path, "--shock", "-0.05", "--format", "json", "--precision", "float",
    ])
    let f = try JSONDecoder().decode(Shock.self, from: Data(float.utf8))
    #expect(f.rounds == 2 && abs(f.finalPrice - out.finalPrice) < 1e-3 * out.finalPrice)
    // A zero shock: amplification is null, not a division by zero.
    let (_, zero, _) = try runRiskReport([
      "cascade", "--book", path, "--shock", "0", "--format", "json",
    ])
    #expect(zero.contains("\"amplification\":null"))
  }

  @Test("The bundled book's table, and simulated shocks: the same bytes on 1 and 2 threads")
  func bundledAndSimulated() throws {
    let (code, table, stderr) = try runRiskReport(["cascade"])
    #expect(code == 0, "\(stderr)")
    #expect(table.contains("ETH: shock -10%") && table.contains("amplification"))
    let arguments = [
      "cascade", "--paths", "4000", "--volatility", "0.8", "--horizon-days", "2", "--format",
      "json",
    ]
    let (c1, one, e1) = try runRiskReport(arguments + ["--threads", "1"])
    let (_, two, _) = try runRiskReport(arguments + ["--threads", "2"])
    #expect(c1 == 0, "\(e1)")
    #expect(one == two)
    struct Simulated: Decodable {
      struct Figure: Decodable { let mean, standardError, quantile95, quantile99: Double }
      struct Probability: Decodable { let value, standardError: Double }
      let paths: Int
      let rounds, liquidatedPositions, liquidatedNotional, finalPrice, badDebt: Figure
      let amplification: Figure?
      let badDebtProbability: Probability
    }
    let s = try JSONDecoder().decode(Simulated.self, from: Data(one.utf8))
    #expect(s.paths == 4000)
    #expect(s.badDebtProbability.value > 0 && s.badDebtProbability.value < 1)
    #expect(s.liquidatedPositions.quantile99 >= s.liquidatedPositions.quantile95)
  }

  @Test("Two markets, with a model file: one object per market")
  func markets() throws {
    let book = try temporaryFile(
      """
      {"markets": [
        {"asset": "ETH", "pool": {"baseReserve": 10000, "quoteReserve": 20000000},
         "positions": [{"side": "long", "leverage": 20, "margin": 100000}]},
        {"asset": "BTC", "pool": {"baseReserve": 1000, "quoteReserve": 30000000},
         "positions": [{"side": "short", "leverage": 20, "margin": 100000}]}
      ]}
      """, name: "book.json")
    let model = try temporaryFile(
      """
      {"assets": ["BTC", "ETH"], "spot": [30000, 2000], "drift": [0, 0], "volatility": [0.6, 0.8],
       "correlation": [[1, 0.8], [0.8, 1]]}
      """, name: "model.json")
    let (code, out, err) = try runRiskReport([
      "cascade", "--book", book, "--paths", "1000", "--model", model, "--format", "json",
    ])
    #expect(code == 0, "\(err)")
    #expect(
      out.hasPrefix("{") && out.contains("\"markets\":[{") && out.contains("\"asset\":\"BTC\""))
    let (_, shocked, _) = try runRiskReport(["cascade", "--book", book, "--shock", "0.1"])
    #expect(shocked.contains("ETH: shock") && shocked.contains("BTC: shock"))
  }

  @Test("Bad input: one line naming the file and field, or the flag; nothing on stdout")
  func badInput() throws {
    func book(_ text: String) throws -> String { try temporaryFile(text, name: "book.json") }
    let pool = #""pool": {"baseReserve": 100, "quoteReserve": 200000}"#
    let cases: [([String], String)] = [
      (
        [
          "--book",
          try book(
            #"{"asset": "ETH", "pool": {"baseReserve": 0, "quoteReserve": 1}, "positions": []}"#),
        ],
        "pool.baseReserve: 0.0 must be positive"
      ),
      (
        [
          "--book",
          try book(
            #"{"asset": "ETH", \#(pool), "positions": [{"side": "long", "leverage": 5, "margin": -1}]}"#
          ),
        ],
        "positions[0].margin: -1.0 must be positive"
      ),
      (
        [
          "--book",
          try book(
            #"{"asset": "ETH", \#(pool), "positions": [{"side": "long", "leverage": 5, "margn": 1}]}"#
          ),
        ],
        "unknown field positions[0].margn (did you mean margin?)"
      ),
      (
        [
          "--book",
          try book(
            #"{"asset": "ETH", \#(pool), "positions": [{"side": "sideways", "leverage": 5, "margin": 1}]}"#
          ),
        ],
        "positions[0].side"
      ),
      (["--book", try book(#"{"asset": "ETH", \#(pool)}"#)], "positions: missing"),
      (
        [
          "--book",
          try book(
            #"{"asset": "ETH", \#(pool), "positions": [{"side": "short", "leverage": 50, "margin": 100000}]}"#
          ), "--shock", "0.1",
        ],
        "round 1: net units bought back"
      ),
      (["--shock", "-1"], "--shock: -1.0 must be in (-1, 100]"),
      (["--paths", "100"], "--paths: the simulation needs --volatility (one asset) or --model"),
      (["--volatility", "0.5"], "--volatility: only with --paths"),
      (["--paths", "100", "--volatility", "0.5", "--shock", "0.1"], "--shock and --paths"),
      (["--paths", "1000000000", "--volatility", "0.5"], "--paths: 1000000000 must be in"),
      (["--book", "/nonexistent/book.json"], "/nonexistent/book.json: cannot read the file"),
      (
        ["--paths", "1000", "--volatility", "1000"], "--volatility: with 1.0 days (--horizon-days)"
      ),
      (["--paths", "1000", "--volatility", "1e-300"], "--volatility: 1e-300 must be in"),
    ]
    // A book that dwarfs its pool (10³⁴ times the base reserve sold): the pool's price falls
    // toward 0 but stays positive (the reserve is R_q·R_b/(R_b + Δ(1 − f)), not R_q − paid).
    let (_, dwarf, _) = try runRiskReport([
      "cascade", "--format", "json", "--shock", "-0.5", "--book",
      try book(
        #"{"asset": "ETH", "pool": {"baseReserve": 1e18, "quoteReserve": 1e-30}, "positions": [{"side": "long", "leverage": 20, "margin": 1000, "entryPrice": 1e-48}]}"#
      ),
    ])
    let final = try JSONDecoder().decode(Shock.self, from: Data(dwarf.utf8)).finalPrice
    #expect(final > 0 && final < 1e-100)
    for (arguments, message) in cases {
      let (code, stdout, stderr) = try runRiskReport(["cascade"] + arguments)
      #expect(code != 0, "\(arguments)")
      #expect(stdout.isEmpty, "\(arguments)")
      #expect(stderr.contains(message), "\(arguments): \(stderr)")
      #expect(stderr.split(separator: "\n").count == 1, "\(stderr)")
    }
  }
}
