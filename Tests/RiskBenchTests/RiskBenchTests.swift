import ArgumentParser
import Foundation
import RiskKernels
import Testing

@testable import RiskBench

/// A case whose run costs `size × 20 µs` by a cost model, not by the clock: its largest size
/// within a 10 ms budget is 500, whatever else the machine is doing. `slowEvery` makes every
/// n-th run three times slower (a preempted run), `failsAbove` a size that cannot be set up.
final class ModelledCase: BenchmarkCase {
  struct TooLarge: Error {}
  let name = "modelled"
  let useCase = UseCase.quote
  let sizeUnit = "units"
  let defaultSize: Int
  let maximumSize: Int
  let details = "costs 20 µs per unit"
  let failsAbove: Int?
  let slowEvery: Int?
  private var size = 0
  private var runs = 0

  init(
    defaultSize: Int = 10, maximumSize: Int = 1 << 20, failsAbove: Int? = nil, slowEvery: Int? = nil
  ) {
    (self.defaultSize, self.maximumSize) = (defaultSize, maximumSize)
    (self.failsAbove, self.slowEvery) = (failsAbove, slowEvery)
  }

  func setUp(size: Int) throws {
    if let failsAbove, size > failsAbove { throw TooLarge() }
    self.size = size
  }

  func run() throws { runs += 1 }

  /// The search's run timer for this case: runs it, returns the modelled cost.
  static func timer(_ benchmark: BenchmarkCase) throws -> Double {
    let modelled = benchmark as! ModelledCase
    try modelled.run()
    let preempted = modelled.slowEvery.map { modelled.runs % $0 == 0 } ?? false
    return Double(modelled.size) * 20e-6 * (preempted ? 3 : 1)
  }
}

@Suite("riskbench")
struct RiskBenchTests {
  @Test("Latency percentiles are nearest-rank over every timed run")
  func percentiles() {
    let latency = LatencyDistribution((1...100).map(Double.init).shuffled())
    #expect(latency.p50 == 50)
    #expect(latency.p90 == 90)
    #expect(latency.p99 == 99)
    #expect(latency.max == 100)
    #expect(latency.runs == 100)
    #expect(LatencyDistribution([3]).p99 == 3)
  }

  func search(_ c: ModelledCase) throws -> SizeSearch.Result {
    try SizeSearch(quick: false, timeRun: ModelledCase.timer).largestSize(of: c, budget: 0.01)
  }

  @Test("The search grows, then bisects to within 5 % of the largest size within the budget")
  func searchMeasures() throws {
    let found = try search(ModelledCase())
    #expect(found.method == "measured")
    #expect(found.size <= 500 && Double(found.size) >= 0.95 * 500)
    #expect(found.probes.contains { $0.seconds > 0.01 })
    #expect(found.probes.allSatisfy { $0.seconds <= 0.01 || $0.size > found.size })
  }

  @Test("Preempted runs only make the search find less: the slowest run of a probe counts")
  func searchIsConservative() throws {
    let found = try search(ModelledCase(slowEvery: 4))
    #expect(found.method == "measured")
    #expect(found.size <= 500 / 3 + 1 && Double(found.size) >= 0.95 * 500 / 3)
  }

  @Test("The search extrapolates, and says so, when memory caps the size")
  func searchExtrapolates() throws {
    let found = try search(ModelledCase(maximumSize: 100))
    #expect(found.method == "extrapolated (memory limit, exponent 1.00)")
    #expect(found.probes.allSatisfy { $0.size <= 100 })
    #expect(found.size >= 495 && found.size <= 500)
  }

  @Test("A default size over budget shrinks to one that fits")
  func searchShrinks() throws {
    let found = try search(ModelledCase(defaultSize: 4000))
    #expect(found.probes.prefix(3).map(\.size) == [4000, 2000, 1000])
    #expect(found.size <= 500 && Double(found.size) >= 0.95 * 500)
  }

  @Test("A size the case cannot set up ends the search at the last size that ran, and says so")
  func searchStopsAtFailure() throws {
    let found = try search(ModelledCase(failsAbove: 40))
    #expect(found.method.hasPrefix("measured up to the failure at"))
    #expect(found.size <= 40 && found.size >= 10)
  }

  @Test("The wall-clock timer times the case's run")
  func wallClockTimer() throws {
    final class Sleeper: BenchmarkCase {
      let name = "sleeper"
      let useCase = UseCase.quote
      let sizeUnit = "units"
      let defaultSize = 1
      let maximumSize = 1
      let details = ""
      func setUp(size: Int) throws {}
      func run() throws { Thread.sleep(forTimeInterval: 0.002) }
    }
    // Sleeping can only take longer than asked.
    #expect(try SizeSearch.wallClock(Sleeper()) >= 0.002)
  }

  @Test("Every pipeline sets up and runs at a small size, and its row has the issue's fields")
  func pipelinesRun() throws {
    let cases: [(BenchmarkCase, Int)] = [
      (QuoteUpdateCase(), 3), (LiquidationSweepCase(blockSeconds: 0.4), 1000),
      (LiquidationSweepCase(blockSeconds: 12), 1000), (CovarianceVaRRefreshCase(paths: 200), 4),
      (BayesianUpdateCase(), 3), (RiskParityRebalanceCase(), 5),
      (LendingSimulationCase(paths: 100), 3), (LiquidationCascadeCase(paths: nil), 1000),
      (LiquidationCascadeCase(paths: 100), 200),
    ]
    #expect(Set(cases.map { $0.0.name }).count == cases.count)
    for (c, size) in cases {
      let row = try PipelineRunner(quick: true, search: false).run(c, size: size)
      #expect(row.size == size)
      #expect(row.p50Seconds <= row.p90Seconds && row.p90Seconds <= row.p99Seconds)
      #expect(row.p99Seconds <= row.maxSeconds && row.p50Seconds > 0)
      #expect(abs(row.headroom - row.budgetSeconds / row.p99Seconds) <= 1e-9 * row.headroom)
      let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(row)) as! [String: Any]
      for key in [
        "name", "useCase", "size", "budgetSeconds", "p50Seconds", "p90Seconds", "p99Seconds",
        "maxSeconds", "headroom",
      ] {
        #expect(json[key] != nil, "\(c.name): no \(key)")
      }
    }
  }

  @Test(
    "Bad flags are refused with the flag named",
    arguments: [
      ["--threads", "0"], ["--paths", "1"], ["--kernels", "/no/such/folder"],
    ])
  func badFlags(_ arguments: [String]) {
    #expect(throws: (any Error).self) { try PipelinesCommand.parse(arguments) }
  }

  @Test("--only and --size name pipelines that exist")
  func badNames() throws {
    for arguments in [
      ["--only", "quote-update,nope"], ["--size", "nope=3"], ["--size", "quote-update=-1"],
      ["--only", "quote-update", "--size", "lending-collateral-simulation=3"],
    ] {
      #expect(throws: (any Error).self) { try PipelinesCommand.parse(arguments) }
    }
    let good = try PipelinesCommand.parse(["--size", "quote-update=7"])
    #expect(try good.sizes(for: good.cases()) == ["quote-update": 7])
  }
}
