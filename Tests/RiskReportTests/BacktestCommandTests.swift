import Foundation
import RiskKernels
import Testing

@testable import RiskReportCore

@Suite struct BacktestCommandTests {
  struct Output: Decodable {
    let observations: Int
    let exceedances: Int
    let kupiecStatistic: Double
    let kupiecPValue: Double
    let independencePValue: Double
    let conditionalCoveragePValue: Double
    let zone: String
  }

  @Test(
    "json agrees with a direct rolling computation through the library",
    arguments: ["historical", "parametric", "cornish-fisher"])
  func json(method: String) throws {
    let weights = try temporaryFile(
      "asset,weight\nAAPL,0.25\nGOOG,0.25\nIBM,0.25\nMSFT,0.25\n", name: "weights.csv")
    let (code, stdout, stderr) = try runRiskReport([
      "backtest", "--weights", weights, "--window", "300", "--method", method, "--format", "json",
    ])
    #expect(code == 0, "\(stderr)")
    let output = try JSONDecoder().decode(Output.self, from: Data(stdout.utf8))
    let file = try PriceFile(path: BundledData.examplePrices)
    let portfolio = try file.returns(kind: .simple, as: Double.self).returns.multiplied(by: [
      0.25, 0.25, 0.25, 0.25,
    ])
    let choice = BacktestMethod(rawValue: method)!
    var hits = 0
    for t in 300..<portfolio.count
    where portfolio[t]
      < -(try choice.valueAtRisk(Array(portfolio[(t - 300)..<t]), confidence: 0.99))
    {
      hits += 1
    }
    #expect(output.observations == portfolio.count - 300 && output.exceedances == hits)
    #expect(["green", "yellow", "red"].contains(output.zone))
    #expect(
      (0...1).contains(output.kupiecPValue) && (0...1).contains(output.conditionalCoveragePValue))
  }

  @Test("A window leaving no days to test names --window")
  func window() throws {
    let weights = try temporaryFile(
      "asset,weight\nAAPL,0.25\nGOOG,0.25\nIBM,0.25\nMSFT,0.25\n", name: "weights.csv")
    let (code, stdout, stderr) = try runRiskReport([
      "backtest", "--weights", weights, "--window", "5000",
    ])
    #expect(code != 0 && stdout.isEmpty && stderr.contains("--window"), "\(stderr)")
  }

  @Test("EWMA (RiskMetrics): the normal VaR of the window's exponentially weighted variance")
  func ewma() throws {
    let returns = [0.01, -0.02, 0.005, 0.03, -0.01]
    let lambda = 0.94
    var (sum, total) = (0.0, 0.0)
    for (k, r) in returns.reversed().enumerated() {
      let w = (1 - lambda) * Foundation.pow(lambda, Double(k))
      sum += w * r * r
      total += w
    }
    let expected = 2.3263478740408408 * (sum / total).squareRoot()
    let ours = try BacktestMethod.ewma.valueAtRisk(returns, confidence: 0.99)
    #expect(abs(ours - expected) <= 1e-12 * expected)
    // The latest day weighs most: a shock on the last day moves it more than on the first.
    let late = try BacktestMethod.ewma.valueAtRisk([0.01, 0.01, 0.01, 0.01, 0.1], confidence: 0.99)
    let early = try BacktestMethod.ewma.valueAtRisk(
      [0.1, 0.01, 0.01, 0.01, 0.01], confidence: 0.99)
    #expect(late > early)
  }

  @Test("--decay is the ewma method's λ: the library's RollingVaR with it, bit for bit")
  func ewmaDecayFlag() throws {
    let weights = try temporaryFile(
      "asset,weight\nAAPL,0.25\nGOOG,0.25\nIBM,0.25\nMSFT,0.25\n", name: "weights.csv")
    let file = try PriceFile(path: BundledData.examplePrices)
    let portfolio = try file.returns(kind: .simple, as: Double.self).returns.multiplied(by: [
      0.25, 0.25, 0.25, 0.25,
    ])
    var exceedances: [Int] = []
    for decay in [0.94, 0.7] {
      let (code, stdout, stderr) = try runRiskReport([
        "backtest", "--weights", weights, "--method", "ewma", "--decay", "\(decay)", "--format",
        "json",
      ])
      #expect(code == 0, "\(stderr)")
      let output = try JSONDecoder().decode(Output.self, from: Data(stdout.utf8))
      let direct = try RollingVaR(method: .ewma, window: 250, confidence: 0.99, ewmaDecay: decay)
        .backtest(portfolio).backtest
      #expect(
        output.exceedances == direct.exceedances && output.kupiecStatistic == direct.kupiecStatistic
      )
      exceedances.append(output.exceedances)
    }
    #expect(exceedances[0] != exceedances[1])
  }
}
