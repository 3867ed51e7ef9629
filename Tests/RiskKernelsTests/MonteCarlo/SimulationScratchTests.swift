import Testing

@testable import RiskKernels

@Suite("Scratch arrays kept between runs (SimulationScratch)")
struct SimulationScratchTests {
  @Test(
    "A kept array is handed out again for the same type and count only; small ones are not kept")
  func takeAndRecycle() {
    let scratch = SimulationScratch()
    let count = SimulationScratch.minimumCount + 12_345
    var array = scratch.take(count, of: Double.self)
    #expect(array.count == count && array.allSatisfy { $0 == 0 })
    array[7] = 42
    scratch.recycle(array)
    #expect(scratch.take(count + 1, of: Double.self)[7] == 0)
    #expect(scratch.take(count, of: Float.self)[7] == 0)
    #expect(scratch.take(count, of: Double.self)[7] == 42)
    #expect(scratch.keptBytes == 0)
    var small = scratch.take(100, of: Double.self)
    small[0] = 1
    scratch.recycle(small)
    #expect(scratch.take(100, of: Double.self)[0] == 0)
    // Without a scratch nothing is kept.
    let none: SimulationScratch? = nil
    none.recycle(array)
    #expect(none.take(count, of: Double.self)[7] == 0)
  }

  @Test("A scratch never keeps more than its capacity")
  func capacity() {
    let scratch = SimulationScratch(capacityBytes: 1 << 20)
    let count = scratch.capacityBytes / MemoryLayout<Double>.stride / 3 + 1
    for _ in 0..<5 { scratch.recycle([Double](repeating: 1, count: count)) }
    #expect(scratch.keptBytes <= scratch.capacityBytes && scratch.keptBytes > 0)
  }

  @Test("Runs after other runs (stale arrays in the scratch) give the same bits as without one")
  func staleScratchIsNeverRead() throws {
    let scratch = SimulationScratch()
    func model(_ scale: Double) throws -> CorrelatedGBM<Double> {
      try CorrelatedGBM(
        spot: [10 * scale, 20, 30], drift: [0.05, -0.1, 0], volatility: [0.2, 0.5 * scale, 0.9],
        correlation: Matrix([[1, 0.3, -0.2], [0.3, 1, 0.4], [-0.2, 0.4, 1]]))
    }
    func run(_ model: CorrelatedGBM<Double>, steps: Int, scratch: SimulationScratch?) throws
      -> SimulationResult<Double>
    {
      let settings = SimulationSettings(
        paths: 12_000, steps: steps, horizon: 0.1, seed: 4, threads: 2, blockPaths: 1024)
      let observers = PathObservers<Double>(
        keepTerminalPrices: true, holdings: [1, 2, 3], keepPortfolioValues: true)
      return try PathSimulator(
        model: model, settings: settings, observers: observers, scratch: scratch
      ).run()
    }
    for steps in [1, 3] {
      let first = try run(try model(1), steps: steps, scratch: nil)
      _ = try run(try model(7), steps: steps, scratch: scratch)
      _ = try run(try model(0.1), steps: 2, scratch: scratch)
      #expect(scratch.keptBytes > 0)
      let again = try run(try model(1), steps: steps, scratch: scratch)
      #expect(again.terminalPrices == first.terminalPrices, "steps \(steps)")
      #expect(again.portfolioValues == first.portfolioValues, "steps \(steps)")
      #expect(again.terminal == first.terminal && again.portfolio == first.portfolio)
    }
    // Monte Carlo VaR returns its arrays to the caller's scratch and gives the same bits.
    let holdings = [1.0, 2, 3]
    let settings = SimulationSettings(paths: 10_000, steps: 1, horizon: 0.01, seed: 2)
    let plain = try MonteCarloVaR(confidence: 0.99).measure(
      model: try model(1), holdings: holdings, settings: settings)
    for _ in 0..<2 {
      let kept = try MonteCarloVaR(confidence: 0.99).measure(
        model: try model(1), holdings: holdings, settings: settings,
        scratch: scratch)
      #expect(kept == plain)
    }
  }
}
