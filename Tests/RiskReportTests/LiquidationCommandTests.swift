import Foundation
import RiskKernels
import Testing

@testable import RiskReportCore

@Suite struct LiquidationCommandTests {
  struct Output: Decodable {
    let liquidationPrice: Double
    let terminalProbability: Double
    let firstPassageProbability: Double
    let discreteMonitoringProbability: Double?
  }

  @Test("json has the documented keys and the library's numbers; null without --monitoring-seconds")
  func json() throws {
    let (code, stdout, stderr) = try runRiskReport([
      "liquidation", "--leverage", "100", "--side", "long", "--maintenance-margin", "0.005",
      "--volatility", "0.8",
      "--horizon-days", "1", "--monitoring-seconds", "12", "--format", "json",
    ])
    #expect(code == 0, "\(stderr)")
    let output = try JSONDecoder().decode(Output.self, from: Data(stdout.utf8))
    let p = try LiquidationProbabilities(
      position: LeveragedPosition(side: .long, leverage: 100, maintenanceMargin: 0.005),
      volatility: 0.8,
      horizon: 1.0 / 365, monitoringInterval: 12.0 / (365 * 86_400))
    #expect(output.liquidationPrice == p.liquidationPrice)
    #expect(
      output.terminalProbability == p.terminal && output.firstPassageProbability == p.firstPassage)
    #expect(output.discreteMonitoringProbability == p.discreteMonitoring)
    // Trading-day periods shorten the horizon in years; the oracle's 12 s stay wall-clock.
    let (_, trading, _) = try runRiskReport([
      "liquidation", "--leverage", "100", "--volatility", "0.8", "--horizon-days", "1",
      "--monitoring-seconds", "12", "--periods-per-year", "252", "--format", "json",
    ])
    let t = try JSONDecoder().decode(Output.self, from: Data(trading.utf8))
    let q = try LiquidationProbabilities(
      position: LeveragedPosition(side: .long, leverage: 100, maintenanceMargin: 0.005),
      volatility: 0.8, horizon: 1.0 / 252, monitoringInterval: 12.0 / (365 * 86_400))
    #expect(t.discreteMonitoringProbability == q.discreteMonitoring)
    #expect(t.terminalProbability == q.terminal)
    let (_, plain, _) = try runRiskReport([
      "liquidation", "--leverage", "10", "--volatility", "0.5", "--horizon-days", "7", "--format",
      "json",
    ])
    #expect(plain.contains("\"discreteMonitoringProbability\":null"))
    let (_, table, _) = try runRiskReport([
      "liquidation", "--leverage", "10", "--volatility", "0.5", "--horizon-days", "7",
      "--monitoring-seconds", "0.4",
    ])
    for label in ["terminal", "first passage", "per block"] { #expect(table.contains(label)) }
  }

  @Test(
    "Bad parameters: one line naming the flag, non-zero exit, empty stdout",
    arguments: [
      (["--leverage=0", "--volatility", "0.5", "--horizon-days", "1"], "--leverage"),
      (["--leverage", "10", "--volatility", "0", "--horizon-days", "1"], "--volatility"),
      (["--leverage", "10", "--volatility", "0.5", "--horizon-days", "0"], "--horizon-days"),
      (
        [
          "--leverage", "10", "--volatility", "0.5", "--horizon-days", "1", "--maintenance-margin",
          "1.5",
        ], "--maintenance-margin"
      ),
      (
        [
          "--leverage", "10", "--volatility", "0.5", "--horizon-days", "1",
          "--monitoring-seconds=-2",
        ], "--monitoring-seconds"
      ),
    ])
  func badParameters(arguments: [String], flag: String) throws {
    let (code, stdout, stderr) = try runRiskReport(["liquidation"] + arguments)
    #expect(code != 0 && stdout.isEmpty)
    #expect(stderr.contains(flag), "\(stderr)")
    #expect(stderr.split(separator: "\n").count == 1)
  }
}
