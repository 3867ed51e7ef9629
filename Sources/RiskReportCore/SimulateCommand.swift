import ArgumentParser
import Foundation
import RiskKernels

/// `riskreport simulate`: correlated GBM paths from a price history or a model file.
struct SimulateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "simulate",
    abstract: "Simulate correlated GBM paths and report terminal prices and running minima.",
    discussion: """
      From --prices: the spot is the last complete row, the covariance of daily log returns \
      (--estimator) is annualised by --periods-per-year (default: what the dates say, 252 \
      without weekends, 365 with), and the drift is μ = periods·mean + σ²/2 \
      (or zero with --zero-drift). From --model: a JSON file {"assets", "spot", "drift", \
      "volatility", "correlation"} with annualised parameters. Without either, the bundled \
      example prices are used. Same seed and flags give the same output on any --threads.
      """
  )

  @OptionGroup var estimation: EstimationOptions<SampleByDefault>

  @Option(help: "JSON model file (annualised spot, drift, volatility, correlation).")
  var model: String?

  @OptionGroup var calendar: CalendarOption

  @Flag(help: "Simulate with zero drift instead of the estimated one (--prices only).")
  var zeroDrift = false

  @OptionGroup var simulation: SimulationOptions

  @Option(parsing: .unconditional, help: ArgumentHelp(stringLiteral: SimulationOptions.stepsHelp))
  var steps: Int = 10

  @Option(parsing: .unconditional, help: ArgumentHelp(stringLiteral: SimulationOptions.horizonHelp))
  var horizonDays: Double = 10

  @Flag(help: "Antithetic variates (paths must be even).")
  var antithetic = false

  @Option(help: "Normal generator: philox or mt19937.")
  var generator: GeneratorChoice = .philox

  @Option(help: ArgumentHelp(stringLiteral: SamplerChoice.help)) var sampler: SamplerChoice =
    .pseudo
  @Option(parsing: .unconditional, help: ArgumentHelp(stringLiteral: SamplerChoice.replicatesHelp))
  var replicates: Int?

  @Option(help: "Arithmetic: double or float.")
  var precision: PrecisionChoice = .double

  @OptionGroup var output: OutputOption

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "The most terminal prices held at once for the quantiles (default 2^22).",
      discussion:
        "A run with more paths × assets selects its quantiles exactly in extra passes over the same paths: the same numbers, in up to 3 more runs' time."
    ))
  var quantileValues: Int = TerminalQuantileSelection<Double>.defaultGatherLimit

  /// The largest `--quantile-values`: 10⁸ prices, 800 MB in Double.
  static var quantileValuesLimit: Int { 100_000_000 }

  func validate() throws {
    if estimation.prices != nil, model != nil {
      throw ValidationError("--prices and --model: give one, not both")
    }
    if antithetic, !simulation.paths.isMultiple(of: 2) {
      throw ValidationError("--paths: \(simulation.paths) must be even with --antithetic")
    }
    try SimulationOptions.checkSteps(steps)
    try sampler.check(
      replicates: replicates, paths: simulation.paths,
      varianceReduction: antithetic ? .antithetic : .none,
      reductionFlag: "--antithetic")
    if sampler == .sobol, generator != .philox {
      throw ValidationError(
        "--generator: \(generator.rawValue) does not apply with --sampler sobol")
    }
    try SimulationOptions.checkHorizon(days: horizonDays)
    guard (1...Self.quantileValuesLimit).contains(quantileValues) else {
      throw ValidationError(
        "--quantile-values: \(quantileValues) is out of range (1...\(Self.quantileValuesLimit))")
    }
  }

  func run() throws {
    let report: SimulationReport
    switch precision {
    case .double: report = try simulate(Double.self)
    case .float: report = try simulate(Float.self)
    }
    let text = output.format == .json ? try report.json() : report.table()
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  func simulate<T: BLASScalar>(_: T.Type) throws -> SimulationReport {
    let (gbm, calendar) = try loadModel(T.self)
    if sampler == .sobol { return try simulateSobol(gbm, calendar: calendar) }
    // The quantiles' selection holds at most --quantile-values prices (four copies at most:
    // the tree's merges, the result, the selection's working copy), never the N × d of the run.
    let (prices, overflow) = simulation.paths.multipliedReportingOverflow(by: gbm.dimension)
    let held = overflow ? quantileValues : Swift.min(quantileValues, prices)
    try RunSize.check(
      paths: simulation.paths, steps: steps, assets: gbm.dimension, keptValuesPerPath: 0,
      keptValues: 4 * held)
    let settings = SimulationSettings(
      paths: simulation.paths, steps: steps,
      horizon: Horizon.days(horizonDays, daysPerYear: calendar.periodsPerYear).years,
      seed: simulation.seed, antithetic: antithetic, generator: generator.generator,
      threads: simulation.threads)
    let result: SimulationResult<T>
    let quantiles: [[T]]
    do {
      var selection = try TerminalQuantileSelection<T>(
        probabilities: SimulationReport.probabilities.map(\.value), paths: simulation.paths,
        assets: gbm.dimension, gatherLimit: quantileValues)
      // The selection's first pass rides along with the run; later passes re-simulate its paths.
      var observers = PathObservers<T>()
      observers.custom = [selection.pass!]
      let simulator = PathSimulator(model: gbm, settings: settings, observers: observers)
      result = try MainSimulation.run(
        simulator,
        then: { previous throws(RiskKernelsError) in
          try selection.advance(with: previous)
          return selection.passSimulator(of: simulator)
        })
      quantiles = selection.quantiles!
    } catch {
      if case .parameterOutOfRange(let name, _, let allowed) = error, name.isElement(of: .model),
        let i = name.index
      {
        // The model (its spot, drift or volatility), not a flag, is what is out of range.
        throw InputError(
          location: .file(model ?? estimation.pricePath),
          message:
            "\(gbm.assets[i]): spot \(gbm.spot[i]), drift \(gbm.drift[i]) and volatility \(gbm.volatility[i]) over \(horizonDays) days (--horizon-days) reach prices beyond \(T.self)'s range (\(allowed))"
        )
      }
      throw InputError(location: .flag(Self.flag(for: error)), message: "\(error)")
    }
    return SimulationReport(
      result: result, quantiles: quantiles, model: gbm, horizonDays: horizonDays,
      calendar: calendar,
      precision: precision.rawValue, source: model ?? estimation.prices ?? "bundled example")
  }

  /// `--sampler sobol`: the replicates one after the other in this process, each keeping its
  /// terminal prices for the pooled quantiles (N × d values in all).
  func simulateSobol<T: BLASScalar>(_ gbm: CorrelatedGBM<T>, calendar: PriceCalendar) throws
    -> SimulationReport
  {
    let d = gbm.dimension
    let (dimensions, overflow) = steps.multipliedReportingOverflow(by: d)
    guard !overflow, dimensions <= SobolSequence.maximumDimensions else {
      throw InputError(
        location: .flag("--steps"),
        message:
          "\(steps) steps × \(d) assets need \(Double(steps) * Double(d)) Sobol' dimensions; the shipped table has \(SobolSequence.maximumDimensions)"
      )
    }
    // Every terminal price is kept for the pooled quantiles: --quantile-values caps them too.
    let (prices, pricesOverflow) = simulation.paths.multipliedReportingOverflow(by: d)
    guard !pricesOverflow, prices <= quantileValues else {
      throw InputError(
        location: .flag("--quantile-values"),
        message:
          "--sampler sobol keeps every terminal price for the quantiles: \(simulation.paths) paths × \(d) assets exceed \(quantileValues); raise it or use fewer paths"
      )
    }
    try RunSize.check(paths: simulation.paths, steps: steps, assets: d, keptValuesPerPath: 2 * d)
    let settings = SimulationSettings(
      paths: simulation.paths, steps: steps,
      horizon: Horizon.days(horizonDays, daysPerYear: calendar.periodsPerYear).years,
      seed: simulation.seed, generator: .sobol, threads: simulation.threads)
    let results: [SimulationResult<T>]
    var quantiles: [[T]] = []
    do {
      results = try RandomizedQMC(replicates: replicates ?? SamplerChoice.defaultReplicates).run(
        PathSimulator(
          model: gbm, settings: settings, observers: PathObservers(keepTerminalPrices: true)))
      var byAsset: [[T]] = []
      for i in 0..<d {
        var pooled: [T] = []
        pooled.reserveCapacity(simulation.paths)
        for r in results { pooled += r.terminalPrices!.column(i) }
        byAsset.append(
          try linearQuantiles(
            of: pooled, probabilities: SimulationReport.probabilities.map(\.value)))
      }
      quantiles = SimulationReport.probabilities.indices.map { q in byAsset.map { $0[q] } }
    } catch {
      throw InputError(location: .flag(Self.flag(for: error)), message: "\(error)")
    }
    var report = try SimulationReport(
      replicates: results, quantiles: quantiles, model: gbm, horizonDays: horizonDays,
      calendar: calendar, precision: precision.rawValue,
      source: model ?? estimation.prices ?? "bundled example")
    report.seed = simulation.seed
    return report
  }

  /// The flag a settings error is about (the library names the setting, not the flag).
  static func flag(for error: RiskKernelsError) -> String {
    guard case .parameterOutOfRange(let name, _, _) = error else { return "simulate" }
    let flags: [ParameterName: String] = [
      .paths: "--paths", .steps: "--steps", .horizon: "--horizon-days", .threads: "--threads",
    ]
    return flags[name] ?? "simulate"
  }

  /// The model, and the calendar its horizon in days is counted in.
  func loadModel<T: BLASScalar>(_: T.Type) throws -> (CorrelatedGBM<T>, PriceCalendar) {
    if let model {
      return (
        try ModelFile.load(path: model, as: T.self),
        PriceCalendar.withoutPrices(flag: calendar.periodsPerYear)
      )
    }
    let path = estimation.pricePath
    let file = try PriceFile(path: path)
    let calendar = try PriceCalendar.resolve(
      flag: self.calendar.periodsPerYear, labels: file.labels, path: path)
    let estimate = try file.covariance(
      kind: .log, estimator: estimation.covarianceEstimator, histories: estimation.histories,
      as: T.self
    ).estimate
    let spot = try file.lastCompletePrices().map { T($0) }
    do {
      let gbm = try CorrelatedGBM(
        assets: file.assets, spot: spot, dailyEstimate: estimate,
        daysPerYear: T(calendar.periodsPerYear),
        drift: zeroDrift ? Array(repeating: 0, count: spot.count) : nil)
      return (gbm, calendar)
    } catch {
      throw InputError(location: .file(path), message: "\(error)")
    }
  }
}

enum GeneratorChoice: String, ExpressibleByArgument, CaseIterable {
  case philox
  case mt19937
  var generator: NormalGenerator { self == .philox ? .philox : .mt19937 }
}

enum PrecisionChoice: String, ExpressibleByArgument, CaseIterable {
  case double
  case float
}
