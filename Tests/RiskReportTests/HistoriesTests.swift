import Foundation
import Testing

@testable import RiskReportCore

@Suite struct HistoriesTests {
  /// Four assets starting at price rows 0, 0, 120 and 260 of 401 (Tests/FixtureScripts/
  /// make_stambaugh.py), with the EM maximum-likelihood covariance of its log returns.
  static func fixturePaths() throws -> (prices: String, expected: String) {
    let prices = try #require(
      Bundle.module.url(forResource: "Fixtures/stambaugh_three_starts", withExtension: "csv"))
    let expected = try #require(
      Bundle.module.url(
        forResource: "Fixtures/stambaugh_three_starts_expected", withExtension: "json"))
    return (prices.path, expected.path)
  }

  struct Expected: Decodable {
    struct Values: Decodable {
      let covariance: [[Double]]
      let observations: [Int]
    }
    let expected: Values
  }

  struct Output: Decodable {
    let covariance: [[Double]]
    let histories: String
    let assetObservations: [Int]?
    let droppedRows: Int
  }

  @Test("covariance --histories stambaugh: the EM solution, and what each asset contributed")
  func covariance() throws {
    let (prices, expectedPath) = try Self.fixturePaths()
    let expected = try JSONDecoder().decode(
      Expected.self, from: Data(contentsOf: URL(fileURLWithPath: expectedPath))
    ).expected
    let (status, stdout, stderr) = try runRiskReport([
      "covariance", "--prices", prices, "--histories", "stambaugh", "--format", "json",
    ])
    #expect(status == 0, "\(stderr)")
    let output = try JSONDecoder().decode(Output.self, from: Data(stdout.utf8))
    #expect(output.histories == "stambaugh")
    #expect(output.assetObservations == expected.observations)
    for i in 0..<4 {
      for j in 0..<4 {
        let (ours, theirs) = (output.covariance[i][j], expected.covariance[i][j])
        #expect(abs(ours - theirs) <= 1e-10 * abs(theirs), "[\(i),\(j)] \(ours) vs \(theirs)")
      }
    }
    // The default drops the rows before the last start.
    let (_, complete, _) = try runRiskReport(["covariance", "--prices", prices, "--format", "json"])
    let c = try JSONDecoder().decode(Output.self, from: Data(complete.utf8))
    #expect(
      c.histories == "complete" && c.droppedRows == 260
        && c.assetObservations == [140, 140, 140, 140])
  }

  @Test("Every command that estimates a covariance takes it; other estimators are refused")
  func everyCommand() throws {
    let (prices, _) = try Self.fixturePaths()
    let weights = try temporaryFile(
      "asset,weight\nLONG1,0.4\nLONG2,0.3\nMID,0.2\nSHORT,0.1\n", name: "weights.csv")
    let out = temporaryFolder()
    let portfolio = try temporaryFile(#"{"holdings": {"LONG1": 10, "SHORT": 100}}"#, name: "p.json")
    for arguments in [
      ["simulate", "--prices", prices, "--paths", "500"],
      ["parity", "--prices", prices],
      ["var", "--prices", prices, "--weights", weights, "--paths", "500"],
      [
        "run", "--prices", prices, "--portfolio", portfolio, "--paths", "500", "--estimator",
        "sample", "--window", "60", "--out", out, "--format", "json",
      ],
    ] {
      let (status, _, stderr) = try runRiskReport(arguments + ["--histories", "stambaugh"])
      #expect(status == 0, "\(arguments[0]): \(stderr)")
    }
    struct Report: Decodable {
      struct Covariance: Decodable {
        let histories: String
        let assetObservations: [Int]?
      }
      let covariance: Covariance
    }
    let report = try JSONDecoder().decode(
      Report.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/report.json")))
    #expect(report.covariance.histories == "stambaugh")
    #expect(report.covariance.assetObservations == [400, 400, 280, 140])
    for (command, reason) in [("cadence", "cadence backtests"), ("backtest", "backtest uses")] {
      let (status, stdout, stderr) = try runRiskReport(
        [command, "--histories", "stambaugh"]
          + (command == "backtest" ? ["--weights", weights] : []))
      #expect(status != 0 && stdout.isEmpty)
      #expect(stderr.contains("--histories: \(reason)"), "\(stderr)")
    }
    for arguments in [
      ["covariance", "--prices", prices, "--estimator", "ledoit-wolf"],
      ["run", "--prices", prices, "--out", temporaryFolder()],
    ] {
      let (status, stdout, stderr) = try runRiskReport(arguments + ["--histories", "stambaugh"])
      #expect(status != 0 && stdout.isEmpty)
      #expect(stderr.contains("--histories: stambaugh combines only with --estimator sample"))
      #expect(stderr.split(separator: "\n").count == 1)
    }
  }

  @Test("A gap inside a history is one line naming the asset, the date and the cell")
  func gap() throws {
    let text = """
      date,A,B
      2024-01-01,10,
      2024-01-02,11,5
      2024-01-03,12,
      2024-01-04,11,5.5
      2024-01-05,12.5,5.2

      """
    let path = try temporaryFile(text, name: "gap.csv")
    let (status, stdout, stderr) = try runRiskReport([
      "covariance", "--prices", path, "--histories", "stambaugh",
    ])
    #expect(status != 0 && stdout.isEmpty)
    #expect(stderr.hasPrefix("riskreport: \(path):4:3: B has no price on 2024-01-03"), "\(stderr)")
    #expect(stderr.split(separator: "\n").count == 1)
  }
}
