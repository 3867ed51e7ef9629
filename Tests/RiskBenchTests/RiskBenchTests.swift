import ArgumentParser
import Foundation
import Testing

@testable import RiskBench

/// A case whose run spins for `size × 20 µs` of wall time: its largest size within a 10 ms
/// budget is 500, and preemption can only make a run slower (so the search can only find less).
final class SpinCase: BenchmarkCase {
  let name = "spin"
  let useCase = UseCase.quote
  let sizeUnit = "units"
  let defaultSize = 10
  let maximumSize: Int
  let details = "spins 20 µs per unit"
  private var size = 0

  init(maximumSize: Int = 1 << 20) { self.maximumSize = maximumSize }
  func setUp(size: Int) throws { self.size = size }
  func run() throws {
    let clock = ContinuousClock()
    let end = clock.now + .microseconds(20 * size)
    while clock.now < end {}
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

  @Test("The search finds the largest size within the budget by measurement")
  func searchMeasures() throws {
    let found = try SizeSearch(quick: false).largestSize(of: SpinCase(), budget: 0.01)
    #expect(found.method == "measured")
    #expect(found.size <= 500)
    #expect(found.size >= 100)
    #expect(found.probes.contains { $0.seconds > 0.01 })
  }

  @Test("The search extrapolates, and says so, when memory caps the size")
  func searchExtrapolates() throws {
    let found = try SizeSearch(quick: false).largestSize(
      of: SpinCase(maximumSize: 100), budget: 0.01)
    #expect(found.method.hasPrefix("extrapolated (memory limit"))
    #expect(found.probes.allSatisfy { $0.size <= 100 })
    #expect(found.size >= 150 && found.size <= 700)
  }

  @Test("A default size over budget shrinks to one that fits")
  func searchShrinks() throws {
    final class Slow: BenchmarkCase {
      let name = "slow"
      let useCase = UseCase.quote
      let sizeUnit = "units"
      let defaultSize = 4000
      let maximumSize = 1 << 20
      let details = ""
      let inner = SpinCase()
      func setUp(size: Int) throws { try inner.setUp(size: size) }
      func run() throws { try inner.run() }
    }
    let found = try SizeSearch(quick: false).largestSize(of: Slow(), budget: 0.01)
    #expect(found.size <= 500 && found.size >= 60)
  }

  @Test("A size the case cannot set up ends the search at the last size that ran, and says so")
  func searchStopsAtFailure() throws {
    struct TooLarge: Error {}
    final class Fragile: BenchmarkCase {
      let name = "fragile"
      let useCase = UseCase.quote
      let sizeUnit = "units"
      let defaultSize = 10
      let maximumSize = 1 << 20
      let details = ""
      let inner = SpinCase()
      func setUp(size: Int) throws {
        guard size <= 40 else { throw TooLarge() }
        try inner.setUp(size: size)
      }
      func run() throws { try inner.run() }
    }
    let found = try SizeSearch(quick: false).largestSize(of: Fragile(), budget: 0.01)
    #expect(found.method.hasPrefix("measured up to the failure at"))
    #expect(found.size <= 40 && found.size >= 10)
  }

  @Test("Every pipeline sets up and runs at a small size, and its row has the issue's fields")
  func pipelinesRun() throws {
    let cases: [(BenchmarkCase, Int)] = [
      (QuoteUpdateCase(), 3), (LiquidationSweepCase(blockSeconds: 0.4), 1000),
      (LiquidationSweepCase(blockSeconds: 12), 1000), (CovarianceVaRRefreshCase(paths: 200), 4),
      (BayesianUpdateCase(), 3), (RiskParityRebalanceCase(), 5),
      (LendingSimulationCase(paths: 100), 3),
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
