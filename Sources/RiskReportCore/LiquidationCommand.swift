import ArgumentParser
import Foundation
import RiskKernels

/// `riskreport liquidation`: the liquidation price and the three liquidation probabilities of one
/// leveraged position under GBM.
struct LiquidationCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "liquidation",
    abstract:
      "Liquidation price and probabilities (terminal, first passage, per-block) of a leveraged position.",
    discussion: """
      The price follows GBM with annualised --volatility and --drift. terminalProbability: beyond \
      the liquidation price at the horizon. firstPassageProbability: touched at any time before it \
      (what liquidates a continuously marked position). discreteMonitoringProbability: seen beyond \
      it at an oracle update every --monitoring-seconds (Broadie-Glasserman-Kou), null without \
      that flag. liquidationPrice is per unit of entry price. See docs/liquidation.md.
      """
  )

  @Option(parsing: .unconditional, help: "Leverage L > 0.") var leverage: Double
  @Option(help: "long or short.") var side: SideChoice = .long
  @Option(parsing: .unconditional, help: "Maintenance-margin rate m in [0, 1).")
  var maintenanceMargin: Double = 0.005
  @Option(parsing: .unconditional, help: "Annualised volatility σ > 0.") var volatility: Double
  @Option(parsing: .unconditional, help: "Annualised drift μ of the price.") var drift: Double = 0
  @Option(parsing: .unconditional, help: ArgumentHelp(stringLiteral: SimulationOptions.horizonHelp))
  var horizonDays: Double
  @Option(parsing: .unconditional, help: "Oracle update interval in seconds (400 ms = 0.4).")
  var monitoringSeconds: Double?
  @OptionGroup var calendar: CalendarOption
  @OptionGroup var output: OutputOption

  /// Days per year for the horizon and the interval: calendar days unless
  /// `--periods-per-year` says otherwise (there is no price file to read a calendar from).
  var daysPerYear: Double {
    PriceCalendar.withoutPrices(flag: calendar.periodsPerYear).periodsPerYear
  }

  func validate() throws {
    try SimulationOptions.checkHorizon(days: horizonDays)
    if let monitoringSeconds, !(monitoringSeconds > 0 && monitoringSeconds.isFinite) {
      throw ValidationError("--monitoring-seconds: \(monitoringSeconds) must be positive")
    }
  }

  func run() throws {
    let position: LeveragedPosition<Double>
    let p: LiquidationProbabilities<Double>
    do {
      position = try LeveragedPosition(
        side: side.side, leverage: leverage, maintenanceMargin: maintenanceMargin)
      p = try LiquidationProbabilities(
        position: position, volatility: volatility, drift: drift,
        horizon: Horizon.days(horizonDays, daysPerYear: daysPerYear).years,
        monitoringInterval: monitoringSeconds.map { $0 / PriceCalendar.secondsPerYear })
    } catch {
      throw InputError(location: .flag(Self.flag(for: error)), message: "\(error)")
    }
    let report = LiquidationReport(
      liquidationPrice: p.liquidationPrice, terminalProbability: p.terminal,
      firstPassageProbability: p.firstPassage,
      discreteMonitoringProbability: p.discreteMonitoring,
      discreteMonitoringMethod: p.discreteMonitoringMethod?.rawValue)
    let text: String
    if output.format == .json {
      text = try ReportJSON.text(report)
    } else {
      func line(_ label: String, _ value: String) -> String {
        label.padding(toLength: max(42, label.count + 1), withPad: " ", startingAt: 0) + value
          + "\n"
      }
      var out =
        "\(side.rawValue) \(leverage)× (maintenance margin \(maintenanceMargin)), σ = \(volatility), μ = \(drift), "
      out += "horizon \(horizonDays) days\n"
      out += line("liquidation price:", String(format: "%.6f × entry", p.liquidationPrice))
      out += line("terminal (beyond it at the horizon):", String(format: "%.6e", p.terminal))
      out += line("first passage (touched before it):", String(format: "%.6e", p.firstPassage))
      if let d = p.discreteMonitoring, let seconds = monitoringSeconds {
        let note: [DiscreteMonitoringMethod: String] = [
          .exact: " (one date, the horizon: the terminal probability)",
          .bounded: " (a bound: too few dates for the continuity correction)",
        ]
        out += line(
          "per block (seen at updates every \(seconds) s):",
          String(format: "%.6e", d) + (p.discreteMonitoringMethod.flatMap { note[$0] } ?? ""))
      }
      text = out
    }
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  static func flag(for error: RiskKernelsError) -> String {
    guard case .parameterOutOfRange(let name, _, _) = error else { return "liquidation" }
    let flags: [ParameterName: String] = [
      .leverage: "--leverage", .maintenanceMargin: "--maintenance-margin",
      .volatility: "--volatility", .drift: "--drift", .horizon: "--horizon-days",
      .monitoringInterval: "--monitoring-seconds",
    ]
    return flags[name] ?? "liquidation"
  }
}

enum SideChoice: String, ExpressibleByArgument, CaseIterable {
  case long, short
  var side: PositionSide { self == .long ? .long : .short }
}

/// `{"liquidationPrice", "terminalProbability", "firstPassageProbability",
/// "discreteMonitoringProbability", "discreteMonitoringMethod"}` (the last two null without
/// `--monitoring-seconds`; the method is `exact`, `continuityCorrection` or `bounded`).
struct LiquidationReport: Encodable {
  let liquidationPrice: Double
  let terminalProbability: Double
  let firstPassageProbability: Double
  let discreteMonitoringProbability: Double?
  let discreteMonitoringMethod: String?

  enum CodingKeys: String, CodingKey {
    case liquidationPrice, terminalProbability, firstPassageProbability,
      discreteMonitoringProbability, discreteMonitoringMethod
  }

  func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(liquidationPrice, forKey: .liquidationPrice)
    try c.encode(terminalProbability, forKey: .terminalProbability)
    try c.encode(firstPassageProbability, forKey: .firstPassageProbability)
    if let d = discreteMonitoringProbability {
      try c.encode(d, forKey: .discreteMonitoringProbability)
    } else {
      try c.encodeNil(forKey: .discreteMonitoringProbability)
    }
    try c.encode(discreteMonitoringMethod, forKey: .discreteMonitoringMethod)
  }
}
