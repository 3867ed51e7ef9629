import Foundation
import RiskKernels
import Testing

@Suite struct MonteCarloVaRTests {
  @Test("One asset: VaR and ES of the lognormal return within 4 standard errors of the closed form")
  func lognormalClosedForm() throws {
    let (mu, sigma, t) = (0.05, 0.6, 10.0 / 365)
    let model = try CorrelatedGBM<Double>(
      assets: ["X"], spot: [100], drift: [mu], volatility: [sigma], correlation: try Matrix([[1.0]])
    )
    let n = 200_000
    let settings = SimulationSettings(paths: n, steps: 1, horizon: t, seed: 21)
    let r = try MonteCarloVaR(confidence: 0.99).measure(
      model: model, holdings: [3], settings: settings)
    // X = ln(S_T/S_0) ~ N(m, s²); VaR = 1 − e^{m + s z_α}; ES = 1 − e^{m + s²/2} Φ(z_α − s)/α.
    let (m, s, alpha) = ((mu - sigma * sigma / 2) * t, sigma * t.squareRoot(), 0.01)
    let z = -2.3263478740408408
    let exactVaR = 1 - Foundation.exp(m + s * z)
    let exactES = 1 - Foundation.exp(m + s * s / 2) * StandardNormal.cdf(z - s) / alpha
    // SE of the α-quantile: √(α(1−α)/N)/f, f the return's density there; ES's SE is of the same
    // order (tail mean over Nα points, spread ≈ s): bound both generously by that.
    let density =
      Foundation.exp(-z * z / 2) / (2 * Double.pi).squareRoot() / (s * Foundation.exp(m + s * z))
    let se = (alpha * (1 - alpha) / Double(n)).squareRoot() / density
    #expect(abs(r.valueAtRisk - exactVaR) <= 4 * se, "\(r.valueAtRisk) vs \(exactVaR) (SE \(se))")
    #expect(
      abs(r.expectedShortfall - exactES) <= 4 * 1.5 * se, "\(r.expectedShortfall) vs \(exactES)")
  }

  @Test("Components sum to the totals; same seed, same numbers on any thread count; Float")
  func componentsAndReproducibility() throws {
    let model = try threeAssetModel(Double.self)
    let holdings = [2.0, 5.0, 10.0]
    var settings = SimulationSettings(paths: 30_000, steps: 4, horizon: 5.0 / 365, seed: 3)
    settings.threads = 1
    let one = try MonteCarloVaR(confidence: 0.975).measure(
      model: model, holdings: holdings, settings: settings)
    settings.threads = 3
    let three = try MonteCarloVaR(confidence: 0.975).measure(
      model: model, holdings: holdings, settings: settings)
    #expect(one == three)
    #expect(abs(one.valueAtRiskComponents!.reduce(0, +) - one.valueAtRisk) <= 1e-12)
    #expect(abs(one.expectedShortfallComponents!.reduce(0, +) - one.expectedShortfall) <= 1e-12)
    #expect(one.expectedShortfall > one.valueAtRisk && one.valueAtRisk > 0)
    let single = try MonteCarloVaR(confidence: 0.975).measure(
      model: try threeAssetModel(Float.self), holdings: holdings.map(Float.init),
      settings: settings)
    #expect(abs(Double(single.valueAtRisk) - one.valueAtRisk) <= 1e-4)
    #expect(throws: RiskKernelsError.self) {
      try MonteCarloVaR(confidence: 0.99).measure(
        model: model, holdings: [-1, 0, 0], settings: settings)
    }
    // From the terminal prices of a run that also observed other things: the same numbers.
    let run = try PathSimulator(
      model: model, settings: settings,
      observers: PathObservers(keepTerminalPrices: true, holdings: holdings)
    ).run()
    let prices = try #require(run.terminalPrices)
    #expect(
      try MonteCarloVaR(confidence: 0.975).measure(
        terminalPrices: prices, spot: model.spot, holdings: holdings) == one)
    #expect(throws: RiskKernelsError.self) {
      try MonteCarloVaR(confidence: 0.975).measure(
        terminalPrices: prices, spot: [1, 2], holdings: [1, 1])
    }
    #expect(throws: RiskKernelsError.self) {
      try MonteCarloVaR(confidence: 0.975).measure(
        terminalPrices: try Matrix<Double>(rows: 5, columns: 2, repeating: .nan), spot: [1, 2],
        holdings: [1, 1])
    }
  }
}
