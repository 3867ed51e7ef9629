import Foundation
import RiskKernels
import Testing

/// Monte Carlo checks use 4 standard errors: a correct estimator misses by more with
/// probability 6·10⁻⁵ per check (two-sided normal tail), so the suite's few dozen checks all
/// pass with probability above 99.8% for any seed, while a bias of a few standard errors (a
/// wrong drift correction, a missing √Δt) fails. Seeds are fixed, so runs are repeatable.
let standardErrors = 4.0

func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

/// P(min_{t≤T} S ≤ B) for GBM (reflection principle with drift; Shreve II §7.2), b = ln(B/S0) < 0, ν = μ − σ²/2.
func firstPassageBelow(
  spot: Double, barrier: Double, drift mu: Double, volatility sigma: Double, horizon t: Double
) -> Double {
  let b = Foundation.log(barrier / spot)
  let nu = mu - sigma * sigma / 2
  let s = sigma * t.squareRoot()
  return normalCDF((b - nu * t) / s) + Foundation.exp(2 * nu * b / (sigma * sigma))
    * normalCDF((b + nu * t) / s)
}

/// P(max_{t≤T} S ≥ H), h = ln(H/S0) > 0.
func firstPassageAbove(
  spot: Double, barrier: Double, drift mu: Double, volatility sigma: Double, horizon t: Double
) -> Double {
  let h = Foundation.log(barrier / spot)
  let nu = mu - sigma * sigma / 2
  let s = sigma * t.squareRoot()
  return normalCDF((-h + nu * t) / s) + Foundation.exp(2 * nu * h / (sigma * sigma))
    * normalCDF((-h - nu * t) / s)
}

func threeAssetModel<T: BLASScalar>(_: T.Type = T.self) throws -> CorrelatedGBM<T> {
  try CorrelatedGBM(
    assets: ["A", "B", "C"], spot: [100, 50, 20], drift: [0.05, -0.02, 0.10],
    volatility: [0.2, 0.35, 0.6],
    correlation: Matrix([[1, 0.6, -0.3], [0.6, 1, 0.2], [-0.3, 0.2, 1]]))
}

@Suite struct PathSimulatorTests {
  func checkTerminalMean<T: BLASScalar>(_: T.Type, generator: NormalGenerator, antithetic: Bool)
    throws
  {
    let model = try threeAssetModel(T.self)
    let settings = SimulationSettings(
      paths: 40_000, steps: 4, horizon: 0.5, seed: 11, antithetic: antithetic, generator: generator)
    let result = try PathSimulator(model: model, settings: settings).run()
    for i in 0..<3 {
      let expected = Double(model.spot[i]) * Foundation.exp(Double(model.drift[i]) * 0.5)
      let e = result.terminal[i]
      #expect(
        abs(e.value - expected) <= standardErrors * e.standardError,
        "asset \(i): \(e) vs \(expected)")
      #expect(e.standardError > 0 && e.standardError < 0.01 * expected)
    }
  }

  @Test(
    "E[S_T] = S0·e^{μT} within 4 standard errors", arguments: NormalGenerator.allCases,
    [false, true])
  func terminalMeanDouble(generator: NormalGenerator, antithetic: Bool) throws {
    try checkTerminalMean(Double.self, generator: generator, antithetic: antithetic)
  }

  @Test("E[S_T] in Float within 4 standard errors")
  func terminalMeanFloat() throws {
    try checkTerminalMean(Float.self, generator: .philox, antithetic: false)
  }

  @Test("The covariance of log-returns matches ΣT within 4 standard errors")
  func logReturnCovariance() throws {
    let model = try threeAssetModel(Double.self)
    let (n, horizon) = (50_000, 0.25)
    let result = try PathSimulator(
      model: model, settings: SimulationSettings(paths: n, steps: 3, horizon: horizon, seed: 5),
      observers: PathObservers(keepTerminalPrices: true, extremes: false)
    ).run()
    let prices = try #require(result.terminalPrices)
    let x = (0..<3).map { i in prices.column(i).map { Foundation.log($0 / model.spot[i]) } }
    let means = x.map { $0.reduce(0, +) / Double(n) }
    let sigma = model.volatility
    for i in 0..<3 {
      #expect(
        abs(means[i] - (model.drift[i] - sigma[i] * sigma[i] / 2) * horizon) <= standardErrors
          * sigma[i] * (horizon / Double(n)).squareRoot())
      for j in 0...i {
        var c = 0.0
        for k in 0..<n { c += (x[i][k] - means[i]) * (x[j][k] - means[j]) }
        c /= Double(n - 1)
        let expected = model.correlation[i, j] * sigma[i] * sigma[j] * horizon
        // Var of a normal sample covariance: (σᵢᵢσⱼⱼ + σᵢⱼ²)/n.
        let se =
          ((sigma[i] * sigma[i] * sigma[j] * sigma[j] * horizon * horizon + expected * expected)
          / Double(n)).squareRoot()
        #expect(abs(c - expected) <= standardErrors * se, "(\(i), \(j)): \(c) vs \(expected)")
      }
    }
  }

  @Test(
    "Bit-identical results on 1, 2 and 3 threads and for any block size",
    arguments: NormalGenerator.allCases)
  func threadAndBlockInvariance(generator: NormalGenerator) throws {
    let model = try threeAssetModel(Double.self)
    let observers = PathObservers<Double>(
      keepTerminalPrices: true, holdings: [1, 2, 5], keepPortfolioValues: true,
      lowerBarriers: [80, nil, 10], upperBarriers: [nil, 70, nil])
    func run(threads: Int, block: Int) throws -> SimulationResult<Double> {
      let settings = SimulationSettings(
        paths: 9_000, steps: 7, horizon: 1, seed: 3, generator: generator, threads: threads,
        blockPaths: block)
      return try PathSimulator(model: model, settings: settings, observers: observers).run()
    }
    let reference = try run(threads: 1, block: 64)
    for (threads, block) in [(2, 64), (3, 2), (1, 250), (2, 1024)] {
      let other = try run(threads: threads, block: block)
      #expect(other.terminal == reference.terminal, "threads \(threads) block \(block)")
      #expect(other.minimum == reference.minimum)
      #expect(other.portfolio == reference.portfolio)
      #expect(other.lowerBarrierHits == reference.lowerBarrierHits)
      #expect(other.upperBarrierHits == reference.upperBarrierHits)
      #expect(other.terminalPrices == reference.terminalPrices)
      #expect(other.portfolioValues == reference.portfolioValues)
    }
  }

  @Test("Minima only (maxima: false): the same terminal prices and minima, bit for bit, no maxima")
  func minimaOnly() throws {
    let model = try threeAssetModel(Double.self)
    let settings = SimulationSettings(paths: 5_000, steps: 12, horizon: 1, seed: 8)
    func run(maxima: Bool) throws -> SimulationResult<Double> {
      let observers = PathObservers<Double>(
        holdings: [1, 2, 5], extremes: true, maxima: maxima, lowerBarriers: [80, nil, 10])
      return try PathSimulator(model: model, settings: settings, observers: observers).run()
    }
    let both = try run(maxima: true)
    let minima = try run(maxima: false)
    #expect(minima.terminal == both.terminal)
    #expect(minima.minimum == both.minimum)
    #expect(minima.maximum == nil && both.maximum != nil)
    #expect(minima.portfolio?.terminal == both.portfolio?.terminal)
    #expect(minima.portfolio?.minimum == both.portfolio?.minimum)
    #expect(minima.portfolio?.maximum == nil && both.portfolio?.maximum != nil)
    #expect(minima.lowerBarrierHits == both.lowerBarrierHits)
    // Below the spot on every path: the minimum never exceeds S₀ and the terminal mean.
    for i in 0..<3 {
      let m = try #require(minima.minimum)[i].value
      #expect(m <= model.spot[i] && m <= minima.terminal[i].value)
    }
  }

  @Test("Final log-prices swapped out of a one-step last chunk equal those carried forward")
  func oneStepLastChunk() throws {
    // d = 128 with 1024-path blocks makes one-step chunks (the last one's log-prices are swapped
    // out of z), except in the short last block; 64-path blocks keep both steps in one chunk,
    // and extremes (prices in z) turn the swap off.
    let d = 128
    let correlation = try Matrix<Double>(
      rows: d, columns: d, columnMajor: (0..<(d * d)).map { $0 % (d + 1) == 0 ? 1 : 0.3 })
    let model = try CorrelatedGBM(
      spot: (0..<d).map { 50 + Double($0) }, drift: Array(repeating: 0.02, count: d),
      volatility: (0..<d).map { 0.1 + 0.002 * Double($0) }, correlation: correlation)
    func run(steps: Int, block: Int, extremes: Bool) throws -> SimulationResult<Double> {
      let settings = SimulationSettings(
        paths: 1_500, steps: steps, horizon: 0.1, seed: 5, threads: 2, blockPaths: block)
      let observers = PathObservers<Double>(
        keepTerminalPrices: true, holdings: Array(repeating: 1, count: d),
        keepPortfolioValues: true, extremes: extremes)
      return try PathSimulator(model: model, settings: settings, observers: observers).run()
    }
    for (steps, swapped, carried) in [
      (
        2, try run(steps: 2, block: 1024, extremes: false),
        try run(steps: 2, block: 64, extremes: false)
      ),
      (
        1, try run(steps: 1, block: 1024, extremes: false),
        try run(steps: 1, block: 1024, extremes: true)
      ),
    ] {
      #expect(swapped.terminalPrices == carried.terminalPrices, "steps \(steps)")
      #expect(swapped.portfolioValues == carried.portfolioValues, "steps \(steps)")
      #expect(swapped.terminal == carried.terminal, "steps \(steps)")
    }
  }

  @Test(
    "A path's terminal prices do not depend on its block: sizes 2 to 1024, short last blocks",
    arguments: [(37, 1), (37, 3), (128, 1), (128, 2)])
  func blockPlacementInvariance(dimension d: Int, steps: Int) throws {
    // With OpenBLAS's Haswell and Zen kernels, the last n mod 8 columns of a TRMM are summed by
    // an edge kernel; a path placed there differed in the last bit (run the suite with
    // OPENBLAS_CORETYPE=Haswell to see it on any x86-64 machine). 301 paths make short last
    // blocks of every parity.
    func model<T: BLASScalar>(_: T.Type) throws -> CorrelatedGBM<T> {
      // ρᵢⱼ = 0.9^|i−j| (positive definite: an AR(1) correlation).
      let correlation = try Matrix<T>(
        rows: d, columns: d,
        columnMajor: (0..<(d * d)).map { T(Foundation.pow(0.9, Double(abs($0 % d - $0 / d)))) })
      return try CorrelatedGBM(
        spot: (0..<d).map { T(30 + $0) }, drift: Array(repeating: T(0.01), count: d),
        volatility: (0..<d).map { T(0.15 + 0.003 * Double($0)) }, correlation: correlation)
    }
    func prices<T: BLASScalar>(_ model: CorrelatedGBM<T>, block: Int) throws -> Matrix<T>? {
      let settings = SimulationSettings(
        paths: 301, steps: steps, horizon: 0.25, seed: 11, threads: 1, blockPaths: block)
      return try PathSimulator(
        model: model, settings: settings, observers: PathObservers(keepTerminalPrices: true)
      ).run().terminalPrices
    }
    let double = try model(Double.self)
    let float = try model(Float.self)
    let reference = try prices(double, block: 1024)
    let referenceFloat = try prices(float, block: 1024)
    for block in [2, 6, 14, 64, 100, 300] {
      #expect(try prices(double, block: block) == reference, "Double, block \(block)")
      #expect(try prices(float, block: block) == referenceFloat, "Float, block \(block)")
    }
  }

  @Test("One step: the running minimum and maximum are min and max of S(0) and S(T), per path")
  func oneStepExtremes() throws {
    let model = try threeAssetModel(Double.self)
    let settings = SimulationSettings(paths: 4_000, steps: 1, horizon: 0.5, seed: 12)
    let observers = PathObservers<Double>(keepTerminalPrices: true, extremes: true)
    let result = try PathSimulator(model: model, settings: settings, observers: observers).run()
    let prices = try #require(result.terminalPrices)
    for i in 0..<3 {
      let spot = Foundation.exp(Foundation.log(model.spot[i]))  // as the engine exponentiates
      let column = (0..<4_000).map { prices[$0, i] }
      let minimum = column.map { Swift.min($0, spot) }.reduce(0, +) / 4_000
      let maximum = column.map { Swift.max($0, spot) }.reduce(0, +) / 4_000
      #expect(abs(try #require(result.minimum)[i].value - minimum) <= 1e-12 * minimum)
      #expect(abs(try #require(result.maximum)[i].value - maximum) <= 1e-12 * maximum)
    }
  }

  @Test("Antithetic pairs: path 2j+1's shocks are path 2j's negated; variance of E[S_T] drops")
  func antitheticPairs() throws {
    let model = try threeAssetModel(Double.self)
    let settings = SimulationSettings(paths: 6, steps: 5, horizon: 1, seed: 8, antithetic: true)
    let result = try PathSimulator(
      model: model, settings: settings, observers: PathObservers(keepPaths: true)
    ).run()
    let paths = try #require(result.paths)
    #expect(paths.count == 6)
    let dt = 0.2
    for pair in stride(from: 0, to: 6, by: 2) {
      for i in 0..<3 {
        let drift = (model.drift[i] - model.volatility[i] * model.volatility[i] / 2) * dt
        for s in 1...5 {
          let up = Foundation.log(paths[pair][s, i] / paths[pair][s - 1, i]) - drift
          let down = Foundation.log(paths[pair + 1][s, i] / paths[pair + 1][s - 1, i]) - drift
          #expect(abs(up + down) <= 1e-12)
        }
      }
    }
    // Antithetic E[S_T] has a smaller standard error than plain sampling with as many paths.
    let plain = try PathSimulator(
      model: model, settings: SimulationSettings(paths: 20_000, steps: 1, horizon: 1, seed: 8)
    ).run()
    let paired = try PathSimulator(
      model: model,
      settings: SimulationSettings(paths: 20_000, steps: 1, horizon: 1, seed: 8, antithetic: true)
    ).run()
    for i in 0..<3 { #expect(paired.terminal[i].standardError < plain.terminal[i].standardError) }
  }

  @Test(
    "Barrier hits: the Brownian-bridge estimate on a 10-step grid matches the continuous first-passage law; the grid alone undercounts"
  )
  func bridgeCorrectedBarrier() throws {
    let model = try CorrelatedGBM<Double>(
      spot: [100, 100], drift: [0.08, -0.05], volatility: [0.3, 0.5],
      correlation: Matrix([[1, 0.4], [0.4, 1]]))
    let horizon = 1.0
    let settings = SimulationSettings(paths: 40_000, steps: 10, horizon: horizon, seed: 17)
    let observers = PathObservers<Double>(lowerBarriers: [80, 70], upperBarriers: [130, 150])
    let result = try PathSimulator(model: model, settings: settings, observers: observers).run()
    let lower = try #require(result.lowerBarrierHits)
    let upper = try #require(result.upperBarrierHits)
    for i in 0..<2 {
      let (mu, sigma) = (model.drift[i], model.volatility[i])
      let down = try #require(lower[i])
      let expectedDown = firstPassageBelow(
        spot: 100, barrier: down.barrier, drift: mu, volatility: sigma, horizon: horizon)
      #expect(
        abs(down.continuous.value - expectedDown) <= standardErrors * down.continuous.standardError,
        "lower \(i): \(down) vs \(expectedDown)")
      #expect(down.onGrid.value < expectedDown - standardErrors * down.onGrid.standardError)
      let up = try #require(upper[i])
      let expectedUp = firstPassageAbove(
        spot: 100, barrier: up.barrier, drift: mu, volatility: sigma, horizon: horizon)
      #expect(
        abs(up.continuous.value - expectedUp) <= standardErrors * up.continuous.standardError,
        "upper \(i): \(up) vs \(expectedUp)")
      #expect(up.onGrid.value < expectedUp - standardErrors * up.onGrid.standardError)
    }
  }

  @Test("Crossing probability p = exp(−2ac/(σ²Δt)), and 1 at or across the barrier")
  func crossingProbability() {
    #expect(
      abs(
        brownianBridgeCrossingProbability(logDistances: 0.1, 0.2, volatility: 0.5, interval: 0.04)
          - Foundation.exp(-2 * 0.02 / 0.01)) < 1e-15)
    #expect(
      brownianBridgeCrossingProbability(logDistances: 0.1, -0.01, volatility: 0.5, interval: 0.04)
        == 1)
    #expect(
      brownianBridgeCrossingProbability(logDistances: 0.0, 0.3, volatility: 0.5, interval: 0.04)
        == 1)
  }

  @Test(
    "Portfolio value: E[V_T] = Σ hᵢ E[Sᵢ(T)], V's extremes bracket it, kept values average to the estimate"
  )
  func portfolio() throws {
    let model = try threeAssetModel(Double.self)
    let holdings = [2.0, -1.0, 10.0]
    let settings = SimulationSettings(paths: 30_000, steps: 12, horizon: 1, seed: 23)
    let result = try PathSimulator(
      model: model, settings: settings,
      observers: PathObservers(holdings: holdings, keepPortfolioValues: true)
    ).run()
    let p = try #require(result.portfolio)
    let expected = (0..<3).map { holdings[$0] * model.spot[$0] * Foundation.exp(model.drift[$0]) }
      .reduce(0, +)
    #expect(abs(p.initial - 350) < 1e-12)
    #expect(abs(p.terminal.value - expected) <= standardErrors * p.terminal.standardError)
    let minimum = try #require(p.minimum)
    let maximum = try #require(p.maximum)
    #expect(minimum.value < min(p.initial, p.terminal.value))
    #expect(maximum.value > max(p.initial, p.terminal.value))
    let values = try #require(result.portfolioValues)
    #expect(values.count == 30_000)
    #expect(abs(values.reduce(0, +) / 30_000 - p.terminal.value) <= 1e-9 * abs(p.terminal.value))
    let minima = try #require(result.minimum)
    let maxima = try #require(result.maximum)
    for i in 0..<3 {
      #expect(minima[i].value <= min(model.spot[i], result.terminal[i].value))
      #expect(maxima[i].value >= max(model.spot[i], result.terminal[i].value))
    }
  }

  @Test("Terminal quantiles interpolate order statistics; the median of S_T is S0·e^{(μ−σ²/2)T}")
  func terminalQuantiles() throws {
    let model = try threeAssetModel(Double.self)
    let result = try PathSimulator(
      model: model, settings: SimulationSettings(paths: 20_001, steps: 1, horizon: 1, seed: 2),
      observers: PathObservers(keepTerminalPrices: true)
    ).run()
    let q = try result.terminalQuantiles([0, 0.5, 1])
    let prices = try #require(result.terminalPrices)
    for i in 0..<3 {
      let sorted = prices.column(i).sorted()
      #expect(q[0][i] == sorted.first)
      #expect(q[1][i] == sorted[10_000])
      #expect(q[2][i] == sorted.last)
      let sigma = model.volatility[i]
      let median = model.spot[i] * Foundation.exp(model.drift[i] - sigma * sigma / 2)
      // The sample median's standard error: 1/(2 f(m) √n), f the lognormal density at m.
      let density = 1 / (median * sigma * (2 * Double.pi).squareRoot())
      #expect(abs(q[1][i] - median) <= standardErrors / (2 * density * 20_001.0.squareRoot()))
    }
    #expect(throws: RiskKernelsError.self) { try result.terminalQuantiles([1.5]) }
  }

  @Test("A daily covariance estimate becomes an annual model: Σ·365 and μ = 365·mean + σ²/2")
  func fromDailyEstimate() throws {
    let daily = CovarianceEstimate<Double>(
      covariance: try Matrix([[0.0004, 0.0001], [0.0001, 0.0009]]), mean: [0.001, -0.0005],
      observationCount: 500, shrinkage: nil)
    let model = try CorrelatedGBM(spot: [10, 20], dailyEstimate: daily)
    #expect(abs(model.volatility[0] - (0.0004 * 365).squareRoot()) < 1e-15)
    #expect(abs(model.correlation[0, 1] - 0.0001 / (0.02 * 0.03)) < 1e-14)
    #expect(abs(model.drift[1] - (-0.0005 * 365 + 0.0009 * 365 / 2)) < 1e-15)
    let trading = try CorrelatedGBM(
      spot: [10, 20], dailyEstimate: daily, daysPerYear: 252, drift: [0, 0])
    #expect(trading.drift == [0, 0])
    #expect(abs(trading.volatility[1] - (0.0009 * 252).squareRoot()) < 1e-15)
  }

  @Test("Invalid models, settings and observers are typed errors before any path is drawn")
  func failurePaths() throws {
    #expect(throws: RiskKernelsError.notPositiveDefinite(failingMinor: 3)) {
      try CorrelatedGBM<Double>(
        spot: [1, 1, 1], drift: [0, 0, 0], volatility: [0.1, 0.1, 0.1],
        correlation: Matrix([[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]))
    }
    #expect(throws: RiskKernelsError.parameterOutOfRange(name: "spot[1]", value: 0, allowed: "> 0"))
    {
      try CorrelatedGBM<Double>(
        spot: [1, 0], drift: [0, 0], volatility: [0.1, 0.1], correlation: Matrix.identity(2))
    }
    #expect(throws: RiskKernelsError.self) {
      try CorrelatedGBM<Double>(
        spot: [1, 1], drift: [0, 0], volatility: [0.1, 0.1],
        correlation: Matrix([[1, 0.5], [0.4, 1]]))
    }
    let model = try threeAssetModel(Double.self)
    let good = SimulationSettings(paths: 10, steps: 2, horizon: 1, seed: 1)
    var bad = good
    bad.paths = 0
    #expect(
      throws: RiskKernelsError.parameterOutOfRange(name: "paths", value: 0, allowed: "1 … 2⁴⁸")
    ) {
      try PathSimulator(model: model, settings: bad).run()
    }
    bad = good
    bad.antithetic = true
    bad.paths = 11
    #expect(throws: RiskKernelsError.self) { try PathSimulator(model: model, settings: bad).run() }
    bad = good
    bad.horizon = -1
    #expect(throws: RiskKernelsError.self) { try PathSimulator(model: model, settings: bad).run() }
    bad = good
    bad.blockPaths = 3
    #expect(throws: RiskKernelsError.self) { try PathSimulator(model: model, settings: bad).run() }
    #expect(
      throws: RiskKernelsError.parameterOutOfRange(
        name: "lowerBarriers[0]", value: 120, allowed: "0 < B < spot 100.0")
    ) {
      try PathSimulator(
        model: model, settings: good, observers: PathObservers(lowerBarriers: [120, nil, nil])
      ).run()
    }
    #expect(throws: RiskKernelsError.self) {
      try PathSimulator(model: model, settings: good, observers: PathObservers(holdings: [1, 2]))
        .run()
    }
    bad = good
    bad.steps = Int.max
    #expect(
      throws: RiskKernelsError.parameterOutOfRange(
        name: "steps", value: Double(Int.max), allowed: "1 … 2³²")
    ) {
      try PathSimulator(model: model, settings: bad, observers: PathObservers(keepPaths: true))
        .run()
    }
    bad = good
    bad.paths = Int.max
    #expect(throws: RiskKernelsError.self) { try PathSimulator(model: model, settings: bad).run() }
    // A horizon so long that prices would overflow: a typed error, never infinities or NaN.
    bad = good
    bad.horizon = 1e6
    #expect(throws: RiskKernelsError.self) { try PathSimulator(model: model, settings: bad).run() }
    bad.horizon = 300  // fine in Double, but e^(10σ√T) overflows Float for σ = 0.6
    _ = try PathSimulator(model: model, settings: bad).run()
    #expect(throws: RiskKernelsError.self) {
      try PathSimulator(model: try threeAssetModel(Float.self), settings: bad).run()
    }
    var huge = good
    huge.paths = 1_000_000
    huge.steps = 100
    #expect(throws: RiskKernelsError.self) {
      try PathSimulator(model: model, settings: huge, observers: PathObservers(keepPaths: true))
        .run()
    }
  }

  @Test("The docs/monte-carlo.md example runs (with fewer paths)")
  func documentationExample() throws {
    let model = try CorrelatedGBM<Double>(
      assets: ["BTC", "ETH"], spot: [60_000, 3_000], drift: [0, 0], volatility: [0.6, 0.8],
      correlation: Matrix([[1, 0.8], [0.8, 1]]))
    let settings = SimulationSettings(
      paths: 20_000, steps: 24, horizon: Horizon.days(1).years, seed: 2026,
      antithetic: true)
    let observers = PathObservers<Double>(
      holdings: [1, 10], keepPortfolioValues: true, lowerBarriers: [54_000, nil])
    let result = try PathSimulator(model: model, settings: settings, observers: observers).run()
    let hit = try #require(result.lowerBarrierHits?[0])
    let expected = firstPassageBelow(
      spot: 60_000, barrier: 54_000, drift: 0, volatility: 0.6, horizon: 1.0 / 365)
    #expect(abs(hit.continuous.value - expected) <= standardErrors * hit.continuous.standardError)
    let initial = try #require(result.portfolio?.initial)
    let pnl = try #require(result.portfolioValues).map { $0 - initial }
    let q01 = try linearQuantiles(of: pnl, probabilities: [0.01])[0]
    #expect(q01 < 0)
  }
}
