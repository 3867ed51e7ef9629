import Foundation
import RiskKernels
import Testing

@testable import RiskReportCore

@Suite struct VaRCommandTests {
  struct Output: Decodable {
    struct Result: Decodable {
      let method: String
      let `var`: Double
      let expectedShortfall: Double
      let components: [String: [String: Double]]?
      let varStandardError: Double?
      let expectedShortfallStandardError: Double?
      let varInterval: [Double]?
      let expectedShortfallInterval: [Double]?
      let varianceReduction: String?
      let sampler: String?
      let replicates: Int?
    }
    struct Unavailable: Decodable {
      let method: String
      let reason: String
    }
    let confidence: Double
    let horizonDays: Double
    let results: [Result]
    let unavailable: [Unavailable]
  }

  @Test(
    "Exactly collinear assets: --method all reports what it can and why Monte Carlo cannot; alone it fails naming the way out"
  )
  func collinearAssets() throws {
    // C = 2·A exactly: the sample covariance is singular (Monte Carlo needs its factor).
    var rows = ["date,A,B,C"]
    var (a, b) = (100.0, 50.0)
    let day = ISO8601DateFormatter()
    day.formatOptions = [.withFullDate]
    for t in 0..<120 {
      let date = day.string(from: Date(timeIntervalSince1970: 1_577_836_800 + 86_400 * Double(t)))
      rows.append("\(date),\(a),\(b),\(2 * a)")
      a *= 1 + 0.01 * sin(Double(t) * 1.7)
      b *= 1 + 0.02 * cos(Double(t) * 0.9)
    }
    let prices = try temporaryFile(rows.joined(separator: "\n") + "\n", name: "collinear.csv")
    let weights = try temporaryFile("asset,weight\nA,0.3\nB,0.3\nC,0.4\n", name: "w.csv")
    let base = ["var", "--prices", prices, "--weights", weights, "--paths", "2000"]
    let (code, stdout, stderr) = try runRiskReport(base + ["--format", "json"])
    #expect(code == 0, "\(stderr)")
    let output = try JSONDecoder().decode(Output.self, from: Data(stdout.utf8))
    #expect(Set(output.results.map(\.method)).isSuperset(of: ["historical", "cornish-fisher"]))
    #expect(output.unavailable.map(\.method) == ["monte-carlo"])
    #expect(output.unavailable.first?.reason.contains("--estimator ledoit-wolf") == true)
    let (alone, aloneOut, aloneErr) = try runRiskReport(base + ["--method", "monte-carlo"])
    #expect(alone == 1 && aloneOut.isEmpty)
    #expect(aloneErr.hasPrefix("riskreport: \(prices): monte-carlo VaR: "), "\(aloneErr)")
    #expect(aloneErr.contains("--estimator ledoit-wolf"))
    let (shrunk, shrunkOut, shrunkErr) = try runRiskReport(
      base + ["--estimator", "ledoit-wolf", "--format", "json"])
    #expect(shrunk == 0, "\(shrunkErr)")
    let all = try JSONDecoder().decode(Output.self, from: Data(shrunkOut.utf8))
    #expect(all.results.count == 4 && all.unavailable.isEmpty)
  }

  @Test("json: every method side by side, components summing to the totals where given")
  func allMethods() throws {
    let weights = try temporaryFile(
      "asset,weight\nAAPL,0.4\nGOOG,0.3\nIBM,0.2\nMSFT,0.1\n", name: "weights.csv")
    let (code, stdout, stderr) = try runRiskReport([
      "var", "--weights", weights, "--paths", "20000", "--horizon-days", "2", "--confidence",
      "0.975", "--format", "json",
    ])
    #expect(code == 0, "\(stderr)")
    let output = try JSONDecoder().decode(Output.self, from: Data(stdout.utf8))
    #expect(output.confidence == 0.975 && output.horizonDays == 2)
    #expect(
      output.results.map(\.method) == ["parametric", "cornish-fisher", "historical", "monte-carlo"])
    for r in output.results {
      #expect(r.var > 0 && r.expectedShortfall >= r.var, "\(r.method)")
      if let c = r.components {
        #expect(abs(c.values.map { $0["var"]! }.reduce(0, +) - r.var) <= 1e-12)
        #expect(
          abs(c.values.map { $0["expectedShortfall"]! }.reduce(0, +) - r.expectedShortfall) <= 1e-12
        )
      }
    }
    #expect(output.results[0].components != nil && output.results[3].components != nil)
    #expect(output.results[1].components == nil)
    // Historical components (Euler, from each day's w·r) and every method's marginal VaR,
    // the component over the weight.
    let weightOf = ["AAPL": 0.4, "GOOG": 0.3, "IBM": 0.2, "MSFT": 0.1]
    for r in output.results where r.components != nil {
      for (asset, c) in r.components! {
        #expect(
          abs(c["marginalVar"]! * weightOf[asset]! - c["var"]!) <= 1e-15, "\(r.method) \(asset)")
      }
    }
    #expect(output.results[2].method == "historical" && output.results[2].components != nil)
    // Standard errors and 95% intervals for Monte Carlo only, centred on the estimates.
    for r in output.results.prefix(3) {
      #expect(r.varStandardError == nil && r.varInterval == nil, "\(r.method)")
      #expect(r.expectedShortfallStandardError == nil && r.expectedShortfallInterval == nil)
    }
    let mc = output.results[3]
    let (se, interval) = (try #require(mc.varStandardError), try #require(mc.varInterval))
    #expect(se > 0 && se < 0.1 * mc.var)
    #expect(abs((interval[0] + interval[1]) / 2 - mc.var) < 1e-12)
    #expect(abs(interval[1] - interval[0] - 2 * 1.959963984540054 * se) < 1e-12)
    let esInterval = try #require(mc.expectedShortfallInterval)
    #expect(try #require(mc.expectedShortfallStandardError) > 0)
    #expect(esInterval[0] < mc.expectedShortfall && mc.expectedShortfall < esInterval[1])
  }

  @Test(
    "Bad input: one line naming the file or flag, non-zero exit, empty stdout",
    arguments: [
      (
        "asset,weight\nAAPL,0.5\nGOOG,0.5\nIBM,0.5\nMSFT,0.5\n", [String](),
        "weights.csv: weights sum to 2.0"
      ),
      ("asset,value\nAAPL,1\n", [String](), "weights.csv:1: the header must be 'asset,weight'"),
      (
        "asset,weight\nAAPL,0.25\nGOOG,0.25\nIBM,0.25\nMSFT,0.25\n", ["--confidence", "1.5"],
        "--confidence"
      ),
      (
        "asset,weight\nAAPL,0.25\nGOOG,0.25\nIBM,0.25\nMSFT,0.25\n",
        ["--variance-reduction", "importnace"], "--variance-reduction"
      ),
      (
        "asset,weight\nAAPL,0.25\nGOOG,0.25\nIBM,0.25\nMSFT,0.25\n",
        ["--variance-reduction", "antithetic", "--paths", "1001"], "--paths: 1001 must be even"
      ),
      (
        "asset,weight\nAAPL,0.25\nGOOG,0.25\nIBM,0.25\nMSFT,0.25\n",
        ["--sampler", "sobol", "--paths", "1000"], "--paths: 1000 must be a multiple of the 16"
      ),
      (
        "asset,weight\nAAPL,0.25\nGOOG,0.25\nIBM,0.25\nMSFT,0.25\n", ["--replicates", "8"],
        "--replicates: only with --sampler sobol"
      ),
      (
        "asset,weight\nAAPL,0.25\nGOOG,0.25\nIBM,0.25\nMSFT,0.25\n",
        ["--sampler", "sobol", "--paths", "1024", "--replicates", "1024"],
        "--paths: 1024 gives 1 point per scrambling"
      ),
      (
        "asset,weight\nAAPL,0.25\nGOOG,0.25\nIBM,0.25\nMSFT,0.25\n",
        ["--sampler", "sobol", "--variance-reduction", "antithetic"], "--sampler sobol: takes no"
      ),
    ])
  func badInput(content: String, extra: [String], expected: String) throws {
    let weights = try temporaryFile(content, name: "weights.csv")
    let (code, stdout, stderr) = try runRiskReport(["var", "--weights", weights] + extra)
    #expect(code != 0 && stdout.isEmpty)
    #expect(stderr.contains(expected), "\(stderr)")
    #expect(stderr.split(separator: "\n").count == 1)
  }

  @Test(
    "--variance-reduction: importance and antithetic agree with plain within their s.e.; importance's s.e. is several times smaller"
  )
  func varianceReduction() throws {
    let weights = try temporaryFile(
      "asset,weight\nAAPL,0.4\nGOOG,0.3\nIBM,0.2\nMSFT,0.1\n", name: "weights.csv")
    func monteCarlo(_ reduction: String?) throws -> Output.Result {
      let (code, stdout, stderr) = try runRiskReport(
        [
          "var", "--weights", weights, "--method", "monte-carlo", "--paths", "40000",
          "--format", "json",
        ] + (reduction.map { ["--variance-reduction", $0] } ?? []))
      #expect(code == 0, "\(stderr)")
      return try JSONDecoder().decode(Output.self, from: Data(stdout.utf8)).results[0]
    }
    let plain = try monteCarlo(nil)
    #expect(plain.varianceReduction == "none")
    for reduction in ["importance", "antithetic"] {
      let r = try monteCarlo(reduction)
      #expect(r.varianceReduction == reduction)
      for (a, b, ea, eb) in [
        (plain.var, r.var, plain.varStandardError!, r.varStandardError!),
        (
          plain.expectedShortfall, r.expectedShortfall, plain.expectedShortfallStandardError!,
          r.expectedShortfallStandardError!
        ),
      ] {
        #expect(abs(a - b) < 4 * (ea * ea + eb * eb).squareRoot(), "\(reduction): \(a) vs \(b)")
        if reduction == "importance" { #expect(eb < ea / 3, "\(reduction): \(eb) vs \(ea)") }
      }
      let c = try #require(r.components)
      #expect(abs(c.values.map { $0["var"]! }.reduce(0, +) - r.var) <= 1e-12)
    }
    // The table names the variance reduction.
    let (_, table, _) = try runRiskReport([
      "var", "--weights", weights, "--method", "monte-carlo", "--paths", "1000",
      "--variance-reduction", "importance",
    ])
    #expect(table.contains("monte-carlo (importance)"), "\(table)")
  }

  @Test(
    "--sampler sobol: agrees with plain within their s.e., with a smaller s.e.; names the sampler and replicates"
  )
  func sobolSampler() throws {
    let weights = try temporaryFile(
      "asset,weight\nAAPL,0.4\nGOOG,0.3\nIBM,0.2\nMSFT,0.1\n", name: "weights.csv")
    func monteCarlo(_ extra: [String]) throws -> Output.Result {
      let (code, stdout, stderr) = try runRiskReport(
        [
          "var", "--weights", weights, "--method", "monte-carlo", "--paths", "32768",
          "--format", "json",
        ] + extra)
      #expect(code == 0, "\(stderr)")
      return try JSONDecoder().decode(Output.self, from: Data(stdout.utf8)).results[0]
    }
    let plain = try monteCarlo([])
    #expect(plain.sampler == "pseudo" && plain.replicates == nil)
    let sobol = try monteCarlo(["--sampler", "sobol", "--replicates", "8"])
    #expect(sobol.sampler == "sobol" && sobol.replicates == 8)
    for (a, b, ea, eb) in [
      (plain.var, sobol.var, plain.varStandardError!, sobol.varStandardError!),
      (
        plain.expectedShortfall, sobol.expectedShortfall, plain.expectedShortfallStandardError!,
        sobol.expectedShortfallStandardError!
      ),
    ] {
      #expect(abs(a - b) < 4 * (ea * ea + eb * eb).squareRoot(), "\(a) vs \(b)")
      #expect(eb < ea, "sobol s.e. \(eb) vs plain \(ea)")
    }
    let c = try #require(sobol.components)
    #expect(abs(c.values.map { $0["var"]! }.reduce(0, +) - sobol.var) <= 1e-12)
    #expect(
      abs(c.values.map { $0["expectedShortfall"]! }.reduce(0, +) - sobol.expectedShortfall) <= 1e-12
    )
  }
}
