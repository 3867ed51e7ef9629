import Foundation
import RiskKernels
import Testing

@testable import RiskReportCore

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// A fresh folder path (not created) for a report.
func temporaryFolder() -> String {
  FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)").path
}

func readReport(_ folder: String) throws -> RunReport {
  try JSONDecoder().decode(
    RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/report.json")))
}

/// The report without its timings (the only numbers that differ between identical runs).
func numbers(_ r: RunReport) -> RunReport {
  RunReport(
    assets: r.assets, inputs: r.inputs, covariance: r.covariance, weights: r.weights,
    riskParity: r.riskParity, var: r.var, monteCarlo: r.monteCarlo, backtest: r.backtest,
    liquidation: r.liquidation, timings: [])
}

@Suite(.serialized) struct RunCommandTests {
  static let small = ["--paths", "4000", "--steps", "5"]

  @Test(
    "--variance-reduction and --sampler: importance and sobol re-estimate the Monte Carlo VaR/ES; antithetic pairs the paths; each named in the report"
  )
  func varianceReduction() throws {
    var reports: [String: RunReport] = [:]
    for reduction in ["none", "importance", "antithetic", "sobol"] {
      let out = temporaryFolder()
      let flags =
        reduction == "sobol"
        // 1 000 points per scrambling: the 1% tail needs 10 of them.
        ? ["--sampler", "sobol", "--replicates", "4"] : ["--variance-reduction", reduction]
      let (status, _, stderr) = try runRiskReport(
        ["run", "--out", out, "--format", "all"] + flags + Self.small)
      #expect(status == 0, "\(stderr)")
      let r = try readReport(out)
      let markdown = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
      if reduction == "sobol" {
        #expect(r.inputs.sampler == "sobol" && r.inputs.replicates == 4)
        #expect(markdown.contains("monte-carlo (sobol × 4)"))
      } else {
        #expect(r.inputs.varianceReduction == reduction && r.inputs.sampler == "pseudo")
      }
      if reduction != "none" && reduction != "sobol" {
        #expect(markdown.contains("monte-carlo (\(reduction))"), "\(reduction)")
      }
      reports[reduction] = r
    }
    func monteCarlo(_ r: RunReport?) throws -> VaRReport.Result {
      try #require(r?.var.results.first { $0.method == "monte-carlo" })
    }
    let plain = try monteCarlo(reports["none"])
    for reduction in ["importance", "antithetic", "sobol"] {
      let r = try monteCarlo(reports[reduction])
      #expect(r.varianceReduction == (reduction == "sobol" ? "none" : reduction))
      let (ea, eb) = (plain.varStandardError!, r.varStandardError!)
      #expect(abs(plain.var - r.var) < 4 * (ea * ea + eb * eb).squareRoot(), "\(reduction)")
      if reduction == "importance" { #expect(eb < ea / 3, "\(eb) vs \(ea)") }
    }
    // Importance sampling and Sobol' leave the portfolio simulation itself alone.
    #expect(reports["importance"]?.monteCarlo == reports["none"]?.monteCarlo)
    #expect(reports["sobol"]?.monteCarlo == reports["none"]?.monteCarlo)
  }

  @Test("End to end on the bundled example: every section agrees with the kernels called directly")
  func endToEnd() throws {
    let out = temporaryFolder()
    let (status, stdout, stderr) = try runRiskReport(["run", "--out", out] + Self.small)
    #expect(status == 0, "\(stderr)")
    let r = try readReport(out)
    // The folder, then the headline numbers (TerminalSummary), each from the report.
    #expect(
      stdout
        == "report written to \(out)/ (report.html, report.json, report.md)\n"
        + TerminalSummary.text(r))
    let summary = stdout.split(separator: "\n")
    #expect(
      summary.count
        == 1 + 1 + 1 + r.liquidation.positions.count + (r.lending?.loans.count ?? 0) + 1 + 1
        + (r.stress == nil ? 0 : 1) + (r.jointLiquidation == nil ? 0 : 1)
        + ((r.lending?.loans.count ?? 0) > 1 ? 1 : 0),
      "\(stdout)")
    #expect(summary[1].hasPrefix("VaR 99.0% over 10 days: ") && summary[1].contains(" ± "))
    #expect(summary[2].contains("historical") && summary[2].contains("cornish-fisher"))
    #expect(summary.last!.hasPrefix("closest to its budget: "))
    #expect(r.assets == ["AAPL", "GOOG", "IBM", "MSFT"])
    #expect(r.inputs.prices == "bundled:quandl_wiki_4stocks_2004_2013_prices.csv")
    #expect(r.inputs.seed == 42 && r.inputs.paths == 4000 && r.inputs.steps == 5)

    // Covariance: Ledoit-Wolf on daily log returns.
    let prices = try PriceFile(path: BundledData.examplePrices)
    let (logReturns, _) = try prices.returns(kind: .log, as: Double.self)
    let estimate = try LedoitWolf().estimate(from: logReturns)
    for i in 0..<4 {
      for j in 0..<4 { #expect(r.covariance.daily[i][j] == estimate.covariance[i, j]) }
    }
    #expect(r.covariance.shrinkage == estimate.shrinkage)

    // Weights from the bundled holdings at the last prices.
    let spot = try prices.lastCompletePrices()
    #expect(r.weights.spot == spot)
    #expect(r.weights.holdings == [4000, 500, 1200, 8000])
    let value = zip(r.weights.holdings, spot).reduce(0) { $0 + $1.0 * $1.1 }
    #expect(abs(r.weights.value - value) <= 1e-9 * value)

    // Risk parity.
    let parity = try RiskBudgetingSolver().solve(
      covariance: estimate.covariance, budgets: [0.25, 0.25, 0.25, 0.25])
    #expect(r.riskParity.weights == parity.weights)
    #expect(r.riskParity.parityContributions.allSatisfy { abs($0 - 0.25) < 1e-9 })
    let current = try RiskContributions(weights: r.weights.weights, covariance: estimate.covariance)
    #expect(r.riskParity.currentContributions == current.relative)

    // The bundled prices are exchange days (no weekend dates): 252 a year.
    #expect(r.inputs.periodsPerYear == 252 && r.inputs.calendar == .trading)
    #expect(r.inputs.calendarReason.hasPrefix("trading days"))

    // Monte Carlo VaR: the kernel with the report's settings.
    let model = try CorrelatedGBM(
      assets: prices.assets, spot: spot, dailyEstimate: estimate, daysPerYear: 252,
      drift: [0, 0, 0, 0])
    let settings = SimulationSettings(paths: 4000, steps: 5, horizon: 10.0 / 252, seed: 42)
    let holdings = zip(r.weights.weights, spot).map { $0 / $1 }
    let mc = try MonteCarloVaR(confidence: 0.99).measure(
      model: model, holdings: holdings, settings: settings)
    let reported = try #require(r.var.results.first { $0.method == "monte-carlo" })
    #expect(abs(reported.var - mc.valueAtRisk) <= 1e-12)
    #expect(abs(reported.expectedShortfall - mc.expectedShortfall) <= 1e-12)
    #expect(
      r.var.results.map(\.method) == ["parametric", "cornish-fisher", "historical", "monte-carlo"])

    // The histogram counts every path; the fan starts at the initial value.
    #expect(r.monteCarlo.histogram.counts.reduce(0, +) == 4000)
    #expect(r.monteCarlo.fan.count == 6)
    #expect(
      r.monteCarlo.fan[0].quantiles.allSatisfy { abs($0 - r.monteCarlo.initialValue) <= 1e-6 * $0 })

    // Backtest: the rolling historical VaR on the portfolio's simple returns.
    let (simple, _) = try prices.returns(kind: .simple, as: Double.self)
    let portfolioReturns = try simple.multiplied(by: r.weights.weights)
    let backtest = try BacktestMethod.historical.rolling(
      portfolioReturns, window: 250, confidence: 0.99)
    #expect(r.backtest.result == backtest.backtest)
    // Every method on the same days, with the dates of its exceedances.
    #expect(
      r.backtest.methods.map(\.method) == ["historical", "parametric", "cornish-fisher", "ewma"])
    let labels = prices.completeReturnLabels()
    #expect(r.backtest.dates == Array(labels[250...]))
    #expect(r.backtest.returns == Array(portfolioReturns[250...]))
    for m in r.backtest.methods {
      let own = try #require(BacktestMethod(rawValue: m.method)).rolling(
        portfolioReturns, window: 250, confidence: 0.99)
      #expect(m.exceedances == own.backtest.exceedances && m.zone == own.backtest.zone)
      #expect(m.kupiecPValue == own.backtest.kupiecPValue)
      #expect(m.valueAtRisk == own.valueAtRisk)
      #expect(m.exceedanceDates.count == m.exceedances)
      for date in m.exceedanceDates {
        let t = try #require(r.backtest.dates.firstIndex(of: date))
        #expect(r.backtest.returns[t] < -m.valueAtRisk[t])
      }
    }

    // Liquidation: positions opened at the spot match the closed forms; Monte Carlo within 4 SE.
    #expect(r.liquidation.positions.count == 3)
    // The AAPL position's margin (5 000 at 20×) and notional; the others give none.
    #expect(
      r.liquidation.positions[0].margin == 5000 && r.liquidation.positions[0].notional == 100_000)
    #expect(r.liquidation.positions[1].margin == nil && r.liquidation.positions[1].notional == nil)
    for p in r.liquidation.positions {
      let i = prices.assets.firstIndex(of: p.asset)!
      let closed = try LiquidationProbabilities(
        position: LeveragedPosition(
          side: p.side, leverage: p.leverage, maintenanceMargin: p.maintenanceMargin),
        volatility: model.volatility[i], drift: 0, horizon: 10.0 / 252,
        monitoringInterval: 0.4 / (365 * 86_400))
      #expect(abs(p.terminal - closed.terminal) <= 1e-12)
      #expect(abs(p.firstPassage - closed.firstPassage) <= 1e-12)
      #expect(abs(p.perBlock400ms - closed.discreteMonitoring!) <= 1e-12)
      #expect(
        p.terminal <= p.perBlock12s && p.perBlock12s <= p.perBlock400ms
          && p.perBlock400ms <= p.firstPassage)
      #expect(abs(p.monteCarlo.value - p.firstPassage) <= 4 * p.monteCarlo.standardError)
    }
    // Joint liquidation: the library's simulateJoint on the report's model and paths (the
    // example's GOOG position gives no margin, so counts only).
    let joint = try #require(r.jointLiquidation)
    let entries = try r.liquidation.positions.map { p in
      LiquidationBook<Double>.Entry(
        asset: prices.assets.firstIndex(of: p.asset)!,
        position: try LeveragedPosition(
          side: p.side, leverage: p.leverage, maintenanceMargin: p.maintenanceMargin,
          entryPrice: p.entryPrice))
    }
    let direct = try LiquidationBook(model: model, positions: entries).simulateJoint(
      settings: SimulationSettings(paths: 4000, steps: 5, horizon: 10.0 / 252, seed: 42))
    #expect(joint.anyLiquidated == direct.any && joint.allLiquidated == direct.all)
    #expect(joint.liquidatedNotional == nil && joint.atLeast == direct.atLeast)
    #expect(
      joint.anyLiquidated.value >= r.liquidation.positions.map(\.monteCarlo.value).max()! - 0.05)
    #expect(
      r.liquidation.leverageCurves.allSatisfy { $0.points.count == RunPipeline.leverageGrid.count })
    #expect(
      r.timings.map(\.step) == [
        "covariance", "riskParity", "monteCarlo", "varOtherMethods", "backtest", "riskGrid",
        "liquidation", "cadence", "rebalance", "controls", "lending", "jointLiquidation",
        "stress",
      ])

    // Rebalance: CostAwareRebalance on the annualised covariance from the current weights.
    let rebalance = try #require(r.rebalance)
    let annual = try Matrix(estimate.covariance.rowArrays.map { $0.map { $0 * 252 } })
    let solution = try CostAwareRebalance().solve(
      covariance: annual, currentWeights: r.weights.weights, costs: [0.001, 0.001, 0.0005, 0.0005])
    #expect(rebalance.weights == solution.weights && rebalance.trades == solution.trades)
    #expect(rebalance.volatilityAfter <= rebalance.volatilityBefore)
    #expect(abs(rebalance.weights.reduce(0, +) - 1) < 1e-9)

    // Leverage controls: the library's formulas on the report's model and returns.
    let controls = try #require(r.controls)
    #expect(controls.positions.map(\.asset) == ["AAPL", "GOOG", "MSFT"])
    for p in controls.positions {
      let i = prices.assets.firstIndex(of: p.asset)!
      let sigma = model.volatility[i]
      let oneDay = try ParametricVaR(confidence: 0.99).measure(
        weights: [1.0], covariance: Matrix([[sigma * sigma / 252]])
      ).valueAtRisk
      #expect(p.oneDayValueAtRisk == oneDay)
      #expect(
        p.volatilityAdjustedLeverage
          == (try LeverageControls.volatilityAdjustedLeverage(
            scale: 0.5, volatility: sigma, margin: 0.1, valueAtRisk: oneDay)))
      #expect(p.aboveAdjustedLeverage == (p.leverage > p.volatilityAdjustedLeverage))
      #expect(abs(p.dynamicLiquidationThreshold - 0.8 * (1 + 0.5 * sigma)) < 1e-15)
    }
    #expect(controls.entropy == (try LeverageControls.entropy(r.weights.weights)))
    #expect(controls.daysChecked == labels.count - 19)
    #expect(controls.circuitBreakerTrips.allSatisfy { labels.contains($0) })
    #expect(controls.stability == 1 - controls.systemicVolatility / 0.4)

    // Lending: the bundled loans as a LendingBook on the report's model and settings.
    let lending = try #require(r.lending)
    let book = try LendingBook(
      model: model,
      loans: [
        try CollateralizedLoan(
          amount: 48000.0, collateral: [1000, 0, 0, 0], liquidationRatio: 1 / 0.9),
        try CollateralizedLoan(
          amount: 80000.0, collateral: [0, 100, 200, 1000], liquidationRatio: 1 / 0.85),
      ])
    let risk = try book.simulate(settings: settings)
    #expect(lending.loans.map(\.name) == ["AAPL-backed", "basket-backed"])
    for (ours, kernel) in zip(lending.loans, risk.loans) {
      #expect(ours.defaultProbability == kernel.defaultProbability.value)
      #expect(ours.expectedDefaultCostStandardError == kernel.expectedDefaultCost.standardError)
      #expect(ours.gridDefaultProbability <= ours.defaultProbability)
      #expect(ours.defaultProbability > 0 && ours.defaultProbability < 1)
    }
    let (rates, ratios) = try book.parameters(
      baseRate: 0.02, rateSensitivity: 0.1, minimumCollateralRatio: 1.2, ratioSensitivity: 0.5)
    #expect(lending.loans.map(\.rate) == rates && lending.loans.map(\.collateralRatio) == ratios)
    #expect(lending.expectedDefaultCost == risk.expectedDefaultCost)
    // The book: the loans together, the library's simulateJoint on the same settings.
    let together = try book.simulateJoint(settings: settings)
    let b = try #require(lending.book)
    #expect(b.anyDefault == together.any && b.allDefault == together.all)
    #expect(b.defaultedDebt == together.notional && b.atLeast == together.atLeast)
    #expect(
      b.anyDefault.value >= lending.loans.map(\.defaultProbability).max()! - 4
        * b.anyDefault.standardError)

    // The risk grid: four methods × two horizons × four levels; each daily method's figures
    // are its kernel's (scaled by √h), Monte Carlo's at the report's level agree with the VaR
    // section's, and the uncertainty is stated where there is one.
    #expect(r.riskGrid.count == 4 * 2 * 4)
    let grid = { (m: String, h: Double, c: Double) in
      r.riskGrid.first { $0.method == m && $0.horizonDays == h && $0.confidence == c }!
    }
    let hs975 = try EmpiricalVaR(confidence: 0.975).measure(portfolioReturns)
    #expect(grid("historical", 1, 0.975).expectedShortfall == hs975.expectedShortfall)
    #expect(abs(grid("historical", 10, 0.975).var - hs975.valueAtRisk * 10.0.squareRoot()) < 1e-15)
    let historical99 = grid("historical", 1, 0.99)
    let interval = try #require(historical99.varInterval)
    #expect(interval[0] < historical99.var && historical99.var < interval[1])
    #expect(grid("parametric", 1, 0.99).varStandardError == nil)
    let mc99 = grid("monte-carlo", 10, 0.99)
    #expect(abs(mc99.var - reported.var) <= 1e-12)
    #expect(try #require(mc99.varStandardError) > 0)
    #expect(grid("monte-carlo", 1, 0.99).var < mc99.var)
    for c in RiskGrid.confidences {
      for m in ["parametric", "cornish-fisher", "historical", "monte-carlo"] {
        #expect(grid(m, 1, c).expectedShortfall >= grid(m, 1, c).var, "\(m) \(c)")
      }
    }

    // report.md has every section.
    let markdown = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
    for title in [
      "## Covariance", "## Weights", "## Monte Carlo", "## Value at risk", "## Backtest",
      "## Liquidation", "## Update budgets",
    ] {
      #expect(markdown.contains(title), "\(title)")
    }
  }

  @Test("report.html is well-formed markup with all seven charts and no external resources")
  func htmlWellFormed() throws {
    let out = temporaryFolder()
    let (status, _, stderr) = try runRiskReport(
      ["run", "--out", out, "--format", "html"] + Self.small)
    #expect(status == 0, "\(stderr)")
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: out).sorted() == [
        ".riskreport", "report.html",
      ])
    let data = try Data(contentsOf: URL(fileURLWithPath: out + "/report.html"))
    final class Collector: NSObject, XMLParserDelegate {
      var ids: [String] = []
      var sources: [String] = []
      func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
        qualifiedName: String?, attributes: [String: String] = [:]
      ) {
        if name == "svg", let id = attributes["id"] { ids.append(id) }
        if let src = attributes["src"] ?? attributes["href"] { sources.append(src) }
      }
    }
    let parser = XMLParser(data: data)
    let collector = Collector()
    parser.delegate = collector
    #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
    #expect(
      Set(collector.ids)
        == [
          "chart-pnl", "chart-fan", "chart-contributions", "chart-correlation", "chart-backtest",
          "chart-leverage", "chart-stress",
        ])
    #expect(collector.sources.isEmpty)
    #expect(!String(decoding: data, as: UTF8.self).contains("<script"))
  }

  @Test("Same seed and inputs give the same numbers, on 1 or 2 threads")
  func reproducible() throws {
    let (a, b) = (temporaryFolder(), temporaryFolder())
    #expect(
      try runRiskReport(["run", "--out", a, "--threads", "1", "--format", "json"] + Self.small).0
        == 0)
    #expect(
      try runRiskReport(["run", "--out", b, "--threads", "2", "--format", "json"] + Self.small).0
        == 0)
    let (ra, rb) = (try readReport(a), try readReport(b))
    #expect(ra.inputs.threads == 1 && rb.inputs.threads == 2)
    let strip = { (r: RunReport) in
      var stripped = RunReport(
        assets: r.assets,
        inputs: .init(
          prices: r.inputs.prices, portfolio: r.inputs.portfolio, estimator: r.inputs.estimator,
          paths: r.inputs.paths, steps: r.inputs.steps, horizonDays: r.inputs.horizonDays,
          periodsPerYear: r.inputs.periodsPerYear, calendar: r.inputs.calendar,
          calendarReason: r.inputs.calendarReason,
          confidence: r.inputs.confidence, seed: r.inputs.seed,
          backtestWindow: r.inputs.backtestWindow,
          threads: nil, varianceReduction: r.inputs.varianceReduction,
          sampler: r.inputs.sampler, replicates: r.inputs.replicates,
          processes: r.inputs.processes, versions: r.inputs.versions),
        covariance: r.covariance, weights: r.weights, riskParity: r.riskParity, var: r.var,
        monteCarlo: r.monteCarlo, backtest: r.backtest, liquidation: r.liquidation, timings: [],
        riskGrid: r.riskGrid, lending: r.lending, controls: r.controls, rebalance: r.rebalance,
        cadence: r.cadence.map {
          var c = $0
          c.refreshSeconds = 0  // timings
          for k in c.updates.indices { c.updates[k].refreshSeconds = 0 }
          return c
        })
      stripped.stress = r.stress
      stripped.jointLiquidation = r.jointLiquidation
      return stripped
    }
    #expect(strip(ra) == strip(rb))
    #expect(ra.cadence != nil && ra.lending != nil && ra.controls != nil && !ra.riskGrid.isEmpty)
    #expect(ra.stress != nil && ra.jointLiquidation != nil && ra.lending?.book != nil)
    let c = temporaryFolder()
    #expect(
      try runRiskReport(["run", "--out", c, "--seed", "7", "--format", "json"] + Self.small).0 == 0)
    #expect(try readReport(c).monteCarlo != ra.monteCarlo)
  }

  @Test("A failed run leaves the previous report untouched and no temporary folders")
  func atomic() throws {
    let out = temporaryFolder()
    #expect(try runRiskReport(["run", "--out", out, "--format", "md"] + Self.small).0 == 0)
    let before = try Data(contentsOf: URL(fileURLWithPath: out + "/report.md"))
    let bad = try temporaryFile(#"{"holdings": {"AAPL": -1}}"#, name: "portfolio.json")
    let (status, stdout, _) = try runRiskReport(
      ["run", "--out", out, "--portfolio", bad] + Self.small)
    #expect(status != 0 && stdout.isEmpty)
    #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/report.md")) == before)
    // A successful rerun replaces the folder as a whole.
    #expect(try runRiskReport(["run", "--out", out, "--format", "json"] + Self.small).0 == 0)
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: out).sorted() == [
        ".riskreport", "report.json",
      ])
    let parent = URL(fileURLWithPath: out).deletingLastPathComponent().path
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: parent).filter {
      $0.hasPrefix(".\(URL(fileURLWithPath: out).lastPathComponent).")
    }
    #expect(leftovers.isEmpty)
  }

  @Test(
    "Bad input: one line naming the file and line/field or the flag, non-zero exit, nothing written",
    arguments: [
      (
        "{\n  \"holdings\": {\"AAPL\": 1,\n  \"GOOG\": }\n}",
        "portfolio.json:3:11: expected a value but found '}'"
      ),
      (#"{"holdings": {"AAPL": "many"}}"#, "portfolio.json: holdings.AAPL: expected a number"),
      (
        #"{"holdings": {"TSLA": 1}}"#,
        "portfolio.json: holdings.TSLA: no such asset in the prices (AAPL, GOOG, IBM, MSFT)"
      ),
      (
        #"{"holdings": {"AAPL": -5}}"#,
        "portfolio.json: holdings.AAPL: -5.0 must be a finite number ≥ 0"
      ),
      (#"{"weights": {"AAPL": 0.5, "IBM": 0.4}}"#, "portfolio.json: weights: sum to 0.9, not 1"),
      (
        #"{"holdings": {"AAPL": 1}, "weights": {"AAPL": 1}}"#,
        "portfolio.json: holdings: give holdings or weights, not both"
      ),
      (
        #"{"leveragedPositions": []}"#,
        "portfolio.json: holdings: missing (give holdings or weights)"
      ),
      (
        #"{"holdings": {"AAPL": 1}, "leveragedPositions": [{"asset": "AAPL", "side": "up", "leverage": 5}]}"#,
        "portfolio.json: leveragedPositions[0].side:"
      ),
      (
        #"{"holdings": {"AAPL": 1}, "leveragedPositions": [{"asset": "AAPL", "side": "long", "leverage": 5, "margin": -1}]}"#,
        "portfolio.json: leveragedPositions[0].margin: -1.0 must be positive"
      ),
      (
        #"{"holdings": {"AAPL": 1}, "loans": [{"name": "a\nb", "collateral": {"AAPL": 10}, "debt": 5, "liquidationThreshold": 0.8}]}"#,
        "portfolio.json: loans[0].name: must be a non-empty name of its own"
      ),
      (
        #"{"holdings": {"AAPL": 1}, "loans": [{"name": "x", "collateral": {"BTC": 1}, "debt": 5, "liquidationThreshold": 0.8}]}"#,
        "portfolio.json: loans[0].collateral.BTC: no such asset"
      ),
      (
        #"{"holdings": {"AAPL": 1}, "loans": [{"name": "x", "collateral": {"AAPL": 10}, "debt": 5, "liquidationThreshold": 1.5}]}"#,
        "portfolio.json: loans[0].liquidationThreshold: 1.5 must be in (0, 1]"
      ),
      (
        #"{"holdings": {"AAPL": 1}, "loans": [{"name": "x", "collateral": {"AAPL": 1}, "debt": 500, "liquidationThreshold": 0.8}]}"#,
        "portfolio.json: loans[0]: already in default"
      ),
      (
        #"{"holdings": {"AAPL": 1}, "loans": [{"name": "x", "collateral": {"AAPL": 10}, "debt": 5, "liquidationThreshold": 0.8, "rate": 1}]}"#,
        "portfolio.json:1:119: unknown field loans[0].rate"
      ),
      (
        #"{"holdings": {"AAPL": 1}, "lendingRules": {"baseRate": 0.02, "rateSensitivity": 0.1, "minimumCollateralRatio": 1.2}}"#,
        "portfolio.json: lendingRules: missing field ratioSensitivity"
      ),
      (
        #"{"holdings": {"AAPL": 1}, "leveragedPositions": [{"asset": "AAPL", "side": "long", "leverage": -5}]}"#,
        "portfolio.json: leveragedPositions[0]: leverage = -5.0 is out of range (allowed: > 0 with 1/L finite)"
      ),
      (
        #"{"holdings": {"AAPL": 1}, "leveragedPositions": [{"asset": "BTC", "side": "long", "leverage": 5}]}"#,
        "portfolio.json: leveragedPositions[0].asset: BTC is not an asset of the prices"
      ),
    ])
  func badPortfolio(text: String, message: String) throws {
    let path = try temporaryFile(text, name: "portfolio.json")
    let out = temporaryFolder()
    let (status, stdout, stderr) = try runRiskReport(
      ["run", "--portfolio", path, "--out", out] + Self.small)
    #expect(status != 0)
    #expect(stdout.isEmpty)
    #expect(
      stderr.hasPrefix(
        "riskreport: \(path.replacingOccurrences(of: "portfolio.json", with: ""))\(message)"),
      "\(stderr)")
    #expect(stderr.split(separator: "\n").count == 1)
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test(
    "Bad flags and files: one line, non-zero exit, nothing written",
    arguments: [
      (["--paths", "10"], "--paths: 10"),
      (["--confidence", "1"], "--confidence: 1.0"),
      (["--horizon-days", "0"], "--horizon-days: 0.0"),
      (["--steps", "0"], "--steps: 0"),
      (["--threads", "0"], "--threads: 0"),
      (["--window", "5"], "--window: 5"),
      (["--prices", "/nonexistent/prices.csv"], "/nonexistent/prices.csv"),
      (["--window", "5000"], "--window: 5000 leaves fewer than 2 days"),
    ])
  func badFlags(arguments: [String], message: String) throws {
    let out = temporaryFolder()
    let (status, stdout, stderr) = try runRiskReport(
      ["run", "--out", out, "--paths", "400"] + arguments)
    #expect(status != 0)
    #expect(stdout.isEmpty)
    #expect(stderr.hasPrefix("riskreport: \(message)"), "\(stderr)")
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test("--out naming a file is an error and the file is left alone")
  func outIsFile() throws {
    let file = try temporaryFile("keep me", name: "taken")
    let (status, stdout, stderr) = try runRiskReport(["run", "--out", file] + Self.small)
    #expect(status != 0 && stdout.isEmpty)
    #expect(stderr == "riskreport: --out: \(file): exists and is not a folder\n")
    #expect(try String(contentsOfFile: file, encoding: .utf8) == "keep me")
  }

  @Test("--out naming a folder with other files (or the working folder) is refused and left alone")
  func outHoldsOtherFiles() throws {
    let kept = try temporaryFile("precious", name: "notes.txt")
    let folder = URL(fileURLWithPath: kept).deletingLastPathComponent().path
    let (status, stdout, stderr) = try runRiskReport(["run", "--out", folder] + Self.small)
    #expect(status != 0 && stdout.isEmpty)
    #expect(stderr.contains("holds other files than a report (notes.txt)"), "\(stderr)")
    #expect(try String(contentsOfFile: kept, encoding: .utf8) == "precious")
    let (dot, _, dotError) = try runRiskReport(["run", "--out", "."] + Self.small)
    #expect(
      dot != 0
        && dotError
          == "riskreport: --out: .: is the working folder or the root; choose a new or report-only folder\n",
      "\(dotError)")
  }

  @Test(
    "--out is replaced only when it is this tool's report: a report name that is a folder, a symlink, or report files without the marker are refused and kept"
  )
  func outOnlyOwnReports() throws {
    let fm = FileManager.default
    // The issue's case: out/report.json/notes.txt (a folder named like a report file).
    let out = temporaryFolder()
    try fm.createDirectory(atPath: out + "/report.json", withIntermediateDirectories: true)
    try Data("notes".utf8).write(to: URL(fileURLWithPath: out + "/report.json/notes.txt"))
    // Report files someone else wrote (no marker).
    let foreign = temporaryFolder()
    try fm.createDirectory(atPath: foreign, withIntermediateDirectories: true)
    try Data("my own report".utf8).write(to: URL(fileURLWithPath: foreign + "/report.md"))
    // A report name that is a symbolic link to a file elsewhere.
    let linked = temporaryFolder()
    let target = try temporaryFile("elsewhere", name: "target.txt")
    try fm.createDirectory(atPath: linked, withIntermediateDirectories: true)
    try fm.createSymbolicLink(atPath: linked + "/report.md", withDestinationPath: target)
    try Data(ReportDirectory.markerText.utf8).write(
      to: URL(fileURLWithPath: linked + "/" + ReportDirectory.markerFile))
    for (folder, message) in [
      (out, "holds other files than a report (report.json)"),
      (foreign, "holds report files that riskreport run did not write"),
      (linked, "holds other files than a report (report.md)"),
    ] {
      let (status, stdout, stderr) = try runRiskReport(["run", "--out", folder] + Self.small)
      #expect(status == 1 && stdout.isEmpty)
      #expect(stderr.hasPrefix("riskreport: --out: \(folder): \(message)"), "\(stderr)")
    }
    #expect(try String(contentsOfFile: out + "/report.json/notes.txt", encoding: .utf8) == "notes")
    #expect(try String(contentsOfFile: foreign + "/report.md", encoding: .utf8) == "my own report")
    #expect(try String(contentsOfFile: target, encoding: .utf8) == "elsewhere")
  }

  @Test("Staging and set-aside folders a killed run left are removed by the next run, others kept")
  func staleFoldersRemoved() throws {
    let fm = FileManager.default
    let out = temporaryFolder()
    let parent = URL(fileURLWithPath: out).deletingLastPathComponent().path
    let name = URL(fileURLWithPath: out).lastPathComponent
    let staging = "\(parent)/.\(name).tmp-ABCDEF12"  // killed while writing: no marker yet
    let aside = "\(parent)/.\(name).old-12345678"  // killed between the renames
    let notOurs = "\(parent)/.\(name).tmp-NOTOURS1"
    for (folder, files) in [
      (staging, ["report.md"]), (aside, ["report.json", ReportDirectory.markerFile]),
      (notOurs, ["notes.txt"]),
    ] {
      try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
      for file in files { try Data("x".utf8).write(to: URL(fileURLWithPath: folder + "/" + file)) }
      // Left by a run killed two minutes ago (a fresh folder may be a concurrent run's).
      try fm.setAttributes(
        [.modificationDate: Date(timeIntervalSinceNow: -120)], ofItemAtPath: folder)
    }
    let fresh = "\(parent)/.\(name).tmp-FRESH123"
    try fm.createDirectory(atPath: fresh, withIntermediateDirectories: true)
    try Data("x".utf8).write(to: URL(fileURLWithPath: fresh + "/report.md"))
    #expect(try runRiskReport(["run", "--out", out, "--format", "md"] + Self.small).0 == 0)
    #expect(!fm.fileExists(atPath: staging) && !fm.fileExists(atPath: aside))
    #expect(fm.fileExists(atPath: notOurs + "/notes.txt"))
    #expect(fm.fileExists(atPath: fresh + "/report.md"))
    try fm.removeItem(atPath: notOurs)
    try fm.removeItem(atPath: fresh)
  }

  @Test("SIGTERM while a report is written: the run ends by the signal, the folder is whole")
  func interruptedRun() throws {
    // Each run is signalled at a different moment of its life; whenever it lands, --out holds
    // the previous report or the new one, whole, and no staging folder is left.
    let out = temporaryFolder()
    #expect(try runRiskReport(["run", "--out", out, "--format", "md"] + Self.small).0 == 0)
    let binary = Bundle.main.bundleURL.appendingPathComponent("riskreport")
    let parent = URL(fileURLWithPath: out).deletingLastPathComponent().path
    let name = URL(fileURLWithPath: out).lastPathComponent
    for delay in stride(from: 0.05, through: 0.6, by: 0.05) {
      let process = Process()
      process.executableURL = binary
      process.arguments = ["run", "--out", out, "--format", "md"] + Self.small
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      Thread.sleep(forTimeInterval: delay)
      process.terminate()
      process.waitUntilExit()
      let contents = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
      #expect(contents == [".riskreport", "report.md"], "delay \(delay)")
      let leftovers = try FileManager.default.contentsOfDirectory(atPath: parent).filter {
        $0.hasPrefix(".\(name).")
      }
      #expect(leftovers.isEmpty, "delay \(delay): \(leftovers)")
    }
  }

  @Test("A long grid keeps the fan chart within the kept-path limit")
  func longGrid() throws {
    let out = temporaryFolder()
    let (status, _, stderr) = try runRiskReport(
      ["run", "--out", out, "--paths", "200", "--steps", "20000", "--format", "json"])
    #expect(status == 0, "\(stderr)")
    let r = try readReport(out)
    #expect(r.monteCarlo.fanPaths == 10_000_000 / (20_001 * 4))
    #expect(r.monteCarlo.fan.count == 20_001)
  }

  @Test("Weights with a value, budgets and caps are honoured")
  func weightsBudgetsCaps() throws {
    let path = try temporaryFile(
      #"{"weights": {"AAPL": 0.4, "GOOG": 0.3, "IBM": 0.2, "MSFT": 0.1}, "value": 1000, "riskBudgets": {"AAPL": 0.4, "GOOG": 0.2, "IBM": 0.2, "MSFT": 0.2}, "caps": {"AAPL": 0.2, "GOOG": 1, "IBM": 1, "MSFT": 1}}"#,
      name: "portfolio.json")
    let out = temporaryFolder()
    let (status, _, stderr) = try runRiskReport(
      ["run", "--portfolio", path, "--out", out, "--format", "json"] + Self.small)
    #expect(status == 0, "\(stderr)")
    let r = try readReport(out)
    #expect(abs(r.weights.value - 1000) <= 1e-9)
    for (w, expected) in zip(r.weights.weights, [0.4, 0.3, 0.2, 0.1]) {
      #expect(abs(w - expected) <= 1e-12)
    }
    #expect(r.riskParity.budgets == [0.4, 0.2, 0.2, 0.2])
    #expect(r.riskParity.weights[0] <= 0.2 + 1e-12)
    #expect(r.riskParity.cappedAssets == ["AAPL"])
    #expect(r.liquidation.positions.isEmpty)
  }
}

@Suite(.serialized) struct RunStressTests {
  @Test(
    "The report's stress section is riskreport stress's JSON, with the user's scenarios; a bad scenario file writes nothing"
  )
  func stressSection() throws {
    let scenarios = try temporaryFile(
      #"[{"name": "tech crash", "shocks": {"AAPL": -0.4}}, {"name": "panic", "volatilityMultiplier": 2}]"#,
      name: "scenarios.json")
    let out = temporaryFolder()
    let (status, stdout, stderr) = try runRiskReport(
      ["run", "--out", out, "--scenarios", scenarios] + RunCommandTests.small)
    #expect(status == 0, "\(stderr)")
    #expect(stdout.contains("worst stress scenario: all -30%"))
    let stress = try #require(try readReport(out).stress)
    let (_, json, _) = try runRiskReport([
      "stress", "--scenarios", scenarios, "--paths", "4000", "--horizon-days", "10", "--format",
      "json",
    ])
    let direct = try JSONDecoder().decode(StressReport.self, from: Data(json.utf8))
    #expect(stress.scenarios.map(\.name) == direct.scenarios.map(\.name))
    #expect(stress.scenarios.map(\.portfolioPnL) == direct.scenarios.map(\.portfolioPnL))
    #expect(stress.scenarios.last?.valueAtRisk != nil)
    let markdown = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
    #expect(markdown.contains("## Stress scenarios") && markdown.contains("| tech crash |"))
    let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
    #expect(html.contains("<svg id=\"chart-stress\""))
    // A bad scenario file: one line, and no folder written.
    let bad = try temporaryFile(#"[{"name": "x", "shocks": {"TSLA": -0.2}}]"#, name: "bad.json")
    let other = temporaryFolder()
    let (code, o2, e2) = try runRiskReport(["run", "--out", other, "--scenarios", bad])
    #expect(code != 0 && o2.isEmpty && e2.contains("bad.json: [0].shocks.TSLA: no such asset"))
    #expect(!FileManager.default.fileExists(atPath: other))
  }
}
