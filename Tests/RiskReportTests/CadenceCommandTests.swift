import Foundation
import Testing
import _RiskKernelsTestSupport

@testable import RiskReportCore

@Suite struct CadenceCommandTests {
  /// Two assets over `days` returns, normal with daily volatility `before` until `jump` and
  /// `after` from it (seeded), written as a price file with an integer index.
  func prices(days: Int, before: Double, after: Double, jump: Int, seed: UInt64) throws -> String {
    var rng = SplitMix64(seed: seed)
    func normal() -> Double {
      let u = Double.random(in: Double.ulpOfOne..<1, using: &rng)
      let v = Double.random(in: 0..<1, using: &rng)
      return (-2 * Foundation.log(u)).squareRoot() * cos(2 * .pi * v)
    }
    var (a, b) = (100.0, 50.0)
    var rows = ["t,A,B", "0,\(a),\(b)"]
    for t in 0..<days {
      let sigma = t < jump ? before : after
      let common = normal()
      a *= 1 + sigma * (0.8 * common + 0.6 * normal())
      b *= 1 + sigma * (0.5 * common + 0.866 * normal())
      rows.append("\(t + 1),\(a),\(b)")
    }
    return try temporaryFile(rows.joined(separator: "\n") + "\n", name: "cadence-\(seed).csv")
  }

  struct Output: Decodable {
    struct Interval: Decodable {
      let interval: Int
      let exceedanceRate: Double
      let kupiecPValue: Double
      let loss: Double
      let lossDifference: Double
      let lossDifferenceStandardError: Double
      let withinTolerance: Bool
    }
    let days: Int
    let intervals: [Interval]
    let recommendedInterval: Int
    let recommendation: String
    let refreshSeconds: Double
    let updates: [CadenceAnalysis.Update]
  }

  func cadence(_ prices: String, _ extra: [String] = []) throws -> Output {
    let portfolio = try temporaryFile(#"{"weights": {"A": 0.5, "B": 0.5}}"#, name: "p.json")
    let (status, stdout, stderr) = try runRiskReport(
      ["cadence", "--prices", prices, "--portfolio", portfolio, "--format", "json"] + extra)
    #expect(status == 0, "\(stderr)")
    return try JSONDecoder().decode(Output.self, from: Data(stdout.utf8))
  }

  @Test("A volatility jump at a known date: holding the forecast for 63 days loses measurably")
  func regimeChange() throws {
    let path = try prices(days: 1200, before: 0.005, after: 0.03, jump: 700, seed: 1)
    let out = try cadence(path)
    #expect(out.days == 950 && out.intervals.map(\.interval) == [1, 5, 21, 63])
    let long = out.intervals.last!
    #expect(!long.withinTolerance && long.lossDifference > 0.1)
    #expect(out.intervals[0].lossDifference == 0 && out.intervals[0].withinTolerance)
    #expect(out.recommendedInterval < 63)
    #expect(out.refreshSeconds > 0)
    // The four updates the question is asked of, each against its use case's budget.
    #expect(
      out.updates.map(\.update) == [
        "quote", "per-block VaR", "lending parameters", "risk-parity rebalance",
      ])
    #expect(out.updates.map(\.budgetSeconds) == [1, 0.4, 86_400, 3_600])
    #expect(
      out.updates.allSatisfy { $0.refreshSeconds > 0 && $0.refreshSeconds < $0.budgetSeconds })
    #expect(out.updates[1].refreshSeconds == out.refreshSeconds)
  }

  @Test("Constant volatility: no interval loses beyond sampling noise", arguments: [2, 3, 4])
  func constantVolatility(seed: UInt64) throws {
    let path = try prices(days: 1000, before: 0.01, after: 0.01, jump: 0, seed: seed)
    let out = try cadence(path)
    for i in out.intervals {
      #expect(
        i.withinTolerance, "k \(i.interval): \(i.lossDifference) ± \(i.lossDifferenceStandardError)"
      )
    }
    #expect(out.recommendedInterval == 63)
  }

  @Test("Bad intervals, window and confidence: one line naming the flag")
  func badFlags() throws {
    for (arguments, named) in [
      (["--intervals", "1,x"], "--intervals"), (["--intervals", "0"], "--intervals"),
      (["--intervals", "5,5"], "--intervals"), (["--window", "5"], "--window"),
      (["--confidence", "1"], "--confidence"), (["--intervals", "5000"], "--intervals"),
      (["--tolerance", "0"], "--tolerance"), (["--tolerance", "nan"], "--tolerance"),
    ] {
      let (status, stdout, stderr) = try runRiskReport(["cadence"] + arguments)
      #expect(status != 0 && stdout.isEmpty, "\(arguments)")
      #expect(stderr.contains(named) && stderr.split(separator: "\n").count == 1, "\(stderr)")
    }
  }

  @Test("Newey–West: no lags is the plain standard error; lags widen it for persistent series")
  func neweyWest() {
    let x = (0..<400).map { Double(($0 * 7919) % 13) - 6 }
    let plain = CadenceAnalysis.neweyWestError(x, lags: 0)
    let mean = x.reduce(0, +) / 400
    let direct = (x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 400 / 400).squareRoot()
    #expect(abs(plain - direct) < 1e-15)
    let persistent = (0..<400).map { Double($0 / 20 % 2) }
    #expect(
      CadenceAnalysis.neweyWestError(persistent, lags: 10)
        > 2 * CadenceAnalysis.neweyWestError(persistent, lags: 0))
  }

  @Test("riskreport cadence prints the report's cadence object for the same estimator and window")
  func sameAsReport() throws {
    let out = temporaryFolder()
    let (status, _, stderr) = try runRiskReport([
      "run", "--out", out, "--paths", "500", "--format", "json",
    ])
    #expect(status == 0, "\(stderr)")
    struct Report: Decodable { let cadence: CadenceAnalysis.Result }
    var fromReport = try JSONDecoder().decode(
      Report.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/report.json"))
    ).cadence
    let (_, stdout, _) = try runRiskReport([
      "cadence", "--estimator", "ledoit-wolf", "--format", "json",
    ])
    var fromCommand = try JSONDecoder().decode(CadenceAnalysis.Result.self, from: Data(stdout.utf8))
    (fromReport.refreshSeconds, fromCommand.refreshSeconds) = (0, 0)  // timings
    for k in fromReport.updates.indices { fromReport.updates[k].refreshSeconds = 0 }
    for k in fromCommand.updates.indices { fromCommand.updates[k].refreshSeconds = 0 }
    #expect(fromReport == fromCommand)
  }
}
