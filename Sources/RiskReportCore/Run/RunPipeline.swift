import Foundation
import RiskKernels

/// The pipeline of `riskreport run`: returns → covariance → current and risk-parity weights →
/// Monte Carlo of the portfolio → VaR/ES by every method → rolling backtest → liquidation of
/// each leveraged position → timings against the use-case budgets. Each step calls the
/// library's kernels exactly as a user would, so the report's numbers are theirs (tested).
struct RunPipeline {
  struct Settings {
    let estimator: EstimatorChoice
    let decay: Double
    let paths: Int
    let steps: Int
    let horizonDays: Double
    let confidence: Double
    let seed: UInt64
    let window: Int
    let threads: Int?
    /// Complete rows, or each asset's whole history (`--histories`).
    let histories: HistoriesChoice
    /// What annualises the daily estimates and converts the horizon in days.
    let calendar: PriceCalendar
    /// How the Monte Carlo VaR/ES draws its paths (`--variance-reduction`): antithetic pairs
    /// for the whole portfolio simulation, or a second, importance-sampled run for the VaR/ES.
    var varianceReduction: VarianceReductionChoice = .none
    /// `--sampler sobol`: the VaR/ES from a second run of `replicates` Sobol' scramblings.
    var sampler: SamplerChoice = .pseudo
    var replicates = SamplerChoice.defaultReplicates
  }

  /// Leverage points of the liquidation-vs-leverage curves.
  static let leverageGrid: [Double] = [1, 1.5, 2, 3, 5, 10, 20, 25, 50, 75, 100, 125]
  /// Paths kept for the fan chart (at most).
  static let fanPaths = 2_000

  let prices: PriceFile
  let portfolio: PortfolioFile
  let settings: Settings
  /// The user's stress scenarios (`--scenarios`), beside the built-in ones.
  var scenarios: StressScenarioFile? = nil
  /// Called with the paths done in the current simulation and its total.
  let progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?

  private var assets: [String] { prices.assets }

  /// The complete rows' daily simple returns: per asset, the portfolio's, and each return's
  /// date (the row it ends on).
  private struct DailyReturns {
    let assets: Matrix<Double>
    let portfolio: [Double]
    let dates: [String]
  }

  /// Periods (days of the price file) per year.
  private var year: Double { settings.calendar.periodsPerYear }

  func run() throws -> RunReport {
    var timings: [RunReport.Timing] = []
    func timed<T>(
      _ step: String, _ useCase: String, budget: UseCase, _ body: () throws -> T
    ) rethrows -> T {
      let clock = ContinuousClock()
      let start = clock.now
      let value = try body()
      let seconds = (clock.now - start).inSeconds
      timings.append(
        RunReport.Timing(
          step: step, useCase: useCase, seconds: seconds, budgetSeconds: budget.budgetSeconds,
          headroom: budget.budgetSeconds / max(seconds, 1e-9),
          withinBudget: seconds <= budget.budgetSeconds))
      return value
    }
    let estimator = settings.estimator.make(decay: settings.decay)
    let spot = try prices.lastCompletePrices()
    let (covariance, model) = try timed("covariance", "per-block risk refresh", budget: .fastBlock)
    {
      try kernel {
        let estimated = try prices.covariance(
          kind: .log, estimator: estimator, histories: settings.histories, as: Double.self)
        let (estimate, dropped) = (estimated.estimate, estimated.droppedRows)
        let model = try CorrelatedGBM(
          assets: assets, spot: spot, dailyEstimate: estimate, daysPerYear: year,
          drift: [Double](repeating: 0, count: spot.count))
        let section = RunReport.Covariance(
          estimator: settings.estimator.rawValue, observations: estimate.observationCount,
          droppedRows: dropped, daily: rows(estimate.covariance),
          annualVolatility: model.volatility, correlation: rows(model.correlation),
          shrinkage: estimate.shrinkage, histories: settings.histories.rawValue,
          assetObservations: estimated.observations)
        return (section, (model, estimate))
      }
    }
    let (gbm, dailyEstimate) = model
    let daily = dailyEstimate.covariance
    let parity = try timed("riskParity", "risk-parity rebalance", budget: .rebalance) {
      try riskParity(dailyEstimate)
    }
    let (monteCarlo, monteCarloVaR, simulatedReturns) = try timed(
      "monteCarlo", "per-block VaR refresh", budget: .fastBlock
    ) { try simulatePortfolio(gbm) }
    let varSection = try timed("varOtherMethods", "per-block VaR refresh", budget: .fastBlock) {
      try valueAtRisk(estimator, monteCarlo: monteCarloVaR)
    }
    // The complete rows' daily simple returns, read once for every section that uses them.
    let dailyReturns = try kernel { () throws -> DailyReturns in
      let (simple, _) = try prices.returns(kind: .simple, as: Double.self)
      return DailyReturns(
        assets: simple, portfolio: try simple.multiplied(by: portfolio.weights),
        dates: prices.completeReturnLabels())
    }
    let backtest = try timed("backtest", "daily risk update", budget: .lending) {
      try rollingBacktest(dailyReturns)
    }
    let grid = try timed("riskGrid", "daily risk update", budget: .lending) {
      try riskGrid(
        gbm, estimator: estimator, horizonReturns: simulatedReturns,
        daily: dailyReturns.portfolio)
    }
    let liquidation = try timed("liquidation", "per-block liquidation sweep", budget: .fastBlock) {
      try liquidationSection(gbm)
    }
    let cadence = try timed("cadence", "daily risk update", budget: .lending) {
      try kernel {
        let simple = dailyReturns.assets
        return try CadenceAnalysis(
          window: settings.window,
          intervals: [1, 5, 21, 63].filter { $0 < simple.rows - settings.window },
          confidence: settings.confidence, estimator: estimator
        ).run(returns: simple, weights: portfolio.weights)
      }
    }
    let rebalance = try portfolio.rebalance.map { r in
      try timed("rebalance", "hourly rebalance", budget: .rebalance) {
        try kernel {
          let annual = try Matrix(daily.rowArrays.map { $0.map { $0 * year } })
          let solution = try CostAwareRebalance().solve(
            covariance: annual, currentWeights: portfolio.weights,
            riskAversion: r.riskAversion, costs: r.costs, caps: portfolio.caps)
          let before = try RiskContributions(weights: portfolio.weights, covariance: annual)
          return RunReport.Rebalance(
            costs: r.costs, riskAversion: r.riskAversion, currentWeights: portfolio.weights,
            weights: solution.weights, trades: solution.trades,
            tradingCost: solution.tradingCost,
            volatilityBefore: before.portfolioVolatility,
            volatilityAfter: solution.portfolioVolatility,
            iterations: solution.convergence.iterations)
        }
      }
    }
    let controls = try portfolio.controls.map { c in
      try timed("controls", "per-block risk refresh", budget: .fastBlock) {
        try controlsSection(c, model: gbm, dailyCovariance: daily, returns: dailyReturns)
      }
    }
    let lending =
      portfolio.loans.isEmpty
      ? nil
      : try timed("lending", "daily lending update", budget: .lending) {
        try lendingSection(gbm)
      }
    let joint =
      portfolio.positions.isEmpty
      ? nil
      : try timed("jointLiquidation", "daily risk update", budget: .lending) {
        try jointLiquidation(gbm)
      }
    let stress = try timed("stress", "daily risk update", budget: .lending) {
      try StressAnalysis(
        file: prices, portfolio: portfolio, userScenarios: scenarios,
        windowDays: StressAnalysis.reportWindowDays, requiresHistory: false,
        risk: PortfolioVaR(
          file: prices, weights: portfolio.weights, estimator: estimator,
          histories: settings.histories, confidence: settings.confidence,
          horizonDays: settings.horizonDays, paths: StressAnalysis.reportPaths(settings.paths),
          steps: 1, seed: settings.seed, threads: settings.threads, distributed: false)
      ).report()
    }
    var report = RunReport(
      assets: assets,
      inputs: .init(
        prices: Self.displayName(prices.path), portfolio: Self.displayName(portfolio.path),
        estimator: settings.estimator.rawValue,
        paths: settings.paths, steps: settings.steps, horizonDays: settings.horizonDays,
        periodsPerYear: year, calendar: settings.calendar.kind,
        calendarReason: settings.calendar.reason,
        confidence: settings.confidence, seed: settings.seed, backtestWindow: settings.window,
        threads: settings.threads, varianceReduction: settings.varianceReduction.rawValue,
        sampler: settings.sampler.rawValue,
        replicates: settings.sampler == .sobol ? settings.replicates : nil,
        processes: MainSimulation.processCount,
        versions: Versions.current),
      covariance: covariance,
      weights: .init(
        spot: spot, holdings: portfolio.holdings, weights: portfolio.weights,
        value: portfolio.value),
      riskParity: parity, var: varSection, monteCarlo: monteCarlo, backtest: backtest,
      liquidation: liquidation, timings: timings, riskGrid: grid, lending: lending,
      controls: controls, rebalance: rebalance, cadence: cadence)
    report.stress = stress
    report.jointLiquidation = joint
    return report
  }

  /// A bundled file by its name (`bundled:NAME`), any other as given.
  static func displayName(_ path: String) -> String {
    path == BundledData.examplePrices || path == BundledData.examplePortfolio
      ? "bundled:" + URL(fileURLWithPath: path).lastPathComponent : path
  }

  /// Library errors become one line naming the price file.
  private func kernel<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as InputError {
      throw error
    } catch {
      if case .notPositiveDefinite = error as? RiskKernelsError {
        throw singularCovarianceError(
          settings.estimator.make(decay: settings.decay), assets: prices.assets.count,
          file: prices.path, message: "\(error)")
      }
      throw InputError(location: .file(prices.path), message: "\(error)")
    }
  }

  private func rows(_ m: Matrix<Double>) -> [[Double]] {
    (0..<m.rows).map { i in (0..<m.columns).map { m[i, $0] } }
  }

  /// `progress` for one simulation of `settings.paths` paths.
  private var pathProgress: (@Sendable (Int) -> Void)? {
    guard let progress else { return nil }
    let total = settings.paths
    return { done in progress(done, total) }
  }

  private var simulationSettings: SimulationSettings {
    SimulationSettings(
      paths: settings.paths, steps: settings.steps,
      horizon: Horizon.days(settings.horizonDays, daysPerYear: year).years,
      seed: settings.seed, antithetic: settings.varianceReduction == .antithetic,
      threads: settings.threads)
  }

  /// The risk-parity weights of the daily estimate (not factored first when its estimator
  /// proves it positive definite: `RiskBudgetingSolver.solve(estimate:…)`).
  private func riskParity(_ daily: CovarianceEstimate<Double>) throws -> RunReport.RiskParity {
    let solution: RiskBudgetingSolution<Double>
    do {
      solution = try RiskBudgetingSolver().solve(
        estimate: daily, budgets: portfolio.riskBudgets, caps: portfolio.caps)
    } catch {
      // Budgets and caps are blamed only when the portfolio gives them; otherwise the
      // covariance estimated from the prices is what the solver could not use.
      guard portfolio.riskBudgets == nil, portfolio.caps == nil else {
        throw InputError(location: .file(portfolio.path), message: "riskBudgets/caps: \(error)")
      }
      throw InputError(
        location: .file(prices.path), message: "risk parity on the estimated covariance: \(error)")
    }
    let current = try kernel {
      try RiskContributions(weights: portfolio.weights, covariance: daily.covariance)
    }
    let annual = year.squareRoot()
    return .init(
      budgets: solution.budgets, weights: solution.weights,
      currentContributions: current.relative,
      parityContributions: solution.relativeRiskContributions,
      currentVolatility: current.portfolioVolatility * annual,
      parityVolatility: solution.portfolioVolatility * annual,
      cappedAssets: solution.cappedAssets.map { assets[$0] },
      iterations: solution.convergence.iterations, residual: solution.convergence.residual)
  }

  /// Parametric, Cornish-Fisher and historical, then the Monte Carlo result of the portfolio
  /// simulation (the same paths; not simulated twice).
  private func valueAtRisk(
    _ estimator: any CovarianceEstimator, monteCarlo: VaRReport.Result
  ) throws -> RunReport.VaR {
    let calculation = PortfolioVaR(
      file: prices, weights: portfolio.weights, estimator: estimator,
      histories: settings.histories,
      confidence: settings.confidence, horizonDays: settings.horizonDays, paths: settings.paths,
      steps: settings.steps, seed: settings.seed, threads: settings.threads)
    let results = try calculation.compute([.parametric, .cornishFisher, .historical])
    return .init(
      confidence: settings.confidence, horizonDays: settings.horizonDays,
      results: results + [monteCarlo])
  }

  /// One simulation of the portfolio: its value statistics, the P&L histogram and the Monte
  /// Carlo VaR/ES (`MonteCarloVaR.measure(terminalPrices:spot:holdings:)` on the kept terminal prices);
  /// then the fan chart from a second, small run of the first paths with the paths kept.
  private func simulatePortfolio(_ model: CorrelatedGBM<Double>) throws
    -> (RunReport.MonteCarlo, VaRReport.Result, returns: [Double])
  {
    let holdings = portfolio.holdings
    let result = try kernel {
      try MainSimulation.run(
        PathSimulator(
          model: model, settings: simulationSettings,
          observers: PathObservers(
            keepTerminalPrices: true, holdings: holdings, keepPortfolioValues: true)),
        progress: pathProgress)
    }
    let tail = try kernel {
      if settings.sampler == .sobol {
        // A second run, in this process, of one step (the VaR reads the horizon only).
        var qmcSettings = simulationSettings
        qmcSettings.steps = 1
        return try RandomizedQMC(replicates: settings.replicates).portfolioVaR(
          model: model, holdings: holdings, settings: qmcSettings,
          confidence: settings.confidence)
      }
      if settings.varianceReduction == .importance {
        // A second run, in this process (an MPI job distributes one simulation per command).
        var isSettings = simulationSettings
        isSettings.steps = 1  // the VaR reads the horizon only
        return try PortfolioImportanceSampling(
          model: model, holdings: holdings, settings: isSettings,
          confidence: settings.confidence
        ).run().tailRisk(confidence: settings.confidence)
      }
      return try MonteCarloVaR(confidence: settings.confidence).measure(
        terminalPrices: result.terminalPrices!, spot: model.spot, holdings: holdings)
    }
    let stats = result.portfolio!
    let pnl = result.portfolioValues!.map { $0 / stats.initial - 1 }
    // As many paths as keepPaths allows (10⁷ values), at most fanPaths.
    let perPath = (settings.steps + 1) * model.dimension
    var fanCount = max(
      1, min(settings.paths, Self.fanPaths, PathObservers<Double>.keptPathValuesLimit / perPath))
    if settings.varianceReduction == .antithetic { fanCount = max(2, fanCount & ~1) }
    var fanSettings = simulationSettings
    fanSettings.paths = fanCount
    let kept = try kernel {
      try PathSimulator(
        model: model, settings: fanSettings,
        observers: PathObservers(holdings: holdings, extremes: false, keepPaths: true)
      ).run().paths!
    }
    var fan: [RunReport.MonteCarlo.FanPoint] = []
    for step in 0...settings.steps {
      let values = kept.map { path in
        (0..<model.dimension).reduce(0.0) { $0 + holdings[$1] * path[step, $1] }
      }
      let q = try kernel {
        try linearQuantiles(of: values, probabilities: [0.05, 0.25, 0.5, 0.75, 0.95])
      }
      fan.append(
        .init(day: settings.horizonDays * Double(step) / Double(settings.steps), quantiles: q))
    }
    let section = RunReport.MonteCarlo(
      paths: settings.paths, steps: settings.steps, initialValue: stats.initial,
      terminalValue: stats.terminal, minimumValue: stats.minimum!,
      histogram: Self.histogram(pnl, bins: 40), fanPaths: fanCount, fan: fan)
    // Each path's return (V − V₀)/V₀, as MonteCarloVaR computes it, for the risk grid.
    let returns = result.portfolioValues!.map { ($0 - stats.initial) / stats.initial }
    var row = VaRReport.Result(
      method: "monte-carlo", risk: tail, assets: assets, scale: 1, weights: portfolio.weights)
    row.varianceReduction = settings.varianceReduction.rawValue
    row.sampler = settings.sampler.rawValue
    if settings.sampler == .sobol { row.replicates = settings.replicates }
    return (section, row, returns)
  }

  static func histogram(_ values: [Double], bins: Int) -> RunReport.MonteCarlo.Histogram {
    let low = values.min() ?? 0
    let high = values.max() ?? 0
    let width = high > low ? (high - low) / Double(bins) : 1
    var counts = [Int](repeating: 0, count: bins)
    for v in values { counts[min(bins - 1, Int((v - low) / width))] += 1 }
    return .init(edges: (0...bins).map { low + Double($0) * width }, counts: counts)
  }

  /// The risk grid: the daily methods from the complete rows' returns, Monte Carlo from the
  /// portfolio simulation's returns at the horizon and a one-step run of one day (same paths and
  /// seed).
  private func riskGrid(
    _ model: CorrelatedGBM<Double>, estimator: any CovarianceEstimator, horizonReturns: [Double],
    daily portfolioReturns: [Double]
  ) throws -> [RiskGrid.Entry] {
    try kernel {
      let daily = try prices.covariance(
        kind: .simple, estimator: estimator, histories: settings.histories, as: Double.self
      ).estimate.covariance
      var simulated = [(horizonDays: settings.horizonDays, returns: horizonReturns)]
      if settings.horizonDays != 1 {
        var oneDay = simulationSettings
        (oneDay.steps, oneDay.horizon) = (1, Horizon.days(1, daysPerYear: year).years)
        let simulator = MonteCarloVaR.portfolioSimulator(
          model: model, holdings: portfolio.holdings, settings: oneDay)
        let values = try simulator.run().portfolioValues!
        let initial = zip(portfolio.holdings, model.spot).reduce(0.0) { $0 + $1.0 * $1.1 }
        simulated.insert((1, values.map { ($0 - initial) / initial }), at: 0)
      }
      return try RiskGrid(
        weights: portfolio.weights, portfolio: portfolioReturns, dailyCovariance: daily,
        horizonDays: settings.horizonDays, seed: settings.seed
      ).entries(monteCarlo: simulated)
    }
  }

  /// Every method's rolling one-day VaR against the portfolio's realised returns; the
  /// historical one is the section's headline.
  private func rollingBacktest(_ daily: DailyReturns) throws -> RunReport.Backtest {
    let (returns, dates) = (daily.portfolio, daily.dates)
    let window = settings.window
    var methods: [RunReport.Backtest.Method] = []
    var headline: VaRBacktest?
    for method in [BacktestMethod.historical, .parametric, .cornishFisher, .ewma] {
      let result = try kernel {
        try method.rolling(returns, window: window, confidence: settings.confidence)
      }
      headline = headline ?? result.backtest
      let tested = Array(returns[window...])
      let exceeded = tested.indices.filter { tested[$0] < -result.valueAtRisk[$0] }
      methods.append(
        .init(
          method: method.rawValue, exceedances: result.backtest.exceedances,
          expectedExceedances: result.backtest.expectedExceedances,
          exceedanceDates: exceeded.map { dates[window + $0] },
          kupiecPValue: result.backtest.kupiecPValue,
          christoffersenPValue: result.backtest.independencePValue,
          conditionalCoveragePValue: result.backtest.conditionalCoveragePValue,
          zone: result.backtest.zone, valueAtRisk: result.valueAtRisk))
    }
    return .init(
      method: BacktestMethod.historical.rawValue, window: window,
      confidence: settings.confidence, result: headline!, methods: methods,
      dates: Array(dates[window...]), returns: Array(returns[window...]))
  }

  /// The leverage controls on the report's model and the portfolio's daily returns.
  private func controlsSection(
    _ c: PortfolioFile.Controls, model: CorrelatedGBM<Double>, dailyCovariance: Matrix<Double>,
    returns daily: DailyReturns
  ) throws -> RunReport.Controls {
    try kernel {
      let positions = try portfolio.positions.map { p -> RunReport.Controls.Position in
        let i = assets.firstIndex(of: p.asset)!
        let sigma = model.volatility[i]
        let oneDay = try ParametricVaR(confidence: settings.confidence).measure(
          weights: [1], covariance: Matrix([[sigma * sigma / year]])
        ).valueAtRisk
        let adjusted = try LeverageControls.volatilityAdjustedLeverage(
          scale: c.leverageScale, volatility: sigma, margin: c.margin, valueAtRisk: oneDay)
        return .init(
          asset: p.asset, side: p.side, leverage: p.leverage, volatility: sigma,
          oneDayValueAtRisk: oneDay, volatilityAdjustedLeverage: adjusted,
          aboveAdjustedLeverage: p.leverage > adjusted,
          dynamicLiquidationThreshold: try LeverageControls.dynamicLiquidationThreshold(
            base: c.liquidationThreshold, sensitivity: c.thresholdSensitivity, volatility: sigma))
      }
      // The circuit breaker on the portfolio's rolling (annualised) volatility, day by day.
      let (returns, dates) = (daily.portfolio, daily.dates)
      var rolling = try RollingVolatility<Double>(window: c.volatilityWindow)
      var breaker = try VolatilityCircuitBreaker<Double>(
        threshold: c.breakerThreshold, decay: c.breakerDecay)
      var trips: [String] = []
      var checked = 0
      for (t, r) in returns.enumerated() {
        try rolling.update(r)
        guard rolling.observations == c.volatilityWindow, let sigma = rolling.volatility else {
          continue
        }
        checked += 1
        if try breaker.update(volatility: sigma * year.squareRoot()) { trips.append(dates[t]) }
      }
      let annual = try Matrix(dailyCovariance.rowArrays.map { $0.map { $0 * year } })
      let systemic = try SystemicVolatility.measure(
        weights: portfolio.weights, covariance: annual, maximum: c.maximumVolatility)
      return .init(
        positions: positions, circuitBreakerTrips: trips, daysChecked: checked,
        entropy: try LeverageControls.entropy(portfolio.weights),
        maximumEntropy: Foundation.log(Double(assets.count)),
        systemicVolatility: systemic.volatility, stability: systemic.stability, settings: c)
    }
  }

  /// The loans as a `LendingBook` (collateral ratio `1/LT`) on the report's model and
  /// simulation settings, and the lending rules from the collateral volatilities.
  private func lendingSection(_ model: CorrelatedGBM<Double>) throws -> RunReport.Lending {
    try kernel {
      let book = try LendingBook(
        model: model,
        loans: portfolio.loans.map {
          try CollateralizedLoan(
            amount: $0.loan.debt, collateral: $0.units,
            liquidationRatio: 1 / $0.loan.liquidationThreshold)
        })
      let risk = try book.simulate(settings: simulationSettings)
      let rules = try portfolio.lendingRules.map {
        try book.parameters(
          baseRate: $0.baseRate, rateSensitivity: $0.rateSensitivity,
          minimumCollateralRatio: $0.minimumCollateralRatio, ratioSensitivity: $0.ratioSensitivity)
      }
      let loans = zip(portfolio.loans, risk.loans).enumerated().map { k, pair in
        let (entry, loan) = pair
        return RunReport.Lending.Loan(
          name: entry.loan.name, debt: loan.amount, collateralValue: loan.collateralValue,
          liquidationThreshold: entry.loan.liquidationThreshold,
          collateralVolatility: loan.collateralVolatility,
          defaultProbability: loan.defaultProbability.value,
          defaultProbabilityStandardError: loan.defaultProbability.standardError,
          gridDefaultProbability: loan.defaultProbabilityOnGrid.value,
          gridDefaultProbabilityStandardError: loan.defaultProbabilityOnGrid.standardError,
          expectedDefaultCost: loan.expectedDefaultCost.value,
          expectedDefaultCostStandardError: loan.expectedDefaultCost.standardError,
          rate: rules?.rates[k], collateralRatio: rules?.collateralRatios[k])
      }
      // The book on the same paths: how many loans default together (in this process, like the
      // joint liquidation).
      let joint = try book.simulateJoint(settings: simulationSettings)
      var lending = RunReport.Lending(
        loans: loans, expectedDefaultCost: risk.expectedDefaultCost,
        expectedDefaultCostStandardErrorBound: risk.expectedDefaultCostStandardErrorBound,
        rules: portfolio.lendingRules)
      lending.book = .init(
        anyDefault: joint.any, allDefault: joint.all, expectedDefaults: joint.count,
        atLeast: joint.atLeast, defaultedDebt: joint.notional,
        defaultedDebtQuantiles: joint.notionalQuantiles)
      return lending
    }
  }

  /// The portfolio's leveraged positions as the library's book entries.
  private func liquidationEntries(_ model: CorrelatedGBM<Double>) throws
    -> [LiquidationBook<Double>.Entry]
  {
    try portfolio.positions.map { p in
      let i = assets.firstIndex(of: p.asset)!
      return .init(
        asset: i,
        position: try kernel {
          try LeveragedPosition(
            side: p.side, leverage: p.leverage, maintenanceMargin: p.maintenanceMargin ?? 0.005,
            entryPrice: p.entryPrice ?? model.spot[i])
        })
    }
  }

  /// The book's joint liquidation on the report's model and paths: P(at least one), P(all),
  /// the expected number, and the liquidated notional when every position gives its margin.
  private func jointLiquidation(_ model: CorrelatedGBM<Double>) throws
    -> RunReport.JointLiquidation
  {
    let margins = portfolio.positions.compactMap(\.margin)
    let notionals =
      margins.count == portfolio.positions.count
      ? zip(margins, portfolio.positions).map { $0 * $1.leverage } : nil
    let joint = try kernel {
      // In this process: riskreport-mpi distributes one simulation per command (the
      // portfolio's), and rank 0 alone gets this far.
      try LiquidationBook(model: model, positions: try liquidationEntries(model)).simulateJoint(
        settings: simulationSettings, notionals: notionals)
    }
    return .init(
      positions: portfolio.positions.count, horizonDays: settings.horizonDays,
      anyLiquidated: joint.any, allLiquidated: joint.all, expectedCount: joint.count,
      atLeast: joint.atLeast, liquidatedNotional: notionals == nil ? nil : joint.notional,
      liquidatedNotionalQuantiles: notionals == nil ? nil : joint.notionalQuantiles)
  }

  private func liquidationSection(_ model: CorrelatedGBM<Double>) throws -> RunReport.Liquidation {
    let horizon = Horizon.days(settings.horizonDays, daysPerYear: year).years
    // Blocks pass in wall-clock time, whatever the price file's periods are.
    let (block400, block12) = (
      0.4 / PriceCalendar.secondsPerYear, 12 / PriceCalendar.secondsPerYear
    )
    let entries = try liquidationEntries(model)
    let simulated = try kernel {
      try LiquidationBook(model: model, positions: entries).simulate(settings: simulationSettings)
    }
    var positions: [RunReport.Liquidation.Position] = []
    var curves: [RunReport.Liquidation.Curve] = []
    for (k, (entry, estimate)) in zip(entries, simulated).enumerated() {
      let i = entry.asset
      let sigma = model.volatility[i]
      let position = entry.position
      let closed = try kernel {
        (
          try Self.probabilities(position, spot: model.spot[i], sigma, horizon, block400),
          try Self.probabilities(position, spot: model.spot[i], sigma, horizon, block12)
        )
      }
      positions.append(
        .init(
          asset: assets[i], side: position.side, leverage: position.leverage,
          maintenanceMargin: position.maintenanceMargin, entryPrice: position.entryPrice,
          spot: model.spot[i], liquidationPrice: position.liquidationPrice,
          margin: portfolio.positions[k].margin,
          notional: portfolio.positions[k].margin.map { $0 * position.leverage },
          volatility: sigma,
          terminal: closed.0.terminal, firstPassage: closed.0.firstPassage,
          perBlock400ms: closed.0.discrete, perBlock12s: closed.1.discrete,
          perBlock400msMethod: closed.0.method.rawValue,
          perBlock12sMethod: closed.1.method.rawValue,
          monteCarlo: estimate.continuous))
      let points = try Self.leverageGrid.map { leverage in
        let p = try kernel {
          try LiquidationProbabilities(
            position: LeveragedPosition(
              side: position.side, leverage: leverage, maintenanceMargin: position.maintenanceMargin
            ),
            volatility: sigma, drift: 0, horizon: horizon, monitoringInterval: block400)
        }
        return RunReport.Liquidation.CurvePoint(
          leverage: leverage, terminal: p.terminal, firstPassage: p.firstPassage,
          perBlock400ms: p.discreteMonitoring!)
      }
      curves.append(.init(asset: assets[i], side: position.side, points: points))
    }
    return .init(horizonDays: settings.horizonDays, positions: positions, leverageCurves: curves)
  }

  /// Terminal, first-passage and discrete-monitoring probabilities of a position entered at
  /// `entryPrice` when the price is now `spot`: the closed forms with the liquidation level
  /// measured from the spot. Already beyond it: all 1.
  static func probabilities(
    _ position: LeveragedPosition<Double>, spot: Double, _ sigma: Double, _ horizon: Double,
    _ interval: Double
  ) throws -> (
    terminal: Double, firstPassage: Double, discrete: Double, method: DiscreteMonitoringMethod
  ) {
    let level = position.liquidationPrice / spot
    let beyond = position.side == .long ? level >= 1 : level <= 1
    if beyond { return (1, 1, 1, .exact) }
    if level <= 0 { return (0, 0, 0, .exact) }
    // A position with the same side whose liquidation price per unit of entry is `level`:
    // long (1 − 1/L)/(1 − m) = level with m = 0 gives L = 1/(1 − level); short L = 1/(level − 1).
    let leverage = position.side == .long ? 1 / (1 - level) : 1 / (level - 1)
    let equivalent = try LeveragedPosition(side: position.side, leverage: leverage)
    let p = try LiquidationProbabilities(
      position: equivalent, volatility: sigma, drift: 0, horizon: horizon,
      monitoringInterval: interval)
    return (p.terminal, p.firstPassage, p.discreteMonitoring!, p.discreteMonitoringMethod!)
  }
}

/// The versions report.json records.
enum Versions {
  static var riskKernels: String { PackageVersion.current }

  static var current: [String: String] {
    var out = ["riskkernels": riskKernels]
    #if swift(>=6.3)
      out["swift"] = "6.3 or later"
    #else
      out["swift"] = "6.x"
    #endif
    for package in [
      "libopenblas-dev", "liblapacke-dev", "libgsl-dev", "librandom123-dev", "libsleef-dev",
    ] {
      if let version = dpkgVersion(package) { out[package] = version }
    }
    return out
  }

  /// The installed version from dpkg's status file (no subprocess), or nil.
  private static func dpkgVersion(_ package: String) -> String? {
    guard let status = try? String(contentsOfFile: "/var/lib/dpkg/status", encoding: .utf8) else {
      return nil
    }
    for stanza in status.components(separatedBy: "\n\n") {
      let lines = stanza.split(separator: "\n")
      guard lines.contains(where: { $0 == "Package: \(package)" }) else { continue }
      if let v = lines.first(where: { $0.hasPrefix("Version: ") }) {
        return String(v.dropFirst("Version: ".count))
      }
    }
    return nil
  }
}
