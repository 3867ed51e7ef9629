// The Monte Carlo benchmark's Swift side: the normal generator's rate, the engine on the peers'
// cases, this machine's floor for each case (normals ÷ the generator's rate on all cores, plus
// the triangular correlation flops ÷ the measured DTRMM rate on all cores), and the ratios to
// the peers timed in the same run. Run it through Benchmarks/run-montecarlo.sh.
import ArgumentParser
import Dispatch
import Foundation
import RiskKernels

struct MonteCarloSuite: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "montecarlo",
    abstract:
      "The normal generator and correlated GBM against NumPy/QuantLib and the floor (run-montecarlo.sh)."
  )

  @Option(help: "Folder with mc_peers.json.") var data: String
  @Option(parsing: .unconditional) var threads: Int = 2
  @Option(
    parsing: .unconditional, help: "Paths per block (default: the engine's automatic choice).")
  var blockPaths: Int?
  @Option(help: "Only the cases with these asset counts, e.g. 500.") var assets: [Int] = []
  @Flag var quick = false

  static func with(data: String, quick: Bool, threads: Int) throws -> Self {
    try parse(["--data", data, "--threads", "\(threads)"] + (quick ? ["--quick"] : []))
  }

  func validate() throws {
    try checkSuiteOptions(data: data, peersFile: "mc_peers.json", threads: threads)
    if let blockPaths, !(2...65_536).contains(blockPaths) {
      throw ValidationError("--block-paths \(blockPaths): 2 to 65536")
    }
  }

  func run() throws { _ = try measure() }

  /// Times the generator and the engine, prints the tables, writes montecarlo.json and returns
  /// the rows.
  func measure() throws -> [KernelRow] {
    let peers = try PeerFile.load(data + "/mc_peers.json")
    let timer = BenchTimer(quick: quick)
    let machine = Machine.describe(threads: threads)
    print(
      "RiskKernels Monte Carlo benchmark — \(machine["cpu"]!), \(machine["cores"]!) cores, \(threads) worker threads (OpenBLAS pinned to 1 inside the engine), SLEEF \(machine["sleef"]!), git \(machine["git"]!), load \(machine["loadavg"]!)"
    )
    print(
      "peers: \(peers.versionsLine), OpenBLAS threads \(peers.blasThreads)\n"
    )

    // 1. The generator alone.
    // 2²⁰ normals (8 MB): the engine draws in cache-sized chunks, so time the generator so too.
    let count = 1 << 20
    var generators: [GeneratorRow] = []
    var doubles = [Double](repeating: 0, count: count)
    var floats = [Float](repeating: 0, count: count)
    for (generator, precision) in [
      (NormalGenerator.philox, "Double"), (.philox, "Float"), (.mt19937, "Double"),
    ] {
      let t = try timer.measure {
        if precision == "Double" {
          try fillStandardNormals(&doubles, seed: 1, generator: generator)
        } else {
          try fillStandardNormals(&floats, seed: 1, generator: generator)
        }
      }
      generators.append(
        GeneratorRow(
          generator: generator.rawValue, precision: precision, threads: 1,
          normalsPerSecond: Double(count) / t.median))
    }
    final class Buffer: @unchecked Sendable {  // one per thread, touched by that thread only
      var values: [Double]
      init(_ count: Int) { values = Array(repeating: 0, count: count) }
    }
    let perThread = (0..<threads).map { _ in Buffer(count) }
    let allCores = timer.measure {
      DispatchQueue.concurrentPerform(iterations: threads) { w in
        try? fillStandardNormals(&perThread[w].values, seed: 1, path: UInt64(w))
      }
    }
    let generatorRate = Double(count * threads) / allCores.median
    generators.append(
      GeneratorRow(
        generator: "philox", precision: "Double", threads: threads, normalsPerSecond: generatorRate)
    )
    let numpyRate = peers.results.first { $0.kernel == "numpy_rng_standard_normal" }?.throughput
    print("| generator | precision | threads | M normals/s |\n|---|---|---|---|")
    for g in generators {
      print(
        "| \(g.generator) | \(g.precision) | \(g.threads) | \(String(format: "%.0f", g.normalsPerSecond / 1e6)) |"
      )
    }
    if let numpyRate {
      print("| numpy default_rng (PCG64) | Double | 1 | \(String(format: "%.0f", numpyRate)) |")
    }
    print("")

    // 2. The engine on the peers' cases.
    var cases: [CaseRow] = []
    let sizes = Set(
      peers.results.filter { $0.kernel == "mc_gbm_terminal+runmin" && $0.tool.contains("numpy") }
        .map(\.size))
    for size in sizes.sorted(by: { parseSize($0).d < parseSize($1).d }) {
      let (d, paths, steps) = parseSize(size)
      if !assets.isEmpty, !assets.contains(d) { continue }
      let model = try constantCorrelationModel(d)
      let settings = SimulationSettings(
        paths: paths, steps: steps, horizon: Double(steps) / 252, seed: 42, threads: threads,
        blockPaths: blockPaths)
      // What the issue's cases and the NumPy peers compute: terminal prices and the running
      // minimum of each asset (RiskKernels also accumulates their means and standard errors).
      // Repeated runs keep their large arrays in one scratch, as a caller running often would.
      let simulator = PathSimulator(
        model: model, settings: settings, observers: PathObservers(extremes: true, maxima: false),
        scratch: SimulationScratch())
      var result = try simulator.run()
      let t = try timer.measure(minimumReps: 3) { result = try simulator.run() }
      let expected = 100 * Foundation.exp(0.05 * Double(steps) / 252)
      guard abs(result.terminal[0].value - expected) < 6 * result.terminal[0].standardError else {
        throw ValidationError("d=\(d): E[S_T] = \(result.terminal[0]) is not \(expected)")
      }
      let normals = Double(d * paths * steps)
      let trmmRate = try measureTRMMRate(d: d, timer: timer) * Double(threads)
      let floor = normals / generatorRate + Double(d * d) * Double(paths * steps) / trmmRate
      func peer(_ tool: String) -> Double? {
        peers.results.first {
          $0.kernel == "mc_gbm_terminal+runmin" && $0.size == size && $0.tool.contains(tool)
        }?.median_s
      }
      let quantLib =
        d == 10 && steps == 252
        ? peers.results.first { $0.kernel == "mc_gbm_paths_only" }?.per_path_us : nil
      let goal =
        d == 100 ? "≥ 4× numpy" : (d == 10 ? "≥ 5× numpy, ≥ 10× QuantLib per path" : "≥ 5× numpy")
      cases.append(
        CaseRow(
          assets: d, paths: paths, steps: steps, ours: t, normalsPerSecond: normals / t.median,
          floorSeconds: floor, fractionOfFloor: t.median / floor, numpyStepLoop: peer("step loop"),
          numpyVectorised: peer("vectorised"), quantLibPerPathMicroseconds: quantLib,
          goal: goal + "; ≤ 2× floor"))
    }
    print(
      "| case (d, paths, steps) | RiskKernels median | M normals/s | floor | × floor | numpy step loop | speedup | numpy vectorised | speedup | QuantLib µs/path | speedup per path | goal |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for c in cases {
      let perPath = c.ours.median / Double(c.paths) * 1e6
      let loop =
        c.numpyStepLoop.map { String(format: "%.3f s | %.2f×", $0, $0 / c.ours.median) } ?? "– | –"
      let vec =
        c.numpyVectorised.map { String(format: "%.3f s | %.2f×", $0, $0 / c.ours.median) }
        ?? "– | –"
      let ql =
        c.quantLibPerPathMicroseconds.map { String(format: "%.1f | %.2f×", $0, $0 / perPath) }
        ?? "– | –"
      print(
        "| \(c.assets), \(c.paths), \(c.steps) | \(String(format: "%.3f s", c.ours.median)) | \(String(format: "%.0f", c.normalsPerSecond / 1e6)) | \(String(format: "%.3f s", c.floorSeconds)) | \(String(format: "%.2f", c.fractionOfFloor)) | \(loop) | \(vec) | \(ql) | \(c.goal) |"
      )
    }
    struct Output: Codable {
      let machine: [String: String]
      let generators: [GeneratorRow]
      let cases: [CaseRow]
      let peers: PeerFile
    }
    let json = try JSONEncoder.pretty.encode(
      Output(machine: machine, generators: generators, cases: cases, peers: peers))
    try json.write(to: URL(fileURLWithPath: data + "/montecarlo.json"))
    print("\nwrote \(data)/montecarlo.json")
    var rows = generators.map { g in
      KernelRow(
        family: "montecarlo", kernel: "normals \(g.generator) \(g.precision)",
        size: "2^20 × \(g.threads) thread(s)",
        ours: Timing(median: Double(count * g.threads) / g.normalsPerSecond, p90: .nan, reps: 0),
        peer: g.threads == 1 && g.generator == "philox" && g.precision == "Double"
          ? numpyRate.map { _ in "numpy default_rng" } : nil,
        peerSeconds: g.threads == 1 && g.generator == "philox" && g.precision == "Double"
          ? numpyRate.map { Double(count) / ($0 * 1e6) } : nil)
    }
    for c in cases {
      let size = "d \(c.assets), \(c.paths) paths × \(c.steps) steps"
      if let loop = c.numpyStepLoop {
        rows.append(
          KernelRow(
            family: "montecarlo", kernel: "correlated GBM", size: size, ours: c.ours,
            peer: "numpy step loop", peerSeconds: loop, goal: c.goal))
      }
      if let vectorised = c.numpyVectorised {
        rows.append(
          KernelRow(
            family: "montecarlo", kernel: "correlated GBM", size: size, ours: c.ours,
            peer: "numpy vectorised", peerSeconds: vectorised))
      }
      if let quantLib = c.quantLibPerPathMicroseconds {
        rows.append(
          KernelRow(
            family: "montecarlo", kernel: "correlated GBM", size: size, ours: c.ours,
            peer: "QuantLib (per path × paths)", peerSeconds: quantLib * 1e-6 * Double(c.paths)))
      }
      rows.append(
        KernelRow(
          family: "montecarlo", kernel: "correlated GBM vs floor", size: size, ours: c.ours,
          peer: "machine floor", peerSeconds: c.floorSeconds, goal: "≥ 0.5× (≤ 2× floor)"))
    }
    return rows
  }
}

extension MonteCarloSuite {
  struct PeerRow: Codable {
    let kernel: String
    let size: String
    let tool: String
    // swift-format-ignore: AlwaysUseLowerCamelCase
    // (the peers script's JSON key)
    let median_s: Double
    // swift-format-ignore: AlwaysUseLowerCamelCase
    // (the peers script's JSON key)
    let per_path_us: Double?
    let throughput: Double?
  }

  typealias PeerFile = PeerResults<PeerRow>

  struct CaseRow: Codable {
    let assets: Int
    let paths: Int
    let steps: Int
    let ours: Timing
    let normalsPerSecond: Double
    let floorSeconds: Double
    let fractionOfFloor: Double
    let numpyStepLoop: Double?
    let numpyVectorised: Double?
    let quantLibPerPathMicroseconds: Double?
    let goal: String
  }

  struct GeneratorRow: Codable {
    let generator: String
    let precision: String
    let threads: Int
    let normalsPerSecond: Double
  }
}

func parseSize(_ size: String) -> (d: Int, paths: Int, steps: Int) {
  var values: [String: Int] = [:]
  for part in size.split(separator: ",") {
    let kv = part.split(separator: "=")
    if kv.count == 2 { values[String(kv[0])] = Int(kv[1]) }
  }
  return (values["d"] ?? 0, values["paths"] ?? 0, values["steps"] ?? 0)
}

/// The peers' model: S0 = 100, μ = 0.05, σ = 0.2, constant correlation 0.3.
func constantCorrelationModel(_ d: Int) throws -> CorrelatedGBM<Double> {
  let rows = (0..<d).map { i in (0..<d).map { j in i == j ? 1.0 : 0.3 } }
  return try CorrelatedGBM(
    spot: Array(repeating: 100, count: d), drift: Array(repeating: 0.05, count: d),
    volatility: Array(repeating: 0.2, count: d), correlation: Matrix(rows))
}

/// DTRMM flops per second on one thread for a d × 4096 right-hand side (d² flops per column).
func measureTRMMRate(d: Int, timer: BenchTimer) throws -> Double {
  let factor = try Cholesky(constantCorrelationModel(d).correlation).lower
  var b = try Matrix<Double>(rows: d, columns: 4096, repeating: 0.5)
  let before = BLASThreads.count
  try BLASThreads.set(1)
  defer { try? BLASThreads.set(before) }
  let t = try timer.measure {
    try Double._trmm(.left, .lower, .noTranspose, .nonUnit, alpha: 1, factor, &b)
  }
  return Double(d * d) * 4096 / t.median
}
