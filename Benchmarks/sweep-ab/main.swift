import Foundation
import RiskKernels

// LiquidationSweep.firstPassage alone, for Benchmarks/run-ab.sh: 10⁵ and 10⁶ positions
// (volatilities 0.3–1.5, leverage 1–125×, a 400 ms block), on one and two threads, the output
// array reused between calls as a refresh does. Medians.

/// A 64-bit LCG: the same positions at both commits.
struct Uniforms {
  var state: UInt64 = 11
  mutating func next() -> Double {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Double(state >> 11) / Double(1 << 53)
  }
}
var rng = Uniforms()
let horizon = 0.4 / (365 * 86_400)
var sink = 0.0
for size in [100_000, 1_000_000] {
  let sweep = try LiquidationSweep(
    sides: (0..<size).map { _ in rng.next() < 0.5 ? .long : .short },
    leverage: (0..<size).map { _ in 1 + 124 * rng.next() * rng.next() },
    maintenanceMargin: (0..<size).map { _ in 0.004 + 0.006 * rng.next() },
    volatility: (0..<size).map { _ in 0.3 + 1.2 * rng.next() },
    drift: [Double](repeating: 0, count: size))
  var out: [Double] = []
  for threads in [1, 2] {
    var samples: [Double] = []
    for _ in 0..<(size < 500_000 ? 301 : 61) {
      let t0 = DispatchTime.now().uptimeNanoseconds
      try sweep.firstPassage(horizon: horizon, threads: threads, into: &out)
      samples.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e3)
      sink += out[size / 2]
    }
    samples.sort()
    print("sweep \(size) threads \(threads)", String(format: "%.1f µs", samples[samples.count / 2]))
  }
}
precondition(sink >= 0)
