import Foundation
import RiskKernels

/// The largest size of a pipeline whose update still fits its budget, found by search.
///
/// Each probe sets the case up at a size and takes the slowest of a few runs, the warm-up
/// included (a conservative stand-in for p99 at a fraction of the cost). From the default size
/// the search grows geometrically, by the cost exponent the probes measure, until a probe
/// exceeds the budget, then bisects to 5 %; it shrinks by
/// halves when the default size already misses. Two limits stop it short: a probe slower than
/// `probeLimit` seconds (a day's budget cannot be searched by running for a day) and the case's
/// `maximumSize` (memory). Then the size is extrapolated from the last two probes with their
/// measured log-log slope (clamped to at least 1) and marked as such.
struct SizeSearch {
  struct Probe: Codable, Sendable {
    let size: Int
    let seconds: Double
  }

  struct Result: Codable, Sendable {
    let size: Int
    /// "measured", "extrapolated (time limit, …)", "extrapolated (memory limit, …)", or
    /// "measured up to the failure at N: …" when a larger size could not be set up or run.
    let method: String
    let probes: [Probe]
  }

  /// Seconds one run of a case takes.
  typealias RunTimer = (BenchmarkCase) throws -> Double

  let quick: Bool
  /// Times one run: the wall clock around `run()` by default; tests pass a cost model so the
  /// search's logic is checked without depending on how loaded the machine is.
  let timeRun: RunTimer

  init(quick: Bool, timeRun: @escaping RunTimer = SizeSearch.wallClock) {
    self.quick = quick
    self.timeRun = timeRun
  }

  static func wallClock(_ benchmark: BenchmarkCase) throws -> Double {
    try ContinuousClock().measure { try benchmark.run() }.inSeconds
  }

  /// The slowest single run the search will make.
  var probeLimit: Double { quick ? 0.05 : 2.0 }

  /// - Parameter budget: seconds; the case's use-case budget unless given (tests use short ones).
  func largestSize(of benchmark: BenchmarkCase, budget: Double? = nil) throws -> Result {
    let budget = budget ?? benchmark.useCase.budget.inSeconds
    var probes: [Probe] = []
    func probe(_ size: Int) throws -> Double {
      try benchmark.setUp(size: size)
      // The warm-up run alone stands for the probe when it is already slow (it is the slowest
      // run, so the estimate stays conservative).
      var slowest = try timeRun(benchmark)
      var spent = 0.0
      var runs = 0
      while slowest < probeLimit / 2 && (runs < 3 || (runs < 20 && spent < probeLimit / 4)) {
        let seconds = try timeRun(benchmark)
        slowest = max(slowest, seconds)
        spent += seconds
        runs += 1
      }
      probes.append(Probe(size: size, seconds: slowest))
      return slowest
    }

    var size = min(benchmark.defaultSize, benchmark.maximumSize)
    var seconds = try probe(size)
    // Shrink when the default already misses the budget.
    while seconds > budget, size > 1 {
      size /= 2
      seconds = try probe(size)
    }
    if seconds > budget { return Result(size: 0, method: "measured", probes: probes) }
    var fits = (size: size, seconds: seconds)
    var misses: Int? = nil
    var limit: String? = nil
    // A size the case cannot handle (a covariance that turns singular, say) ends the search at
    // the last size that ran, and the result says so.
    func failure(_ size: Int, _ error: any Error) -> Result {
      Result(
        size: fits.size, method: "measured up to the failure at \(size): \(error)", probes: probes)
    }
    while misses == nil {
      if fits.size >= benchmark.maximumSize {
        limit = "memory"
        break
      }
      if fits.seconds > probeLimit / 2 {
        limit = "time"
        break
      }
      // Grow towards half the smaller of the budget and the probe limit, with the cost's
      // exponent measured from the probes so far (the first step assumes cubic cost, so at
      // most 16^(1/3) ≈ 2.5× in size).
      let target = min(budget, probeLimit)
      let growth = 0.5 * target / max(fits.seconds, 1e-9)
      let fitted = probes.filter { $0.seconds <= budget }.sorted { $0.size < $1.size }
      var exponent = 3.0
      if fitted.count >= 2 {
        let (a, b) = (fitted[fitted.count - 2], fitted[fitted.count - 1])
        if a.size < b.size, a.seconds > 0, b.seconds > a.seconds {
          exponent = max(1, log(b.seconds / a.seconds) / log(Double(b.size) / Double(a.size)))
        }
      }
      let factor = min(16, max(1.25, pow(growth, 1 / exponent)))
      let next = min(benchmark.maximumSize, Int(Double(fits.size) * factor))
      let t: Double
      do { t = try probe(next) } catch { return failure(next, error) }
      if t > budget { misses = next } else { fits = (next, t) }
    }
    if let high = misses {
      var high = high
      while Double(high) > 1.05 * Double(fits.size), high - fits.size > 1 {
        let mid = (fits.size + high) / 2
        let t: Double
        do { t = try probe(mid) } catch { return failure(mid, error) }
        if t > budget { high = mid } else { fits = (mid, t) }
      }
      return Result(size: fits.size, method: "measured", probes: probes)
    }
    // Extrapolate from the two largest probes that fit.
    let fitting = probes.filter { $0.seconds <= budget }.sorted { $0.size < $1.size }
    let last = fitting[fitting.count - 1]
    var slope = 1.0
    if fitting.count >= 2 {
      let previous = fitting[fitting.count - 2]
      if previous.size < last.size, previous.seconds > 0 {
        slope =
          log(last.seconds / previous.seconds) / log(Double(last.size) / Double(previous.size))
      }
    }
    slope = max(1, slope.isFinite ? slope : 1)
    let estimate = Double(last.size) * pow(budget / last.seconds, 1 / slope)
    return Result(
      size: estimate >= Double(Int.max) ? Int.max : Int(estimate),
      method: "extrapolated (\(limit ?? "time") limit, exponent \(String(format: "%.2f", slope)))",
      probes: probes)
  }
}
