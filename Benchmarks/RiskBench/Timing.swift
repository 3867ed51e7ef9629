import Foundation

/// Median and p90 of repeated runs after warm-up (the machine is shared: never a single time).
struct Timing: Codable, Sendable {
  let median: Double
  let p90: Double
  let reps: Int

  init(median: Double, p90: Double, reps: Int) {
    (self.median, self.p90, self.reps) = (median, p90, reps)
  }

  /// From raw per-run times in seconds (a benchmark that times inside its own loop).
  init(times: [Double]) {
    let sorted = times.sorted()
    self.init(
      median: sorted[sorted.count / 2],
      p90: sorted[min(sorted.count - 1, Int(0.9 * Double(sorted.count)))],
      reps: sorted.count)
  }
}

/// Times a kernel: two warm-up runs, then at least `minimumReps` runs and at least 1.5 s
/// (0.3 s and 3 runs when quick), at most 40 (10 when quick).
struct BenchTimer {
  let quick: Bool

  func measure(minimumReps: Int = 7, _ body: () throws -> Void) rethrows -> Timing {
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
      times.append(try clock.measure(body).inSeconds)
    }
    return Timing(times: times)
  }
}

/// A latency distribution: nearest-rank percentiles of every timed run after warm-up.
struct LatencyDistribution: Codable, Sendable {
  let p50: Double
  let p90: Double
  let p99: Double
  let max: Double
  let runs: Int

  init(_ times: [Double]) {
    let sorted = times.sorted()
    func rank(_ p: Double) -> Double {
      sorted[
        Swift.min(sorted.count - 1, Swift.max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))]
    }
    (p50, p90, p99, max, runs) = (rank(0.5), rank(0.9), rank(0.99), sorted.last!, sorted.count)
  }

  /// Runs `body` `warmUp` times untimed, then times each run until `minimumRuns` runs and
  /// `seconds` have passed, or `maximumRuns` runs.
  static func measure(
    warmUp: Int, minimumRuns: Int, maximumRuns: Int, seconds: Double, _ body: () throws -> Void
  ) rethrows -> LatencyDistribution {
    let clock = ContinuousClock()
    for _ in 0..<warmUp { try body() }
    var times: [Double] = []
    times.reserveCapacity(maximumRuns)
    let start = clock.now
    while times.count < maximumRuns
      && (times.count < minimumRuns || (clock.now - start).inSeconds < seconds)
    {
      let t0 = clock.now
      try body()
      times.append((clock.now - t0).inSeconds)
    }
    return LatencyDistribution(times)
  }
}

/// The cost of reading the clock twice around nothing: the floor under every per-run time
/// (it matters only for sub-microsecond updates such as one quote).
func clockOverhead() -> Double {
  LatencyDistribution.measure(warmUp: 100, minimumRuns: 10_000, maximumRuns: 10_000, seconds: 0) {}
    .p50
}

/// A duration in µs below 1 ms, in ms below 10 s, in s otherwise.
func formatSeconds(_ seconds: Double) -> String {
  if seconds < 1e-6 { return String(format: "%.0f ns", seconds * 1e9) }
  if seconds < 1e-3 { return String(format: "%.1f µs", seconds * 1e6) }
  if seconds < 10 { return String(format: "%.3f ms", seconds * 1e3) }
  return String(format: "%.1f s", seconds)
}

extension JSONEncoder {
  static var pretty: JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = [.prettyPrinted, .sortedKeys]
    return e
  }
}
