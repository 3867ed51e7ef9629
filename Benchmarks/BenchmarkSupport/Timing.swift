public import Foundation

/// Median and p90 of repeated runs after warm-up (the machine is shared: never a single time).
public struct Timing: Codable, Sendable {
  public let median: Double
  public let p90: Double
  public let reps: Int
}

public struct BenchTimer {
  public let quick: Bool

  public init(quick: Bool) { self.quick = quick }

  public func measure(minimumReps: Int = 7, _ body: () throws -> Void) rethrows -> Timing {
    let clock = ContinuousClock()
    try body()
    try body()
    let minReps = quick ? 3 : minimumReps
    let minSeconds = quick ? 0.3 : 1.5
    let maxReps = quick ? max(10, minReps) : max(40, minReps)
    var times: [Double] = []
    let start = clock.now
    while times.count < maxReps
      && (times.count < minReps || (clock.now - start) < .seconds(minSeconds))
    {
      let elapsed = try clock.measure(body)
      times.append(
        Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
    times.sort()
    return Timing(
      median: times[times.count / 2],
      p90: times[min(times.count - 1, Int(0.9 * Double(times.count)))], reps: times.count)
  }
}

extension Timing {
  /// From raw per-run times in seconds (a benchmark that times inside its own loop).
  public init(times: [Double]) {
    let sorted = times.sorted()
    self.init(
      median: sorted[sorted.count / 2],
      p90: sorted[min(sorted.count - 1, Int(0.9 * Double(sorted.count)))],
      reps: sorted.count)
  }
}
