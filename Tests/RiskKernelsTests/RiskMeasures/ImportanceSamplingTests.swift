import Foundation
import Testing

@testable import RiskKernels

@Suite struct ImportanceSamplingTests {
  typealias Lognormal = TailStandardErrorsTests.Lognormal

  func lognormalSampling(
    paths: Int, confidence: Double, seed: UInt64, threads: Int? = 1, strata: Int? = nil
  ) throws -> PortfolioImportanceSampling<Double> {
    let l = Lognormal()
    let model = try CorrelatedGBM<Double>(
      spot: [100], drift: [l.mu], volatility: [l.sigma], correlation: Matrix([[1]]))
    return try PortfolioImportanceSampling(
      model: model, holdings: [1],
      settings: SimulationSettings(
        paths: paths, steps: 1, horizon: l.horizon, seed: seed, threads: threads),
      confidence: confidence, strata: strata)
  }

  /// Four correlated assets with a short, like a small book.
  func book<T: BLASScalar>(_: T.Type) throws -> (CorrelatedGBM<T>, [T]) {
    let rho: [[T]] = [
      [1, 0.6, 0.3, 0.2], [0.6, 1, 0.4, 0.1], [0.3, 0.4, 1, 0.5], [0.2, 0.1, 0.5, 1],
    ]
    let model = try CorrelatedGBM<T>(
      spot: [100, 50, 20, 200], drift: [0.02, 0.01, 0.03, 0], volatility: [0.3, 0.5, 0.8, 0.2],
      correlation: Matrix(rho))
    return (model, [0.4, 0.6, 1.5, -0.05])
  }

  @Test("Weighted estimator by hand: quantile where the weights reach Np, ES with the remainder")
  func weightedByHand() throws {
    // Sorted: −0.5 (w 0.2), −0.3 (w 0.5), −0.1 (w 1), 0.2 (w 1.3); N = 4, c = 0.75: Np = 1.
    let r = try EmpiricalVaR(confidence: 0.75).measure(
      [0.2, -0.3, -0.5, -0.1], weights: [1.3, 0.5, 0.2, 1])
    // Cumulative 0.2, 0.7, 1.7: J is −0.1's rank; ES = −(0.2·(−0.5) + 0.5·(−0.3) + 0.3·(−0.1))/1.
    #expect(r.valueAtRisk == 0.1)
    #expect(abs(r.expectedShortfall - 0.28) < 1e-15)
  }

  @Test(
    "Unit weights give measure(_:)'s VaR and ES, and TailStandardErrors' standard errors to O(1/k)",
    arguments: [0.99, 0.95, 0.5])
  func unitWeights(confidence: Double) throws {
    let returns = try standardNormals(count: 10_000, seed: 7, as: Double.self).map { $0 * 0.02 }
    let plain = try EmpiricalVaR(confidence: confidence).measure(
      contributions: Matrix(uncheckedRows: returns.count, columns: 1, storage: returns))
    let weighted = try EmpiricalVaR(confidence: confidence).measure(
      returns, weights: [Double](repeating: 1, count: returns.count))
    #expect(weighted.valueAtRisk == plain.valueAtRisk)
    #expect(abs(weighted.expectedShortfall - plain.expectedShortfall) < 1e-15)
    let (pv, we) = (
      try #require(plain.valueAtRiskStandardError), try #require(weighted.valueAtRiskStandardError)
    )
    #expect(abs(we / pv - 1) < 1e-3, "\(we) vs \(pv)")
    let (pe, wes) = (
      try #require(plain.expectedShortfallStandardError),
      try #require(weighted.expectedShortfallStandardError)
    )
    // The same asymptotic variance; the tail's sample variance divides by k − 1 there, by N
    // here: they differ by O(1/k).
    #expect(abs(wes / pe - 1) < 1e-2, "\(wes) vs \(pe)")
  }

  @Test("Bad weighted samples throw")
  func badWeightedSamples() {
    #expect(throws: RiskKernelsError.self) {
      try EmpiricalVaR(confidence: 0.99).measure([Double](), weights: [])
    }
    #expect(throws: RiskKernelsError.self) {
      try EmpiricalVaR(confidence: 0.99).measure([0.1, 0.2], weights: [1])
    }
    #expect(throws: RiskKernelsError.self) {
      try EmpiricalVaR(confidence: 0.99).measure([0.1, 0.2], weights: [1, -1])
    }
    #expect(throws: RiskKernelsError.self) {
      try EmpiricalVaR(confidence: 0.99).measure([0.1, 0.2], weights: [1, .nan])
    }
    #expect(throws: RiskKernelsError.self) {
      try EmpiricalVaR(confidence: 1).measure([0.1, 0.2], weights: [1, 1])
    }
  }

  @Test("Unbiased: the weighted tail probability at the exact 1% quantile is 1% within 4 s.e.")
  func tailProbability() throws {
    let exact = try Lognormal().exact(confidence: 0.99)
    let sample = try lognormalSampling(paths: 20_000, confidence: 0.99, seed: 11).run()
    let p = sample.probability(atOrBelow: -exact.valueAtRisk)
    #expect(abs(p.value - 0.01) < 4 * p.standardError, "\(p.value) ± \(p.standardError)")
    // Plain sampling would give s.e. √(0.01·0.99/20 000) = 7.0e-4; the shift cuts it severalfold.
    #expect(p.standardError < 2.5e-4, "\(p.standardError)")
  }

  @Test("The likelihood ratios average 1 within 4 standard errors (Double and Float)")
  func meanWeight() throws {
    let double = try lognormalSampling(paths: 20_000, confidence: 0.99, seed: 5).run().meanWeight
    #expect(abs(double.value - 1) < 4 * double.standardError, "\(double)")
    let (model, holdings) = try book(Float.self)
    let float = try PortfolioImportanceSampling(
      model: model, holdings: holdings,
      settings: SimulationSettings(paths: 20_000, steps: 2, horizon: 10.0 / 365, seed: 5),
      confidence: 0.99
    ).run().meanWeight
    #expect(abs(float.value - 1) < 4 * float.standardError, "\(float)")
  }

  @Test(
    "Closed form: IS VaR and ES of a lognormal within 4 s.e., with a smaller s.e. than plain",
    arguments: [(0.99, 2_000), (0.999, 5_000)])
  func lognormal(confidence: Double, paths: Int) throws {
    let exact = try Lognormal().exact(confidence: confidence)
    let risk = try lognormalSampling(paths: paths, confidence: confidence, seed: 21).run()
      .tailRisk(confidence: confidence)
    let (v, e) = (
      try #require(risk.valueAtRiskStandardError),
      try #require(risk.expectedShortfallStandardError)
    )
    #expect(abs(risk.valueAtRisk - exact.valueAtRisk) < 4 * v, "\(risk.valueAtRisk) ± \(v)")
    #expect(
      abs(risk.expectedShortfall - exact.expectedShortfall) < 4 * e,
      "\(risk.expectedShortfall) ± \(e)")
    let plain = try Lognormal().risk(paths: paths, confidence: confidence, seed: 21)
    let plainVaR = try #require(plain.valueAtRiskStandardError)
    let plainES = try #require(plain.expectedShortfallStandardError)
    #expect(v < plainVaR / 2, "IS \(v) vs plain \(plainVaR)")
    #expect(e < plainES / 2, "IS \(e) vs plain \(plainES)")
  }

  @Test(
    "Coverage: over 200 seeds the IS 95% intervals hold the closed-form VaR and ES 90–99%, with the automatic post-strata (31) and without",
    arguments: [nil, 1])
  func coverage(strata: Int?) throws {
    let exact = try Lognormal().exact(confidence: 0.99)
    var (coveredVaR, coveredES) = (0, 0)
    for seed in 0..<200 {
      let sampling = try lognormalSampling(
        paths: 2_000, confidence: 0.99, seed: UInt64(500 + seed), strata: strata)
      #expect(sampling.strata == (strata ?? 31))
      let risk = try sampling.run().tailRisk(confidence: 0.99)
      if try #require(try risk.valueAtRiskInterval()).contains(exact.valueAtRisk) {
        coveredVaR += 1
      }
      if try #require(try risk.expectedShortfallInterval()).contains(exact.expectedShortfall) {
        coveredES += 1
      }
    }
    #expect((180...198).contains(coveredVaR), "VaR covered \(coveredVaR) of 200")
    #expect((180...198).contains(coveredES), "ES covered \(coveredES) of 200")
  }

  @Test("A book: IS and plain agree within their s.e.; components sum to the totals; Float too")
  func bookAgreement() throws {
    let (model, holdings) = try book(Double.self)
    let settings = SimulationSettings(paths: 50_000, steps: 1, horizon: 1.0 / 365, seed: 9)
    let plain = try MonteCarloVaR(confidence: 0.99).measure(
      model: model, holdings: holdings, settings: settings)
    let sampled = try MonteCarloVaR(confidence: 0.99).measureImportanceSampled(
      model: model, holdings: holdings, settings: settings)
    for (a, b, ea, eb) in [
      (
        plain.valueAtRisk, sampled.valueAtRisk, plain.valueAtRiskStandardError!,
        sampled.valueAtRiskStandardError!
      ),
      (
        plain.expectedShortfall, sampled.expectedShortfall,
        plain.expectedShortfallStandardError!, sampled.expectedShortfallStandardError!
      ),
    ] {
      #expect(abs(a - b) < 4 * (ea * ea + eb * eb).squareRoot(), "\(a) ± \(ea) vs \(b) ± \(eb)")
      #expect(eb < ea, "IS s.e. \(eb) not below plain \(ea)")
    }
    let v = try #require(sampled.valueAtRiskComponents)
    let e = try #require(sampled.expectedShortfallComponents)
    #expect(abs(v.reduce(0, +) - sampled.valueAtRisk) < 1e-12)
    #expect(abs(e.reduce(0, +) - sampled.expectedShortfall) < 1e-12)
    // The short (asset 4) hedges: its ES component is a gain in the tail.
    #expect(e[3] < 0)

    let (floatModel, floatHoldings) = try book(Float.self)
    let float = try MonteCarloVaR(confidence: 0.99).measureImportanceSampled(
      model: floatModel, holdings: floatHoldings, settings: settings)
    #expect(abs(Double(float.valueAtRisk) - sampled.valueAtRisk) < 1e-3 * sampled.valueAtRisk)
    #expect(
      abs(Double(float.expectedShortfall) - sampled.expectedShortfall)
        < 1e-3 * sampled.expectedShortfall)
  }

  @Test(
    "Post-strata: on a book the s.e. of VaR and ES fall at least 2× against none, and the figures agree"
  )
  func postStrata() throws {
    let (model, holdings) = try book(Double.self)
    let settings = SimulationSettings(paths: 20_000, steps: 1, horizon: 1.0 / 365, seed: 3)
    func risk(strata: Int?) throws -> TailRisk<Double> {
      let sampling = try PortfolioImportanceSampling(
        model: model, holdings: holdings, settings: settings, confidence: 0.99, strata: strata)
      let sample = try sampling.run()
      // 312 asked; a few may merge to reach 40 paths each.
      #expect(strata == 1 ? sample.strata == 1 : (280...312).contains(sample.strata))
      return try sample.tailRisk(confidence: 0.99)
    }
    let (plain, stratified) = (try risk(strata: 1), try risk(strata: nil))
    for (a, b, ea, eb) in [
      (
        plain.valueAtRisk, stratified.valueAtRisk, plain.valueAtRiskStandardError!,
        stratified.valueAtRiskStandardError!
      ),
      (
        plain.expectedShortfall, stratified.expectedShortfall,
        plain.expectedShortfallStandardError!, stratified.expectedShortfallStandardError!
      ),
    ] {
      #expect(abs(a - b) < 4 * ea, "\(a) ± \(ea) vs \(b) ± \(eb)")
      #expect(eb < ea / 2, "post-stratified s.e. \(eb) vs \(ea)")
    }
    let e = try #require(stratified.expectedShortfallComponents)
    #expect(abs(e.reduce(0, +) - stratified.expectedShortfall) < 1e-12)
  }

  @Test("Post-strata by hand: cut at the sampling law's quantiles, merged to two paths each")
  func strataByHand() throws {
    // Scores N(0, 1) under the sampling law, K = 4: cuts at Φ⁻¹(¼, ½, ¾) = ∓0.674, 0.
    let scores = [-2.0, -1.0, -0.5, -0.3, 0.1, 0.2, 0.3, 5.0]
    let strata = try #require(
      PostStratification(scores: scores, mean: 0, strata: 4, minimumPaths: 2))
    #expect(strata.stratum == [0, 0, 1, 1, 2, 2, 2, 2])  // the last fine stratum (1 path) merged
    #expect(strata.sizes == [2, 2, 4])
    // c_h = N q_h / n_h: 8·¼/2, 8·¼/2, 8·½/4.
    #expect(strata.factors == [1, 1, 1])
    let skewed = try #require(
      PostStratification(scores: scores, mean: 0.25, strata: 2, minimumPaths: 2))
    #expect(skewed.sizes == [6, 2])
    let expected: [Double] = [4.0 / 6, 2]  // 8·½/6, 8·½/2
    #expect(skewed.factors == expected)
    #expect(PostStratification(scores: scores, mean: 0, strata: 1, minimumPaths: 2) == nil)
    // One stratum: nothing to gain.
    #expect(PostStratification(scores: [0, 0, 0, 0], mean: 0, strata: 8, minimumPaths: 2) == nil)
    // Cuts at Φ⁻¹(j/8) = ∓1.15, ∓0.67, ∓0.32, 0: 2 paths in the lowest eighth, 1 in the next
    // (merged with the third's 2), 2 in each of the next four, 1 in the last (joining the one
    // before).
    let middle = try #require(
      PostStratification(
        scores: [-2, -1.9, -1, -0.5, -0.45, -0.2, -0.1, 0.1, 0.2, 0.4, 0.5, 0.8, 0.9, 2],
        mean: 0, strata: 8, minimumPaths: 2))
    #expect(middle.sizes == [2, 3, 2, 2, 2, 3])
    #expect(middle.stratum == [0, 0, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 5])
    let probabilities = zip(middle.sizes, middle.factors).map { Double($0.0) * $0.1 / 14 }
    #expect(abs(probabilities.reduce(0, +) - 1) < 1e-15)  // the q_h add up to 1
    // One stratum of N is plain sampling's s²/N, with s² over N − 1.
    let v = PostStratification.varianceOfMean(sizes: [4], sums: [10], squares: [30])
    #expect(abs(v - (30 - 25.0) / 3 / 4) < 1e-15)
  }

  @Test("Strata asked beyond the paths are merged to 40 paths each; θ = 0 has none")
  func strataLimits() throws {
    let (model, holdings) = try book(Double.self)
    let settings = SimulationSettings(paths: 2_000, steps: 1, horizon: 1.0 / 365, seed: 6)
    let many = try PortfolioImportanceSampling(
      model: model, holdings: holdings, settings: settings, confidence: 0.99, strata: 5_000
    ).run()
    #expect(many.strata >= 2 && many.strata <= 2_000 / 40, "\(many.strata)")
    let unshifted = try PortfolioImportanceSampling(
      model: model, holdings: holdings, settings: settings, confidence: 0.99, shiftSize: 0,
      strata: 16)
    #expect(unshifted.strata == 1)
    #expect(try unshifted.run().strata == 1)
    let few = SimulationSettings(paths: 60, steps: 1, horizon: 1.0 / 365, seed: 6)
    let small = try PortfolioImportanceSampling(
      model: model, holdings: holdings, settings: few, confidence: 0.95, strata: 4
    ).run()
    #expect(small.strata == 1)  // 60 paths cannot hold two strata of 40
  }

  @Test("The same bits on 1 and 2 threads and from a run split into two partials")
  func reproducible() throws {
    let (model, holdings) = try book(Double.self)
    func sampling(threads: Int) throws -> PortfolioImportanceSampling<Double> {
      try PortfolioImportanceSampling(
        model: model, holdings: holdings,
        settings: SimulationSettings(
          paths: 5_000, steps: 3, horizon: 5.0 / 365, seed: 4, threads: threads),
        confidence: 0.975)
    }
    let one = try sampling(threads: 1).run()
    let two = try sampling(threads: 2).run()
    #expect(one.returns == two.returns)
    #expect(one.weights == two.weights)
    #expect(try one.tailRisk(confidence: 0.975) == two.tailRisk(confidence: 0.975))
    let s = try sampling(threads: 2)
    let g = s.simulator.groupCount
    let merged = try s.simulator.run(groups: 0..<2).merging(s.simulator.run(groups: 2..<g))
    let split = try s.sample(from: s.simulator.result(from: merged))
    #expect(split.returns == one.returns)
    #expect(try split.tailRisk(confidence: 0.975) == one.tailRisk(confidence: 0.975))
  }

  @Test("θ = 0 is plain Monte Carlo: unit weights and the empirical VaR")
  func noShift() throws {
    let (model, holdings) = try book(Double.self)
    let settings = SimulationSettings(paths: 3_000, steps: 1, horizon: 1.0 / 365, seed: 2)
    let sample = try PortfolioImportanceSampling(
      model: model, holdings: holdings, settings: settings, confidence: 0.99, shiftSize: 0
    ).run()
    #expect(sample.weights.allSatisfy { $0 == 1 })
    let plain = try MonteCarloVaR(confidence: 0.99).measure(
      model: model, holdings: holdings, settings: settings)
    #expect(try sample.tailRisk(confidence: 0.99).valueAtRisk == plain.valueAtRisk)
  }

  @Test("Bad settings throw before any path is drawn")
  func badSettings() throws {
    let (model, holdings) = try book(Double.self)
    let settings = SimulationSettings(paths: 1_000, steps: 1, horizon: 1.0 / 365, seed: 2)
    var antithetic = settings
    antithetic.antithetic = true
    #expect(throws: RiskKernelsError.self) {
      try PortfolioImportanceSampling(
        model: model, holdings: holdings, settings: antithetic, confidence: 0.99)
    }
    for bad in [-1.0, 11, .nan, .infinity] {
      #expect(throws: RiskKernelsError.self) {
        try PortfolioImportanceSampling(
          model: model, holdings: holdings, settings: settings, confidence: 0.99, shiftSize: bad)
      }
    }
    for strata in [0, PortfolioImportanceSampling<Double>.strataLimit + 1] {
      #expect(throws: RiskKernelsError.self) {
        try PortfolioImportanceSampling(
          model: model, holdings: holdings, settings: settings, confidence: 0.99, strata: strata)
      }
    }
    for c in [0.3, 1.0] {
      #expect(throws: RiskKernelsError.self) {
        try PortfolioImportanceSampling(
          model: model, holdings: holdings, settings: settings, confidence: c)
      }
    }
    #expect(throws: RiskKernelsError.self) {
      try PortfolioImportanceSampling(
        model: model, holdings: [-1, 0, 0, 0], settings: settings, confidence: 0.99)
    }
    #expect(throws: RiskKernelsError.self) {
      try PortfolioImportanceSampling(
        model: model, holdings: [1, 1], settings: settings, confidence: 0.99)
    }
    let s = try PortfolioImportanceSampling(
      model: model, holdings: holdings, settings: settings, confidence: 0.99)
    let other = try PathSimulator(model: model, settings: settings).run()
    #expect(throws: RiskKernelsError.self) { try s.sample(from: other) }
  }
}
