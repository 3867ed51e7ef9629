// The liquidation-sweep benchmark's Swift side: reads the book the peers script wrote, times
// LiquidationSweep on it (all cores and one), checks it computes the peers' numbers, prints the
// ratios and the headroom inside a 400 ms block, and writes liquidation.json. Run it through
// Benchmarks/run-liquidation.sh, never alone.
import ArgumentParser
import BenchmarkSupport
import Foundation
import RiskKernels

@main
struct LiquidationBench: ParsableCommand {
  @Option(help: "Folder with liq_peers.json and liq_book.f64.") var data: String
  @Flag var quick = false

  struct PeerRow: Codable {
    let horizon: String
    let horizonYears: Double
    let tool: String
    let median_s: Double
    let checksum: Double
  }
  struct PeerFile: Codable {
    let python: String
    let versions: [String: String]
    let positions: Int
    let results: [PeerRow]
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

  func run() throws {
    let peers = try JSONDecoder().decode(
      PeerFile.self, from: Data(contentsOf: URL(fileURLWithPath: data + "/liq_peers.json")))
    let n = peers.positions
    let bytes = try Data(contentsOf: URL(fileURLWithPath: data + "/liq_book.f64"))
    var values = [Double](repeating: 0, count: 5 * n)
    guard bytes.count == values.count * 8 else {
      throw ValidationError("liq_book.f64: expected \(values.count) doubles")
    }
    _ = values.withUnsafeMutableBytes { bytes.copyBytes(to: $0) }
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
        "| \(r.horizon) | \(r.threads) | \(ms(r.ours.median)) | \(ms(r.ours.p90)) | \(ms(r.scipyNormCDF)) | "
          + String(format: "%.1f×", r.speedupOverNormCDF) + " | \(ms(r.scipyNdtr)) | "
          + String(format: "%.1f×", r.speedupOverNdtr)
          + " | " + String(format: "%.0f×", r.headroomIn400ms) + " |")
    }
    try JSONEncoder.pretty.encode(["rows": rows]).write(
      to: URL(fileURLWithPath: data + "/liquidation.json"))
  }
}
