// Monte Carlo VaR and ES to a stated precision, run through Benchmarks/run-accuracy.sh (never
// alone): for each model accuracy_peers.py wrote, the paths and the time plain Monte Carlo and
// importance sampling need for the 99% VaR and the 97.5% ES to reach the target relative
// standard error, against NumPy's plain Monte Carlo timed in the same invocation.
import ArgumentParser
import Foundation
import RiskKernels

struct AccuracySuite: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "accuracy",
    abstract: "VaR/ES to 1% relative standard error: paths and time, against NumPy.")

  @Option(help: "Folder with acc_peers.json.") var data: String
  @Flag var quick = false
  @Option(
    help: "Only the methods whose names start with this (plain, importance, Sobol), for profiling.")
  var only: String?

  struct Model: Codable {
    let name: String
    let assets: [String]
    let spot: [Double]
    let covariance: [[Double]]
    let weights: [Double]
  }
  struct Peer: Codable {
    let model: String
    let tool: String
    let paths: Int
    // swift-format-ignore: AlwaysUseLowerCamelCase
    // (the peers script's JSON key)
    let median_s: Double
    let `var`: Double
    let es: Double
    let relativeError: Double
  }
  struct LiquidationPeer: Codable {
    let tool: String
    let volatility: Double
    let horizonYears: Double
    let steps: Int
    let leverage: Double
    let maintenanceMargin: Double
    let paths: Int
    // swift-format-ignore: AlwaysUseLowerCamelCase
    // (the peers script's JSON key)
    let median_s: Double
    let perPathSeconds: Double
    let continuous: Double
  }
  struct PeerFile: Codable {
    let python: String
    let versions: [String: String]
    let horizonYears: Double
    let targetRelativeError: Double
    let models: [Model]
    let numpy: [Peer]
    let liquidation: LiquidationPeer
  }

  func validate() throws { try checkSuiteOptions(data: data, peersFile: "acc_peers.json") }

  func run() throws { _ = try measure() }

  /// VaR at 99% and ES at 97.5% of one run, with the larger relative standard error.
  struct Figures {
    let valueAtRisk: TailRisk<Double>
    let expectedShortfall: TailRisk<Double>
    var relativeError: Double {
      max(
        (valueAtRisk.valueAtRiskStandardError ?? .infinity) / valueAtRisk.valueAtRisk,
        (expectedShortfall.expectedShortfallStandardError ?? .infinity)
          / expectedShortfall.expectedShortfall)
    }
  }

  /// 16 scramblings of a power of two points each (full nets), at least `paths` in all and
  /// `minimum` per scrambling (1 024 for the 99% tail's floor in RandomizedQMC.portfolioVaR).
  static func sobolPaths(_ paths: Int, minimum: Int = 1024) -> Int {
    var perScrambling = minimum
    while 16 * perScrambling < paths { perScrambling *= 2 }
    return 16 * perScrambling
  }

  func measure() throws -> [KernelRow] {
    let peers = try JSONDecoder().decode(
      PeerFile.self, from: Data(contentsOf: URL(fileURLWithPath: data + "/acc_peers.json")))
    let m = Machine.describe(threads: ProcessInfo.processInfo.activeProcessorCount)
    print(
      "RiskKernels VaR/ES to \(peers.targetRelativeError * 100)% relative s.e. — \(m["cpu"]!), \(m["cores"]!) cores, \(m["build"]!), git \(m["git"]!), load \(m["loadavg"]!)"
    )
    print("peers: Python \(peers.python), numpy \(peers.versions["numpy"]!)")
    print(
      "\n| model | method | paths needed | median | p90 | achieved rel. s.e. | fewer paths than plain | speedup vs NumPy |"
    )
    print("|---|---|---|---|---|---|---|---|")
    let timer = BenchTimer(quick: quick)
    var rows: [KernelRow] = []
    for model in peers.models {
      guard let peer = peers.numpy.first(where: { $0.model == model.name }) else { continue }
      let gbm = try CorrelatedGBM<Double>(
        assets: model.assets, spot: model.spot,
        drift: [Double](repeating: 0, count: model.spot.count), covariance: Matrix(model.covariance)
      )
      let holdings = zip(model.weights, model.spot).map { $0 / $1 }
      func settings(_ paths: Int, seed: UInt64) -> SimulationSettings {
        SimulationSettings(paths: paths, steps: 1, horizon: peers.horizonYears, seed: seed)
      }
      // A refreshing user keeps a scratch between runs (SimulationScratch): no page faults.
      let scratch = SimulationScratch()
      func plain(_ paths: Int, seed: UInt64) throws -> Figures {
        let simulator = MonteCarloVaR.portfolioSimulator(
          model: gbm, holdings: holdings, settings: settings(paths, seed: seed), scratch: scratch)
        let result = try simulator.run()
        return Figures(
          valueAtRisk: try MonteCarloVaR(confidence: 0.99).measure(
            from: result, simulator: simulator),
          expectedShortfall: try MonteCarloVaR(confidence: 0.975).measure(
            from: result, simulator: simulator))
      }
      func importance(_ paths: Int, seed: UInt64) throws -> Figures {
        let sample = try PortfolioImportanceSampling(
          model: gbm, holdings: holdings, settings: settings(paths, seed: seed), confidence: 0.99,
          scratch: scratch
        ).run()
        return Figures(
          valueAtRisk: try sample.tailRisk(confidence: 0.99),
          expectedShortfall: try sample.tailRisk(confidence: 0.975))
      }
      // Sobol': 16 scramblings; the two confidences are two RQMC runs (RandomizedQMC computes
      // one confidence per call).
      func sobol(_ paths: Int, seed: UInt64) throws -> Figures {
        let qmc = try RandomizedQMC(replicates: 16)
        let s = settings(paths, seed: seed)
        return Figures(
          valueAtRisk: try qmc.portfolioVaR(
            model: gbm, holdings: holdings, settings: s, confidence: 0.99),
          expectedShortfall: try qmc.portfolioVaR(
            model: gbm, holdings: holdings, settings: s, confidence: 0.975))
      }
      var plainPaths = 0
      for (method, pilotPaths, draw) in [
        ("plain Monte Carlo", 200_000, plain), ("importance sampling", 20_000, importance),
        ("Sobol' RQMC × 16", 16 * 4096, sobol),
      ] as [(String, Int, (Int, UInt64) throws -> Figures)] {
        if let only, !method.hasPrefix(only) { continue }
        // N = N₀ (r₀/target)^β. β = 2 for plain and Sobol' (error ∝ N^−½ at these sizes).
        // Importance sampling's post-strata grow with N (K = N/64), so its error falls as
        // N^−α with α between ½ and 1: from the pilot, then four steps with β = 1.5, which
        // converge for any such α.
        func paths(from n: Int, error: Double, power: Double = 2) -> Int {
          var needed = Int(
            (Double(n) * pow(error / peers.targetRelativeError, power)).rounded(.up))
          if quick { needed = min(needed, 20_000) }
          return max(needed, 256)  // below this the asymptotic errors are not to be trusted
        }
        var needed = paths(from: pilotPaths, error: try draw(pilotPaths, 1).relativeError)
        if method.hasPrefix("importance") {
          for _ in 0..<4 {
            needed = paths(from: needed, error: try draw(needed, 1).relativeError, power: 1.5)
          }
        }
        if method.hasPrefix("Sobol") { needed = Self.sobolPaths(needed) }
        if plainPaths == 0 { plainPaths = needed }
        var achieved = 0.0
        let ours = try timer.measure(minimumReps: 5) {
          let figures = try draw(needed, 2)
          achieved = figures.relativeError
        }
        let fewer = Double(plainPaths) / Double(needed)
        print(
          "| \(model.name) (d = \(model.spot.count)) | \(method) | \(needed) | \(formatSeconds(ours.median)) | \(formatSeconds(ours.p90)) | "
            + String(format: "%.2f%%", 100 * achieved) + " | " + String(format: "%.1f×", fewer)
            + " | " + String(format: "%.1f×", peer.median_s / ours.median) + " |")
        rows.append(
          KernelRow(
            family: "accuracy", kernel: "VaR 99% + ES 97.5%, \(method)",
            size: "\(model.name), \(needed) paths", ours: ours,
            peer: "\(peer.tool) (\(peer.paths) paths)", peerSeconds: peer.median_s,
            goal: method == "importance sampling"
              ? "≥ 20× fewer paths than plain; ≥ 50× NumPy's speed" : nil))
      }
      print(
        "| \(model.name) (d = \(model.spot.count)) | \(peer.tool) | \(peer.paths) | \(formatSeconds(peer.median_s)) | – | "
          + String(format: "%.2f%%", 100 * peer.relativeError) + " | | 1× |")
    }
    if only == nil {
      rows += try liquidation(peers.liquidation, target: peers.targetRelativeError, timer: timer)
    }
    return rows
  }

  /// The first-passage probability of the peers' 50× long to the target relative error: plain
  /// paths, importance sampling and Sobol' RQMC, against QuantLib's Sobol' Brownian-bridge
  /// generator priced at the paths our RQMC (the same construction, randomized) needs.
  func liquidation(_ peer: LiquidationPeer, target: Double, timer: BenchTimer) throws
    -> [KernelRow]
  {
    let model = try CorrelatedGBM<Double>(
      spot: [100], drift: [0], volatility: [peer.volatility], correlation: Matrix([[1]]))
    let position = try LeveragedPosition(
      side: .long, leverage: peer.leverage, maintenanceMargin: peer.maintenanceMargin,
      entryPrice: 100.0)
    let book = try LiquidationBook(model: model, positions: [.init(asset: 0, position: position)])
    func settings(_ paths: Int, seed: UInt64) -> SimulationSettings {
      SimulationSettings(paths: paths, steps: peer.steps, horizon: peer.horizonYears, seed: seed)
    }
    func plain(_ paths: Int, seed: UInt64) throws -> MonteCarloEstimate {
      try book.simulate(settings: settings(paths, seed: seed))[0].continuous
    }
    func importance(_ paths: Int, seed: UInt64) throws -> MonteCarloEstimate {
      try book.importanceSampled(position: 0, settings: settings(paths, seed: seed))
        .liquidation.continuous
    }
    func sobol(_ paths: Int, seed: UInt64) throws -> MonteCarloEstimate {
      let observers = PathObservers<Double>(
        extremes: false,
        barriers: [Barrier(.asset(0), level: position.liquidationPrice, direction: .down)])
      let results = try RandomizedQMC(replicates: 16).run(
        PathSimulator(model: model, settings: settings(paths, seed: seed), observers: observers))
      return try RandomizedQMC.estimate(results.map { $0.barrierHits![0].continuous.value })
    }
    print(
      "\nFirst passage of a \(Int(peer.leverage))× long, σ = \(peer.volatility), \(peer.steps) steps over \(Int((peer.horizonYears * 365).rounded())) days, to \(target * 100)% relative s.e. (QuantLib: \(String(format: "%.1f", peer.perPathSeconds * 1e6)) µs a path, P ≈ \(String(format: "%.4f", peer.continuous)))"
    )
    print(
      "| method | paths needed | median | achieved rel. s.e. | fewer paths than plain | speedup vs QuantLib |"
    )
    print("|---|---|---|---|---|---|")
    var rows: [KernelRow] = []
    var quantLibSeconds = 0.0
    var lines: [(String, Int, Timing, Double)] = []
    for (method, pilotPaths, draw) in [
      ("plain Monte Carlo", 100_000, plain), ("importance sampling", 100_000, importance),
      ("Sobol' RQMC × 16", 16 * 4096, sobol),
    ] as [(String, Int, (Int, UInt64) throws -> MonteCarloEstimate)] {
      let pilot = try draw(pilotPaths, 1)
      let relative = pilot.standardError / pilot.value
      var needed = Int((Double(pilotPaths) * pow(relative / target, 2)).rounded(.up))
      needed = max(needed, 256)
      if method.hasPrefix("Sobol") {
        needed = Self.sobolPaths(needed, minimum: 16)
        quantLibSeconds = peer.perPathSeconds * Double(needed)
      }
      var achieved = 0.0
      let ours = try timer.measure(minimumReps: 5) {
        let e = try draw(needed, 2)
        achieved = e.standardError / e.value
      }
      lines.append((method, needed, ours, achieved))
    }
    for (method, needed, ours, achieved) in lines {
      print(
        "| RiskKernels \(method) | \(needed) | \(formatSeconds(ours.median)) | "
          + String(format: "%.2f%%", 100 * achieved) + " | "
          + String(format: "%.1f×", Double(lines[0].1) / Double(needed)) + " | "
          + String(format: "%.1f×", quantLibSeconds / ours.median) + " |")
      rows.append(
        KernelRow(
          family: "accuracy", kernel: "first passage, \(method)", size: "\(needed) paths",
          ours: ours, peer: peer.tool, peerSeconds: quantLibSeconds,
          goal: method == "importance sampling" ? nil : "≥ 10× QuantLib's time"))
    }
    print(
      "| \(peer.tool), at the Sobol' paths | \(lines.last!.1) | \(formatSeconds(quantLibSeconds)) | (unrandomized) | | 1× |"
    )
    return rows
  }
}
