import ArgumentParser
import Foundation
import RiskKernels

/// `riskreport cascade`: a liquidation cascade through a constant-product pool after one shock,
/// or its distribution over simulated shocks.
struct CascadeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cascade",
    abstract: "Liquidation cascades: forced sales of liquidated positions through an AMM pool.",
    discussion: """
      The shock moves the pool to P(1 + s); each round closes every position whose liquidation \
      price the pool's price has reached, nets their trades into one swap, prices them at its \
      average execution price (negative equity is bad debt) and moves the pool; it stops when a \
      round closes nothing. With --paths, the shocks are each path's move over --horizon-days \
      from GBM: --volatility (and --drift) for a one-asset book, or --model for correlated \
      assets. Without --book, the bundled example book. See docs/liquidation.md.
      """
  )

  @Option(help: "JSON book: asset, pool and positions (default: the bundled example).")
  var book: String?

  @Option(parsing: .unconditional, help: "The exogenous relative price move (default -0.1).")
  var shock: Double?

  @Option(
    parsing: .unconditional,
    help: "Simulate this many shocks instead of one: \(SimulationOptions.pathsHelp)")
  var paths: Int?

  @Option(parsing: .unconditional, help: ArgumentHelp(stringLiteral: SimulationOptions.horizonHelp))
  var horizonDays: Double = 1

  @Option(parsing: .unconditional, help: "Annualised volatility of a one-asset book's asset.")
  var volatility: Double?

  @Option(parsing: .unconditional, help: "Annualised drift of a one-asset book's asset.")
  var drift: Double = 0

  @Option(help: "JSON model file (as simulate's) holding the book's assets.")
  var model: String?

  @OptionGroup var calendar: CalendarOption

  @Option(parsing: .unconditional, help: ArgumentHelp(stringLiteral: SimulationOptions.seedHelp))
  var seed: UInt64 = 42

  @Option(help: "Arithmetic: double or float.")
  var precision: PrecisionChoice = .double

  @Option(parsing: .unconditional, help: ArgumentHelp(stringLiteral: SimulationOptions.threadsHelp))
  var threads: Int?

  @OptionGroup var output: OutputOption

  func validate() throws {
    if let shock, !(shock > -1 && shock <= 100) {
      throw ValidationError("--shock: \(shock) must be in (-1, 100] (a relative move)")
    }
    // The shared limits hold whether or not a simulation uses the flags.
    try SimulationOptions.checkHorizon(days: horizonDays)
    try SimulationOptions.checkThreads(threads)
    guard let paths else {
      for (flag, given) in [
        ("--volatility", volatility != nil), ("--model", model != nil), ("--drift", drift != 0),
      ] where given {
        throw ValidationError("\(flag): only with --paths (a simulation)")
      }
      return
    }
    if shock != nil { throw ValidationError("--shock and --paths: give one, not both") }
    try SimulationOptions.checkPaths(paths)
    if volatility != nil, model != nil {
      throw ValidationError("--volatility and --model: give one, not both")
    }
    if let volatility, !(volatility >= 1e-6 && volatility <= 1000) {
      throw ValidationError("--volatility: \(volatility) must be in [1e-6, 1000]")
    }
    guard abs(drift) <= 1000 else {
      throw ValidationError("--drift: \(drift) must be in [-1000, 1000]")
    }
    if volatility == nil, model == nil {
      throw ValidationError("--paths: the simulation needs --volatility (one asset) or --model")
    }
  }

  var bookPath: String { book ?? BundledData.exampleCascadeBook }

  func run() throws {
    let file = try CascadeBookFile(path: bookPath)
    let text: String
    switch precision {
    case .double: text = try render(file, Double.self)
    case .float: text = try render(file, Float.self)
    }
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  func render<T: BLASScalar>(_ file: CascadeBookFile, _: T.Type) throws -> String {
    if paths != nil {
      let reports = try simulate(file, T.self)
      if output.format == .json {
        return file.isSingle
          ? try ReportJSON.text(reports[0]) : try ReportJSON.text(CascadeMarkets(markets: reports))
      }
      return reports.map(\.table).joined(separator: "\n")
    }
    let shock = self.shock ?? -0.1
    var reports: [CascadeReport.Shock] = []
    for (market, prefix) in file.markets {
      let cascade = try file.cascade(market, field: prefix, as: T.self)
      let outcome: CascadeOutcome<T>
      do {
        outcome = try cascade.run(shock: T(shock))
      } catch {
        throw Self.inputError(error, file: file.path, prefix: prefix)
      }
      reports.append(CascadeReport.Shock(asset: market.asset, shock: shock, outcome: outcome))
    }
    if output.format == .json {
      return file.isSingle
        ? try ReportJSON.text(reports[0]) : try ReportJSON.text(CascadeMarkets(markets: reports))
    }
    return reports.map(\.table).joined(separator: "\n")
  }

  func simulate<T: BLASScalar>(_ file: CascadeBookFile, _: T.Type) throws -> [CascadeReport
    .Simulated]
  {
    guard let paths else { return [] }
    let gbm: CorrelatedGBM<T>
    if let model {
      gbm = try ModelFile.load(path: model, as: T.self)
    } else {
      guard file.markets.count == 1 else {
        throw InputError(
          location: .flag("--volatility"),
          message: "\(file.path) has \(file.markets.count) markets; correlated assets need --model")
      }
      let spot = try file.cascade(file.markets[0].market, field: file.markets[0].field, as: T.self)
        .pool.spotPrice
      gbm = try CorrelatedGBM(
        assets: [file.markets[0].market.asset], spot: [spot], drift: [T(drift)],
        volatility: [T(volatility ?? 0)], correlation: Matrix([[1]]))
    }
    let markets = try file.markets.map { (market, prefix) throws -> CascadeSimulation<T>.Market in
      guard let i = gbm.assets.firstIndex(of: market.asset) else {
        throw InputError(
          location: .file(model ?? file.path),
          message:
            "\(prefix)asset \(market.asset) is not an asset of the model (\(gbm.assets.joined(separator: ", ")))"
        )
      }
      return .init(asset: i, cascade: try file.cascade(market, field: prefix, as: T.self))
    }
    try RunSize.check(
      paths: paths, steps: 1, assets: gbm.dimension,
      keptValuesPerPath: 2 * CascadeDistribution.figuresPerPath * markets.count)
    let calendar = PriceCalendar.withoutPrices(flag: self.calendar.periodsPerYear)
    let settings = SimulationSettings(
      paths: paths, steps: 1,
      horizon: Horizon.days(horizonDays, daysPerYear: calendar.periodsPerYear).years,
      seed: seed, threads: threads)
    let distributions: [CascadeDistribution]
    do {
      let simulation = try CascadeSimulation(model: gbm, markets: markets)
      // Through the runner, so riskreport-mpi splits the paths across ranks.
      distributions = try simulation.distributions(
        from: MainSimulation.run(simulation.simulator(settings: settings)))
    } catch {
      if case .parameterOutOfRange(let name, _, _) = error, name.base.hasPrefix("path ") {
        // A simulated move of −100% (the price rounded to 0) comes from the model and the
        // horizon; any other failure of a path's cascade, from the book.
        if name.base.hasSuffix(": \(ParameterName.shock)") {
          throw InputError(
            location: model.map { .file($0) } ?? .flag("--volatility"),
            message:
              "with \(horizonDays) days (--horizon-days), a simulated price falls to 0 in \(T.self) (\(error)); use a smaller volatility or horizon"
          )
        }
        throw InputError(location: .file(file.path), message: "\(error)")
      }
      if case .parameterOutOfRange(let name, _, let allowed) = error, name.isElement(of: .model) {
        // The model's volatility and drift over the horizon, not the path count, reach prices
        // beyond the arithmetic's range.
        throw InputError(
          location: model.map { .file($0) } ?? .flag("--volatility"),
          message:
            "with \(horizonDays) days (--horizon-days), the model's prices leave \(T.self)'s range (\(allowed)); use a smaller volatility or horizon"
        )
      }
      throw InputError(location: .flag("--paths"), message: "\(error)")
    }
    return zip(file.markets, distributions).map { market, distribution in
      CascadeReport.Simulated(
        asset: market.market.asset, paths: paths, horizonDays: horizonDays, seed: seed,
        distribution: distribution)
    }
  }

  /// A cascade's error as the input that caused it: the shock, or the book whose pool it drains.
  static func inputError(_ error: RiskKernelsError, file: String, prefix: String) -> InputError {
    if case .parameterOutOfRange(let name, _, _) = error, name == .shock || name == .price {
      return InputError(location: .flag("--shock"), message: "\(error)")
    }
    return InputError(
      location: .file(file), message: "\(prefix.isEmpty ? "" : prefix + " ")\(error)")
  }
}
