// riskbench: every update of the use cases (Budget.swift) timed against its budget, and the kernels
// against their peers. `riskbench` (= `riskbench run`) times the pipelines; with
// `--kernels DIR` it also runs the kernel suites on the inputs and peer times the peers script
// wrote into DIR in the same invocation (Benchmarks/run-riskbench.sh does both). The kernel
// families can be run alone: `riskbench covariance|montecarlo|riskparity|liquidation`.
import ArgumentParser
import Foundation
import RiskKernels

@main
struct RiskBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "riskbench",
    abstract:
      "Times each risk update against its use case's budget, and the kernels against peers.",
    subcommands: [
      PipelinesCommand.self, CovarianceSuite.self, MonteCarloSuite.self, RiskParitySuite.self,
      LiquidationSuite.self, CascadeSuite.self, AccuracySuite.self,
    ],
    defaultSubcommand: PipelinesCommand.self)
}

/// The whole benchmark document (`--json`).
struct BenchmarkDocument: Codable {
  let machine: [String: String]
  /// The vector level and BLAS that produced every figure.
  let backend: BackendSummary
  let clockOverheadSeconds: Double
  let pipelines: [PipelineResult]
  let kernels: [KernelRow]
}

struct PipelinesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Times every pipeline at its default size, finds the largest size within budget.")

  @Flag(help: "A smoke run in under a minute: few runs, a coarse search (never judge speed by it).")
  var quick = false
  @Flag(help: "Print the JSON document instead of the tables.") var json = false
  @Option(help: "Also write the JSON document to this file (atomically).") var output: String?
  @Option(help: "Only these pipelines (comma-separated names).") var only: String?
  @Option(
    help: ArgumentHelp(
      "Override a pipeline's size, e.g. --size quote-update=100 (repeatable).",
      valueName: "name=N"))
  var size: [String] = []
  @Option(
    parsing: .unconditional,
    help:
      "Paths of the Monte Carlo pipelines (covariance-var-refresh, lending, cascade-montecarlo-12s)."
  )
  var paths: Int?
  @Flag(help: "Skip the largest-size search.") var noSearch = false
  @Option(parsing: .unconditional, help: "OpenBLAS threads (default: all cores).") var threads: Int?
  @Option(
    help:
      "Also run the kernel suites against the peers' results in this folder (written by the peers script in the same invocation: Benchmarks/run-riskbench.sh)."
  )
  var kernels: String?

  func cases() throws -> [BenchmarkCase] {
    let all: [BenchmarkCase] = [
      QuoteUpdateCase(),
      LiquidationSweepCase(blockSeconds: 0.4),
      LiquidationSweepCase(blockSeconds: 12),
      CovarianceVaRRefreshCase(paths: paths ?? 10_000),
      BayesianUpdateCase(),
      RiskParityRebalanceCase(),
      LendingSimulationCase(paths: paths ?? 10_000),
      LiquidationCascadeCase(paths: nil),
      LiquidationCascadeCase(paths: paths ?? 10_000),
    ]
    guard let only else { return all }
    let names = only.split(separator: ",", omittingEmptySubsequences: false).map { String($0) }
    if names.contains("") {
      throw ValidationError(
        "--only '\(only)': an empty pipeline name (one of: \(all.map(\.name).joined(separator: ", ")))"
      )
    }
    for name in names where !all.contains(where: { $0.name == name }) {
      throw ValidationError(
        "--only: no pipeline named \(name) (one of: \(all.map(\.name).joined(separator: ", ")))")
    }
    return all.filter { names.contains($0.name) }
  }

  func sizes(for cases: [BenchmarkCase]) throws -> [String: Int] {
    var out: [String: Int] = [:]
    for entry in size {
      let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, let n = Int(parts[1]), n >= 1 else {
        throw ValidationError("--size \(entry): expected name=N with N ≥ 1")
      }
      guard let c = cases.first(where: { $0.name == parts[0] }) else {
        throw ValidationError("--size \(entry): no pipeline named \(parts[0]) in this run")
      }
      guard n <= c.maximumSize else {
        throw ValidationError("--size \(entry): at most \(c.maximumSize) \(c.sizeUnit)")
      }
      out[parts[0]] = n
    }
    return out
  }

  /// The most paths a Monte Carlo pipeline takes: the lending pipeline keeps a value per loan
  /// and path (10⁶ paths × 100 loans = 800 MB); more is not a latency benchmark.
  static let maximumPaths = 1_000_000

  func validate() throws {
    try Backend.checkVectorLevel()
    if let paths, !(2...Self.maximumPaths).contains(paths) {
      throw ValidationError("--paths \(paths): 2 to \(Self.maximumPaths)")
    }
    if let output { try checkWritable(output, flag: "--output") }
    // Names in --only and --size are checked here, so an error shows this command's usage.
    _ = try sizes(for: cases())
    if let threads, !(1...1024).contains(threads) {
      throw ValidationError("--threads \(threads): 1 to 1024")
    }
    if let kernels {
      var isFolder: ObjCBool = false
      guard FileManager.default.fileExists(atPath: kernels, isDirectory: &isFolder),
        isFolder.boolValue
      else {
        throw ValidationError(
          "--kernels \(kernels): no such folder (run Benchmarks/run-riskbench.sh, which writes it)")
      }
    }
  }

  func run() throws {
    let threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
    try BLASThreads.set(threads)
    let cases = try cases()
    let sizes = try sizes(for: cases)
    let machine = Machine.describe(threads: threads)
    let overhead = clockOverhead()
    let log = { (line: String) in
      if !json { print(line) } else { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }
    log("riskbench — \(Machine.headerLine(machine))")
    log(
      "clock overhead per timed run: \(formatSeconds(overhead))\(quick ? "; --quick: a smoke run, not a measurement" : "")"
    )
    let runner = PipelineRunner(quick: quick, search: !noSearch)
    var results: [PipelineResult] = []
    for c in cases {
      let result = try runner.run(c, size: sizes[c.name] ?? c.defaultSize)
      results.append(result)
      if !json { FileHandle.standardError.write(Data("  \(c.name) done\n".utf8)) }
    }
    log("\nPipelines (each at its default size; sizes and fixed parameters below)\n")
    log(PipelineResult.table(results))
    for c in cases { log("- \(c.name): \(c.details)") }
    var kernelRows: [KernelRow] = []
    if let kernels {
      kernelRows = try KernelSuites(data: kernels, quick: quick, threads: threads).run(
        stdoutToStderr: json, log: log)
      log("\nKernels against their peers (same inputs, timed in this invocation)\n")
      log(KernelRow.table(kernelRows))
    }
    let document = BenchmarkDocument(
      machine: machine, backend: .current, clockOverheadSeconds: overhead, pipelines: results,
      kernels: kernelRows)
    let data = try JSONEncoder.pretty.encode(document)
    if json { print(String(decoding: data, as: UTF8.self)) }
    if let output {
      try data.write(to: URL(fileURLWithPath: output), options: .atomic)
      log("wrote \(output)")
    }
  }
}

/// Refuses an output path that could not be written (a folder, a missing or read-only folder),
/// before anything runs: a benchmark that runs for minutes must not fail at its last step.
func checkWritable(_ path: String, flag: String) throws {
  var isFolder: ObjCBool = false
  if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
    throw ValidationError("\(flag) \(path): is a folder")
  }
  let folder = (path as NSString).deletingLastPathComponent
  let parent = folder.isEmpty ? "." : folder
  guard FileManager.default.fileExists(atPath: parent, isDirectory: &isFolder), isFolder.boolValue
  else { throw ValidationError("\(flag) \(path): no such folder \(parent)") }
  guard FileManager.default.isWritableFile(atPath: parent) else {
    throw ValidationError("\(flag) \(path): folder \(parent) is not writable")
  }
}
