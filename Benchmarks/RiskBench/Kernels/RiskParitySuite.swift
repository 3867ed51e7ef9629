// The risk-parity benchmark's Swift side: solves the covariances the peers script wrote, reads
// the peers' medians and residuals from the same run, prints the ratios, and writes
// riskparity.json. Run it through Benchmarks/run-riskparity.sh, never alone.
import ArgumentParser
import Foundation
import RiskKernels

struct RiskParitySuite: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "riskparity",
    abstract:
      "The risk-budgeting solver against riskparityportfolio, Riskfolio-Lib and SciPy (run-riskparity.sh)."
  )

  @Option(help: "Folder with rp_peers.json, rp_sigma_<d>.f64 and rp_returns_2570x500.f64.")
  var data: String
  @Option var sizes: String = "50,100,500,1000"
  @Option var large: String = "2000"
  @Flag var quick = false
  @Option(help: "Methods to time (comma-separated).") var methods: String = "newton,newtonCG"
  @Flag(help: "Skip the warm re-solve case (for profiling the cold solves).") var skipWarm = false

  static func with(data: String, quick: Bool) throws -> Self {
    try parse(["--data", data] + (quick ? ["--quick"] : []))
  }

  func validate() throws { try checkSuiteOptions(data: data, peersFile: "rp_peers.json") }

  func run() throws { _ = try measure() }

  /// Times the solves, prints the table, writes riskparity.json and returns the rows.
  /// Rows of the peers' synthetic return histories (`T_COV` in `Benchmarks/peers/harness.py`).
  static var covarianceRows: Int { 2520 }

  func measure() throws -> [KernelRow] {
    try BLASThreads.set(1)
    let peers = try PeerFile.load(data + "/rp_peers.json")
    let timer = BenchTimer(quick: quick)
    let m = Machine.describe(threads: 1)
    print(
      """
      RiskKernels risk-parity benchmark — \(m["cpu"]!), \(m["cores"]!) cores, OpenBLAS threads 1 \
      (peers: \(peers.blasThreads)), \(m["build"]!), git \(m["git"]!), load \(m["loadavg"]!)
      peers: \(peers.versionsLine)
      """)
    var rows: [ResultRow] = []
    let sizeList = sizes.split(separator: ",").compactMap { Int($0) }
    let largeList = large.split(separator: ",").compactMap { Int($0) }
    for d in sizeList + largeList {
      let sigma = try loadSquare(path: "\(data)/rp_sigma_\(d).f64", order: d)
      let peerRows = peers.results.filter { $0.assets == d }
      let fastestCCD = peerRows.filter { $0.tool.hasPrefix("riskparityportfolio") }.min {
        $0.median_s < $1.median_s
      }
      let riskfolio = peerRows.first { $0.tool.hasPrefix("riskfolio") }
      let variants = methods.split(separator: ",").compactMap {
        RiskBudgetingMethod(rawValue: String($0))
      }
      .flatMap { $0 == .newton ? [($0, true)] : [($0, false), ($0, true)] }
      // The default call path on the library's own estimate: Ledoit-Wolf of the same returns
      // (daily; the peers' Σ is that ×252, which leaves the weights and the iterates' path
      // alone), through `solve(estimate:)` with the default solver. Its proof of positive
      // definiteness replaces the factorisation.
      let returnsPath = "\(data)/rp_returns_\(d).f64"
      if !largeList.contains(d), FileManager.default.fileExists(atPath: returnsPath) {
        let returns = try loadColumnMajor(
          path: returnsPath, rows: Self.covarianceRows, columns: d)
        let estimate = try LedoitWolf().estimate(from: returns)
        let solver = RiskBudgetingSolver(tolerance: 1e-10)
        var solution = try solver.solve(estimate: estimate)
        let timing = try timer.measure { solution = try solver.solve(estimate: estimate) }
        rows.append(
          ResultRow(
            case: "cold", assets: d,
            method:
              "newtonCG (default, on a Ledoit-Wolf estimate\(estimate.isKnownPositiveDefinite ? "" : ", unproven"))",
            ours: timing, convergence: solution.convergence, fastestCCD: fastestCCD,
            riskfolio: riskfolio,
            goal: d >= 500 ? "default path ≥ 2× fastest riskparityportfolio" : nil))
      }
      for (method, verified) in variants {
        if method == .newton && d > 1000 { continue }
        // Σ here is a Ledoit-Wolf estimate, positive definite by construction: the fast path's
        // timing is without the up-front factorisation (riskparityportfolio checks nothing
        // either); the verified default is timed beside it.
        let solver = RiskBudgetingSolver(
          tolerance: 1e-10, method: method, verifiesPositiveDefiniteness: verified)
        var solution = try solver.solve(covariance: sigma)
        let timing = try timer.measure { solution = try solver.solve(covariance: sigma) }
        let goal: String? =
          method != .newtonCG || verified
          ? nil
          : d >= 2000
            ? "< 50 ms"
            : d >= 500
              ? "≥ 2× fastest riskparityportfolio, ≥ 100× Riskfolio-Lib"
              : d == 100 ? "≥ 1× fastest riskparityportfolio, ≥ 100× Riskfolio-Lib" : nil
        rows.append(
          ResultRow(
            case: "cold", assets: d,
            method: method.rawValue
              + (method == .newtonCG ? (verified ? " (verified)" : " (Σ trusted)") : ""),
            ours: timing, convergence: solution.convergence,
            fastestCCD: fastestCCD, riskfolio: riskfolio, goal: goal))
      }
    }
    // Warm re-solve after one new return row at d = 500: a streaming estimate absorbs the row,
    // the solver restarts from the previous weights. Only the solve is timed; Σ has just been
    // written by the update, as in a live pipeline.
    if sizeList.contains(500) && !skipWarm {
      let returns = try loadColumnMajor(
        path: "\(data)/rp_returns_2570x500.f64", rows: 2570, columns: 500)
      // The default solver on the streaming estimate: it carries the Cholesky factor it keeps
      // current, which stands in for the solver's own factorisation.
      let solver = RiskBudgetingSolver(tolerance: 1e-10)
      var times: [Double] = []
      var last: RiskBudgetingSolution<Double>?
      let clock = ContinuousClock()
      for _ in 0..<(quick ? 1 : 5) {
        var stream = try StreamingCovariance<Double>(dimension: 500)
        try stream.update(withRows: returns.rows(0..<2520))
        var weights = try solver.solve(estimate: stream.estimate()).weights
        for k in 2520..<2570 {
          try stream.update(with: returns.row(k))
          let estimate = try stream.estimate()
          let start = clock.now
          let solution = try solver.solve(estimate: estimate, warmStart: weights)
          let elapsed = clock.now - start
          times.append(
            Double(elapsed.components.attoseconds) * 1e-18 + Double(elapsed.components.seconds))
          weights = solution.weights
          last = solution
        }
      }
      let timing = Timing(times: times)
      rows.append(
        ResultRow(
          case: "warm, one new row", assets: 500,
          method: "newtonCG (default, on the streaming estimate)", ours: timing,
          convergence: last!.convergence,
          fastestCCD: nil, riskfolio: nil, goal: "median < 0.2 ms"))
    }
    print(ResultRow.table(rows))
    let json = try JSONEncoder.pretty.encode(Output(machine: m, peers: peers, results: rows))
    try json.write(to: URL(fileURLWithPath: data + "/riskparity.json"))
    print("wrote \(data)/riskparity.json")
    return rows.flatMap { r in
      let kernel = "risk parity \(r.method), \(r.case)"
      var out = [
        KernelRow(
          family: "riskparity", kernel: kernel, size: "d \(r.assets)", ours: r.ours,
          peer: r.fastestCCD?.tool, peerSeconds: r.fastestCCD?.median_s, goal: r.goal)
      ]
      if let riskfolio = r.riskfolio {
        out.append(
          KernelRow(
            family: "riskparity", kernel: kernel, size: "d \(r.assets)", ours: r.ours,
            peer: riskfolio.tool, peerSeconds: riskfolio.median_s))
      }
      return out
    }
  }
}

extension RiskParitySuite {
  struct PeerRow: Codable {
    let tool: String
    let assets: Int
    // swift-format-ignore: AlwaysUseLowerCamelCase
    // (the peers script's JSON key)
    let median_s: Double
    let reps: Int
    let residual: Double
  }

  typealias PeerFile = PeerResults<PeerRow>

  struct ResultRow: Codable {
    let `case`: String
    let assets: Int
    let method: String
    let ours: Timing
    let convergence: ConvergenceReport
    let fastestCCD: PeerRow?
    let riskfolio: PeerRow?
    let goal: String?

    static func table(_ rows: [ResultRow]) -> String {
      var out =
        "| case | d | method | median | p90 | iterations | Σ products | residual | fastest riskparityportfolio (residual) | speedup | Riskfolio-Lib (residual) | speedup | goal |\n"
      out += "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
      func peer(_ p: PeerRow?, _ ours: Double) -> (String, String) {
        guard let p else { return ("–", "–") }
        return (
          "\(formatSeconds(p.median_s)) (\(String(format: "%.0e", p.residual)))",
          String(format: "%.1f×", p.median_s / ours)
        )
      }
      for r in rows {
        let (ccd, ccdRatio) = peer(r.fastestCCD, r.ours.median)
        let (rfl, rflRatio) = peer(r.riskfolio, r.ours.median)
        out +=
          "| \(r.case) | \(r.assets) | \(r.method) | \(formatSeconds(r.ours.median)) | \(formatSeconds(r.ours.p90)) | "
        out +=
          "\(r.convergence.iterations) | \(r.convergence.matrixProducts) | \(String(format: "%.1e", r.convergence.residual)) | "
        out += "\(ccd) | \(ccdRatio) | \(rfl) | \(rflRatio) | \(r.goal ?? "") |\n"
      }
      return out
    }
  }

  struct Output: Codable {
    let machine: [String: String]
    let peers: PeerFile
    let results: [ResultRow]
  }
}

extension Matrix where Scalar == Double {
  func rows(_ range: Range<Int>) throws -> Matrix<Double> {
    try Matrix(range.map { row($0) })
  }
}
