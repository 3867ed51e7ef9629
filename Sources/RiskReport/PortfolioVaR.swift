import Foundation
import RiskKernels

/// VaR and ES of one portfolio by each method, as `riskreport var` and `riskreport run` report
/// them (fractions of portfolio value, positive losses).
///
/// Parametric (normal, zero mean) uses the covariance of daily simple returns from the
/// estimator; Cornish-Fisher and historical use the portfolio's daily simple returns; these
/// three scale a daily figure to the horizon by √h. Monte Carlo simulates driftless correlated
/// GBM from the daily log-return estimate over the horizon (`steps` steps; exact for GBM) and
/// takes the empirical tail with Euler components.
struct PortfolioVaR {
  let file: PriceFile
  let weights: [Double]
  let estimator: any CovarianceEstimator
  let confidence: Double
  let horizonDays: Double
  let paths: Int
  let steps: Int
  let seed: UInt64
  let threads: Int?

  /// The driftless model of the Monte Carlo method, from the daily log-return estimate.
  func monteCarloModel() throws -> CorrelatedGBM<Double> {
    let (logReturns, _) = try file.returns(kind: .log, as: Double.self)
    let spot = try file.lastCompletePrices()
    let estimate = try estimator.estimate(from: logReturns)
    return try CorrelatedGBM(
      assets: file.assets, spot: spot, dailyEstimate: estimate, daysPerYear: 365,
      drift: [Double](repeating: 0, count: spot.count))
  }

  /// The simulation settings of the Monte Carlo method.
  var settings: SimulationSettings {
    SimulationSettings(
      paths: paths, steps: steps, horizon: horizonDays / 365, seed: seed, threads: threads)
  }

  /// Holdings worth `weights` of a unit portfolio at the model's spot.
  func holdings(spot: [Double]) -> [Double] { zip(weights, spot).map { $0 / $1 } }

  /// - Throws: `InputError` naming the price file for what the kernels reject.
  func compute(_ methods: [VaRMethodChoice]) throws -> [VaRReport.Result] {
    let (simple, _) = try file.returns(kind: .simple, as: Double.self)
    var results: [VaRReport.Result] = []
    let root = horizonDays.squareRoot()
    do {
      let portfolio = try simple.multiplied(by: weights)
      for m in methods {
        switch m {
        case .parametric:
          let sigma = try estimator.estimate(from: simple).covariance
          let r = try ParametricVaR.normal(
            weights: weights, covariance: sigma, confidence: confidence, horizonDays: horizonDays)
          results.append(.init(method: m.rawValue, risk: r, assets: file.assets, scale: 1))
        case .cornishFisher:
          let r = try CornishFisherVaR.fromSample(portfolio, confidence: confidence)
          results.append(.init(method: m.rawValue, risk: r, assets: file.assets, scale: root))
        case .historical:
          let r = try EmpiricalVaR.fromSample(portfolio, confidence: confidence)
          results.append(.init(method: m.rawValue, risk: r, assets: file.assets, scale: root))
        case .monteCarlo:
          let model = try monteCarloModel()
          let r = try MonteCarloVaR.portfolio(
            model: model, holdings: holdings(spot: model.spot), settings: settings,
            confidence: confidence)
          results.append(.init(method: m.rawValue, risk: r, assets: file.assets, scale: 1))
        case .all: break
        }
      }
    } catch let error as InputError {
      throw error
    } catch {
      throw InputError(location: .file(file.path), message: "\(error)")
    }
    return results
  }
}
