import Foundation
import RiskKernels
import Testing

@testable import RiskReportCore

let twoAssetModel = """
  {"assets": ["X", "Y"], "spot": [100, 50], "drift": [0.05, 0.0], "volatility": [0.2, 0.4],
   "correlation": [[1, 0.3], [0.3, 1]]}
  """

@Suite struct SimulateCommandTests {
  @Test(
    "--sampler sobol: E[S_T] within 4 s.e. of S0·e^{μT} with a far smaller s.e. than plain; the same bytes on 1 and 2 threads"
  )
  func sobol() throws {
    let model = try temporaryFile(twoAssetModel, name: "model.json")
    struct Output: Decodable {
      struct Terminal: Decodable {
        let mean: [Double]
        let standardError: [Double]
      }
      let paths: Int
      let seed: UInt64
      let sampler: String
      let replicates: Int?
      let generator: String
      let terminal: Terminal
    }
    func run(_ extra: [String]) throws -> (String, Output) {
      let (status, stdout, stderr) = try runRiskReport(
        [
          "simulate", "--model", model, "--paths", "16384", "--steps", "8", "--horizon-days",
          "73", "--seed", "7", "--format", "json",
        ] + extra)
      #expect(status == 0, "\(stderr)")
      return (stdout, try JSONDecoder().decode(Output.self, from: Data(stdout.utf8)))
    }
    let (bytes, sobol) = try run(["--sampler", "sobol", "--threads", "1"])
    let (plainBytes, plain) = try run([])
    #expect(plainBytes != bytes)
    #expect(sobol.sampler == "sobol" && sobol.replicates == 16 && sobol.generator == "sobol")
    #expect(sobol.paths == 16384 && sobol.seed == 7 && plain.sampler == "pseudo")
    let t = 73.0 / 365
    for (i, (spot, mu)) in [(100.0, 0.05), (50.0, 0.0)].enumerated() {
      let expected = spot * Foundation.exp(mu * t)
      #expect(abs(sobol.terminal.mean[i] - expected) <= 4 * sobol.terminal.standardError[i])
      #expect(sobol.terminal.standardError[i] < plain.terminal.standardError[i] / 10)
    }
    #expect(try run(["--sampler", "sobol", "--threads", "2"]).0 == bytes)
  }

  @Test("json has the documented keys; E[S_T] from a model file matches S0·e^{μT} within 4 SE")
  func jsonFromModel() throws {
    let model = try temporaryFile(twoAssetModel, name: "model.json")
    let (status, stdout, stderr) = try runRiskReport([
      "simulate", "--model", model, "--paths", "20000", "--steps", "5", "--horizon-days", "73",
      "--seed", "7", "--format", "json",
    ])
    #expect(status == 0, "\(stderr)")
    struct Output: Decodable {
      struct Terminal: Decodable {
        let mean: [Double]
        let standardError: [Double]
        let quantiles: [String: [Double]]
      }
      struct Minimum: Decodable { let mean: [Double] }
      let paths: Int
      let steps: Int
      let horizonDays: Double
      let seed: UInt64
      let assets: [String]
      let terminal: Terminal
      let minimum: Minimum
    }
    let output = try JSONDecoder().decode(Output.self, from: Data(stdout.utf8))
    #expect(
      output.paths == 20000 && output.steps == 5 && output.horizonDays == 73 && output.seed == 7)
    #expect(output.assets == ["X", "Y"])
    #expect(Set(output.terminal.quantiles.keys) == ["0.01", "0.05", "0.5", "0.95", "0.99"])
    let t = 73.0 / 365
    for (i, (spot, mu)) in [(100.0, 0.05), (50.0, 0.0)].enumerated() {
      let expected = spot * Foundation.exp(mu * t)
      #expect(abs(output.terminal.mean[i] - expected) <= 4 * output.terminal.standardError[i])
      #expect(output.minimum.mean[i] < spot)
      #expect(output.terminal.quantiles["0.01"]![i] < output.terminal.quantiles["0.99"]![i])
    }
  }

  @Test(
    "Same seed and flags on 1, 2 and 3 threads give byte-identical json",
    arguments: ["double", "float"])
  func threadInvariantBytes(precision: String) throws {
    let base = [
      "simulate", "--paths", "9000", "--steps", "4", "--seed", "3", "--precision", precision,
      "--format", "json",
    ]
    let outputs = try ["1", "2", "3"].map { try runRiskReport(base + ["--threads", $0]) }
    for (status, _, stderr) in outputs { #expect(status == 0, "\(stderr)") }
    #expect(outputs[0].1 == outputs[1].1)
    #expect(outputs[0].1 == outputs[2].1)
    #expect(!outputs[0].1.isEmpty)
  }

  @Test(
    "--quantile-values changes the passes, never the bytes: one pass, two, and the most",
    arguments: ["double", "float"])
  func quantilesInPasses(precision: String) throws {
    let base = [
      "simulate", "--paths", "9000", "--steps", "2", "--seed", "8", "--precision", precision,
      "--format", "json",
    ]
    // 36 000 prices: all held at once, about 4 000 per bucket after one pass, one at a time.
    let outputs = try ["36000", "5000", "1"].map {
      try runRiskReport(base + ["--quantile-values", $0])
    }
    for (status, _, stderr) in outputs { #expect(status == 0, "\(stderr)") }
    #expect(outputs[0].1 == outputs[1].1)
    #expect(outputs[0].1 == outputs[2].1)
    #expect(outputs[0].1.contains("\"0.99\""))
  }

  @Test("The table names the assets and the settings")
  func table() throws {
    let (status, stdout, _) = try runRiskReport([
      "simulate", "--paths", "2000", "--antithetic", "--generator", "mt19937",
    ])
    #expect(status == 0)
    #expect(stdout.contains("2000 paths (antithetic)"))
    #expect(stdout.contains("mt19937"))
    for name in ["AAPL", "GOOG", "IBM", "MSFT"] { #expect(stdout.contains(name)) }
  }

  @Test(
    "Bad input: one line on stderr naming the file field or the flag, non-zero exit, empty stdout",
    arguments: [
      (["--paths", "0"], "--paths"),
      (["--paths", "7", "--antithetic"], "--paths"),
      (["--horizon-days", "-1"], "--horizon-days"),
      (["--threads", "0"], "--threads"),
      (["--precision", "half"], "--precision"),
      (["--paths", "100000001"], "--paths"),
      (["--quantile-values", "0"], "--quantile-values"),
      (["--quantile-values", "100000001"], "--quantile-values"),
      (["--quantile-values", "-3"], "--quantile-values"),
      (["--steps", "9223372036854775807"], "steps"),
      (["--horizon-days", "1e9"], "horizon"),
      (["--decay", "1.5", "--estimator", "ewma"], "--decay"),
      (["--model", "/nonexistent/model.json"], "/nonexistent/model.json"),
      (["--sampler", "sobol", "--paths", "1000"], "--paths: 1000 must be a multiple of the 16"),
      (["--sampler", "sobol", "--generator", "mt19937"], "--generator"),
      (["--sampler", "sobol", "--antithetic", "--paths", "1024"], "--sampler sobol"),
      (["--replicates", "4"], "--replicates"),
      (["--sampler", "sobol", "--paths", "1024", "--steps", "1025"], "--steps"),
      (["--sampler", "sobol", "--paths", "1024", "--quantile-values", "100"], "--quantile-values"),
    ])
  func badFlags(arguments: [String], named: String) throws {
    let (status, stdout, stderr) = try runRiskReport(["simulate"] + arguments)
    #expect(status != 0)
    #expect(stdout.isEmpty)
    #expect(stderr.split(separator: "\n").count == 1, "\(stderr)")
    #expect(stderr.contains(named), "\(stderr)")
  }

  @Test(
    "Bad model files name the file and the field",
    arguments: [
      (
        #"{"assets": ["X"], "spot": [100], "drift": [0.1], "volatility": [0.2]}"#,
        "missing field correlation"
      ),
      (
        #"{"assets": ["X"], "spot": ["a"], "drift": [0.1], "volatility": [0.2], "correlation": [[1]]}"#,
        "spot[0]"
      ),
      (
        #"{"assets": ["X"], "spot": [-1], "drift": [0.1], "volatility": [0.2], "correlation": [[1]]}"#,
        "spot[0]"
      ),
      (
        #"{"assets": ["X", "Y"], "spot": [1, 1], "drift": [0, 0], "volatility": [0.2, 0.2], "correlation": [[1, 2], [2, 1]]}"#,
        "correlation"
      ),
      ("not json", "model.json:1:1: expected a JSON object"),
    ])
  func badModel(text: String, named: String) throws {
    let model = try temporaryFile(text, name: "model.json")
    let (status, stdout, stderr) = try runRiskReport(["simulate", "--model", model])
    #expect(status != 0)
    #expect(stdout.isEmpty)
    #expect(stderr.hasPrefix("riskreport: \(model):"), "\(stderr)")
    #expect(stderr.contains(named), "\(stderr)")
    #expect(stderr.split(separator: "\n").count == 1)
  }

  @Test("--prices and --model together are refused")
  func bothSources() throws {
    let model = try temporaryFile(twoAssetModel, name: "model.json")
    let (status, stdout, stderr) = try runRiskReport([
      "simulate", "--model", model, "--prices", BundledData.examplePrices,
    ])
    #expect(status != 0 && stdout.isEmpty)
    #expect(stderr.contains("--prices and --model"))
  }
}

@Suite struct VectorLevelTests {
  struct Figures: Decodable, Equatable {
    struct Statistics: Decodable, Equatable {
      let mean: [Double]
      let standardError: [Double]
    }
    struct Backend: Decodable, Equatable { let vectorLevel: String }
    let terminal: Statistics
    let minimum: Statistics
    let maximum: Statistics
    let backend: Backend
  }

  @Test(
    "riskreport simulate agrees at every vector level this CPU has, to 1e-12 relative (docs/monte-carlo.md)"
  )
  func simulateAtEveryLevel() throws {
    // The normals are the same bits at every level; SLEEF's exp differs by instruction set in
    // the last bit (1 ULP), which the means and standard errors carry at about 1e-15 relative.
    var figures: [VectorLevel: Figures] = [:]
    for level in Backend.availableVectorLevels {
      let (status, stdout, stderr) = try runRiskReport(
        ["simulate", "--paths", "4000", "--steps", "5", "--format", "json"],
        environment: ["RISKKERNELS_ISA": level.rawValue])
      #expect(status == 0, "\(stderr)")
      let decoded = try JSONDecoder().decode(Figures.self, from: Data(stdout.utf8))
      #expect(decoded.backend.vectorLevel == level.rawValue)
      figures[level] = decoded
    }
    let reference = try #require(figures[.scalar])
    func close(_ a: [Double], _ b: [Double]) -> Bool {
      a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-12 * abs($1) }
    }
    for (level, other) in figures {
      for (x, y) in [
        (other.terminal, reference.terminal), (other.minimum, reference.minimum),
        (other.maximum, reference.maximum),
      ] {
        #expect(close(x.mean, y.mean), "\(level)")
        #expect(close(x.standardError, y.standardError), "\(level)")
      }
    }
  }

  @Test("RISKKERNELS_ISA naming no level, or a level above the CPU's, is one line and exit 1")
  func unavailableLevel() throws {
    var asked = ["avx1024", "AVX2 "]
    if Backend.cpuVectorLevel < .avx512 { asked.append("avx512") }
    for value in asked {
      let (status, stdout, stderr) = try runRiskReport(
        ["simulate", "--paths", "100"], environment: ["RISKKERNELS_ISA": value])
      #expect(status == 1)
      #expect(stdout.isEmpty)
      #expect(stderr.hasPrefix("riskreport: RISKKERNELS_ISA=\(value): "), "\(stderr)")
      #expect(stderr.split(separator: "\n").count == 1)
    }
  }
}
