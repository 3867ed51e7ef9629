// A custom path observer in a user's own package: the average over the monitoring dates of a
// basket's value (the underlying of an Asian basket option), with its standard error, and the
// checks that it merges correctly across reduction groups, threads and processes (partials
// through bytes, as MPI ranks send them). Exits 1 if a check fails.
import Foundation
import RiskKernels

/// Count, mean and sum of squared deviations; merged by Chan, Golub and LeVeque's formula.
struct Moments: Sendable, Equatable {
  var count = 0.0
  var mean = 0.0
  var squares = 0.0

  mutating func add(_ x: Double) {
    count += 1
    let delta = x - mean
    mean += delta / count
    squares += delta * (x - mean)
  }

  func merged(with other: Moments) -> Moments {
    guard other.count > 0 else { return self }
    guard count > 0 else { return other }
    let total = count + other.count
    let delta = other.mean - mean
    return Moments(
      count: total, mean: mean + delta * other.count / total,
      squares: squares + other.squares + delta * delta * count * other.count / total)
  }

  var standardError: Double { (squares / (count - 1) / count).squareRoot() }
}

/// `A = (1/S) Σₛ Σᵢ wᵢ Sᵢ(tₛ)` over the dates t₁ … t_S, per path.
struct AverageBasket: PathObserver {
  let weights: [Double]

  var needs: PathObserverNeeds { .pricesAtEveryStep }

  func makePartial() -> Moments { Moments() }

  func observe(_ block: PathBlock<Double>, into partial: inout Moments) {
    for p in 0..<block.pathCount {
      var sum = 0.0
      for s in 1...block.steps {
        for i in 0..<block.dimension { sum += weights[i] * block.price(path: p, step: s, asset: i) }
      }
      partial.add(sum / Double(block.steps))
    }
  }

  func merge(_ left: Moments, _ right: Moments) -> Moments { left.merged(with: right) }

  func encode(_ partial: Moments) -> [UInt8] {
    [partial.count, partial.mean, partial.squares].flatMap { x in
      (0..<8).map { UInt8(truncatingIfNeeded: x.bitPattern >> (8 * $0)) }
    }
  }

  func decode(_ bytes: [UInt8]) throws -> Moments {
    guard bytes.count == 24 else { throw CocoaError(.coderReadCorrupt) }
    let w = (0..<3).map { k in
      (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[8 * k + $1]) << (8 * $1) }
    }
    return Moments(
      count: Double(bitPattern: w[0]), mean: Double(bitPattern: w[1]),
      squares: Double(bitPattern: w[2]))
  }
}

nonisolated(unsafe) var failures = 0
func check(_ ok: Bool, _ what: String) {
  print(ok ? "ok   \(what)" : "FAIL \(what)")
  if !ok { failures += 1 }
}

let weights = [0.5, 1.0, 2.0]
let model = try CorrelatedGBM<Double>(
  assets: ["A", "B", "C"], spot: [100, 50, 20], drift: [0.05, 0.02, 0.08],
  volatility: [0.2, 0.3, 0.5],
  correlation: Matrix([[1, 0.5, 0.2], [0.5, 1, 0.3], [0.2, 0.3, 1]]))
let observers: PathObservers<Double> = {
  var observers = PathObservers<Double>(extremes: false)
  observers.custom = [AverageBasket(weights: weights)]
  return observers
}()
func simulator(threads: Int) -> PathSimulator<Double> {
  PathSimulator(
    model: model,
    settings: SimulationSettings(paths: 50_000, steps: 12, horizon: 1, seed: 7, threads: threads),
    observers: observers)
}

let whole = try simulator(threads: 2).run()
let average = whole.observed(0, as: Moments.self)!
// E[A] = (1/S) Σₛ Σᵢ wᵢ Sᵢ(0) e^{μᵢ tₛ}
var expected = 0.0
for s in 1...12 {
  for i in 0..<3 { expected += weights[i] * model.spot[i] * exp(model.drift[i] * Double(s) / 12) }
}
expected /= 12
print(
  "average basket: \(average.mean) ± \(average.standardError) (closed form \(expected)), \(Int(average.count)) paths"
)
check(abs(average.mean - expected) <= 4 * average.standardError, "within 4 standard errors")

let oneThread = try simulator(threads: 1).run().observed(0, as: Moments.self)!
check(oneThread == average, "1 thread gives the bits of 2")

// Three "ranks": each simulates its groups and sends its partial's bytes; the merge gives the
// bits of the whole run.
let engine = simulator(threads: 1)
let parts = try (0..<3).map { rank in
  try engine.partial(
    encoded: engine.run(
      groups: try SimulationSettings.groups(part: rank, of: 3, groupCount: engine.groupCount)
    ).encoded())
}
let merged = try engine.result(from: SimulationPartial.merging(parts))
check(
  merged.observed(0, as: Moments.self)! == average,
  "3 partials through bytes give the bits of the whole run")

exit(failures == 0 ? 0 : 1)
