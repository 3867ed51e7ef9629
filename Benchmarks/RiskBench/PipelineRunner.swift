import Foundation
import RiskKernels

/// One pipeline's row: its latency at the default size against the budget, and the largest
/// size within the budget.
struct PipelineResult: Codable, Sendable {
  let name: String
  let useCase: String
  let budgetText: String
  let size: Int
  let sizeUnit: String
  let details: String
  let budgetSeconds: Double
  let p50Seconds: Double
  let p90Seconds: Double
  let p99Seconds: Double
  let maxSeconds: Double
  let runs: Int
  /// budget ÷ p99.
  let headroom: Double
  let largestSizeWithinBudget: Int?
  let largestSizeMethod: String?
  let searchProbes: [SizeSearch.Probe]?
}

/// Times a case at a size: warm-up, then as many runs as fit in a few seconds (at least 30 so
/// p99 is meaningful, at most 100 000), then the size search.
struct PipelineRunner {
  let quick: Bool
  let search: Bool

  func run(_ benchmark: BenchmarkCase, size: Int) throws -> PipelineResult {
    try benchmark.setUp(size: size)
    let clock = ContinuousClock()
    let warmUp =
      try clock.measure {
        for _ in 0..<3 { try benchmark.run() }
      }.inSeconds / 3
    let seconds = quick ? 0.25 : 3.0
    let runs = Int(min(100_000, max(quick ? 10 : 30, seconds / max(warmUp, 1e-9))))
    let latency = try LatencyDistribution.measure(
      warmUp: min(runs / 10, 1000), minimumRuns: runs, maximumRuns: runs, seconds: 0
    ) { try benchmark.run() }
    let budget = benchmark.useCase.budget.inSeconds
    let found = search ? try SizeSearch(quick: quick).largestSize(of: benchmark) : nil
    return PipelineResult(
      name: benchmark.name, useCase: benchmark.useCase.rawValue,
      budgetText: benchmark.useCase.budgetText, size: size, sizeUnit: benchmark.sizeUnit,
      details: benchmark.details, budgetSeconds: budget, p50Seconds: latency.p50,
      p90Seconds: latency.p90, p99Seconds: latency.p99, maxSeconds: latency.max,
      runs: latency.runs, headroom: budget / latency.p99,
      largestSizeWithinBudget: found?.size, largestSizeMethod: found?.method,
      searchProbes: found?.probes)
  }
}

extension PipelineResult {
  static func table(_ rows: [PipelineResult]) -> String {
    var out =
      "| pipeline | use case (budget) | size | p50 | p90 | p99 | max | runs | headroom (budget ÷ p99) | largest size within budget |\n"
    out += "|---|---|---|---|---|---|---|---|---|---|\n"
    for r in rows {
      let largest =
        r.largestSizeWithinBudget.map { size in
          let method = r.largestSizeMethod ?? ""
          return method == "measured"
            ? "\(grouped(size)) \(r.sizeUnit)"
            : method.hasPrefix("measured")
              ? "\(grouped(size)) \(r.sizeUnit) (\(method))"
              : "≈ \(grouped(size)) \(r.sizeUnit) (\(method))"
        } ?? "–"
      out += "| \(r.name) | \(r.useCase) (\(r.budgetText)) | \(grouped(r.size)) \(r.sizeUnit) | "
      out += "\(formatSeconds(r.p50Seconds)) | \(formatSeconds(r.p90Seconds)) | "
      out += "\(formatSeconds(r.p99Seconds)) | \(formatSeconds(r.maxSeconds)) | \(r.runs) | "
      out += "\(headroomText(r.headroom)) | \(largest) |\n"
    }
    return out
  }
}

func headroomText(_ h: Double) -> String {
  h >= 1e4 ? String(format: "%.1e×", h) : String(format: "%.0f×", h)
}

/// 1234567 → "1 234 567" (thin grouping reads well in a table).
func grouped(_ n: Int) -> String {
  if n == Int.max { return "> 9e18" }
  let digits = String(n)
  var out = ""
  for (i, c) in digits.enumerated() {
    if i > 0, (digits.count - i) % 3 == 0 { out += " " }
    out.append(c)
  }
  return out
}
