import Foundation
import RiskKernels
import Testing

@testable import RiskReportCore

/// The built `riskreport` binary.
let riskReportBinary = Bundle.main.bundleURL.appendingPathComponent("riskreport")

/// Runs `executable` (terminated after `seconds`) and returns why it ended, its exit status (or
/// signal), stdout and stderr. `environment` entries are added to (or replace) this process's.
func runProcess(
  _ executable: URL, _ arguments: [String], environment: [String: String] = [:],
  seconds: Double = 300
) throws -> (Process.TerminationReason, Int32, String, String) {
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  if !environment.isEmpty {
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
  }
  let (out, err) = (Pipe(), Pipe())
  process.standardOutput = out
  process.standardError = err
  try process.run()
  let watchdog = DispatchWorkItem { process.terminate() }
  DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: watchdog)
  let stdout = out.fileHandleForReading.readDataToEndOfFile()
  let stderr = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  watchdog.cancel()
  return (
    process.terminationReason, process.terminationStatus, String(decoding: stdout, as: UTF8.self),
    String(decoding: stderr, as: UTF8.self)
  )
}

/// Runs the built `riskreport` binary and returns (exit code, stdout, stderr).
func runRiskReport(_ arguments: [String], environment: [String: String] = [:]) throws -> (
  Int32, String, String
) {
  let (_, status, stdout, stderr) = try runProcess(
    riskReportBinary, arguments, environment: environment)
  return (status, stdout, stderr)
}

@Suite struct CovarianceCommandTests {
  @Test("json output has the documented keys and agrees with the library")
  func jsonMatchesLibrary() throws {
    let (status, stdout, stderr) = try runRiskReport([
      "covariance", "--estimator", "ledoit-wolf", "--format", "json",
    ])
    #expect(status == 0, "\(stderr)")
    let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as! [String: Any]
    #expect(object["assets"] as? [String] == ["AAPL", "GOOG", "IBM", "MSFT"])
    #expect(object["estimator"] as? String == "ledoit-wolf")
    #expect(object["observations"] as? Int == 2147)
    #expect(object["droppedRows"] as? Int == 0)
    // Numbers through JSONDecoder (exact round trip; JSONSerialization on Linux is not).
    struct Numbers: Decodable {
      let covariance: [[Double]]
      let shrinkage: Double?
    }
    let numbers = try JSONDecoder().decode(Numbers.self, from: Data(stdout.utf8))
    let (r, _) = try PriceFile(path: BundledData.examplePrices).returns(kind: .log, as: Double.self)
    let direct = try ledoitWolfCovariance(r)
    #expect(numbers.covariance == direct.covariance.rowArrays)
    #expect(numbers.shrinkage == direct.shrinkage)
  }

  @Test("shrinkage is null for estimators without one")
  func shrinkageNull() throws {
    let (status, stdout, _) = try runRiskReport(["covariance", "--format", "json"])
    #expect(status == 0)
    let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as! [String: Any]
    #expect(object["shrinkage"] is NSNull)
  }

  @Test("csv output is a header of asset names then the d×d covariance, round-tripping exactly")
  func csvRoundTrips() throws {
    let (status, stdout, _) = try runRiskReport([
      "covariance", "--estimator", "ewma", "--format", "csv",
    ])
    #expect(status == 0)
    let lines = stdout.split(separator: "\n")
    #expect(lines.count == 5)
    #expect(lines[0] == "AAPL,GOOG,IBM,MSFT")
    let (r, _) = try PriceFile(path: BundledData.examplePrices).returns(kind: .log, as: Double.self)
    let direct = try ewmaCovariance(r)
    let parsed = lines.dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
    #expect(parsed == direct.covariance.rowArrays)
  }

  @Test("Every estimator and the table format run on the bundled example")
  func everyEstimatorRuns() throws {
    for estimator in EstimatorChoice.allCases {
      let (status, stdout, stderr) = try runRiskReport([
        "covariance", "--estimator", estimator.rawValue,
      ])
      #expect(status == 0, "\(estimator): \(stderr)")
      #expect(stdout.contains("correlation") && stdout.contains("MSFT"))
    }
  }

  @Test(
    "Bad input: one line on stderr naming the file/line/column or flag, non-zero exit, empty stdout"
  )
  func badInputIsOneLine() throws {
    let ragged = try temporaryFile("date,A,B\n2020-01-01,1,2\n2020-01-02,3\n")
    let cases: [([String], String)] = [
      (
        ["covariance", "--prices", "/nonexistent.csv"],
        "riskreport: /nonexistent.csv: cannot read file"
      ),
      (
        ["covariance", "--prices", ragged],
        "riskreport: \(ragged):3: expected 3 fields as in the header but found 2"
      ),
      (
        ["covariance", "--decay", "1.5"], "riskreport: --decay: 1.5 is out of range (0 < decay < 1)"
      ),
      (["covariance", "--estimator", "magic"], "--estimator"),
      (["covariance", "--format", "xml"], "--format"),
      (["covariance", "--bogus"], "--bogus"),
    ]
    for (arguments, expected) in cases {
      let (status, stdout, stderr) = try runRiskReport(arguments)
      #expect(status != 0, "\(arguments)")
      #expect(stdout.isEmpty, "\(arguments)")
      let lines = stderr.split(separator: "\n")
      #expect(lines.count == 1, "\(arguments): \(stderr)")
      #expect(stderr.contains(expected), "\(arguments): \(stderr)")
      #expect(stderr.hasPrefix("riskreport: "), "\(arguments): \(stderr)")
    }
  }
}
