// The issue-5 benchmarks' Swift side, run through Benchmarks/run-liquidation.sh (never alone):
// - the liquidation sweep on the book the peers script wrote (all cores and one), checked
//   against the peers' numbers, with the ratios and the headroom inside a 400 ms block;
// - VaR/ES of the same 10^6 P&L values NumPy partitioned, checked equal;
// - single-asset liquidation probability by Monte Carlo (LiquidationBook, one step, Brownian
//   bridge) with as many paths as give NumPy's fine-grid standard error;
// and writes liquidation.json.
import ArgumentParser
import Foundation
import RiskKernels

struct LiquidationSuite: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "liquidation",
    abstract:
      "The liquidation sweep, VaR selection and Monte Carlo liquidation against SciPy/NumPy (run-liquidation.sh)."
  )

  @Option(help: "Folder with liq_peers.json and liq_book.f64.") var data: String
  @Flag var quick = false

  struct PeerRow: Codable {
    let horizon: String
    let horizonYears: Double
    let tool: String
    // swift-format-ignore: AlwaysUseLowerCamelCase
    // (the peers script's JSON key)
    let median_s: Double
    let checksum: Double
  }
  struct VaRPeer: Codable {
    let values: Int
    let confidence: Double
    // swift-format-ignore: AlwaysUseLowerCamelCase
    // (the peers script's JSON key)
    let median_s: Double
    let `var`: Double
    let expectedShortfall: Double
  }
  struct GridPeer: Codable {
    let paths: Int
    let steps: Int
    let sigma: Double
    let mu: Double
    let horizonYears: Double
    let leverage: Double
    let maintenanceMargin: Double
    // swift-format-ignore: AlwaysUseLowerCamelCase
    // (the peers script's JSON key)
    let median_s: Double
    let probability: Double
    let standardError: Double
  }
  struct PeerFile: Codable {
    let python: String
    let versions: [String: String]
    let positions: Int
    let results: [PeerRow]
    let `var`: VaRPeer
    let fineGrid: GridPeer
  }
  struct MonteCarloRow: Codable {
    let paths: Int
    let ours: Timing
    let probability: Double
    let standardError: Double
    let closedForm: Double
    let numpy: GridPeer
    var speedup: Double { numpy.median_s / ours.median }
  }
  struct Row: Codable {
    let horizon: String
    let threads: Int
    let ours: Timing
    let scipyNormCDF: Double
    let scipyNdtr: Double
    var speedupOverNormCDF: Double { scipyNormCDF / ours.median }
    var speedupOverNdtr: Double { scipyNdtr / ours.median }
    var headroomIn400ms: Double { 0.4 / ours.median }
  }

  static func with(data: String, quick: Bool) throws -> Self {
    try parse(["--data", data] + (quick ? ["--quick"] : []))
  }

  func validate() throws { try checkSuiteOptions(data: data, peersFile: "liq_peers.json") }

  func run() throws { _ = try measure() }

  /// Times the sweep, VaR and the Monte Carlo estimate, prints the tables, writes
  /// liquidation.json and returns the rows.
  func measure() throws -> [KernelRow] {
    let peers = try JSONDecoder().decode(
      PeerFile.self, from: Data(contentsOf: URL(fileURLWithPath: data + "/liq_peers.json")))
    let n = peers.positions
    let values = try loadDoubles(path: data + "/liq_book.f64", count: 5 * n)
    let column = { (k: Int) in Array(values[(k * n)..<((k + 1) * n)]) }
    let sweep = try LiquidationSweep(
      sides: column(0).map { $0 > 0 ? .long : .short }, leverage: column(1),
      maintenanceMargin: column(2),
      volatility: column(3), drift: column(4))
    let m = Machine.describe(threads: ProcessInfo.processInfo.activeProcessorCount)
    print(
      "RiskKernels liquidation sweep — \(m["cpu"]!), \(m["cores"]!) cores, \(m["build"]!), git \(m["git"]!), load \(m["loadavg"]!)"
    )
    print(
      "peers: Python \(peers.python), numpy \(peers.versions["numpy"]!), scipy \(peers.versions["scipy"]!); \(n) positions"
    )
    let timer = BenchTimer(quick: quick)
    var rows: [Row] = []
    var out: [Double] = []
    for horizon in ["400 ms", "1 day"] {
      let peer = peers.results.filter { $0.horizon == horizon }
      let t = peer[0].horizonYears
      for threads in [ProcessInfo.processInfo.activeProcessorCount, 1] {
        try sweep.firstPassage(horizon: t, threads: threads, into: &out)
        let sum = out.reduce(0, +)
        guard abs(sum - peer[0].checksum) <= 1e-9 * max(1, abs(peer[0].checksum)) else {
          throw ValidationError(
            "\(horizon): sum \(sum) differs from the peer's \(peer[0].checksum)")
        }
        let timing = try timer.measure(minimumReps: 20) {
          try sweep.firstPassage(horizon: t, threads: threads, into: &out)
        }
        rows.append(
          Row(
            horizon: horizon, threads: threads, ours: timing,
            scipyNormCDF: peer.first { $0.tool == "scipy.stats.norm.cdf" }!.median_s,
            scipyNdtr: peer.first { $0.tool == "scipy.special.ndtr" }!.median_s))
      }
    }
    print(
      "| horizon | threads | RiskKernels median | p90 | SciPy norm.cdf | speedup | SciPy ndtr | speedup | headroom in 400 ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows {
      print(
        "| \(r.horizon) | \(r.threads) | \(formatSeconds(r.ours.median)) | \(formatSeconds(r.ours.p90)) | \(formatSeconds(r.scipyNormCDF)) | "
          + String(format: "%.1f×", r.speedupOverNormCDF) + " | \(formatSeconds(r.scipyNdtr)) | "
          + String(format: "%.1f×", r.speedupOverNdtr)
          + " | " + String(format: "%.0f×", r.headroomIn400ms) + " |")
    }
    let varTiming = try benchVaR(peers.var, timer: timer)
    let monteCarlo = try benchMonteCarlo(peers.fineGrid, timer: timer)
    struct Output: Codable {
      let rows: [Row]
      let varTiming: Timing
      let varPeerSeconds: Double
      let monteCarlo: MonteCarloRow
    }
    try JSONEncoder.pretty.encode(
      Output(
        rows: rows, varTiming: varTiming, varPeerSeconds: peers.var.median_s, monteCarlo: monteCarlo
      )
    ).write(to: URL(fileURLWithPath: data + "/liquidation.json"))
    var kernelRows = rows.flatMap { r in
      let size = "\(n) positions, \(r.horizon), \(r.threads) thread(s)"
      return [
        KernelRow(
          family: "liquidation", kernel: "first-passage sweep", size: size, ours: r.ours,
          peer: "scipy.stats.norm.cdf", peerSeconds: r.scipyNormCDF,
          goal: r.threads > 1 ? "≥ 5× norm.cdf; ≥ 50× inside 400 ms (≤ 8 ms)" : nil),
        KernelRow(
          family: "liquidation", kernel: "first-passage sweep", size: size, ours: r.ours,
          peer: "scipy.special.ndtr", peerSeconds: r.scipyNdtr),
      ]
    }
    kernelRows.append(
      KernelRow(
        family: "liquidation", kernel: "VaR/ES by selection", size: "\(peers.var.values) values",
        ours: varTiming, peer: "numpy.partition + tail mean", peerSeconds: peers.var.median_s,
        goal: "≥ 1× (no slower than NumPy)"))
    kernelRows.append(
      KernelRow(
        family: "liquidation", kernel: "MC liquidation (bridge, equal SE)",
        size: "\(monteCarlo.paths) × 1 vs \(monteCarlo.numpy.paths) × \(monteCarlo.numpy.steps)",
        ours: monteCarlo.ours, peer: "NumPy fine grid", peerSeconds: monteCarlo.numpy.median_s,
        goal: "≥ 100×"))
    return kernelRows
  }

  /// `EmpiricalVaR.measure(_:)` on the P&L values NumPy partitioned.
  func benchVaR(_ peer: VaRPeer, timer: BenchTimer) throws -> Timing {
    let pnl = try loadDoubles(path: data + "/pnl.f64", count: peer.values)
    let risk = try EmpiricalVaR(confidence: peer.confidence).measure(pnl)
    guard risk.valueAtRisk == peer.var,
      abs(risk.expectedShortfall - peer.expectedShortfall) <= 1e-12 * peer.expectedShortfall
    else {
      throw ValidationError(
        "VaR/ES \(risk.valueAtRisk), \(risk.expectedShortfall) differ from NumPy's \(peer.var), \(peer.expectedShortfall)"
      )
    }
    let timing = try timer.measure(minimumReps: 20) {
      _ = try EmpiricalVaR(confidence: peer.confidence).measure(pnl)
    }
    print(
      "\nVaR and ES at \(peer.confidence) of \(peer.values) P&L values (one thread; same numbers as NumPy)"
    )
    print("| RiskKernels median | p90 | numpy.partition + tail mean | speedup |")
    print("|---|---|---|---|")
    print(
      "| \(formatSeconds(timing.median)) | \(formatSeconds(timing.p90)) | \(formatSeconds(peer.median_s)) | "
        + String(format: "%.2f×", peer.median_s / timing.median) + " |")
    return timing
  }

  /// LiquidationBook with one step per path and as many paths as give NumPy's standard error.
  func benchMonteCarlo(_ peer: GridPeer, timer: BenchTimer) throws -> MonteCarloRow {
    let model = try CorrelatedGBM<Double>(
      spot: [1], drift: [peer.mu], volatility: [peer.sigma], correlation: Matrix([[1.0]]))
    let position = try LeveragedPosition(
      side: .long, leverage: peer.leverage, maintenanceMargin: peer.maintenanceMargin)
    let book = try LiquidationBook(model: model, positions: [.init(asset: 0, position: position)])
    let pilot = try book.simulate(
      settings: SimulationSettings(paths: 100_000, steps: 1, horizon: peer.horizonYears, seed: 99))[
        0]
    let perPath = pilot.continuous.standardError * 100_000.0.squareRoot()
    let needed = Int((perPath / peer.standardError) * (perPath / peer.standardError)) + 2 & ~1
    let settings = SimulationSettings(paths: needed, steps: 1, horizon: peer.horizonYears, seed: 1)
    let estimate = try book.simulate(settings: settings)[0].continuous
    let exact = try LiquidationProbabilities(
      position: position, volatility: peer.sigma, drift: peer.mu, horizon: peer.horizonYears)
    guard abs(estimate.value - exact.firstPassage) <= 4 * estimate.standardError else {
      throw ValidationError(
        "Monte Carlo \(estimate) is not within 4 SE of the closed form \(exact.firstPassage)")
    }
    let timing = try timer.measure(minimumReps: 20) { _ = try book.simulate(settings: settings) }
    let row = MonteCarloRow(
      paths: needed, ours: timing, probability: estimate.value,
      standardError: estimate.standardError,
      closedForm: exact.firstPassage, numpy: peer)
    print(
      "\nSingle-asset liquidation probability by Monte Carlo at equal standard error (long \(peer.leverage)×, σ \(peer.sigma), 1 day; closed form \(String(format: "%.5f", exact.firstPassage)))"
    )
    print("| tool | paths × steps | estimate ± SE | median | speedup |")
    print("|---|---|---|---|---|")
    print(
      "| NumPy fine grid | \(peer.paths) × \(peer.steps) | "
        + String(format: "%.5f ± %.5f", peer.probability, peer.standardError) + " | "
        + String(format: "%.2f s", peer.median_s) + " | 1× |")
    print(
      "| RiskKernels LiquidationBook (bridge) | \(needed) × 1 | "
        + String(format: "%.5f ± %.5f", estimate.value, estimate.standardError)
        + " | \(formatSeconds(timing.median)) | " + String(format: "%.0f×", row.speedup) + " |")
    return row
  }
}
