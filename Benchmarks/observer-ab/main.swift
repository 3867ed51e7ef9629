import Foundation
import RiskKernels

// The observers the `riskbench montecarlo` cases do not time, for Benchmarks/run-ab.sh:
// the accuracy suite's plain first passage (a 50× long, σ = 0.8, 10 steps over 10 days, through
// LiquidationBook: one asset barrier) at 506 and 20 000 paths, and a 3-asset portfolio with
// extremes and a basket barrier with a strike (20 000 paths × 50 steps, one thread). Medians.
let model = try CorrelatedGBM<Double>(
  spot: [100], drift: [0], volatility: [0.8], correlation: Matrix([[1]]))
let position = try LeveragedPosition(
  side: .long, leverage: 50.0, maintenanceMargin: 0.005, entryPrice: 100.0)
let book = try LiquidationBook(model: model, positions: [.init(asset: 0, position: position)])
func time(_ label: String, reps: Int, _ body: () throws -> Void) rethrows {
  var samples: [Double] = []
  for _ in 0..<reps {
    let t0 = DispatchTime.now().uptimeNanoseconds
    try body()
    samples.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e3)
  }
  samples.sort()
  print(label, String(format: "%.1f µs", samples[samples.count / 2]))
}
var sink = 0.0
for paths in [506, 20_000] {
  try time("first passage \(paths)", reps: paths < 1000 ? 2001 : 101) {
    let s = SimulationSettings(paths: paths, steps: 10, horizon: 10.0 / 365, seed: 7)
    sink += try book.simulate(settings: s)[0].continuous.value
  }
}
let m3 = try CorrelatedGBM<Double>(
  spot: [100, 50, 20], drift: [0.05, 0.02, 0.1], volatility: [0.2, 0.3, 0.5],
  correlation: Matrix([[1, 0.5, 0.2], [0.5, 1, 0.3], [0.2, 0.3, 1]]))
let observers = PathObservers<Double>(
  holdings: [1, 2, 3], extremes: true,
  barriers: [Barrier(.basket([1, 1, 0]), level: 140, direction: .down, strike: 145)])
try time("portfolio+basket 20000x50", reps: 31) {
  let s = SimulationSettings(paths: 20_000, steps: 50, horizon: 0.5, seed: 3, threads: 1)
  sink += try PathSimulator(model: m3, settings: s, observers: observers).run().terminal[0].value
}
precondition(sink > 0)
