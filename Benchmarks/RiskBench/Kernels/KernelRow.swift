import Foundation

/// One kernel at one size against one peer, timed in the same invocation on the same inputs.
struct KernelRow: Codable, Sendable {
  let family: String
  let kernel: String
  let size: String
  let medianSeconds: Double
  /// nil where only a median was kept (the generator's rate).
  let p90Seconds: Double?
  let peer: String?
  let peerMedianSeconds: Double?
  /// Peer median ÷ ours (above 1: RiskKernels is faster); for a floor, ours ÷ floor.
  let ratio: Double?
  /// The goal the issue set, where it set one.
  let goal: String?

  init(
    family: String, kernel: String, size: String, ours: Timing, peer: String? = nil,
    peerSeconds: Double? = nil, goal: String? = nil
  ) {
    self.family = family
    self.kernel = kernel
    self.size = size
    medianSeconds = ours.median
    p90Seconds = ours.p90.isNaN ? nil : ours.p90
    self.peer = peer
    peerMedianSeconds = peerSeconds
    ratio = peerSeconds.map { $0 / ours.median }
    self.goal = goal
  }

  static func table(_ rows: [KernelRow]) -> String {
    var out =
      "| family | kernel | size | RiskKernels median | p90 | peer | peer median | speedup | goal |\n"
    out += "|---|---|---|---|---|---|---|---|---|\n"
    for r in rows {
      out += "| \(r.family) | \(r.kernel) | \(r.size) | \(formatSeconds(r.medianSeconds)) | "
      out += "\(r.p90Seconds.map(formatSeconds) ?? "–") | \(r.peer ?? "–") | "
      out += "\(r.peerMedianSeconds.map(formatSeconds) ?? "–") | "
      out += "\(r.ratio.map { String(format: "%.2f×", $0) } ?? "–") | \(r.goal ?? "") |\n"
    }
    return out
  }
}

/// The five kernel families on the peers' inputs in `data`, each as its own subcommand would run
/// it (its tables go to stdout, or stderr under `--json`), collected as rows.
struct KernelSuites {
  let data: String
  let quick: Bool
  let threads: Int

  /// - Parameter stdoutToStderr: send the suites' own tables to stderr (under `--json`, stdout
  ///   carries only the JSON document).
  func run(stdoutToStderr: Bool, log: (String) -> Void) throws -> [KernelRow] {
    var saved: Int32 = -1
    if stdoutToStderr {
      fflush(nil)  // all streams (stdout is not concurrency-safe to name)
      saved = dup(STDOUT_FILENO)
      dup2(STDERR_FILENO, STDOUT_FILENO)
    }
    defer {
      if saved >= 0 {
        fflush(nil)  // all streams (stdout is not concurrency-safe to name)
        dup2(saved, STDOUT_FILENO)
        close(saved)
      }
    }
    var rows: [KernelRow] = []
    let suites: [(String, () throws -> [KernelRow])] = [
      (
        "covariance",
        { try CovarianceSuite.with(data: data, quick: quick, threads: threads).measure() }
      ),
      (
        "montecarlo",
        { try MonteCarloSuite.with(data: data, quick: quick, threads: threads).measure() }
      ),
      ("riskparity", { try RiskParitySuite.with(data: data, quick: quick).measure() }),
      ("liquidation", { try LiquidationSuite.with(data: data, quick: quick).measure() }),
      ("cascade", { try CascadeSuite.with(data: data, quick: quick).measure() }),
    ]
    for (name, suite) in suites {
      log("\n## \(name)\n")
      rows += try suite()
    }
    return rows
  }
}
