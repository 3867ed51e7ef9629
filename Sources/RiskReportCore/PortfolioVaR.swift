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
  /// Complete rows, or each asset's whole history (Stambaugh) for the parametric and Monte Carlo
  /// covariances; the historical and Cornish-Fisher figures need the portfolio's returns, so
  /// they use the complete rows either way.
  let histories: HistoriesChoice
  let confidence: Double
  let horizonDays: Double
  let paths: Int
  let steps: Int
  let seed: UInt64
  let threads: Int?
  /// A stress applied to both covariances, parametric and Monte Carlo (`riskreport stress`).
  var stress: CovarianceStress? = nil
  /// Whether the Monte Carlo goes through `MainSimulation` (split across riskreport-mpi's
  /// ranks), or runs in this process: a command's later simulations must, since the MPI job
  /// distributes one simulation per command (the report's stress scenarios).
  var distributed = true
  /// How the Monte Carlo method draws its paths (`--variance-reduction`).
  var varianceReduction: VarianceReductionChoice = .none
  /// Pseudo-random or Sobol' points (`--sampler`), and the Sobol' scramblings (`--replicates`).
  var sampler: SamplerChoice = .pseudo
  var replicates = SamplerChoice.defaultReplicates

  /// The driftless model of the Monte Carlo method, from the daily log-return estimate.
  func monteCarloModel() throws -> CorrelatedGBM<Double> {
    let spot = try file.lastCompletePrices()
    var estimate = try file.covariance(
      kind: .log, estimator: estimator, histories: histories, as: Double.self
    ).estimate
    if let stress {
      estimate = CovarianceEstimate(
        covariance: try stress.apply(to: estimate.covariance).covariance, mean: estimate.mean,
        observationCount: estimate.observationCount, shrinkage: estimate.shrinkage)
    }
    return try CorrelatedGBM(
      assets: file.assets, spot: spot, dailyEstimate: estimate, daysPerYear: 365,
      drift: [Double](repeating: 0, count: spot.count))
  }

  /// The parametric method's covariance of daily simple returns (`simple`: the complete rows'
  /// returns), with `stress` applied.
  func parametricCovariance(simple: Matrix<Double>) throws -> Matrix<Double> {
    let sigma =
      histories == .complete
      ? try estimator.estimate(from: simple).covariance
      : try file.covariance(
        kind: .simple, estimator: estimator, histories: histories, as: Double.self
      ).estimate.covariance
    return try stress.map { try $0.apply(to: sigma).covariance } ?? sigma
  }

  /// The simulation settings of the Monte Carlo method.
  var settings: SimulationSettings {
    SimulationSettings(
      paths: paths, steps: steps, horizon: Horizon.days(horizonDays).years, seed: seed,
      antithetic: varianceReduction == .antithetic, threads: threads)
  }

  /// Holdings worth `weights` of a unit portfolio at the model's spot.
  func holdings(spot: [Double]) -> [Double] { zip(weights, spot).map { $0 / $1 } }

  /// - Throws: `InputError` naming the price file and the method for what the kernels reject.
  func compute(_ methods: [VaRMethodChoice]) throws -> [VaRReport.Result] {
    try computeEach(methods).map { try $0.result.get() }
  }

  /// Each method on its own: one that cannot run is returned with its reason, and the others
  /// still are (exactly collinear assets make the sample covariance singular: the parametric and
  /// Monte Carlo methods need it positive definite, the historical and Cornish-Fisher ones use
  /// only the portfolio's returns).
  ///
  /// - Throws: `InputError` for what every method needs (the returns, the weights).
  func computeEach(_ methods: [VaRMethodChoice]) throws -> [(
    method: VaRMethodChoice, result: Result<VaRReport.Result, InputError>
  )] {
    let (simple, _) = try file.returns(kind: .simple, as: Double.self)
    let portfolio: [Double]
    do {
      portfolio = try simple.multiplied(by: weights)
    } catch {
      throw InputError(location: .file(file.path), message: "\(error)")
    }
    return methods.filter { $0 != .all }.map { m in
      do {
        return (m, .success(try compute(m, simple: simple, portfolio: portfolio)))
      } catch let error as InputError {
        return (m, .failure(error))
      } catch {
        let reason = "\(m.rawValue) VaR: \(error)"
        if case .notPositiveDefinite = error as? RiskKernelsError {
          return (
            m,
            .failure(
              singularCovarianceError(
                estimator, assets: file.assets.count, file: file.path, message: reason))
          )
        }
        return (m, .failure(InputError(location: .file(file.path), message: reason)))
      }
    }
  }

  private func compute(_ m: VaRMethodChoice, simple: Matrix<Double>, portfolio: [Double]) throws
    -> VaRReport.Result
  {
    let root = horizonDays.squareRoot()
    switch m {
    case .parametric:
      let sigma = try parametricCovariance(simple: simple)
      let r = try ParametricVaR(
        confidence: confidence, horizon: .days(horizonDays)
      ).measure(weights: weights, covariance: sigma)
      return .init(method: m.rawValue, risk: r, assets: file.assets, scale: 1, weights: weights)
    case .cornishFisher:
      let r = try CornishFisherVaR(confidence: confidence).measure(portfolio)
      return .init(
        method: m.rawValue, risk: r, assets: file.assets, scale: root, weights: weights,
        standardErrors: false)
    case .historical:
      // Each day's per-asset contributions wⱼrⱼ: the Euler components of the historical
      // figures (`EmpiricalVaR.measure(contributions:)`).
      let contributions = try Matrix(
        simple.rowArrays.map { row in zip(row, weights).map { $0 * $1 } })
      let r = try EmpiricalVaR(confidence: confidence).measure(contributions: contributions)
      return .init(
        method: m.rawValue, risk: r, assets: file.assets, scale: root, weights: weights,
        standardErrors: false)
    case .monteCarlo, .all:
      let model = try monteCarloModel()
      let r = try monteCarloRisk(model)
      var result = VaRReport.Result(
        method: m.rawValue, risk: r, assets: file.assets, scale: 1, weights: weights)
      result.varianceReduction = varianceReduction.rawValue
      result.sampler = sampler.rawValue
      if sampler == .sobol { result.replicates = replicates }
      return result
    }
  }

  /// The Monte Carlo method's VaR/ES of `model`, drawn as `varianceReduction` says.
  func monteCarloRisk(_ model: CorrelatedGBM<Double>) throws -> TailRisk<Double> {
    let holdings = holdings(spot: model.spot)
    if sampler == .sobol {
      // The replicates run in this process (riskreport-mpi refuses --sampler sobol for var).
      return try RandomizedQMC(replicates: replicates).portfolioVaR(
        model: model, holdings: holdings, settings: settings, confidence: confidence)
    }
    if varianceReduction == .importance {
      let sampling = try PortfolioImportanceSampling(
        model: model, holdings: holdings, settings: settings, confidence: confidence)
      let result =
        distributed ? try MainSimulation.run(sampling.simulator) : try sampling.simulator.run()
      return try sampling.sample(from: result).tailRisk(confidence: confidence)
    }
    let simulator = MonteCarloVaR.portfolioSimulator(
      model: model, holdings: holdings, settings: settings)
    return distributed
      ? try MainSimulation.portfolioVaR(simulator, confidence: confidence)
      : try MonteCarloVaR(confidence: confidence).measure(
        from: simulator.run(), simulator: simulator)
  }
}
