import Foundation
import RiskKernels

/// The stress scenarios of `riskreport stress` and of the report's "Stress scenarios" section
/// (docs/stress.md): the worst historical windows, the hypothetical shocks, the volatility and
/// correlation stresses with VaR/ES beside today's, and the user's scenarios; every price move
/// applied to the leveraged positions too.
struct StressAnalysis {
  let file: PriceFile
  let portfolio: PortfolioFile
  let userScenarios: StressScenarioFile?
  let windowDays: Int
  /// Whether too few complete rows for one window is an error (`riskreport stress`) or leaves
  /// the historical scenarios out (the report).
  var requiresHistory = true
  /// The VaR/ES settings of the volatility and correlation scenarios (`stress: nil`: today).
  let risk: PortfolioVaR

  /// The hypothetical shocks: each asset alone, then all together.
  static let shockSizes = [-0.2, -0.3]
  static let volatilityMultipliers = [2.0, 3.0]
  static let correlationShift = 0.5
  /// The report's historical window (`riskreport stress --window-days`' default).
  static let reportWindowDays = 10

  /// The report's stressed VaR/ES paths: the run's, at most 10⁶ (a `--paths 10⁸` report
  /// would otherwise simulate 4·10⁸ more for its stress section).
  static func reportPaths(_ paths: Int) -> Int { min(paths, 1_000_000) }

  /// The most paths the Monte Carlo VaR/ES of all scenarios may simulate together: today's,
  /// the three built-in stresses' and one per user scenario with a stress (2·10⁸ paths is about
  /// a minute here).
  static let maximumStressedPaths = 200_000_000

  /// Refuses, before any work, a scenario file and a path count that together would simulate
  /// more than `maximumStressedPaths`.
  static func checkWork(paths: Int, scenarios: StressScenarioFile?, flag: String) throws(InputError)
  {
    let runs =
      1 + volatilityMultipliers.count + 1
      + (scenarios?.scenarios.filter { $0.stress != nil }.count ?? 0)
    guard Double(runs) * Double(paths) <= Double(maximumStressedPaths) else {
      throw InputError(
        location: .flag(flag),
        message:
          "\(runs) stressed VaR/ES runs (today's, \(volatilityMultipliers.count + 1) built-in, \(runs - volatilityMultipliers.count - 2) of the scenarios) × \(paths) paths is above the \(maximumStressedPaths) paths a stress test may simulate; use fewer paths or scenarios with a stress"
      )
    }
  }

  func report() throws -> StressReport {
    let spot = try file.lastCompletePrices()
    var scenarios = try historical()
    for size in Self.shockSizes {
      for (i, asset) in file.assets.enumerated() {
        var moves = [Double](repeating: 0, count: file.assets.count)
        moves[i] = size
        scenarios.append(
          try priced(name: "\(asset) \(Self.percent(size))", kind: .shock, moves: moves, spot: spot)
        )
      }
    }
    for size in Self.shockSizes {
      scenarios.append(
        try priced(
          name: "all \(Self.percent(size))", kind: .shock,
          moves: [Double](repeating: size, count: file.assets.count), spot: spot))
    }
    // Today's figures and the parametric covariance the repairs are measured on, once.
    let (simple, _) = try file.returns(kind: .simple, as: Double.self)
    let todayMeasures = try measures(stress: nil)
    let today = Today(
      var: todayMeasures.var, es: todayMeasures.es,
      covariance: try risk.parametricCovariance(simple: simple))
    for k in Self.volatilityMultipliers {
      scenarios.append(
        try stressed(
          name: Self.volatilityName(k), kind: .volatility,
          stress: CovarianceStress(volatilityMultiplier: k), today: today))
    }
    scenarios.append(
      try stressed(
        name: Self.correlationName, kind: .correlation,
        stress: CovarianceStress(correlationShift: Self.correlationShift), today: today))
    for (name, moves, stress) in userScenarios?.scenarios ?? [] {
      var scenario =
        try moves.map { try priced(name: name, kind: .user, moves: $0, spot: spot) }
        ?? StressReport.Scenario(name: name, kind: .user)
      if let stress {
        let s = try stressed(name: name, kind: .user, stress: stress, today: today)
        (scenario.valueAtRisk, scenario.expectedShortfall, scenario.repair) =
          (s.valueAtRisk, s.expectedShortfall, s.repair)
      }
      scenarios.append(scenario)
    }
    return StressReport(
      value: portfolio.value, windowDays: windowDays, confidence: risk.confidence,
      horizonDays: risk.horizonDays, scenarios: scenarios)
  }

  /// The three worst non-overlapping windows of `windowDays` rows among the complete rows.
  func historical() throws -> [StressReport.Scenario] {
    let complete = file.rows.indices.filter { file.rows[$0].allSatisfy { $0 != nil } }
    guard complete.count > windowDays else {
      if !requiresHistory { return [] }
      throw InputError(
        location: .flag("--window-days"),
        message:
          "\(windowDays) needs at least \(windowDays + 1) complete rows; \(file.path) has \(complete.count)"
      )
    }
    let prices = try Matrix(complete.map { file.rows[$0].map { $0! } })
    let windows = try WorstWindows(window: windowDays, count: 3).find(
      prices: prices, exposures: portfolio.weights)
    let spot = try file.lastCompletePrices()
    return try windows.enumerated().map { k, w in
      var s = try priced(
        name: "worst \(windowDays)-day window #\(k + 1)", kind: .historical, moves: w.moves,
        spot: spot)
      (s.start, s.end) = (file.labels[complete[w.start]], file.labels[complete[w.end]])
      return s
    }
  }

  /// A scenario that moves prices: the portfolio's and each asset's P&L, and the positions.
  func priced(name: String, kind: StressReport.Kind, moves: [Double], spot: [Double]) throws
    -> StressReport.Scenario
  {
    var s = StressReport.Scenario(name: name, kind: kind)
    let value = portfolio.value
    s.portfolioReturn = zip(portfolio.weights, moves).reduce(0) { $0 + $1.0 * $1.1 }
    s.portfolioPnL = value * s.portfolioReturn
    var assetPnL: [String: Double] = [:]
    for (i, asset) in file.assets.enumerated() where portfolio.weights[i] != 0 {
      assetPnL[asset] = value * portfolio.weights[i] * moves[i]
    }
    s.assetPnL = assetPnL
    s.positions = try portfolio.positions.enumerated().map { k, p in
      let i = file.assets.firstIndex(of: p.asset)!
      do {
        let position = try LeveragedPosition(
          side: p.side, leverage: p.leverage, maintenanceMargin: p.maintenanceMargin ?? 0.005,
          entryPrice: p.entryPrice ?? spot[i])
        let perMargin = try PositionShock(
          position: position, margin: 1, spot: spot[i], move: moves[i])
        let amounts = try p.margin.map {
          try PositionShock(position: position, margin: $0, spot: spot[i], move: moves[i])
        }
        return StressReport.Position(
          asset: p.asset, side: p.side.rawValue, leverage: p.leverage,
          liquidated: perMargin.liquidated, pnl: amounts?.pnl, badDebt: amounts?.badDebt,
          returnOnMargin: perMargin.pnl)
      } catch {
        throw InputError(
          location: .file(portfolio.path), message: "leveragedPositions[\(k)]: \(error)")
      }
    }
    return s
  }

  /// Today's parametric and Monte Carlo VaR and ES, or under `stress`.
  func measures(stress: CovarianceStress?) throws -> (var: [Double], es: [Double]) {
    var r = risk
    r.stress = stress
    let results = try r.compute([.parametric, .monteCarlo])
    return (results.map(\.var), results.map(\.expectedShortfall))
  }

  /// Today's parametric and Monte Carlo VaR and ES, and today's parametric covariance.
  struct Today {
    let `var`: [Double]
    let es: [Double]
    let covariance: Matrix<Double>
  }

  func stressed(
    name: String, kind: StressReport.Kind, stress: CovarianceStress, today: Today
  ) throws -> StressReport.Scenario {
    var s = StressReport.Scenario(name: name, kind: kind)
    let after = try measures(stress: stress)
    s.valueAtRisk = .init(
      parametric: .init(today: today.var[0], stressed: after.var[0]),
      monteCarlo: .init(today: today.var[1], stressed: after.var[1]))
    s.expectedShortfall = .init(
      parametric: .init(today: today.es[0], stressed: after.es[0]),
      monteCarlo: .init(today: today.es[1], stressed: after.es[1]))
    // The repair of the parametric method's covariance (the Monte Carlo one's, of log returns,
    // differs from it only by the returns' kind).
    if let repair = try stress.apply(to: today.covariance).repair {
      s.repair = .init(distance: repair.distance, iterations: repair.convergence?.iterations ?? 0)
    }
    return s
  }

  static func percent(_ x: Double) -> String { String(format: "%+g%%", 100 * x) }
  static func volatilityName(_ k: Double) -> String { "volatility ×\(Int(k))" }
  static let correlationName = "correlation +½(1 − ρ)"
}
