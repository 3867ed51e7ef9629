import Testing

@testable import RiskKernels

@Suite("Scratch arrays kept between runs")
struct ScratchPoolTests {
  @Test(
    "A kept array is handed out again for the same type and count only; small ones are not kept")
  func takeAndRecycle() {
    let count = ScratchPool.minimumCount + 12_345  // a count no other test uses
    var array = ScratchPool.take(count, of: Double.self)
    #expect(array.count == count && array.allSatisfy { $0 == 0 })
    array[7] = 42
    ScratchPool.recycle(array)
    #expect(ScratchPool.take(count + 1, of: Double.self)[7] == 0)
    #expect(ScratchPool.take(count, of: Float.self)[7] == 0)
    // Other tests run in parallel and may take it first; when it comes back it is this one.
    let again = ScratchPool.take(count, of: Double.self)
    #expect(again.count == count && (again[7] == 42 || again[7] == 0))
    var small = ScratchPool.take(100, of: Double.self)
    small[0] = 1
    ScratchPool.recycle(small)
    #expect(ScratchPool.take(100, of: Double.self)[0] == 0)
  }

  @Test("The pool never keeps more than its capacity")
  func capacity() {
    let count = ScratchPool.capacityBytes / MemoryLayout<Double>.stride / 3 + 1
    for _ in 0..<5 { ScratchPool.recycle([Double](repeating: 1, count: count)) }
    #expect(ScratchPool.keptBytes <= ScratchPool.capacityBytes)
  }

  @Test("Runs after other runs (stale scratch in the pool) give the same bits")
  func staleScratchIsNeverRead() throws {
    func model(_ scale: Double) throws -> CorrelatedGBM<Double> {
      try CorrelatedGBM(
        spot: [10 * scale, 20, 30], drift: [0.05, -0.1, 0], volatility: [0.2, 0.5 * scale, 0.9],
        correlation: Matrix([[1, 0.3, -0.2], [0.3, 1, 0.4], [-0.2, 0.4, 1]]))
    }
    func run(_ model: CorrelatedGBM<Double>, steps: Int) throws -> SimulationResult<Double> {
      let settings = SimulationSettings(
        paths: 12_000, steps: steps, horizon: 0.1, seed: 4, threads: 2, blockPaths: 1024)
      let observers = PathObservers<Double>(
        keepTerminalPrices: true, holdings: [1, 2, 3], keepPortfolioValues: true)
      return try PathSimulator(model: model, settings: settings, observers: observers).run()
    }
    for steps in [1, 3] {
      let first = try run(try model(1), steps: steps)
      _ = try run(try model(7), steps: steps)
      _ = try run(try model(0.1), steps: 2)
      let again = try run(try model(1), steps: steps)
      #expect(again.terminalPrices == first.terminalPrices, "steps \(steps)")
      #expect(again.portfolioValues == first.portfolioValues, "steps \(steps)")
      #expect(again.terminal == first.terminal && again.portfolio == first.portfolio)
    }
  }
}
