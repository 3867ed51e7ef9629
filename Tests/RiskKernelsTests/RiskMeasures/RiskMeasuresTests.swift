import Foundation
import RiskKernels
import Testing
import _RiskKernelsTestSupport

/// Tests/FixtureScripts/make_riskmeasures.py.
struct RiskMeasuresFixture: Decodable {
  struct Parametric: Decodable {
    let confidence: Double
    let horizonDays: Double
    let valueAtRisk: Double
    let expectedShortfall: Double
    let valueAtRiskComponents: [Double]
    let expectedShortfallComponents: [Double]
  }
  struct Tail: Decodable {
    let confidence: Double
    let valueAtRisk: Double
    let expectedShortfall: Double
  }
  struct Backtest: Decodable {
    let hits: [Bool]
    let confidence: Double
    let exceedances: Int
    let kupiec: Double
    let kupiecP: Double
    let independence: Double
    let independenceP: Double
    let conditionalCoverage: Double
    let conditionalCoverageP: Double
  }
  let covariance: [[Double]]
  let weights: [Double]
  let means: [Double]
  let parametric: [Parametric]
  let sample: [Double]
  let cornishFisher: [Tail]
  let historical: [Tail]
  let backtests: [Backtest]

  static func load() throws -> RiskMeasuresFixture {
    guard
      let url = Bundle.module.url(
        forResource: "Fixtures/riskmeasures/riskmeasures", withExtension: "json")
    else { throw FixtureMissing(name: "riskmeasures") }
    return try JSONDecoder().decode(RiskMeasuresFixture.self, from: Data(contentsOf: url))
  }
}

@Suite struct RiskMeasuresTests {
  @Test("Parametric normal VaR/ES and Euler components match SciPy; components sum to the totals")
  func parametric() throws {
    let f = try RiskMeasuresFixture.load()
    let sigma: Matrix<Double> = matrix(f.covariance)
    for c in f.parametric {
      let r = try ParametricVaR(
        confidence: c.confidence, horizon: .days(c.horizonDays)
      ).measure(weights: f.weights, covariance: sigma, means: f.means)
      #expect(abs(r.valueAtRisk - c.valueAtRisk) <= 1e-14)
      #expect(abs(r.expectedShortfall - c.expectedShortfall) <= 1e-14)
      #expect(maxAbsoluteDifference(r.valueAtRiskComponents!, c.valueAtRiskComponents) <= 1e-15)
      #expect(
        maxAbsoluteDifference(r.expectedShortfallComponents!, c.expectedShortfallComponents)
          <= 1e-15)
      #expect(r.expectedShortfall > r.valueAtRisk)
    }
    // Float: the same to Float's precision.
    let single = try ParametricVaR(confidence: 0.99).measure(
      weights: f.weights.map(Float.init), covariance: sigma.converted(to: Float.self))
    let double = try ParametricVaR(confidence: 0.99).measure(weights: f.weights, covariance: sigma)
    #expect(abs(Double(single.valueAtRisk) - double.valueAtRisk) <= 1e-6 * double.valueAtRisk * 10)
  }

  @Test(
    "Gaussian anchors: VaR/ES multipliers of σ at 95%, 97.5%, 99% (z and φ(z)/α)",
    arguments: [
      (0.95, 1.6448536270, 2.0627128075), (0.975, 1.9599639845, 2.3378027922),
      (0.99, 2.3263478740, 2.6652142203),
    ])
  func gaussianAnchors(confidence: Double, varMultiple: Double, esMultiple: Double) throws {
    let r = try ParametricVaR(confidence: confidence).measure(
      weights: [1.0], covariance: try Matrix([[1.0]]))
    #expect(
      abs(r.valueAtRisk - varMultiple) <= 1e-9 && abs(r.expectedShortfall - esMultiple) <= 1e-9)
    let cf = try CornishFisherVaR(confidence: confidence).measure(
      mean: 0, standardDeviation: 1, skewness: 0, excessKurtosis: 0)
    #expect(
      abs(cf.valueAtRisk - varMultiple) <= 1e-9 && abs(cf.expectedShortfall - esMultiple) <= 1e-9)
  }

  @Test(
    "Cornish–Fisher: the published expansion values, with the correct sign of the S² term",
    arguments: [
      (0.05, 0.0, 0.0, -1.6448536270), (0.05, -0.5, 3.0, -1.7217443293),
      (0.01, -0.5, 3.0, -3.3012844922),
      (0.01, -1.0, 5.0, -3.8542645091), (0.05, 0.5, 1.0, -1.4778485801),
    ])
  func cornishFisherPublished(alpha: Double, skewness: Double, kurtosis: Double, expected: Double)
    throws
  {
    let zAlpha = StandardNormalQuantile.of(alpha)
    #expect(
      abs(
        CornishFisherVaR.expandedQuantile(zAlpha, skewness: skewness, excessKurtosis: kurtosis)
          - expected) <= 1e-9)
    // The published example: μ = 0.0005, σ = 0.02, α = 1%, S = −0.5, K = 3 → 0.06552568984.
    let example = try CornishFisherVaR(confidence: 0.99).measure(
      mean: 0.0005, standardDeviation: 0.02, skewness: -0.5, excessKurtosis: 3)
    #expect(abs(example.valueAtRisk - 0.06552568984) <= 1e-10)
  }

  @Test("Cornish–Fisher from a sample matches SciPy moments; its ES matches quadrature")
  func cornishFisherSample() throws {
    let f = try RiskMeasuresFixture.load()
    for c in f.cornishFisher {
      let r = try CornishFisherVaR(confidence: c.confidence).measure(f.sample)
      #expect(abs(r.valueAtRisk - c.valueAtRisk) <= 1e-12)
      #expect(
        abs(r.expectedShortfall - c.expectedShortfall) <= 1e-9,
        "ES \(r.expectedShortfall) vs quadrature \(c.expectedShortfall)")
    }
  }

  @Test("Historical VaR/ES: NumPy's partition rule, by selection; components sum to the totals")
  func historical() throws {
    let f = try RiskMeasuresFixture.load()
    for c in f.historical {
      let r = try EmpiricalVaR(confidence: c.confidence).measure(f.sample)
      #expect(
        r.valueAtRisk == c.valueAtRisk && abs(r.expectedShortfall - c.expectedShortfall) <= 1e-15)
      #expect(r.expectedShortfall >= r.valueAtRisk)
      // Per-asset split of each scenario: 0.6 and 0.4 of the return; components in proportion.
      let split = try Matrix<Double>(f.sample.map { [0.6 * $0, 0.4 * $0] })
      let parts = try EmpiricalVaR(confidence: c.confidence).measure(contributions: split)
      #expect(abs(parts.valueAtRisk - c.valueAtRisk) <= 1e-15)
      #expect(abs(parts.expectedShortfall - c.expectedShortfall) <= 1e-15)
      #expect(
        abs(parts.expectedShortfallComponents!.reduce(0, +) - parts.expectedShortfall) <= 1e-15)
      #expect(abs(parts.valueAtRiskComponents!.reduce(0, +) - parts.valueAtRisk) <= 1e-15)
      #expect(abs(parts.expectedShortfallComponents![0] / parts.expectedShortfall - 0.6) <= 1e-12)
    }
  }

  @Test(
    "Large samples (the sampled cut-off path) give exactly the sort-based VaR/ES and components",
    arguments: ["random", "ascending", "descending", "ties", "cutoff falls short"])
  func largeSamplesMatchSort(layout: String) throws {
    let n = 200_000
    var x = try standardNormals(count: n, seed: 4, path: 1, as: Double.self)
    switch layout {
    case "ascending": x.sort()
    case "descending": x.sort(by: >)
    case "ties": x = x.map { ($0 * 4).rounded() / 4 }
    case "cutoff falls short":
      // The strided sample sees only −1; everything else is 0 or above: 4 096 values ≤ the cut-off.
      x = (0..<n).map { $0 % (n / 4_096) == 0 ? -1 : abs(x[$0]) }
    default: break
    }
    for confidence in [0.95, 0.99, 0.999] {
      let k = Int((Double(n) * (1 - confidence) - 1e-6).rounded(.up))
      let sorted = x.sorted()
      let r = try EmpiricalVaR(confidence: confidence).measure(x)
      #expect(r.valueAtRisk == -sorted[k - 1], "\(layout) \(confidence)")
      let es = -sorted.prefix(k).reduce(0, +) / Double(k)
      #expect(abs(r.expectedShortfall - es) <= 1e-13 * abs(es) + 1e-15)
      let split = try Matrix<Double>(
        rows: n, columns: 2, columnMajor: x.map { 0.3 * $0 } + x.map { 0.7 * $0 })
      let parts = try EmpiricalVaR(confidence: confidence).measure(contributions: split)
      #expect(abs(parts.valueAtRisk - r.valueAtRisk) <= 1e-14)
      #expect(abs(parts.expectedShortfall - es) <= 1e-13 * abs(es) + 1e-15)
      #expect(abs(parts.expectedShortfallComponents![1] - 0.7 * es) <= 1e-12 * abs(es) + 1e-15)
    }
  }

  @Test("Monte Carlo VaR/ES of normal P&L agree with the parametric values within sampling error")
  func monteCarloAgainstParametric() throws {
    let z = try standardNormals(count: 400_000, seed: 9, path: 0, as: Double.self)
    let r = try EmpiricalVaR(confidence: 0.99).measure(z)
    // SE of the 99% quantile ≈ √(p(1−p))/(√N φ(z)) ≈ 0.0059; of ES about 0.007. 4 SE.
    #expect(abs(r.valueAtRisk - 2.3263478740) <= 4 * 0.0059)
    #expect(abs(r.expectedShortfall - 2.6652142203) <= 4 * 0.007)
  }

  @Test("Kupiec and Christoffersen match the rugarch transcription; Basel zones")
  func backtests() throws {
    let f = try RiskMeasuresFixture.load()
    for c in f.backtests {
      let b = try VaRBacktest(hits: c.hits, confidence: c.confidence)
      #expect(b.exceedances == c.exceedances)
      for (ours, theirs) in [
        (b.kupiecStatistic, c.kupiec), (b.kupiecPValue, c.kupiecP),
        (b.independenceStatistic, c.independence),
        (b.independencePValue, c.independenceP),
        (b.conditionalCoverageStatistic, c.conditionalCoverage),
        (b.conditionalCoveragePValue, c.conditionalCoverageP),
      ] {
        #expect(abs(ours - theirs) <= 1e-11 * max(1, abs(theirs)), "\(ours) vs \(theirs)")
      }
    }
    // Zero exceedances: LR = −2T ln(0.99), reported as defined: not rejected at 5% over 150
    // days, rejected (too conservative) over 250 days, where Basel's light is still green.
    let short = try VaRBacktest(hits: [Bool](repeating: false, count: 150), confidence: 0.99)
    #expect(
      abs(short.kupiecStatistic - (-2 * 150 * Foundation.log(0.99))) <= 1e-12
        && short.kupiecPValue > 0.05)
    let quiet = try VaRBacktest(hits: [Bool](repeating: false, count: 250), confidence: 0.99)
    #expect(quiet.kupiecPValue < 0.05 && quiet.zone == .green)
    #expect(quiet.independenceStatistic == 0 && quiet.independencePValue == 1)
    // Basel, T = 250 at 99%: green 0–4, yellow 5–9, red ≥ 10.
    for (x, zone) in [
      (0, VaRBacktest.Zone.green), (4, .green), (5, .yellow), (9, .yellow), (10, .red),
    ] {
      let hits = (0..<250).map { $0 < x * 20 && $0 % 20 == 0 }
      #expect(try VaRBacktest(hits: hits, confidence: 0.99).zone == zone, "\(x)")
    }
    // From VaR series and returns: an exceedance is a loss beyond the VaR.
    let b = try VaRBacktest(
      valueAtRisk: [0.02, 0.02, 0.02], returns: [-0.03, 0.01, -0.02], confidence: 0.99)
    #expect(b.exceedances == 1)
  }

  @Test("Invalid inputs are typed errors")
  func invalid() throws {
    #expect(throws: RiskKernelsError.self) {
      try EmpiricalVaR(confidence: 0.99).measure([Double]())
    }
    #expect(throws: RiskKernelsError.self) { try EmpiricalVaR(confidence: 1).measure([1.0, 2]) }
    #expect(throws: RiskKernelsError.self) {
      try EmpiricalVaR(confidence: 0.9).measure([1.0, .nan])
    }
    #expect(throws: RiskKernelsError.self) {
      try CornishFisherVaR(confidence: 0.99).measure([1.0, 1, 1, 1])
    }
    #expect(throws: RiskKernelsError.self) {
      try ParametricVaR(confidence: 0.99, horizon: .days(0)).measure(
        weights: [1.0], covariance: try Matrix([[1.0]]))
    }
    #expect(throws: RiskKernelsError.self) {
      try VaRBacktest(valueAtRisk: [0.1], returns: [0.1, 0.2], confidence: 0.99)
    }
  }

  @Test("measure(sorted:) gives measure's bits at every level, ties included; unsorted is refused")
  func sortedMatchesSample() throws {
    var rng = SplitMix64(seed: 41)
    for n in [1, 7, 250, 2_100] {
      let sample = (0..<n).map { _ in
        (Double.random(in: -0.05...0.05, using: &rng) * 1e3).rounded() / 1e3
      }
      let levels = [0.5, 0.9, 0.95, 0.975, 0.99, 0.995]
      let sorted = try EmpiricalVaR.measure(sorted: sample.sorted(), confidences: levels)
      for (c, risk) in zip(levels, sorted) {
        let direct = try EmpiricalVaR(confidence: c).measure(sample)
        #expect(risk.valueAtRisk == direct.valueAtRisk, "n \(n), c \(c)")
        #expect(risk.expectedShortfall == direct.expectedShortfall, "n \(n), c \(c)")
      }
    }
    #expect(throws: RiskKernelsError.self) {
      try EmpiricalVaR.measure(sorted: [0.1, -0.2], confidences: [0.95])
    }
    #expect(throws: RiskKernelsError.self) {
      try EmpiricalVaR.measure(sorted: [-0.1, 0.2], confidences: [1])
    }
    #expect(throws: RiskKernelsError.self) {
      try EmpiricalVaR.measure(sorted: [Double](), confidences: [0.9])
    }
  }
}

/// Φ⁻¹ for the tests, by bisection on the library's Φ (independent of GSL's quantile).
enum StandardNormalQuantile {
  static func of(_ p: Double) -> Double {
    var (low, high) = (-40.0, 40.0)
    for _ in 0..<200 {
      let mid = (low + high) / 2
      if StandardNormal.cdf(mid) < p { low = mid } else { high = mid }
    }
    return (low + high) / 2
  }
}
