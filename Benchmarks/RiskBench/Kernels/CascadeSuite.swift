// The liquidation cascade's benchmarks, run through Benchmarks/run-cascade.sh or
// run-riskbench.sh (never alone): on the book cascade_peers.py wrote,
// - one cascade against the NumPy loop over rounds, checked to give the same rounds, closed
//   positions, final price and bad debt, with its headroom inside a 400 ms block;
// - the Monte Carlo of cascades (CascadeSimulation) against NumPy's loop over paths and rounds
//   at the same paths and positions, with its headroom inside a 12 s block;
// and writes cascade.json.
import ArgumentParser
import Foundation
import RiskKernels

struct CascadeSuite: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cascade",
    abstract: "Liquidation cascades through an AMM pool against NumPy (run-cascade.sh).")

  @Option(help: "Folder with casc_peers.json and casc_book.f64.") var data: String
  @Flag var quick = false

  struct Pool: Codable {
    let baseReserve: Double
    let quoteReserve: Double
    var fee: Double?
  }
  struct CascadePeer: Codable {
    let tool: String
    // swift-format-ignore: AlwaysUseLowerCamelCase
    // (the peers script's JSON key)
    let median_s: Double
    let rounds: Int
    let liquidatedPositions: Int
    let liquidatedNotional: Double
    let finalPrice: Double
    let badDebt: Double
  }
  struct MonteCarloPeer: Codable {
    let tool: String
    let paths: Int
    let positions: Int
    let pool: Pool
    let volatility: Double
    let horizonYears: Double
    // swift-format-ignore: AlwaysUseLowerCamelCase
    // (the peers script's JSON key)
    let median_s: Double
    let meanBadDebt: Double
    let badDebtProbability: Double
  }
  struct PeerFile: Codable {
    let python: String
    let versions: [String: String]
    let positions: Int
    let pool: Pool
    let shock: Double
    let cascade: CascadePeer
    let monteCarlo: MonteCarloPeer
  }
  struct Output: Codable {
    let positions: Int
    let cascade: Timing
    let bookConstruction: Timing
    let cascadePeerSeconds: Double
    let monteCarlo: Timing
    let monteCarloPeerSeconds: Double
    let badDebtProbability: MonteCarloEstimate
  }

  static func with(data: String, quick: Bool) throws -> Self {
    try parse(["--data", data] + (quick ? ["--quick"] : []))
  }

  func validate() throws { try checkSuiteOptions(data: data, peersFile: "casc_peers.json") }

  func run() throws { _ = try measure() }

  func measure() throws -> [KernelRow] {
    let peers = try JSONDecoder().decode(
      PeerFile.self, from: Data(contentsOf: URL(fileURLWithPath: data + "/casc_peers.json")))
    let n = peers.positions
    let values = try loadDoubles(path: data + "/casc_book.f64", count: 5 * n)
    let column = { (k: Int) in Array(values[(k * n)..<((k + 1) * n)]) }
    let (side, leverage, margin, maintenance, entry) = (
      column(0), column(1), column(2), column(3), column(4)
    )
    let positions = try (0..<n).map { k in
      try LiquidationCascade<Double>.Position(
        side: side[k] > 0 ? .long : .short, leverage: leverage[k], margin: margin[k],
        maintenanceMargin: maintenance[k], entryPrice: entry[k])
    }
    func book(_ count: Int, _ pool: Pool) throws -> LiquidationCascade<Double> {
      try LiquidationCascade(
        pool: ConstantProductAMM(
          reserveX: pool.baseReserve, reserveY: pool.quoteReserve, fee: peers.pool.fee ?? 0.003),
        positions: Array(positions.prefix(count)))
    }
    let cascade = try book(n, peers.pool)
    let m = Machine.describe(threads: ProcessInfo.processInfo.activeProcessorCount)
    print(
      "RiskKernels liquidation cascade — \(m["cpu"]!), \(m["cores"]!) cores, \(m["build"]!), git \(m["git"]!), load \(m["loadavg"]!)"
    )
    print("peers: Python \(peers.python), numpy \(peers.versions["numpy"]!); \(n) positions")
    let o = try cascade.run(shock: peers.shock)
    let p = peers.cascade
    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(abs(b), 1) }
    guard o.rounds == p.rounds, o.liquidatedPositions == p.liquidatedPositions,
      close(o.finalPrice, p.finalPrice), close(o.badDebt, p.badDebt),
      close(o.liquidatedNotional, p.liquidatedNotional)
    else {
      throw ValidationError(
        "cascade: rounds \(o.rounds), closed \(o.liquidatedPositions), final \(o.finalPrice), bad debt \(o.badDebt) differ from NumPy's \(p.rounds), \(p.liquidatedPositions), \(p.finalPrice), \(p.badDebt)"
      )
    }
    let timer = BenchTimer(quick: quick)
    let ours = try timer.measure(minimumReps: 20) { blackHole(try cascade.run(shock: peers.shock)) }
    let construction = try timer.measure(minimumReps: 5) { blackHole(try book(n, peers.pool)) }
    print(
      "\nOne cascade at a \(peers.shock) shock: \(o.rounds) rounds, \(o.liquidatedPositions) of \(n) positions closed (same figures as NumPy)"
    )
    print("| tool | median | p90 | speedup | headroom in 400 ms |")
    print("|---|---|---|---|---|")
    print(
      "| \(p.tool) | \(formatSeconds(p.median_s)) | – | 1× | "
        + String(format: "%.0f×", 0.4 / p.median_s) + " |")
    print(
      "| RiskKernels LiquidationCascade.run | \(formatSeconds(ours.median)) | \(formatSeconds(ours.p90)) | "
        + String(format: "%.1f×", p.median_s / ours.median) + " | "
        + String(format: "%.0f×", 0.4 / ours.median) + " |")
    print(
      "| (building and sorting the book) | \(formatSeconds(construction.median)) | \(formatSeconds(construction.p90)) | | |"
    )
    // The Monte Carlo: the first M positions and the peer's pool, the same number of paths.
    let mc = peers.monteCarlo
    let small = try book(mc.positions, mc.pool)
    let model = try CorrelatedGBM<Double>(
      spot: [small.pool.spotPrice], drift: [0], volatility: [mc.volatility],
      correlation: Matrix([[1]]))
    let simulation = try CascadeSimulation(model: model, markets: [.init(asset: 0, cascade: small)])
    let settings = SimulationSettings(paths: mc.paths, steps: 1, horizon: mc.horizonYears, seed: 3)
    let distribution = try simulation.simulate(settings: settings)[0]
    // Different random numbers: the probability of bad debt agrees within 5 combined SEs.
    let q = distribution.badDebtProbability
    let peerSE = (mc.badDebtProbability * (1 - mc.badDebtProbability) / Double(mc.paths))
      .squareRoot()
    guard
      abs(q.value - mc.badDebtProbability) <= 5
        * (q.standardError * q.standardError + peerSE * peerSE).squareRoot() + 1e-12
    else {
      throw ValidationError(
        "P(bad debt) \(q) disagrees with NumPy's \(mc.badDebtProbability) ± \(peerSE)")
    }
    let monteCarlo = try timer.measure(minimumReps: 3) {
      blackHole(try simulation.simulate(settings: settings))
    }
    print(
      "\nCascade Monte Carlo: \(mc.paths) one-day shocks (σ \(mc.volatility)) × \(mc.positions) positions; P(bad debt) "
        + String(
          format: "%.4f ± %.4f (NumPy %.4f)", q.value, q.standardError, mc.badDebtProbability))
    print("| tool | median | speedup | headroom in 12 s |")
    print("|---|---|---|---|")
    print(
      "| \(mc.tool) | \(formatSeconds(mc.median_s)) | 1× | "
        + String(format: "%.1f×", 12 / mc.median_s) + " |")
    print(
      "| RiskKernels CascadeSimulation | \(formatSeconds(monteCarlo.median)) | "
        + String(format: "%.1f×", mc.median_s / monteCarlo.median) + " | "
        + String(format: "%.0f×", 12 / monteCarlo.median) + " |")
    try JSONEncoder.pretty.encode(
      Output(
        positions: n, cascade: ours, bookConstruction: construction, cascadePeerSeconds: p.median_s,
        monteCarlo: monteCarlo, monteCarloPeerSeconds: mc.median_s, badDebtProbability: q)
    ).write(to: URL(fileURLWithPath: data + "/cascade.json"))
    return [
      KernelRow(
        family: "cascade", kernel: "one cascade (\(o.rounds) rounds)", size: "\(n) positions",
        ours: ours, peer: p.tool, peerSeconds: p.median_s,
        goal: "≥ 100× headroom in 400 ms (≤ 4 ms)"),
      KernelRow(
        family: "cascade", kernel: "cascade Monte Carlo",
        size: "\(mc.paths) paths × \(mc.positions) positions",
        ours: monteCarlo, peer: mc.tool, peerSeconds: mc.median_s, goal: "inside a 12 s block"),
    ]
  }
}
