import ArgumentParser
import Foundation
import RiskKernels

/// `riskreport var`: VaR and expected shortfall of a portfolio by every method, side by side.
struct VaRCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "var",
    abstract:
      "Value at risk and expected shortfall of a portfolio: parametric, Cornish-Fisher, historical, Monte Carlo.",
    discussion: """
      VaR and ES are positive losses as fractions of portfolio value. Parametric (normal, zero \
      mean) uses the covariance of daily simple returns from --estimator; Cornish-Fisher and \
      historical use the portfolio's daily simple returns; these three scale a daily figure to \
      --horizon-days by √h. Monte Carlo simulates driftless correlated GBM from the daily \
      log-return estimate over the horizon in one step (exact for GBM) and takes the empirical \
      tail; like the parametric figure it ignores the estimated means, which are noise at these \
      horizons. \
      Components (Euler allocation, summing to the totals) are given for parametric and Monte \
      Carlo. --weights: CSV with the header asset,weight, one row per asset. With --method \
      all, a method that cannot run on this input (the parametric and Monte Carlo ones need a \
      positive definite covariance) is listed with its reason and the others are reported; a \
      single --method that cannot run is an error.
      """
  )

  @OptionGroup var estimation: EstimationOptions<SampleByDefault>
  @Option(help: "Weights CSV (asset,weight), summing to 1.") var weights: String
  @Option(help: "parametric, cornish-fisher, historical, monte-carlo or all.") var method:
    VaRMethodChoice = .all
  @OptionGroup var tail: ConfidenceOption
  @Option(parsing: .unconditional, help: ArgumentHelp(stringLiteral: SimulationOptions.horizonHelp))
  var horizonDays: Double = 1
  @OptionGroup var simulation: SimulationOptions
  @Option(help: ArgumentHelp(stringLiteral: VarianceReductionChoice.help))
  var varianceReduction: VarianceReductionChoice = .none
  @Option(help: ArgumentHelp(stringLiteral: SamplerChoice.help)) var sampler: SamplerChoice =
    .pseudo
  @Option(parsing: .unconditional, help: ArgumentHelp(stringLiteral: SamplerChoice.replicatesHelp))
  var replicates: Int?
  @OptionGroup var output: OutputOption

  func validate() throws {
    try SimulationOptions.checkHorizon(days: horizonDays)
    // The Monte Carlo flags matter only when the Monte Carlo method runs.
    if method == .monteCarlo || method == .all {
      try varianceReduction.check(paths: simulation.paths)
      try sampler.check(
        replicates: replicates, paths: simulation.paths, varianceReduction: varianceReduction,
        confidence: tail.confidence)
    }
  }

  func run() throws {
    let path = estimation.pricePath
    let file = try PriceFile(path: path)
    let w = try AssetValueFile.weights(path: weights, assets: file.assets)
    let methods = method == .all ? VaRMethodChoice.allCases.filter { $0 != .all } : [method]
    if methods.contains(.monteCarlo) {
      if sampler == .sobol, file.assets.count > SobolSequence.maximumDimensions {
        throw InputError(
          location: .flag("--sampler"),
          message:
            "sobol covers \(SobolSequence.maximumDimensions) assets; the price file has \(file.assets.count)"
        )
      }
      // Measured: 17 bytes a path.
      try RunSize.check(
        paths: simulation.paths, steps: 1, stepsFlag: nil, assets: file.assets.count,
        keptValuesPerPath: 4 + varianceReduction.extraValuesPerPath(assets: file.assets.count))
    }
    var calculation = PortfolioVaR(
      file: file, weights: w, estimator: estimation.covarianceEstimator,
      histories: estimation.histories, confidence: tail.confidence,
      horizonDays: horizonDays, paths: simulation.paths, steps: 1, seed: simulation.seed,
      threads: simulation.threads)
    calculation.varianceReduction = varianceReduction
    calculation.sampler = sampler
    calculation.replicates = replicates ?? SamplerChoice.defaultReplicates
    let outcomes = try calculation.computeEach(methods)
    // One method asked for: its failure is the command's. All of them: what can be computed is
    // reported, with each other method's reason; only when none can is it an error.
    let results = outcomes.compactMap { try? $0.result.get() }
    if results.isEmpty, case .failure(let error) = outcomes.first?.result { throw error }
    let unavailable = outcomes.compactMap { outcome -> VaRReport.Unavailable? in
      guard case .failure(let error) = outcome.result else { return nil }
      return .init(method: outcome.method.rawValue, reason: error.message)
    }
    let report = VaRReport(
      confidence: tail.confidence, horizonDays: horizonDays, results: results,
      unavailable: unavailable)
    FileHandle.standardOutput.write(
      Data((output.format == .json ? try report.json() : report.table(assets: file.assets)).utf8))
  }
}

enum VaRMethodChoice: String, ExpressibleByArgument, CaseIterable {
  case parametric
  case cornishFisher = "cornish-fisher"
  case historical
  case monteCarlo = "monte-carlo"
  case all
}

/// `{"confidence", "horizonDays", "results": [{"method", "var", "expectedShortfall", "components",
/// "varStandardError", "expectedShortfallStandardError", "varInterval",
/// "expectedShortfallInterval", "varianceReduction"}], "unavailable": [{"method", "reason"}]}`;
/// the standard errors, the 95% intervals and the variance reduction are the Monte Carlo
/// method's (absent for the others).
struct VaRReport: Encodable {
  /// A method that could not run with this input, and why.
  struct Unavailable: Codable, Equatable {
    let method: String
    let reason: String
  }

  struct Result: Codable, Equatable {
    let method: String
    let `var`: Double
    let expectedShortfall: Double
    /// Per asset: `{"var": …, "expectedShortfall": …, "marginalVar": …}`; absent for methods
    /// without components. The marginal VaR ∂VaR/∂wᵢ is the Euler component over the weight
    /// (`componentᵢ = wᵢ · ∂VaR/∂wᵢ`); absent for an asset of weight 0.
    let components: [String: [String: Double]]?
    /// Monte Carlo standard errors (`TailRisk.valueAtRiskStandardError`, …) and the 95% normal
    /// intervals `[low, high]`; absent for methods without them.
    var varStandardError: Double?
    var expectedShortfallStandardError: Double?
    var varInterval: [Double]?
    var expectedShortfallInterval: [Double]?
    /// How the Monte Carlo paths were drawn (`none`, `importance`, `antithetic`); absent for
    /// the other methods.
    var varianceReduction: String?
    /// `pseudo` or `sobol` for the Monte Carlo method, and the scramblings behind a Sobol'
    /// figure's standard errors; absent for the other methods.
    var sampler: String?
    var replicates: Int?

    /// The method with how its points were drawn: "monte-carlo (importance)",
    /// "monte-carlo (sobol × 16)".
    var displayName: String {
      if sampler == "sobol" { return "\(method) (sobol × \(replicates ?? 0))" }
      guard let reduction = varianceReduction, reduction != "none" else { return method }
      return "\(method) (\(reduction))"
    }

    init(
      method: String, risk: TailRisk<Double>, assets: [String], scale: Double,
      weights: [Double]? = nil, standardErrors: Bool = true
    ) {
      self.method = method
      self.var = risk.valueAtRisk * scale
      self.expectedShortfall = risk.expectedShortfall * scale
      // Reported for Monte Carlo only: the historical figures' uncertainty is the risk grid's
      // bootstrap (their asymptotic errors assume independent days).
      let risk =
        standardErrors
        ? risk
        : TailRisk(
          confidence: risk.confidence, valueAtRisk: risk.valueAtRisk,
          expectedShortfall: risk.expectedShortfall,
          valueAtRiskComponents: risk.valueAtRiskComponents,
          expectedShortfallComponents: risk.expectedShortfallComponents)
      varStandardError = risk.valueAtRiskStandardError.map { $0 * scale }
      expectedShortfallStandardError = risk.expectedShortfallStandardError.map { $0 * scale }
      // (95% is a valid coverage: the intervals throw only for one outside (0, 1).)
      varInterval = (try? risk.valueAtRiskInterval())?.map {
        [$0.lowerBound * scale, $0.upperBound * scale]
      }
      expectedShortfallInterval = (try? risk.expectedShortfallInterval())?.map {
        [$0.lowerBound * scale, $0.upperBound * scale]
      }
      if let v = risk.valueAtRiskComponents, let e = risk.expectedShortfallComponents {
        var c: [String: [String: Double]] = [:]
        for (i, name) in assets.enumerated() {
          c[name] = ["var": v[i] * scale, "expectedShortfall": e[i] * scale]
          if let w = weights?[i], w != 0 { c[name]!["marginalVar"] = v[i] * scale / w }
        }
        self.components = c
      } else {
        self.components = nil
      }
    }
  }
  let confidence: Double
  let horizonDays: Double
  let results: [Result]
  var unavailable: [Unavailable] = []

  func json() throws -> String {
    try ReportJSON.text(self)
  }

  /// The table's method column: "monte-carlo (sobol × 1024)" and a space.
  static let methodWidth = 28

  func table(assets: [String]) -> String {
    var out =
      "VaR and expected shortfall at \(confidence * 100)% over \(horizonDays) days (fractions of portfolio value)\n\n"
    out +=
      "method".padding(toLength: Self.methodWidth, withPad: " ", startingAt: 0)
      + "VaR".leftPadded(12)
      + "± s.e.".leftPadded(10) + "ES".leftPadded(12) + "± s.e.".leftPadded(10) + "\n"
    func error(_ e: Double?) -> String {
      (e.map { String(format: "%.4f%%", 100 * $0) } ?? "").leftPadded(10)
    }
    for r in results {
      let name = r.displayName
      out +=
        name.padding(toLength: Self.methodWidth, withPad: " ", startingAt: 0)
        + String(format: "%.4f%%", 100 * r.var).leftPadded(12) + error(r.varStandardError)
        + String(format: "%.4f%%", 100 * r.expectedShortfall).leftPadded(12)
        + error(r.expectedShortfallStandardError) + "\n"
    }
    for u in unavailable {
      out +=
        u.method.padding(toLength: Self.methodWidth, withPad: " ", startingAt: 0)
        + "not computed: \(u.reason)\n"
    }
    for r in results {
      guard let c = r.components else { continue }
      out +=
        "\ncomponents (\(r.method)): "
        + assets.map { "\($0) \(String(format: "%.4f%%", 100 * c[$0]!["var"]!))" }.joined(
          separator: ", ")
    }
    return out + "\n"
  }
}

extension String {
  func leftPadded(_ width: Int) -> String {
    String(repeating: " ", count: Swift.max(0, width - count)) + self
  }
}
