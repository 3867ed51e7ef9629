import Foundation
import RiskKernels
import Testing

@testable import RiskReportCore

@Suite struct StressCommandTests {
  struct Output: Decodable {
    struct Position: Decodable {
      let asset, side: String
      let leverage: Double
      let liquidated: Bool
      let pnl, badDebt: Double?
      let returnOnMargin: Double
    }
    struct Pair: Decodable { let today, stressed: Double }
    struct Measures: Decodable { let parametric, monteCarlo: Pair }
    struct Scenario: Decodable {
      let name, kind: String
      let start, end: String?
      let portfolioReturn, portfolioPnL: Double
      let assetPnL: [String: Double]
      let positions: [Position]
      let valueAtRisk, expectedShortfall: Measures?
    }
    let value: Double
    let windowDays: Int
    let scenarios: [Scenario]
  }

  static func run(_ arguments: [String]) throws -> Output {
    let (code, stdout, stderr) = try runRiskReport(["stress", "--format", "json"] + arguments)
    #expect(code == 0, "\(stderr)")
    return try JSONDecoder().decode(Output.self, from: Data(stdout.utf8))
  }

  @Test(
    "The bundled example: historical windows recomputed from the prices, every hypothetical scenario, amounts with margins"
  )
  func bundled() throws {
    let out = try Self.run(["--paths", "20000"])
    let kinds = out.scenarios.map(\.kind)
    #expect(kinds.filter { $0 == "historical" }.count == 3)
    #expect(kinds.filter { $0 == "shock" }.count == 4 * 2 + 2)
    #expect(kinds.filter { $0 == "volatility" }.count == 2 && kinds.contains("correlation"))
    // The worst window, recomputed independently from the file and the holdings.
    let file = try PriceFile(path: BundledData.examplePrices)
    let spot = try file.lastCompletePrices()
    let holdings: [String: Double] = ["AAPL": 4000, "GOOG": 500, "IBM": 1200, "MSFT": 8000]
    let worst = out.scenarios[0]
    let (s, e) = (
      file.labels.firstIndex(of: worst.start!)!, file.labels.firstIndex(of: worst.end!)!
    )
    #expect(e - s == 10)
    var pnl = 0.0
    for (i, asset) in file.assets.enumerated() {
      let move = file.rows[e][i]! / file.rows[s][i]! - 1
      pnl += holdings[asset]! * spot[i] * move
      #expect(abs(worst.assetPnL[asset]! - holdings[asset]! * spot[i] * move) < 1e-6)
    }
    #expect(
      abs(worst.portfolioPnL - pnl) < 1e-6 && abs(worst.portfolioReturn - pnl / out.value) < 1e-12)
    #expect(out.scenarios[0].portfolioReturn <= out.scenarios[1].portfolioReturn)
    // "all -30%": every asset's P&L is −30% of its value; the 20× AAPL long (margin 5000) is
    // liquidated and leaves bad debt 5000·20·0.3 − 5000 = 25000; GOOG's short gains 3 on margin.
    let all30 = try #require(out.scenarios.first { $0.name == "all -30%" })
    #expect(abs(all30.portfolioReturn + 0.3) < 1e-12)
    let aapl = all30.positions[0]
    #expect(aapl.liquidated && aapl.pnl == -5000 && abs(aapl.badDebt! - 25_000) < 1e-6)
    #expect(all30.positions[1].pnl == nil && abs(all30.positions[1].returnOnMargin - 3) < 1e-9)
    // Volatility ×2 doubles the parametric VaR exactly; the Monte Carlo one roughly.
    let vol2 = try #require(out.scenarios.first { $0.kind == "volatility" }?.valueAtRisk)
    #expect(abs(vol2.parametric.stressed - 2 * vol2.parametric.today) < 1e-12)
    #expect(abs(vol2.monteCarlo.stressed / vol2.monteCarlo.today - 2) < 0.1)
    let corr = try #require(out.scenarios.first { $0.kind == "correlation" }?.valueAtRisk)
    #expect(corr.parametric.stressed > corr.parametric.today)
  }

  @Test("User scenarios: shocks, stresses, both; names, assets and keys checked")
  func userScenarios() throws {
    let path = try temporaryFile(
      #"""
      [{"name": "tech crash", "shocks": {"AAPL": -0.4, "MSFT": -0.25}},
       {"name": "panic", "volatilityMultiplier": 2.5, "correlationShift": 0.8},
       {"name": "both", "shocks": {"IBM": 0.1}, "correlationShift": 0.2},
       {"shocks": {"GOOG": -0.5}}]
      """#, name: "scenarios.json")
    let out = try Self.run(["--scenarios", path, "--paths", "5000"])
    let user = out.scenarios.filter { $0.kind == "user" }
    #expect(user.map(\.name) == ["tech crash", "panic", "both", "scenario 4"])
    #expect(user[0].valueAtRisk == nil && user[0].assetPnL["GOOG"] == 0)
    #expect(user[1].portfolioPnL == 0 && user[1].valueAtRisk != nil)
    #expect(user[2].portfolioReturn > 0 && user[2].valueAtRisk != nil)
    func scenarios(_ text: String) throws -> String { try temporaryFile(text, name: "s.json") }
    let cases: [(String, String)] = [
      (#"[{"name": "x", "shocks": {"TSLA": -0.2}}]"#, "[0].shocks.TSLA: no such asset"),
      (
        #"[{"name": "x", "shock": {"AAPL": -0.2}}]"#,
        "unknown field [0].shock (did you mean shocks?)"
      ),
      (#"[{"name": "x", "shocks": {"AAPL": -1.5}}]"#, "[0].shocks.AAPL: -1.5 must be in (-1, 100]"),
      (#"[{"name": "x", "correlationShift": 2}]"#, "[0].correlationShift: 2.0 is out of range"),
      (#"[{"name": "x"}]"#, "[0]: gives no shocks"),
      (#"{"name": "x"}"#, "expected a JSON array"),
      (#"[]"#, "no scenarios"),
      (
        #"[{"name": "all -20%", "shocks": {}}]"#,
        "[0].name: all -20% is the name of a built-in scenario"
      ),
      (
        #"[{"name": "x", "shocks": {}}, {"name": "x", "shocks": {}}]"#,
        "[1].name: x is also [0].name"
      ),
      (
        #"[{"name": "x", "volatilityMultiplier": 1e-300}]"#,
        "[0].volatilityMultiplier: 1e-300 is out of range"
      ),
      (#"[{"name": "x", "correlationShift": 1}]"#, "[0].correlationShift: 1.0 is out of range"),
    ]
    for (text, message) in cases {
      let (code, stdout, stderr) = try runRiskReport(["stress", "--scenarios", try scenarios(text)])
      #expect(code != 0 && stdout.isEmpty, "\(text)")
      #expect(stderr.contains("s.json") && stderr.contains(message), "\(text): \(stderr)")
      #expect(stderr.split(separator: "\n").count == 1)
    }
    let (code, stdout, stderr) = try runRiskReport(["stress", "--window-days", "5000"])
    #expect(
      code != 0 && stdout.isEmpty && stderr.contains("--window-days: 5000 needs at least 5001"))
    // Too much simulation for the scenarios, refused before any work.
    let many = try scenarios(
      "[" + (1...600).map { _ in #"{"volatilityMultiplier": 1.5}"# }.joined(separator: ",") + "]")
    let (c2, o2, e2) = try runRiskReport(["stress", "--scenarios", many, "--paths", "1000000"])
    #expect(c2 != 0 && o2.isEmpty && e2.contains("--paths: 604 stressed VaR/ES runs"), "\(e2)")
    // A position entered so far below today's price that its figures would overflow.
    let portfolio = try temporaryFile(
      #"{"holdings": {"AAPL": 1}, "leveragedPositions": [{"asset": "AAPL", "side": "short", "leverage": 100, "margin": 1e16, "entryPrice": 1e-300}]}"#,
      name: "portfolio.json")
    let (c3, o3, e3) = try runRiskReport(["stress", "--portfolio", portfolio])
    #expect(
      c3 != 0 && o3.isEmpty && e3.contains("portfolio.json: leveragedPositions[0].entryPrice"),
      "\(e3)")
  }

  @Test("The table names every scenario, and --threads does not change the JSON")
  func tableAndThreads() throws {
    let (code, table, stderr) = try runRiskReport(["stress", "--paths", "2000"])
    #expect(code == 0, "\(stderr)")
    #expect(table.contains("worst 10-day window #1") && table.contains("volatility ×3"))
    let (_, one, _) = try runRiskReport([
      "stress", "--paths", "4000", "--threads", "1", "--format", "json",
    ])
    let (_, two, _) = try runRiskReport([
      "stress", "--paths", "4000", "--threads", "2", "--format", "json",
    ])
    #expect(one == two)
  }
}
