import Foundation
import RiskKernels
import Testing
import _RiskKernelsTestSupport

@Suite struct StreamingKernelTests {
  /// TWAP by integrating the step function directly.
  static func batchTWAP(_ times: [Double], _ prices: [Double], window: Double, at now: Double)
    -> Double
  {
    let from = max(now - window, times[0])
    if now <= from { return prices.last! }
    var area = 0.0
    for k in times.indices {
      let start = max(times[k], from)
      let end = min(k + 1 < times.count ? times[k + 1] : now, now)
      if end > start { area += (end - start) * prices[k] }
    }
    return area / (now - from)
  }

  @Test(
    "TWAP at irregular times equals the integral of the step function, at every update and in between"
  )
  func twapMatchesBatch() throws {
    var rng = SplitMix64(seed: 1)
    var twap = try TWAP<Double>(window: 60)
    var (times, prices) = ([Double](), [Double]())
    var t = 1_000.0
    for step in 0..<3_000 {
      // Bursts of trades and long gaps, some at the same timestamp.
      t +=
        step % 97 == 0
        ? Double.random(in: 50...200, using: &rng)
        : (step % 5 == 0 ? 0 : Double.random(in: 0...3, using: &rng))
      let p = 100 * exp(Double.random(in: -0.01...0.01, using: &rng))
      try twap.update(time: t, price: p)
      times.append(t)
      prices.append(p)
      for now in [t, t + 7.5, t + 75] {
        let expected = Self.batchTWAP(times, prices, window: 60, at: now)
        let got = try #require(try twap.value(at: now))
        #expect(abs(got - expected) <= 1e-10 * expected, "step \(step) at \(now)")
      }
    }
  }

  @Test("TWAP: no value before the first price; errors leave the state unchanged; reset")
  func twapEdges() throws {
    var twap = try TWAP<Float>(window: 10)
    #expect(try twap.value() == nil)
    try twap.update(time: 0, price: 2)
    #expect(try twap.value() == 2)
    try twap.update(time: 4, price: 4)
    #expect(try twap.value(at: 6) == (4 * 2 + 2 * 4) / 6)
    #expect(throws: RiskKernelsError.self) { try twap.update(time: 3, price: 1) }
    #expect(throws: RiskKernelsError.self) { try twap.update(time: 5, price: -1) }
    #expect(throws: RiskKernelsError.self) { try twap.update(time: .nan, price: 1) }
    #expect(throws: RiskKernelsError.self) { try twap.value(at: 1) }
    #expect(try twap.value(at: 6) == (4 * 2 + 2 * 4) / 6)
    #expect(try twap.value(at: 20) == 4)
    twap.reset()
    #expect(try twap.value() == nil)
    #expect(
      throws: RiskKernelsError.parameterOutOfRange(name: "window", value: 0, allowed: "> 0, finite")
    ) {
      try TWAP<Double>(window: 0)
    }
  }

  @Test("Rolling volatility equals the sample standard deviation of the window, over 10⁵ updates")
  func rollingMatchesBatch() throws {
    var rng = SplitMix64(seed: 2)
    var rolling = try RollingVolatility<Double>(window: 50)
    var history: [Double] = []
    for step in 0..<100_000 {
      // A level far from zero makes the removals' cancellation visible if it accumulated.
      let r = 5 + 0.01 * Double.random(in: -1...1, using: &rng)
      try rolling.update(r)
      history.append(r)
      guard step % 997 == 0 || step < 60 else { continue }
      let window = history.suffix(50)
      guard window.count >= 2 else {
        #expect(rolling.volatility == nil)
        continue
      }
      let mean = window.reduce(0, +) / Double(window.count)
      let sd = (window.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(window.count - 1))
        .squareRoot()
      #expect(abs(rolling.volatility! - sd) <= 1e-9 * sd, "step \(step)")
      #expect(rolling.observations == window.count)
    }
    #expect(throws: RiskKernelsError.self) { try rolling.update(.infinity) }
    #expect(throws: RiskKernelsError.self) { try RollingVolatility<Float>(window: 1) }
  }

  @Test("EWMA volatility follows the RiskMetrics recursion; Float and Double")
  func ewma() throws {
    var v = try EWMAVolatility<Double>(decay: 0.94)
    #expect(v.volatility == nil)
    let returns = [0.01, -0.02, 0.005, 0.03]
    var expected = 0.01 * 0.01
    try v.update(returns[0])
    for r in returns.dropFirst() {
      expected = 0.94 * expected + 0.06 * r * r
      try v.update(r)
    }
    #expect(abs(v.variance! - expected) <= 1e-18)
    var f = try EWMAVolatility<Float>(decay: 0.9)
    for r in returns { try f.update(Float(r)) }
    #expect(f.volatility! > 0)
    #expect(throws: RiskKernelsError.self) { try EWMAVolatility<Double>(decay: 1) }
    v.reset()
    #expect(v.variance == nil)
  }

  @Test(
    "Constant-product AMM: closed-form output, k preserved without fee and grown with it, slippage")
  func amm() throws {
    var pool = try ConstantProductAMM<Double>(reserveX: 1_000, reserveY: 2_000_000, fee: 0.003)
    #expect(pool.spotPrice == 2_000)
    let out = try pool.output(amountIn: 10, .xForY)
    #expect(abs(out - 2_000_000 * 10 * 0.997 / (1_000 + 10 * 0.997)) <= 1e-9)
    // A tiny trade loses only the fee; a larger one adds the price impact.
    #expect(abs(try pool.slippage(amountIn: 1e-6, .xForY) - 0.003) <= 1e-8)
    #expect(
      abs(try pool.slippage(amountIn: 10, .xForY) - (1 - 0.997 * 1_000 / (1_000 + 9.97))) <= 1e-12)
    let k = pool.reserveX * pool.reserveY
    _ = try pool.swap(amountIn: 10, .xForY)
    #expect(pool.reserveX * pool.reserveY > k)
    var free = try ConstantProductAMM<Double>(reserveX: 1_000, reserveY: 2_000_000, fee: 0)
    let y = try free.swap(amountIn: 50_000, .yForX)
    #expect(abs(free.reserveX * free.reserveY - 2e9) <= 1e-6)
    #expect(abs(y - 1_000 * 50_000 / 2_050_000) <= 1e-12)
    #expect(abs(try free.slippage(amountIn: 5, .xForY) - 5 / (free.reserveX + 5)) <= 1e-12)
    #expect(throws: RiskKernelsError.self) { try free.output(amountIn: 0, .xForY) }
    #expect(throws: RiskKernelsError.self) {
      try ConstantProductAMM<Float>(reserveX: 1, reserveY: 1, fee: 1)
    }
    #expect(throws: RiskKernelsError.self) {
      try ConstantProductAMM<Float>(reserveX: 0, reserveY: 1)
    }
  }
}

@Suite struct AdaptiveSpreadTests {
  @Test(
    "Avellaneda–Stoikov quotes: closed form, symmetric at zero inventory, monotone in σ and depth")
  func closedForm() throws {
    let model = try AdaptiveSpread<Double>(riskAversion: 0.1, depth: 1.5)
    let q = try model.quotes(mid: 100, volatility: 2, inventory: 3, timeLeft: 0.5)
    #expect(abs(q.reservationPrice - (100 - 3 * 0.1 * 4 * 0.5)) <= 1e-12)
    #expect(abs(q.spread - (0.1 * 4 * 0.5 + 2 / 0.1 * log(1 + 0.1 / 1.5))) <= 1e-12)
    #expect(abs(q.ask - q.bid - q.spread) <= 1e-12)
    let flat = try model.quotes(mid: 100, volatility: 2, inventory: 0, timeLeft: 0.5)
    #expect(abs((flat.bid + flat.ask) / 2 - 100) <= 1e-12)
    #expect(
      try model.quotes(mid: 100, volatility: 3, inventory: 0, timeLeft: 0.5).spread > flat.spread)
    let deeper = try AdaptiveSpread<Double>(riskAversion: 0.1, depth: 5)
    #expect(
      try deeper.quotes(mid: 100, volatility: 2, inventory: 0, timeLeft: 0.5).spread < flat.spread)
    // Long inventory skews both quotes down (sell more eagerly).
    #expect(q.ask < flat.ask && q.bid < flat.bid)
  }

  @Test("The reservation price is the mean of the utility-indifference bid and ask")
  func indifference() throws {
    let (gamma, sigma, tau, s, x, q) = (0.2, 1.5, 0.8, 50.0, 10.0, 2.0)
    // CARA value function of holding q with cash x, price S ~ N(s, σ²τ).
    func value(_ cash: Double, _ inventory: Double) -> Double {
      -exp(-gamma * cash) * exp(-gamma * inventory * s)
        * exp(gamma * gamma * inventory * inventory * sigma * sigma * tau / 2)
    }
    // Indifference bid: v(x − b, q + 1) = v(x, q); ask: v(x + a, q − 1) = v(x, q). Bisection.
    func solve(_ f: (Double) -> Double) -> Double {
      var (lo, hi) = (0.0, 200.0)
      for _ in 0..<200 {
        let mid = (lo + hi) / 2
        if f(lo) * f(mid) <= 0 { hi = mid } else { lo = mid }
      }
      return (lo + hi) / 2
    }
    let bid = solve { value(x - $0, q + 1) - value(x, q) }
    let ask = solve { value(x + $0, q - 1) - value(x, q) }
    let model = try AdaptiveSpread<Double>(riskAversion: gamma, depth: 1)
    let quotes = try model.quotes(mid: s, volatility: sigma, inventory: q, timeLeft: tau)
    #expect(abs((bid + ask) / 2 - quotes.reservationPrice) <= 1e-9)
  }

  @Test("Bad parameters are typed errors; Float works")
  func errors() throws {
    #expect(throws: RiskKernelsError.self) { try AdaptiveSpread<Double>(riskAversion: 0, depth: 1) }
    let model = try AdaptiveSpread<Float>(riskAversion: 0.1, depth: 1)
    #expect(throws: RiskKernelsError.self) {
      try model.quotes(mid: -1, volatility: 1, inventory: 0, timeLeft: 1)
    }
    #expect(throws: RiskKernelsError.self) {
      try model.quotes(mid: 1, volatility: -1, inventory: 0, timeLeft: 1)
    }
    #expect(throws: RiskKernelsError.self) {
      try model.quotes(mid: 1, volatility: 1, inventory: .nan, timeLeft: 1)
    }
    #expect(try model.quotes(mid: 10, volatility: 0.5, inventory: 1, timeLeft: 1).spread > 0)
  }
}
