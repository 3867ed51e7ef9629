import Foundation
import Testing

@testable import RiskKernels

@Suite struct SobolTests {
  /// SciPy's unscrambled points (Tests/FixtureScripts/make_sobol.py).
  struct Fixture: Decodable {
    let source: String
    let dimensions: [Int]
    let points: [[Double]]
  }

  @Test(
    "Unscrambled points equal SciPy's (Joe–Kuo directions, Gray-code order), first and last dimensions"
  )
  func published() throws {
    let url = try #require(
      Bundle.module.url(forResource: "Fixtures/montecarlo/sobol", withExtension: "json"))
    let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    let sequence = try SobolSequence(dimensions: SobolSequence.maximumDimensions)
    for (k, row) in fixture.points.enumerated() {
      for (c, j) in fixture.dimensions.enumerated() {
        let x = Double(sequence.digits(point: UInt64(k), dimension: j)) * 0x1p-64
        #expect(x == row[c], "point \(k), dimension \(j)")
      }
    }
    // Van der Corput in the first dimension: 0, 1/2, 3/4, 1/4, 3/8, 7/8, 5/8, 1/8 (Gray order).
    let first = (0..<8).map { Double(sequence.digits(point: UInt64($0), dimension: 0)) * 0x1p-64 }
    #expect(first == [0, 0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125])
  }

  @Test(
    "Scrambled: every 2¹² points are a net — one point in each of 4096 intervals per dimension, 16 per cell of a 16 × 16 grid in the first two"
  )
  func scrambledNet() throws {
    let sequence = try SobolSequence(dimensions: 40, scramble: 99)
    let n = 4096
    let points = try (0..<n).map { try sequence.point($0) }
    for j in [0, 1, 7, 39] {
      var seen = Set<Int>()
      for p in points { seen.insert(Int(p[j] * Double(n))) }
      #expect(seen.count == n, "dimension \(j)")
    }
    var cells = [Int](repeating: 0, count: 256)
    for p in points { cells[Int(p[0] * 16) * 16 + Int(p[1] * 16)] += 1 }
    #expect(cells.allSatisfy { $0 == 16 })
    // A χ² over a 16 × 16 grid in a later pair of dimensions: far below the 99% point of
    // χ²₂₅₅ (310.5) that independent uniforms would reach one time in a hundred.
    var later = [Int](repeating: 0, count: 256)
    for p in points { later[Int(p[20] * 16) * 16 + Int(p[33] * 16)] += 1 }
    let chi2 = later.reduce(0.0) { $0 + pow(Double($1) - 16, 2) / 16 }
    #expect(chi2 < 310.5, "χ² = \(chi2)")
  }

  @Test("Stepping from point k − 1 by one XOR gives point k's digits, across powers of two")
  func grayCodeSteps() throws {
    let sequence = try SobolSequence(dimensions: 30, scramble: 4)
    var digits = [UInt64](repeating: 0, count: 30)
    let starts: [UInt64] = [0, 1000, (1 << 20) - 3]
    for start in starts {
      sequence.digits(point: start, into: &digits, followsPrevious: false)
      for k in (start + 1)...(start + 2100) {
        sequence.digits(point: k, into: &digits, followsPrevious: true)
        for j in 0..<30 {
          #expect(
            digits[j] == sequence.digits(point: k, dimension: j), "point \(k), dimension \(j)")
        }
      }
    }
  }

  @Test("Scrambling: the seed fixes every point, another seed moves it; points in (0, 1)")
  func scrambling() throws {
    let a = try SobolSequence(dimensions: 8, scramble: 1)
    let b = try SobolSequence(dimensions: 8, scramble: 1)
    let c = try SobolSequence(dimensions: 8, scramble: 2)
    #expect(try a.point(12345) == b.point(12345))
    #expect(try a.point(12345) != c.point(12345))
    #expect(try a.point(0) != [Double](repeating: 0, count: 8))
    for k in [0, 1, 2, 1 << 20, (1 << 48) - 1] {
      #expect(try a.point(k).allSatisfy { $0 > 0 && $0 < 1 })
    }
    for bad in [-1, 1 << 48] {
      #expect(throws: RiskKernelsError.self) { try a.point(bad) }
    }
    #expect(throws: RiskKernelsError.self) { try SobolSequence(dimensions: 0) }
    #expect(throws: RiskKernelsError.self) { try SobolSequence(dimensions: 4097) }
  }

  @Test("The bridge's map from normals to increments is orthogonal, and its first normal sets W(S)")
  func bridge() {
    for steps in [1, 2, 3, 7, 10, 16] {
      let bridge = BridgeConstruction(steps: steps)
      #expect(bridge.nodes.count == steps)
      #expect(Set(bridge.nodes.map(\.target)) == Set(1...steps))
      var columns: [[Double]] = []
      var path = [Double](repeating: 0, count: steps + 1)
      var out = [Double](repeating: 0, count: steps)
      for r in 0..<steps {
        var e = [Double](repeating: 0, count: steps)
        e[r] = 1
        bridge.increments(from: e, assets: 1, path: &path, into: &out)
        columns.append(out)
      }
      // W(S) = Σ increments = √S·z₀.
      #expect(abs(columns[0].reduce(0, +) - Double(steps).squareRoot()) < 1e-12)
      for r in 0..<steps {
        for q in 0..<steps {
          let dot = zip(columns[r], columns[q]).reduce(0) { $0 + $1.0 * $1.1 }
          #expect(abs(dot - (r == q ? 1 : 0)) < 1e-12, "steps \(steps): \(r)·\(q) = \(dot)")
        }
      }
    }
  }

  func model() throws -> CorrelatedGBM<Double> {
    try CorrelatedGBM<Double>(
      spot: [100, 50, 80], drift: [0.05, 0.02, 0], volatility: [0.3, 0.5, 0.2],
      correlation: Matrix([[1, 0.5, 0.2], [0.5, 1, 0.3], [0.2, 0.3, 1]]))
  }

  @Test("RQMC: E[S_T] within 4 s.e. of S₀e^{μT} for each asset, in Double and Float")
  func terminalMeans() throws {
    let settings = SimulationSettings(paths: 16 * 1024, steps: 4, horizon: 1, seed: 3)
    let results = try RandomizedQMC(replicates: 16).run(
      PathSimulator(model: model(), settings: settings))
    let m = try model()
    for i in 0..<3 {
      let e = try RandomizedQMC.estimate(results.map { $0.terminal[i].value })
      let exact = m.spot[i] * Foundation.exp(m.drift[i])
      #expect(abs(e.value - exact) < 4 * e.standardError, "asset \(i): \(e) vs \(exact)")
      #expect(e.standardError < 0.2 * results[0].terminal[i].standardError)
    }
    let floatModel = try CorrelatedGBM<Float>(
      spot: [100], drift: [0.05], volatility: [0.3], correlation: Matrix([[1]]))
    let float = try RandomizedQMC(replicates: 8).run(
      PathSimulator(
        model: floatModel,
        settings: SimulationSettings(paths: 8 * 1024, steps: 2, horizon: 1, seed: 1)))
    let e = try RandomizedQMC.estimate(float.map { $0.terminal[0].value })
    #expect(abs(e.value - 100 * Foundation.exp(0.05)) < 4 * e.standardError + 1e-4, "\(e)")
  }

  @Test(
    "RQMC VaR/ES of a lognormal within 4 s.e. of the closed forms, with a smaller s.e. than plain")
  func lognormalQuantiles() throws {
    let l = TailStandardErrorsTests.Lognormal()
    let exact = try l.exact(confidence: 0.99)
    let gbm = try CorrelatedGBM<Double>(
      spot: [100], drift: [l.mu], volatility: [l.sigma], correlation: Matrix([[1]]))
    let settings = SimulationSettings(paths: 16 * 4096, steps: 1, horizon: l.horizon, seed: 5)
    let risk = try RandomizedQMC(replicates: 16).portfolioVaR(
      model: gbm, holdings: [1], settings: settings, confidence: 0.99)
    let (v, e) = (
      try #require(risk.valueAtRiskStandardError), try #require(risk.expectedShortfallStandardError)
    )
    #expect(abs(risk.valueAtRisk - exact.valueAtRisk) < 4 * v, "\(risk.valueAtRisk) ± \(v)")
    #expect(
      abs(risk.expectedShortfall - exact.expectedShortfall) < 4 * e,
      "\(risk.expectedShortfall) ± \(e)")
    let plain = try l.risk(paths: settings.paths, confidence: 0.99, seed: 5)
    let plainError = try #require(plain.valueAtRiskStandardError)
    #expect(v < plainError, "\(v) vs plain \(plainError)")
    // The intervals are t intervals with R − 1 = 15 degrees of freedom.
    #expect(risk.standardErrorDegreesOfFreedom == 15)
    let interval = try #require(try risk.valueAtRiskInterval())
    #expect(abs((interval.upperBound - interval.lowerBound) / 2 - 2.131449545559323 * v) < 1e-12)
    // Too few points per scrambling for the 1% tail is refused.
    #expect(throws: RiskKernelsError.self) {
      try RandomizedQMC(replicates: 16).portfolioVaR(
        model: gbm, holdings: [1],
        settings: SimulationSettings(paths: 16 * 512, steps: 1, horizon: 1, seed: 1),
        confidence: 0.99)
    }
  }

  @Test("The RQMC standard error of a smooth payoff falls at least as fast as N^−0.75")
  func convergenceRate() throws {
    // E[basket at T] of the three assets on a 4-step grid (12 dimensions).
    func error(_ perReplicate: Int) throws -> Double {
      var observers = PathObservers<Double>(holdings: [1, 2, 1])
      observers.extremes = false
      let results = try RandomizedQMC(replicates: 16).run(
        PathSimulator(
          model: model(),
          settings: SimulationSettings(
            paths: 16 * perReplicate, steps: 4, horizon: 1, seed: 8), observers: observers))
      return try RandomizedQMC.estimate(results.map { $0.portfolio!.terminal.value }).standardError
    }
    let small = try error(1 << 10)
    let large = try error(1 << 14)
    // 16× the points: at N^−0.75 the error falls 8×; plain Monte Carlo's would fall 4×.
    #expect(small / large >= 8, "\(small) → \(large): \(small / large)×")
  }

  @Test(
    "Sobol' paths: the same bits on 1 and 2 threads and any block size; too many dimensions throw")
  func reproducible() throws {
    func run(threads: Int, block: Int?) throws -> SimulationResult<Double> {
      try PathSimulator(
        model: model(),
        settings: SimulationSettings(
          paths: 3000, steps: 5, horizon: 1, seed: 4, generator: .sobol, threads: threads,
          blockPaths: block),
        observers: PathObservers(keepTerminalPrices: true)
      ).run()
    }
    let one = try run(threads: 1, block: nil)
    let two = try run(threads: 2, block: 6)
    #expect(one.terminalPrices == two.terminalPrices)
    #expect(one.minimum == two.minimum)
    #expect(throws: RiskKernelsError.self) {
      try PathSimulator(
        model: model(),
        settings: SimulationSettings(
          paths: 10, steps: 2000, horizon: 1, seed: 1, generator: .sobol)
      ).run()
    }
    #expect(throws: RiskKernelsError.self) {
      try standardNormals(count: 4, seed: 1, generator: .sobol, as: Double.self)
    }
    #expect(throws: RiskKernelsError.self) { try RandomizedQMC(replicates: 1) }
    #expect(throws: RiskKernelsError.self) { try RandomizedQMC.estimate([1]) }
    #expect(throws: RiskKernelsError.self) { try RandomizedQMC.estimate([1, .nan]) }
    #expect(throws: RiskKernelsError.self) {
      try RandomizedQMC(replicates: 16).settings(
        SimulationSettings(paths: 1000, steps: 1, horizon: 1, seed: 1), replicate: 0)
    }
  }

  @Test(
    "Coverage: over 100 seeds the RQMC 95% intervals hold the closed-form VaR and ES 85–100% of the time"
  )
  func coverage() throws {
    let l = TailStandardErrorsTests.Lognormal()
    let exact = try l.exact(confidence: 0.99)
    let gbm = try CorrelatedGBM<Double>(
      spot: [100], drift: [l.mu], volatility: [l.sigma], correlation: Matrix([[1]]))
    var (coveredVaR, coveredES) = (0, 0)
    for seed in 0..<100 {
      let risk = try RandomizedQMC(replicates: 16).portfolioVaR(
        model: gbm, holdings: [1],
        settings: SimulationSettings(
          paths: 16 * 1024, steps: 1, horizon: l.horizon, seed: UInt64(seed)),
        confidence: 0.99)
      if try #require(try risk.valueAtRiskInterval()).contains(exact.valueAtRisk) {
        coveredVaR += 1
      }
      if try #require(try risk.expectedShortfallInterval()).contains(exact.expectedShortfall) {
        coveredES += 1
      }
    }
    #expect(coveredVaR >= 88, "VaR covered \(coveredVaR) of 100")
    #expect(coveredES >= 88, "ES covered \(coveredES) of 100")
  }
}
