import Foundation
import RiskKernels

/// A valuation model's minute: 60 new observations (one a second) of an asset's value against
/// `size` features update the conjugate-Gaussian posterior of the linear coefficients, then 100
/// tokenized assets are revalued with their predictive variance.
final class BayesianUpdateCase: BenchmarkCase {
  let name = "bayesian-valuation-update"
  let useCase = UseCase.valuation
  let sizeUnit = "features"
  let defaultSize = 20
  let maximumSize = 4096
  let details = "60 observations absorbed + 100 assets revalued, O(k²) each"

  private var model: BayesianLinearUpdate<Double>?
  private var features: [[Double]] = []
  private var values: [Double] = []
  private var next = 0

  func setUp(size k: Int) throws {
    var rng = SyntheticMarket(seed: 17)
    let truth = (0..<k).map { _ in rng.normal() }
    features = (0..<1024).map { _ in (0..<k).map { _ in rng.normal() } }
    values = features.map { x in zip(x, truth).reduce(0) { $0 + $1.0 * $1.1 } + 0.1 * rng.normal() }
    var prior = try Matrix<Double>.identity(k)
    for i in 0..<k { prior[i, i] = 10 }
    model = try BayesianLinearUpdate(
      priorMean: [Double](repeating: 0, count: k), priorCovariance: prior, noiseVariance: 0.01)
    next = 0
  }

  func run() throws {
    guard var m = model else { return }
    model = nil
    for _ in 0..<60 {
      try m.update(features: features[next & 1023], value: values[next & 1023])
      next += 1
    }
    var total = 0.0
    for a in 0..<100 {
      let p = try m.predict(features: features[(next + 11 * a) & 1023])
      total += p.mean + p.variance
    }
    model = m
    blackHole(total)
  }
}
