import Foundation
import Testing
import _RiskKernelsTestSupport

/// A seeded fuzz test of the command line: mutated price, portfolio and model files and mutated
/// flags, a few hundred cases in all, each run through the real `riskreport` binary. For every
/// case: no signal (a trap or abort), no hang; exit 0 only with output free of NaN and infinity;
/// otherwise exactly one stderr line naming a file, a flag or the environment, nothing on stdout,
/// and no report folder written. The seed is the case's argument, so a failure names the input
/// that reproduces it.
@Suite struct FuzzTests {
  /// Text a hostile user might put anywhere.
  static let tokens = [
    "", "0", "-1", "1e309", "1e-320", "nan", "inf", "-inf", "0x1p4", "\u{0}", ",", "\"", "\n",
    "1e308", "abc", "-0", "1.5.2", "{", "}", "[", "]", ":", "null", "true", "  ", "2020-13-01",
    "99999999999999999999", "\u{FEFF}", "é", "1e-5", "5e2", "+3", ".5", "\r\n", "\t", "1e200",
    "2", "3", "4", "1e-300", "0.999999", "366",
  ]

  static func mutate(_ text: String, using rng: inout SplitMix64) -> String {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    for _ in 0..<Int.random(in: 1...3, using: &rng) {
      guard !lines.isEmpty else { break }
      let l = Int.random(in: 0..<lines.count, using: &rng)
      let token = tokens.randomElement(using: &rng)!
      switch Int.random(in: 0..<8, using: &rng) {
      case 0:  // replace one comma-separated field (or a JSON number/word) of a line
        var fields = lines[l].split(separator: ",", omittingEmptySubsequences: false).map(
          String.init)
        fields[Int.random(in: 0..<fields.count, using: &rng)] = token
        lines[l] = fields.joined(separator: ",")
      case 1:  // insert a token at a random place of a line
        let chars = Array(lines[l])
        let at = Int.random(in: 0...chars.count, using: &rng)
        lines[l] = String(chars[..<at]) + token + String(chars[at...])
      case 2:  // delete a run of characters
        let chars = Array(lines[l])
        guard !chars.isEmpty else { continue }
        let at = Int.random(in: 0..<chars.count, using: &rng)
        let n = Int.random(in: 1...Swift.min(5, chars.count - at), using: &rng)
        lines[l] = String(chars[..<at]) + String(chars[(at + n)...])
      case 3: lines.insert(lines[l], at: l)  // a duplicated line
      case 4:  // two lines swapped
        let m = Int.random(in: 0..<lines.count, using: &rng)
        lines.swapAt(l, m)
      case 5: lines = Array(lines.prefix(l))  // truncated
      case 6: lines = [lines[0]] + lines.dropFirst().reversed()  // reversed after the header
      default: lines[l] = token  // a line replaced
      }
    }
    return lines.joined(separator: "\n")
  }

  static let weights = "asset,weight\nA,0.3\nB,0.3\nC,0.4\n"
  static let portfolio = """
    {"holdings": {"A": 10, "B": 5, "C": 20},
     "leveragedPositions": [{"asset": "A", "side": "long", "leverage": 5, "maintenanceMargin": 0.01}],
     "riskBudgets": {"A": 0.4, "B": 0.3, "C": 0.3}, "caps": {"A": 0.6}}
    """

  /// One case: what to run, on which files, and the folder a run must not create on failure.
  static func makeCase(seed: Int) throws -> (arguments: [String], files: [String], out: String?) {
    var rng = SplitMix64(seed: UInt64(seed) &* 0x2545_F491_4F6C_DD1D)
    let prices = examplePrices(rows: 60)
    switch seed % 4 {
    case 0:  // a mutated price file, through one of the commands that read prices
      let path = try temporaryFile(mutate(prices, using: &rng))
      let weightsPath = try temporaryFile(weights, name: "weights.csv")
      let command: [[String]] = [
        ["covariance", "--format", "json"], ["covariance", "--format", "csv"], ["covariance"],
        ["simulate", "--paths", "200", "--steps", "3"],
        ["var", "--weights", weightsPath, "--paths", "200", "--format", "json"],
        ["backtest", "--weights", weightsPath, "--window", "20", "--method", "historical"],
        ["parity", "--format", "json"],
      ]
      return (
        command.randomElement(using: &rng)! + ["--prices", path], [path, weightsPath], nil
      )
    case 1:  // a mutated portfolio through a whole report run
      let pricesPath = try temporaryFile(prices)
      let path = try temporaryFile(mutate(portfolio, using: &rng), name: "portfolio.json")
      let out = temporaryFolder()
      return (
        [
          "run", "--prices", pricesPath, "--portfolio", path, "--out", out, "--paths", "200",
          "--steps", "2", "--window", "20", "--format", "json",
        ], [pricesPath, path], out
      )
    case 2:  // a mutated model
      let path = try temporaryFile(mutate(exampleModel, using: &rng), name: "model.json")
      return (["simulate", "--model", path, "--paths", "200", "--steps", "2"], [path], nil)
    default:  // mutated flags
      let bases: [[String]] = [
        [
          "liquidation", "--leverage", "20", "--volatility", "0.6", "--horizon-days", "1",
          "--monitoring-seconds", "12", "--format", "json",
        ],
        ["simulate", "--paths", "200", "--steps", "4", "--horizon-days", "5", "--seed", "3"],
        [
          "simulate", "--paths", "100", "--antithetic", "--steps", "2", "--periods-per-year", "252",
          "--precision", "float", "--format", "json",
        ],
        [
          "liquidation", "--leverage", "3", "--side", "short", "--volatility", "2", "--drift",
          "0.1",
          "--horizon-days", "30", "--monitoring-seconds", "3600", "--periods-per-year", "365",
        ],
        ["var", "--paths", "200", "--confidence", "0.95", "--horizon-days", "2"],
        ["covariance", "--estimator", "ewma", "--decay", "0.94", "--format", "json"],
      ]
      var arguments = bases.randomElement(using: &rng)!
      var files: [String] = []
      if arguments[0] == "var" {
        let weightsPath = try temporaryFile(
          "asset,weight\nAAPL,0.25\nGOOG,0.25\nIBM,0.25\nMSFT,0.25\n", name: "weights.csv")
        arguments += ["--weights", weightsPath]
        files.append(weightsPath)
      }
      for _ in 0..<Int.random(in: 1...2, using: &rng) {
        let values = (1..<arguments.count).filter { !arguments[$0].hasPrefix("--") }
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: arguments[values.randomElement(using: &rng)!] = tokens.randomElement(using: &rng)!
        case 1: arguments += ["--no-such-flag"]
        case 2:  // a flag's value dropped
          let k = values.randomElement(using: &rng)!
          arguments.remove(at: k)
        default:  // a flag given twice, the second time with a token
          let k = values.randomElement(using: &rng)!
          arguments += [arguments[k - 1], tokens.randomElement(using: &rng)!]
        }
      }
      return (arguments, files, nil)
    }
  }

  @Test(
    "Seeded fuzz: mutated files and flags never trap, never print NaN, always fail in one line",
    arguments: 0..<600)
  func fuzz(seed: Int) throws {
    let (arguments, files, out) = try Self.makeCase(seed: seed)
    let (reason, status, stdout, stderr) = try runProcess(riskReportBinary, arguments, seconds: 120)
    let context = "seed \(seed): riskreport \(arguments.joined(separator: " "))"
    #expect(reason == .exit, "\(context): ended by signal \(status)")
    guard reason == .exit else { return }
    if let out {  // no staging or set-aside folder is ever left beside --out
      let parent = URL(fileURLWithPath: out).deletingLastPathComponent().path
      let name = URL(fileURLWithPath: out).lastPathComponent
      let left = try FileManager.default.contentsOfDirectory(atPath: parent).filter {
        $0.hasPrefix(".\(name).")
      }
      #expect(left.isEmpty, "\(context): \(left)")
    }
    if status == 0 {
      #expect(!stdout.isEmpty, "\(context)")
      let nonFinite = try Regex("(?i)(^|[^a-z])(-?nan|-?inf|infinity)([^a-z]|$)")
      #expect(stdout.firstMatch(of: nonFinite) == nil, "\(context): \(stdout.prefix(300))")
      if let out {  // the report written: valid JSON (which has no NaN or infinity)
        let data = try Data(contentsOf: URL(fileURLWithPath: out + "/report.json"))
        #expect((try? JSONSerialization.jsonObject(with: data)) != nil, "\(context)")
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.firstMatch(of: nonFinite) == nil, "\(context)")
      }
    } else {
      #expect(stdout.isEmpty, "\(context): \(stdout.prefix(200))")
      let lines = stderr.split(separator: "\n", omittingEmptySubsequences: false)
      #expect(lines.count == 2 && lines[1].isEmpty, "\(context): \(stderr)")
      // Right after "riskreport: ": a file of the case (with its line:column or field), a
      // flag, the environment, or a path the user typed (`--weights x` naming a file x that
      // does not exist); or ArgumentParser's own message quoting the flag ('--paths <paths>').
      let message = stderr.dropFirst("riskreport: ".count)
      let names =
        stderr.hasPrefix("riskreport: ")
        && (files.contains { message.hasPrefix($0 + ":") } || message.hasPrefix("--")
          || message.hasPrefix("RISKKERNELS_ISA")
          || arguments.contains { !$0.isEmpty && message.hasPrefix("\($0): ") }
          || message.contains(" '--"))
      #expect(names, "\(context): \(stderr)")
      if let out { #expect(!FileManager.default.fileExists(atPath: out), "\(context)") }
    }
  }
}
