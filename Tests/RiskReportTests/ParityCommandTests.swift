import Foundation
import RiskKernels
import Testing

@testable import RiskReportCore

@Suite struct ParityCommandTests {
  struct Output: Decodable {
    let assets: [String]
    let weights: [Double]
    let riskContributions: [Double]
    let portfolioVolatility: Double
    let iterations: Int
    let residual: Double
    let converged: Bool
    let cappedAssets: [String]
  }

  @Test("json from the covariance CSV that `riskreport covariance` writes has the documented keys")
  func jsonFromCovarianceFile() throws {
    let (status, csv, _) = try runRiskReport([
      "covariance", "--estimator", "ledoit-wolf", "--format", "csv",
    ])
    #expect(status == 0)
    let path = try temporaryFile(csv, name: "cov.csv")
    let (code, stdout, stderr) = try runRiskReport([
      "parity", "--covariance", path, "--format", "json",
    ])
    #expect(code == 0, "\(stderr)")
    let output = try JSONDecoder().decode(Output.self, from: Data(stdout.utf8))
    #expect(output.assets == ["AAPL", "GOOG", "IBM", "MSFT"])
    #expect(output.converged && output.residual <= 1e-10)
    #expect(abs(output.weights.reduce(0, +) - 1) <= 1e-14)
    for rc in output.riskContributions { #expect(abs(rc - 0.25) <= 1e-10) }
    #expect(abs(output.riskContributions.reduce(0, +) - 1) <= 1e-14)
    // The same weights as the library on the same matrix.
    let file = try CovarianceFile(path: path)
    let library = try RiskBudgetingSolver().solve(covariance: try Matrix(file.covariance))
    #expect(output.weights == library.weights)
  }

  @Test("Budgets and caps files, from prices; the table shows the caps")
  func budgetsAndCaps() throws {
    let budgets = try temporaryFile(
      "asset,value\nAAPL,0.1\nGOOG,0.2\nIBM,0.3\nMSFT,0.4\n", name: "budgets.csv")
    let caps = try temporaryFile("asset,value\nMSFT,0.3\nIBM,1\nGOOG,1\nAAPL,1\n", name: "caps.csv")
    let (code, stdout, stderr) = try runRiskReport([
      "parity", "--budgets", budgets, "--caps", caps, "--format", "json",
    ])
    #expect(code == 0, "\(stderr)")
    let output = try JSONDecoder().decode(Output.self, from: Data(stdout.utf8))
    #expect(output.cappedAssets == ["MSFT"])
    #expect(abs(output.weights[3] - 0.3) <= 1e-15)
    let (_, table, _) = try runRiskReport([
      "parity", "--budgets", budgets, "--caps", caps, "--method", "newton",
    ])
    #expect(table.contains("capped: MSFT"))
  }

  @Test(
    "Bad input: one line on stderr naming the file, line and column or flag; non-zero exit; empty stdout",
    arguments: [
      (
        "budgets", "asset,value\nAAPL,0.5\nGOOG,0.5\nIBM,x\nMSFT,0\n",
        "budgets.csv:4:2: budget of IBM is not a finite number"
      ),
      (
        "budgets", "asset,value\nAAPL,0.5\nGOOG,0.5\nIBM,0.5\nMSFT,0.5\n",
        "budgets.csv: sum of budgets = 2.0"
      ),
      ("budgets", "asset,value\nAAPL,0.5\nTSLA,0.5\n", "budgets.csv:3:1: unknown asset 'TSLA'"),
      ("budgets", "name,weight\n", "budgets.csv:1: the header must be 'asset,value'"),
      (
        "caps", "asset,value\nAAPL,0.2\nGOOG,0.2\nIBM,0.2\nMSFT,0.2\n",
        "caps.csv: sum of caps = 0.8"
      ),
      ("caps", "asset,value\nAAPL,0.2\n", "caps.csv: no cap for asset 'GOOG'"),
      ("covariance", "A,B\n1,0.5\n0.4,1\n", "covariance.csv:3:1: not symmetric"),
      (
        "covariance", "A,B\n1,2\n2,1\n",
        "covariance.csv: matrix is not positive definite: leading minor of order 2"
      ),
      ("covariance", "A,B\n1,0\n", "covariance.csv: expected 2 rows for 2 assets but found 1"),
    ])
  func badInput(kind: String, content: String, expected: String) throws {
    let file = try temporaryFile(content, name: "\(kind).csv")
    let (code, stdout, stderr) = try runRiskReport(["parity", "--\(kind)", file])
    #expect(code != 0)
    #expect(stdout.isEmpty)
    #expect(stderr.contains(expected), "\(stderr)")
    #expect(stderr.split(separator: "\n").count == 1)
  }

  @Test("Flag errors name the flag")
  func flagErrors() throws {
    let (code, stdout, stderr) = try runRiskReport(["parity", "--tolerance", "-1"])
    #expect(code != 0 && stdout.isEmpty && stderr.contains("--tolerance"))
    let (code2, _, stderr2) = try runRiskReport([
      "parity", "--max-iterations", "1", "--tolerance", "1e-14", "--method", "newton",
    ])
    #expect(code2 != 0 && stderr2.contains("--max-iterations"), "\(stderr2)")
    let (code3, _, stderr3) = try runRiskReport(["parity", "--tolerance", "1e-17"])
    #expect(code3 != 0 && stderr3.contains("--tolerance"), "\(stderr3)")
  }
}
