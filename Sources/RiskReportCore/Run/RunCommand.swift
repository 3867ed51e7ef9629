import ArgumentParser
import Foundation
import RiskKernels

/// `riskreport run`: the full risk report, from prices and a portfolio to report.md,
/// report.json and report.html.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "The full Monte Carlo risk report (the main job); on the bundled example by default.",
    discussion: """
      returns → covariance (Ledoit-Wolf by default) → current and risk-parity weights with their \
      risk contributions → Monte Carlo of the portfolio → VaR/ES by every method → rolling \
      backtest (Kupiec, Christoffersen) → liquidation probabilities of each leveraged position \
      and how they change with leverage → each step's time against its use-case budget. \
      Writes report.md, report.json and report.html (self-contained, inline SVG charts) into \
      --out, all at once or not at all, and prints the folder. docs/report.md describes every \
      number and the portfolio file.
      """
  )

  @OptionGroup var estimation: EstimationOptions<LedoitWolfByDefault>
  @Option(help: "Portfolio JSON (default: the bundled example, with leveraged positions).")
  var portfolio: String?
  @OptionGroup var simulation: SimulationOptions
  @Option(parsing: .unconditional, help: ArgumentHelp(stringLiteral: SimulationOptions.horizonHelp))
  var horizonDays: Double = 10
  @Option(parsing: .unconditional, help: ArgumentHelp(stringLiteral: SimulationOptions.stepsHelp))
  var steps: Int = 10
  @OptionGroup var tail: ConfidenceOption
  @Option(help: ArgumentHelp(stringLiteral: VarianceReductionChoice.help))
  var varianceReduction: VarianceReductionChoice = .none
  @Option(help: ArgumentHelp(stringLiteral: SamplerChoice.help)) var sampler: SamplerChoice =
    .pseudo
  @Option(parsing: .unconditional, help: ArgumentHelp(stringLiteral: SamplerChoice.replicatesHelp))
  var replicates: Int?
  @Option(parsing: .unconditional, help: "Backtest estimation window in days.") var window: Int =
    250
  @OptionGroup var calendar: CalendarOption
  @Option(help: "JSON array of stress scenarios for the report, beside the built-in ones.")
  var scenarios: String?
  @Option(help: "Output folder (replaced as a whole).") var out: String = "risk-report"
  @Option(help: "Files to write: md, json, html or all.") var format: RunFormat = .all

  func validate() throws {
    try SimulationOptions.checkSteps(steps)
    try SimulationOptions.checkHorizon(days: horizonDays)
    try varianceReduction.check(paths: simulation.paths)
    try sampler.check(
      replicates: replicates, paths: simulation.paths, varianceReduction: varianceReduction,
      confidence: tail.confidence)
    guard window >= 20 else { throw ValidationError("--window: \(window) must be at least 20") }
  }

  func run() throws {
    let priceFile = try PriceFile(path: estimation.pricePath)
    if sampler == .sobol, priceFile.assets.count > SobolSequence.maximumDimensions {
      throw InputError(
        location: .flag("--sampler"),
        message:
          "sobol covers \(SobolSequence.maximumDimensions) assets; the price file has \(priceFile.assets.count)"
      )
    }
    let periods = try PriceCalendar.resolve(
      flag: calendar.periodsPerYear, labels: priceFile.labels, path: priceFile.path)
    let spot = try priceFile.lastCompletePrices()
    let portfolioFile = try PortfolioFile(
      path: portfolio ?? BundledData.examplePortfolio, assets: priceFile.assets, spot: spot)
    let userScenarios = try scenarios.map { (path) throws(InputError) in
      try StressScenarioFile(path: path, assets: priceFile.assets)
    }
    try StressAnalysis.checkWork(
      paths: StressAnalysis.reportPaths(simulation.paths), scenarios: userScenarios,
      flag: "--scenarios")
    // Before any work: a bad --out, or a run too large for this machine, is found now.
    if MainSimulation.writesOutput { try ReportDirectory.check(out) }
    try RunSize.check(
      paths: simulation.paths, steps: steps, assets: priceFile.assets.count,
      // measured: 83 B per path at d = 4; the joint liquidation keeps a count, a notional and a
      // word per 64 positions per path, twice while its partials merge.
      keptValuesPerPath: priceFile.assets.count + 8
        + varianceReduction.extraValuesPerPath(assets: priceFile.assets.count)
        + (portfolioFile.positions.isEmpty
          ? 0 : 2 * (2 + (portfolioFile.positions.count + 63) / 64)))
    let display = ProgressDisplay.ifTerminal()
    display?.begin("Monte Carlo")
    var progress: (@Sendable (Int, Int) -> Void)? = nil
    if let display { progress = { done, total in display.update(done: done, total: total) } }
    let pipeline = RunPipeline(
      prices: priceFile, portfolio: portfolioFile,
      settings: .init(
        estimator: estimation.estimator, decay: estimation.decay, paths: simulation.paths,
        steps: steps, horizonDays: horizonDays,
        confidence: tail.confidence, seed: simulation.seed, window: window,
        threads: simulation.threads,
        histories: estimation.histories, calendar: periods, varianceReduction: varianceReduction,
        sampler: sampler, replicates: replicates ?? SamplerChoice.defaultReplicates),
      scenarios: userScenarios, progress: progress)
    let report: RunReport
    do {
      report = try pipeline.run()
      display?.finish()
    } catch {
      display?.finish()
      throw error
    }
    var files: [String: Data] = [:]
    if format == .all || format == .json { files["report.json"] = try report.json() }
    if format == .all || format == .md {
      files["report.md"] = Data(MarkdownReport.render(report).utf8)
    }
    if format == .all || format == .html {
      files["report.html"] = Data(HTMLReport.render(report).utf8)
    }
    try ReportDirectory.write(files, to: out)
    print("report written to \(out)/ (\(files.keys.sorted().joined(separator: ", ")))")
    print(TerminalSummary.text(report), terminator: "")
  }
}

enum RunFormat: String, ExpressibleByArgument, CaseIterable {
  case md, json, html, all
}
