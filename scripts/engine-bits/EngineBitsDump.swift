import Foundation
import Testing

@testable import RiskKernels

/// Σ over paths of the first asset's terminal price, in path order: a custom observer to run
/// beside the built-in ones.
struct TerminalSum<Scalar: BLASScalar>: PathObserver {
  var needs: PathObserverNeeds { .terminalPrices }
  func makePartial() -> Double { 0 }
  func observe(_ block: PathBlock<Scalar>, into partial: inout Double) {
    for p in 0..<block.pathCount { partial += Double(block.terminalPrice(path: p, asset: 0)) }
  }
  func merge(_ left: Double, _ right: Double) -> Double { left + right }
  func encode(_ partial: Double) -> [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: partial.bitPattern >> (8 * $0)) }
  }
  func decode(_ bytes: [UInt8]) throws -> Double {
    Double(bitPattern: bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.1) << (8 * $1.0) })
  }
}

/// Dumps every estimate's and kept value's bits of 168 engine runs per precision and a
/// Monte Carlo VaR, so two commits can be compared (scripts/compare-engine-bits.sh). Not part of
/// the test suite: copied into a worktree's tests by the script.
@Suite struct EngineBitsDump {
  func bits(_ e: MonteCarloEstimate) -> String {
    "\(e.value.bitPattern),\(e.standardError.bitPattern)"
  }
  func dump<T: BLASScalar>(_ r: SimulationResult<T>) -> String {
    var out: [String] = []
    out.append("T " + r.terminal.map(bits).joined(separator: " "))
    out.append("min " + (r.minimum?.map(bits).joined(separator: " ") ?? "-"))
    out.append("max " + (r.maximum?.map(bits).joined(separator: " ") ?? "-"))
    if let p = r.portfolio {
      out.append(
        "pf \(p.initial.bitPattern) \(bits(p.terminal)) \(p.minimum.map(bits) ?? "-") \(p.maximum.map(bits) ?? "-")"
      )
    }
    for hits in [r.lowerBarrierHits, r.upperBarrierHits] {
      out.append(
        "ab "
          + (hits?.map { h in
            h.map { "\(bits($0.onGrid)) \(bits($0.continuous)) \($0.shortfall.map(bits) ?? "-")" }
              ?? "nil"
          }.joined(separator: ";") ?? "-"))
    }
    out.append(
      "b "
        + (r.barrierHits?.map {
          "\(bits($0.onGrid)) \(bits($0.continuous)) \($0.shortfall.map(bits) ?? "-")"
        }.joined(separator: ";") ?? "-"))
    out.append(
      "kept \(r.terminalPrices?.storage.count ?? -1) \(r.portfolioValues?.count ?? -1) \(r.paths?.count ?? -1)"
    )
    // A weighted sum of every kept value: any changed bit changes it (almost surely).
    var s = 0.0
    if let tp = r.terminalPrices {
      for (k, x) in tp.storage.enumerated() { s += Double(x) * Double(k % 7 + 1) }
    }
    if let pv = r.portfolioValues {
      for (k, x) in pv.enumerated() { s += Double(x) * Double(k % 5 + 1) }
    }
    if let paths = r.paths {
      for (j, m) in paths.enumerated() {
        for (k, x) in m.storage.enumerated() { s += Double(x) * Double((k + j) % 3 + 1) }
      }
    }
    out.append("keptsum \(s.bitPattern)")
    return out.joined(separator: "\n")
  }

  func run<T: BLASScalar>(_: T.Type) throws -> String {
    var lines: [String] = []
    let model = try CorrelatedGBM<T>(
      spot: [100, 50, 20], drift: [0.05, 0.02, 0.1], volatility: [0.2, 0.3, 0.5],
      correlation: Matrix([[1, 0.5, 0.2], [0.5, 1, 0.3], [0.2, 0.3, 1]]))
    var k = 0
    for generator in NormalGenerator.allCases {
      for antithetic in [false, true] {
        for steps in [1, 7, 60] {
          for config in 0..<7 {
            var observers = PathObservers<T>()
            switch config {
            case 0: break
            case 1:
              observers = PathObservers(
                keepTerminalPrices: true, holdings: [1, -2, 3], keepPortfolioValues: true)
            case 2:
              observers = PathObservers(
                holdings: [1, 2, 3], extremes: true, maxima: false,
                lowerBarriers: [90, nil, 15], upperBarriers: [nil, 60, nil])
            case 3:
              observers = PathObservers(
                extremes: false,
                barriers: [
                  Barrier(.basket([1, 1, 0]), level: 140, direction: .down, strike: 145),
                  Barrier(.asset(2), level: 30, direction: .up, strike: 25),
                  Barrier(.basket([0.5, 0, 2]), level: 120, direction: .up),
                ])
            case 4:
              observers = PathObservers(holdings: [2, 0, 1], extremes: false, keepPaths: true)
            case 5:
              observers = PathObservers(
                keepTerminalPrices: true, holdings: [1, 1, 1], extremes: true, maxima: true,
                lowerBarriers: [95, 45, 18], keepPaths: steps < 10)
            default:
              // Kept values only, as Monte Carlo VaR and the quantile passes ask.
              observers = PathObservers(
                keepTerminalPrices: true, holdings: [3, 1, 2], keepPortfolioValues: true,
                lowerBarriers: [95, 45, 18])
              observers.moments = false
            }
            let settings = SimulationSettings(
              paths: 2500 + 2 * k, steps: steps, horizon: 0.5, seed: UInt64(11 + k),
              antithetic: antithetic, generator: generator, threads: 2)
            let r = try PathSimulator(model: model, settings: settings, observers: observers).run()
            lines.append("== \(T.self) \(generator) \(antithetic) \(steps) \(config)")
            lines.append(dump(r))
            k += 1
            guard steps == 60 else { continue }
            // Blocks of 1 024 paths: 60 steps in two chunks of 30, so the observers' state
            // crosses a chunk; one thread; a custom observer beside the built-in ones.
            var chunked = settings
            (chunked.blockPaths, chunked.threads) = (1024, 1)
            observers.custom = [TerminalSum<T>()]
            let c = try PathSimulator(model: model, settings: chunked, observers: observers).run()
            lines.append("== chunked \(T.self) \(generator) \(antithetic) \(steps) \(config)")
            lines.append(dump(c))
            lines.append("custom \(c.observed(0, as: Double.self)?.bitPattern ?? 0)")
          }
        }
      }
    }
    // VaR
    let settings = SimulationSettings(paths: 20000, steps: 1, horizon: 10.0 / 365, seed: 3)
    let risk = try MonteCarloVaR(confidence: 0.99).measure(
      model: model, holdings: [1, 2, 3], settings: settings)
    lines.append("var \(risk)")
    return lines.joined(separator: "\n")
  }

  @Test func dumpAll() throws {
    let text = try run(Double.self) + "\n" + run(Float.self)
    try text.write(
      toFile: ProcessInfo.processInfo.environment["GOLDEN_OUT"] ?? "engine-bits.txt",
      atomically: true, encoding: .utf8)
  }
}
