import Foundation
import Testing

@testable import RiskReportCore

/// What every failing `riskreport` run must look like: a non-zero exit (not a signal), nothing
/// on stdout, exactly one stderr line that names the input at fault (a file, with a line and
/// column or a field where there is one, a flag, or the environment variable).
func expectOneLineError(
  _ outcome: (Int32, String, String), naming: String, _ context: String = "",
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let (status, stdout, stderr) = outcome
  #expect(status != 0, "\(context)", sourceLocation: sourceLocation)
  #expect(stdout.isEmpty, "\(context): \(stdout.prefix(200))", sourceLocation: sourceLocation)
  #expect(
    stderr.split(separator: "\n", omittingEmptySubsequences: false).count == 2
      && stderr.hasSuffix("\n"), "\(context): \(stderr)", sourceLocation: sourceLocation)
  #expect(
    stderr.hasPrefix("riskreport: ") && stderr.contains(naming), "\(context): \(stderr)",
    sourceLocation: sourceLocation)
}

/// A price file of `rows` dated rows of assets A, B, C (seeded, moving every day).
func examplePrices(rows: Int = 40) -> String {
  var text = "date,A,B,C\n"
  var (a, b, c) = (100.0, 50.0, 20.0)
  let day = ISO8601DateFormatter()
  day.formatOptions = [.withFullDate]
  for t in 0..<rows {
    let date = day.string(from: Date(timeIntervalSince1970: 1_577_836_800 + 86_400 * Double(t)))
    text += "\(date),\(a),\(b),\(c)\n"
    a *= 1 + 0.011 * sin(Double(t) * 1.3)
    b *= 1 + 0.017 * cos(Double(t) * 0.7)
    c *= 1 + 0.013 * sin(Double(t) * 2.9 + 1)
  }
  return text
}

/// Three dated rows of `assets` assets A0, A1, …, every price moving.
func widePrices(assets: Int) -> String {
  var rows = ["date", "2020-01-01", "2020-01-02", "2020-01-03"]
  for i in 0..<assets {
    rows[0] += ",A\(i)"
    rows[1] += ",\(10 + i)"
    rows[2] += ",\(11 + i + i % 3)"
    rows[3] += ",\(10 + i + i % 5)"
  }
  return rows.joined(separator: "\n") + "\n"
}

let exampleModel = """
  {"assets": ["X", "Y"], "spot": [100, 50], "drift": [0.05, 0.0], "volatility": [0.2, 0.4],
   "correlation": [[1, 0.3], [0.3, 1]]}
  """

@Suite struct HostileInputTests {
  /// Each class of bad input the fuzzing of issue 16 found, one or more variants each.
  @Test(
    "Bad price files: the file, line and column, for every class found by fuzzing",
    arguments: [
      (
        "date,A,B\n2020-01-01,5\u{0}7,2\n2020-01-02,6,3\n",
        ":2:2: price of A is not a finite number"
      ),
      ("date,A,B\n2020-01-01,0x1p4,2\n2020-01-02,6,3\n", ":2:2: price of A is not a finite number"),
      ("date,A,B\n2020-01-01,1,inf\n2020-01-02,6,3\n", ":2:3: price of B is not a finite number"),
      ("date,A,B\n2020-01-02,1,2\n2020-01-01,6,3\n", ":3:1: 2020-01-01 does not come after"),
      ("date,A,B\n2020-01-01,1,2\n2020-01-01,6,3\n", ":3:1: 2020-01-01 does not come after"),
      ("date,A,B\n2020-01-01,1,2\nyesterday,6,3\n", ":3:1: 'yesterday' is not a date"),
      ("date,A,B\n2020-02-30,1,2\n2020-03-01,6,3\n", ":2:1: '2020-02-30' is neither a date"),
      (
        "date,A,B\n2020-01-01T10:00,1,2\n2020-01-01 11:00,6,3\n",
        ":3:1: '2020-01-01 11:00' is not a date in the form of line 2"
      ),
      ("index,A,B\n1,1,2\n3,6,3\n2,6,4\n", ":4:1: 2 does not come after 3"),
      (
        "date,A,B\n2020-01-01,1,2\n2020-01-02,1,3\n2020-01-03,1,4\n",
        ":1:2: the price of A never changes"
      ),
    ])
  func badPrices(text: String, message: String) throws {
    let path = try temporaryFile(text)
    for command in [["covariance", "--format", "json"], ["simulate", "--paths", "100"]] {
      expectOneLineError(
        try runRiskReport(command + ["--prices", path]), naming: path + message, "\(command)")
    }
  }

  @Test(
    "Inputs whose figures overflowed to inf or NaN with exit 0 (a 1e300 price jump, weights of ±1e308, an underflowing number) name their file and line"
  )
  func overflowingInputs() throws {
    let jump = try temporaryFile(
      "date,A,B\n2020-01-01,1,10\n2020-01-02,1e300,11\n2020-01-03,1.2,10.5\n2020-01-04,1.1,10.7\n")
    for format in ["csv", "json", "table"] {
      expectOneLineError(
        try runRiskReport([
          "covariance", "--prices", jump, "--returns", "simple", "--format", format,
        ]),
        naming: jump + ":3:2: the return of A from line 2 to this line is 1e+300", format)
    }
    let weights = try temporaryFile(
      "asset,weight\nAAPL,1e308\nGOOG,-1e308\nIBM,0.5\nMSFT,0.5\n", name: "weights.csv")
    expectOneLineError(
      try runRiskReport(["var", "--weights", weights, "--paths", "200"]),
      naming: weights + ":2:2: weight of AAPL is 1e+308, beyond ±1e6")
    let tiny = try temporaryFile(
      #"{"holdings": {"AAPL": 1, "GOOG": 2e-324}}"#, name: "portfolio.json")
    expectOneLineError(
      try runRiskReport(["run", "--portfolio", tiny, "--out", temporaryFolder(), "--paths", "400"]),
      naming: tiny + ":1:34: the number 2e-324 is below Double's range")
    let model = try temporaryFile(
      #"{"assets": ["X"], "spot": [1], "drift": [0], "volatility": [1e308], "correlation": [[1]]}"#,
      name: "model.json")
    expectOneLineError(
      try runRiskReport(["simulate", "--model", model]),
      naming: model + ": volatility[0]: 1e+308 is out of range")
  }

  @Test(
    "A price file with more assets than this process can hold covariances for is refused up front")
  func tooManyAssets() throws {
    // 6 000 assets under a 400 MB address-space limit aborted on a 288 MB allocation.
    let path = try temporaryFile(widePrices(assets: 6_000))
    let (_, status, stdout, stderr) = try runProcess(
      URL(fileURLWithPath: "/bin/sh"),
      [
        "-c", "ulimit -v 400000; exec \"$0\" covariance --prices \"$1\"", riskReportBinary.path,
        path,
      ])
    expectOneLineError((status, stdout, stderr), naming: path + ": 6000 assets need about")
  }

  @Test(
    "A jump from 1e-300 to 1e300: a finite log return, a simple return that overflows at its line")
  func overflowingReturn() throws {
    let path = try temporaryFile(
      "date,A,B\n2020-01-01,1e-300,2\n2020-01-02,1e300,3\n2020-01-03,2,4\n2020-01-04,3,5\n")
    let (status, _, stderr) = try runRiskReport([
      "covariance", "--prices", path, "--format", "json",
    ])
    #expect(status == 0, "\(stderr)")  // ln(1e600) = 1381.6: log returns need no overflow
    let weights = try temporaryFile("asset,weight\nA,0.5\nB,0.5\n", name: "w.csv")
    expectOneLineError(
      try runRiskReport(["var", "--prices", path, "--weights", weights, "--method", "historical"]),
      naming: path + ":3:2: the return of A from line 2 to this line is")
  }

  @Test(
    "Bad portfolio JSON: line and column for syntax, duplicate and unknown keys",
    arguments: [
      ("", ":1:1: empty file"),
      (#"{"holdings": {"AAPL": 1}"#, ":1:25: the file ends early"),
      (#"{"holdings": {"AAPL": 1},}"#, ":1:26: expected a key in quotes after the comma"),
      (#"{"holdings": {"AAPL": [1, 2,]}}"#, ":1:29: a trailing comma"),
      (#"{"holdings": {"AAPL": 1e309}}"#, ":1:23: the number 1e309 is beyond Double's range"),
      ("null", ":1:1: expected a JSON object"),
      (#"{"holdings": {"AAPL": 1, "AAPL": 2}}"#, ":1:26: holdings.AAPL appears twice"),
      (
        #"{"holdings": {"AAPL": 1}, "riskBudget": {}}"#,
        "unknown field riskBudget (did you mean riskBudgets?)"
      ),
      (
        #"{"holdings": {"AAPL": 1}, "leveragedPositions": [{"asset": "AAPL", "side": "long", "leverage": 2, "maintenanceMarginn": 0.1}]}"#,
        "unknown field leveragedPositions[0].maintenanceMarginn"
      ),
      ("{\"holdings\": {\"AA\u{0}PL\": 1}}", ":1:18: a control character"),
      (#"{"holdings": {"AAPL": 1e308}}"#, "holdings.AAPL: 1e+308 units"),
      (#"{"holdings": {"AAPL": 1}, "caps": {"AAPL": 0}}"#, "caps.AAPL: 0.0 must be in (0, 1]"),
      (
        #"{"weights": {"AAPL": 1}, "value": 1e308}"#,
        "value: 1e+308 must be positive and at most 1e18"
      ),
    ])
  func badPortfolio(text: String, message: String) throws {
    let path = try temporaryFile(text, name: "portfolio.json")
    let out = temporaryFolder()
    let outcome = try runRiskReport(["run", "--portfolio", path, "--out", out, "--paths", "400"])
    expectOneLineError(outcome, naming: message)
    #expect(outcome.2.hasPrefix("riskreport: \(path):"), "\(outcome.2)")
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test(
    "Bad model files and flags name the model field or the flag that is wrong",
    arguments: [
      (
        #"{"assets": ["X", "X"], "spot": [1, 2], "drift": [0, 0], "volatility": [0.2, 0.2], "correlation": [[1, 0], [0, 1]]}"#,
        [String](), "assets[1]: X is also assets[0]"
      ),
      (
        #"{"assets": ["X"], "spot": [1], "drift": [0], "volatility": [0.2], "correlation": [[1]], "correlations": 1}"#,
        [], "unknown field correlations"
      ),
      (
        #"{"assets": ["X"], "spot": [1e308], "drift": [0], "volatility": [0.2], "correlation": [[1]]}"#,
        [], "X: spot 1e+308"
      ),
      (exampleModel, ["--paths", "1"], "--paths: 1 must be in 100...100000000"),
      (exampleModel, ["--paths", "-1"], "--paths: -1 must be in 100...100000000"),
      (exampleModel, ["--steps", "1000000000"], "--steps: 1000000000 must be in 1...100000"),
      (
        exampleModel, ["--paths", "40000000", "--steps", "100000"],
        "--steps: 40000000 paths × 100000 steps"
      ),
    ])
  func badModel(text: String, flags: [String], message: String) throws {
    let path = try temporaryFile(text, name: "model.json")
    expectOneLineError(
      try runRiskReport(["simulate", "--model", path] + flags), naming: message)
  }

  @Test(
    "Sizes, leverage and formats that could trap, overflow or run for hours are refused up front",
    arguments: [
      (["var", "--paths", "1000000000000"], "--paths: 1000000000000 must be in 100...100000000"),
      (["var", "--paths=-1"], "--paths: -1 must be in 100...100000000"),
      (
        ["liquidation", "--leverage", "1e-320", "--volatility", "0.5", "--horizon-days", "1"],
        "--leverage:"
      ),
      (
        ["liquidation", "--leverage", "nan", "--volatility", "0.5", "--horizon-days", "1"],
        "--leverage"
      ),
      (["run", "--out", ".", "--paths", "400"], "--out: .: is the working folder"),
      (["run", "--paths", "100000000", "--steps", "100000"], "--steps: 100000000 paths"),
      (
        ["simulate", "--paths", "101", "--antithetic"],
        "--paths: 101 must be even with --antithetic"
      ),
      (
        ["simulate", "--periods-per-year", "1e-320"],
        "--periods-per-year: 1e-320 must be in [1, 525600]"
      ),
      (["simulate", "--periods-per-year", "nan"], "--periods-per-year: nan must be in"),
      (["run", "--periods-per-year", "1e9"], "--periods-per-year: 1000000000.0 must be in"),
      (
        ["liquidation", "--leverage", "2", "--volatility", "1e200", "--horizon-days", "1"],
        "--volatility: volatility = 1e+200 is out of range"
      ),
      (
        [
          "liquidation", "--leverage", "2", "--volatility", "0.5", "--horizon-days", "1",
          "--periods-per-year", "1e-310",
        ],
        "--periods-per-year:"
      ),
      // The shared groups: one set of limits in every subcommand.
      (["run", "--confidence", "0.5"], "--confidence: 0.5 must be in (0.5, 1)"),
      (["backtest", "--confidence", "1"], "--confidence: 1.0 must be in (0.5, 1)"),
      (["cadence", "--confidence", "0.3"], "--confidence: 0.3 must be in (0.5, 1)"),
      (["stress", "--threads", "0"], "--threads: 0 must be in 1...1024"),
      (["var", "--threads", "1025"], "--threads: 1025 must be in 1...1024"),
      (["simulate", "--paths", "99"], "--paths: 99 must be in 100...100000000"),
      (["cascade", "--paths", "50", "--volatility", "0.5"], "--paths: 50 must be in 100"),
      (["run", "--horizon-days", "36501"], "--horizon-days: 36501.0 must be in (0, 36500]"),
      (["simulate", "--steps", "100001"], "--steps: 100001 must be in 1...100000"),
      (["run", "--decay", "1"], "--decay: 1.0 is out of range"),
      // Flags that would do nothing are refused; failures are blamed on the flag behind them.
      (["backtest", "--estimator", "oas"], "--estimator: backtest's methods use"),
      (
        ["stress", "--paths", "200", "--estimator", "ewma", "--decay", "1e-300"],
        "--decay: 1e-300 weighs about 1 rows"
      ),
      (
        [
          "cascade", "--paths", "200", "--volatility", "1", "--horizon-days", "36500",
          "--threads", "1",
        ],
        "--volatility: with 36500.0 days (--horizon-days), a simulated price falls to 0"
      ),
    ])
  func refusedUpFront(arguments: [String], message: String) throws {
    var arguments = arguments
    if arguments[0] == "var" || arguments[0] == "backtest" {
      let weights = try temporaryFile(
        "asset,weight\nAAPL,0.25\nGOOG,0.25\nIBM,0.25\nMSFT,0.25\n", name: "weights.csv")
      arguments += ["--weights", weights]
    }
    expectOneLineError(try runRiskReport(arguments), naming: message)
  }

  @Test("covariance --format json prints the same bytes on every run; a wide table is refused")
  func covarianceOutput() throws {
    let runs = try (0..<4).map { _ in try runRiskReport(["covariance", "--format", "json"]).1 }
    #expect(Set(runs).count == 1)
    let wide = try temporaryFile(widePrices(assets: 40))
    expectOneLineError(
      try runRiskReport(["covariance", "--prices", wide]),
      naming: "--format: table shows at most 30 assets")
  }

  @Test("A short far from its liquidation price (entry 1e8 on a price of 56) is valid input")
  func farShort() throws {
    let path = try temporaryFile(
      #"{"holdings": {"AAPL": 1}, "leveragedPositions": [{"asset": "AAPL", "side": "short", "leverage": 2, "entryPrice": 1e8}]}"#,
      name: "portfolio.json")
    let out = temporaryFolder()
    let (status, _, stderr) = try runRiskReport(
      ["run", "--portfolio", path, "--out", out, "--paths", "400", "--format", "json"])
    #expect(status == 0, "\(stderr)")
  }

  @Test("Caps for some assets only: the others are uncapped, and the run succeeds")
  func partialCaps() throws {
    let path = try temporaryFile(
      #"{"holdings": {"AAPL": 1, "GOOG": 1, "IBM": 1, "MSFT": 1}, "caps": {"AAPL": 0.2}}"#,
      name: "portfolio.json")
    let out = temporaryFolder()
    let (status, _, stderr) = try runRiskReport(
      ["run", "--portfolio", path, "--out", out, "--paths", "400", "--format", "json"])
    #expect(status == 0, "\(stderr)")
    let report = try readReport(out)
    #expect(report.riskParity.weights[0] <= 0.2 + 1e-9)
  }
}

@Suite struct StrictJSONAcceptsTests {
  @Test("A byte-order mark and escaped surrogate pairs are valid JSON and are read")
  func validJSON() throws {
    let text = "\u{FEFF}" + #"{"holdings": {"AAPL": 1, "GOOG": 1}, "caps": {"AAPL": 1}} "#
    let path = try temporaryFile(text, name: "portfolio.json")
    let out = temporaryFolder()
    let (status, _, stderr) = try runRiskReport(
      ["run", "--portfolio", path, "--out", out, "--paths", "400", "--format", "json"])
    #expect(status == 0, "\(stderr)")
    let model = try temporaryFile(
      #"{"assets": ["X\ud83d\ude00", "Y"], "spot": [100, 50], "drift": [0.05, 0.0], "volatility": [0.2, 0.4], "correlation": [[1, 0.3], [0.3, 1]]}"#,
      name: "model.json")
    let (code, stdout, error) = try runRiskReport(
      ["simulate", "--model", model, "--paths", "100", "--format", "json"])
    #expect(code == 0, "\(error)")
    #expect(stdout.contains("X😀"))
  }
}

@Suite struct CappedParityTests {
  @Test("Caps that sum to 1 leave one feasible point: parity returns it, converged, residual 0")
  func capsFillTheRoom() throws {
    let caps = try temporaryFile(
      "asset,value\nAAPL,0.25\nGOOG,0.25\nIBM,0.25\nMSFT,0.25\n", name: "caps.csv")
    let (status, stdout, stderr) = try runRiskReport(["parity", "--caps", caps, "--format", "json"])
    #expect(status == 0, "\(stderr)")
    struct Output: Decodable {
      let weights: [Double]
      let converged: Bool
      let residual: Double
    }
    let output = try JSONDecoder().decode(Output.self, from: Data(stdout.utf8))
    #expect(output.converged && output.residual == 0)
    #expect(output.weights.allSatisfy { abs($0 - 0.25) < 1e-12 })
  }
}
