import ArgumentParser
import Foundation
import RiskKernels

/// `riskreport stress`: historical, hypothetical and user stress scenarios for a portfolio and
/// its leveraged positions.
struct StressCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stress",
    abstract:
      "Stress scenarios: worst historical windows, shocks, volatility and correlation stress.",
    discussion: """
      Historical: the three worst non-overlapping --window-days windows of the price history \
      for today's portfolio. Hypothetical: each asset -20% and -30% alone and all together; \
      volatilities x2 and x3; correlations pushed halfway to one, with the parametric and Monte \
      Carlo VaR/ES under the stressed covariance beside today's. --scenarios: a JSON array \
      [{"name", "shocks": {"ASSET": -0.25}, "volatilityMultiplier", "correlationShift"}]. Each \
      price move is applied to the portfolio's leveraged positions: one whose liquidation price \
      the moved price crosses is liquidated at that price (pnl and badDebt need its margin). \
      Without --prices and --portfolio, the bundled example. See docs/stress.md.
      """
  )

  @OptionGroup var estimation: EstimationOptions<SampleByDefault>

  @Option(help: "Portfolio JSON (default: the bundled example portfolio).")
  var portfolio: String?

  @Option(help: "JSON array of the user's scenarios.")
  var scenarios: String?

  @Option(parsing: .unconditional, help: "Rows (periods) per historical window.")
  var windowDays: Int = 10

  @OptionGroup var tail: ConfidenceOption

  @Option(parsing: .unconditional, help: ArgumentHelp(stringLiteral: SimulationOptions.horizonHelp))
  var horizonDays: Double = 1

  @OptionGroup var simulation: SimulationOptions

  @OptionGroup var output: OutputOption

  func validate() throws {
    guard (1...100_000).contains(windowDays) else {
      throw ValidationError("--window-days: \(windowDays) must be in 1...100000")
    }
    try SimulationOptions.checkHorizon(days: horizonDays)
  }

  func run() throws {
    let report = try analysis().report()
    let text = output.format == .json ? try ReportJSON.text(report) : report.table()
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  func analysis() throws -> StressAnalysis {
    let file = try PriceFile(path: estimation.pricePath)
    // The Monte Carlo keeps each path's portfolio value (and its copy while partials merge).
    try RunSize.check(
      paths: simulation.paths, steps: 1, stepsFlag: nil, assets: file.assets.count,
      keptValuesPerPath: 2)
    let spot = try file.lastCompletePrices()
    let portfolio = try PortfolioFile(
      path: self.portfolio ?? BundledData.examplePortfolio, assets: file.assets, spot: spot)
    let user = try scenarios.map { (path) throws(InputError) in
      try StressScenarioFile(path: path, assets: file.assets)
    }
    try StressAnalysis.checkWork(paths: simulation.paths, scenarios: user, flag: "--paths")
    let risk = PortfolioVaR(
      file: file, weights: portfolio.weights, estimator: estimation.covarianceEstimator,
      histories: estimation.histories, confidence: tail.confidence, horizonDays: horizonDays,
      paths: simulation.paths, steps: 1, seed: simulation.seed, threads: simulation.threads)
    return StressAnalysis(
      file: file, portfolio: portfolio, userScenarios: user, windowDays: windowDays, risk: risk)
  }
}
