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

  @OptionGroup var estimation: EstimationOptions

  @Option(help: "Portfolio JSON (default: the bundled example portfolio).")
  var portfolio: String?

  @Option(help: "JSON array of the user's scenarios.")
  var scenarios: String?

  @Option(parsing: .unconditional, help: "Rows (periods) per historical window.")
  var windowDays: Int = 10

  @Option(parsing: .unconditional, help: "Confidence of the stressed VaR/ES, in [0.5, 1).")
  var confidence: Double = 0.99

  @Option(parsing: .unconditional, help: "Horizon of the stressed VaR/ES in days.")
  var horizonDays: Double = 1

  @Option(parsing: .unconditional, help: "Monte Carlo paths of the stressed VaR/ES.")
  var paths: Int = 100_000

  @Option(parsing: .unconditional, help: "Monte Carlo seed.")
  var seed: UInt64 = 42

  @Option(
    parsing: .unconditional,
    help: "Worker threads (default: one per core); never changes the numbers.")
  var threads: Int?

  @Option(help: "Output: table or json.")
  var format: ReportFormat = .table

  func validate() throws {
    guard (1...100_000).contains(windowDays) else {
      throw ValidationError("--window-days: \(windowDays) must be in 1...100000")
    }
    guard confidence >= 0.5, confidence < 1 else {
      throw ValidationError("--confidence: \(confidence) must be in [0.5, 1)")
    }
    guard horizonDays > 0, horizonDays <= 36_500 else {
      throw ValidationError("--horizon-days: \(horizonDays) must be in (0, 36500]")
    }
    guard paths >= 100 else { throw ValidationError("--paths: \(paths) must be at least 100") }
    if let threads, !(1...1024).contains(threads) {
      throw ValidationError("--threads: \(threads) is out of range (1...1024)")
    }
  }

  func run() throws {
    let report = try analysis().report()
    let text = format == .json ? try ReportJSON.text(report) : report.table()
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  func analysis() throws -> StressAnalysis {
    let file = try PriceFile(path: estimation.pricePath)
    // The Monte Carlo keeps each path's portfolio value (and its copy while partials merge).
    try RunSize.check(
      paths: paths, steps: 1, stepsFlag: nil, assets: file.assets.count, keptValuesPerPath: 2)
    let spot = try file.lastCompletePrices()
    let portfolio = try PortfolioFile(
      path: self.portfolio ?? BundledData.examplePortfolio, assets: file.assets, spot: spot)
    let user = try scenarios.map { (path) throws(InputError) in
      try StressScenarioFile(path: path, assets: file.assets)
    }
    try StressAnalysis.checkWork(paths: paths, scenarios: user, flag: "--paths")
    let risk = PortfolioVaR(
      file: file, weights: portfolio.weights, estimator: estimation.covarianceEstimator,
      histories: estimation.histories, confidence: confidence, horizonDays: horizonDays,
      paths: paths, steps: 1, seed: seed, threads: threads)
    return StressAnalysis(
      file: file, portfolio: portfolio, userScenarios: user, windowDays: windowDays, risk: risk)
  }
}
