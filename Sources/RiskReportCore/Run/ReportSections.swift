import Foundation
import RiskKernels

/// The report's sections as titled prose and tables of formatted cells, written once and
/// rendered by both `MarkdownReport` and `HTMLReport` (so the two never disagree).
struct ReportSection {
  struct Table {
    let header: [String]
    let rows: [[String]]
  }

  /// The anchor (`covariance`, `var`, …) and the heading.
  let id: String
  let title: String
  let paragraphs: [String]
  let tables: [Table]
  /// The chart ids this section shows in HTML (see `HTMLReport`).
  let charts: [String]

  static func percent(_ x: Double, _ digits: Int = 2) -> String {
    let text = String(format: "%.\(digits)f%%", 100 * x)
    // No "-0.0%" for a value that rounds to zero.
    return text.hasPrefix("-") && text.dropFirst().allSatisfy({ "0.%".contains($0) })
      ? String(text.dropFirst()) : text
  }
  static func number(_ x: Double, _ digits: Int = 4) -> String { String(format: "%.\(digits)f", x) }
  static func money(_ x: Double) -> String { String(format: "%.2f", x) }
  /// A horizon in days: whole days without decimals, fractions with up to three (0.5, 2.5).
  static func days(_ x: Double) -> String {
    x == x.rounded() ? String(format: "%.0f", x) : String(format: "%g", x)
  }
  static func probability(_ p: Double) -> String {
    p != 0 && p < 1e-4 ? String(format: "%.2e", p) : String(format: "%.4f", p)
  }

  static func all(_ r: RunReport) -> [ReportSection] {
    [inputs(r)] + (r.stress.map { [stress($0, r)] } ?? []) + [
      covariance(r), weights(r), monteCarlo(r), valueAtRisk(r), riskGrid(r),
      backtest(r), liquidation(r),
    ] + (r.lending.map { [lending($0, r)] } ?? []) + (r.controls.map { [controls($0, r)] } ?? [])
      + (r.rebalance.map { [rebalance($0, r)] } ?? []) + (r.cadence.map { [cadence($0)] } ?? [])
      + [timings(r)]
  }

  static func inputs(_ r: RunReport) -> ReportSection {
    let i = r.inputs
    return ReportSection(
      id: "inputs", title: "Inputs",
      paragraphs: [
        "Prices `\(i.prices)`, portfolio `\(i.portfolio)`; \(r.assets.count) assets (\(r.assets.joined(separator: ", "))).",
        "Covariance estimator \(i.estimator); \(i.paths) Monte Carlo paths of \(i.steps) steps over \(days(i.horizonDays)) days, seed \(i.seed); confidence \(percent(i.confidence, 1)); backtest window \(i.backtestWindow) days.",
        "Days are the price file's observation periods; volatilities are annualised with \(number(i.periodsPerYear, 0)) of them a year (\(i.calendarReason)).",
      ], tables: [], charts: [])
  }

  static func covariance(_ r: RunReport) -> ReportSection {
    let c = r.covariance
    var paragraphs = [
      c.histories == HistoriesChoice.stambaugh.rawValue
        ? "Stambaugh's maximum-likelihood estimate over each asset's whole history (\(c.observations) daily log returns from the earliest start): "
          + zip(r.assets, c.assetObservations ?? []).map { "\($0) \($1)" }.joined(separator: ", ")
          + " returns."
        : "\(c.estimator) estimate from \(c.observations) daily log returns (\(c.droppedRows) incomplete rows dropped)."
    ]
    if let s = c.shrinkage { paragraphs.append("Shrinkage intensity \(number(s)).") }
    let rows = r.assets.indices.map { i in
      [r.assets[i], percent(c.annualVolatility[i])] + c.correlation[i].map { number($0, 3) }
    }
    return ReportSection(
      id: "covariance", title: "Covariance and correlation", paragraphs: paragraphs,
      tables: [Table(header: ["asset", "volatility (annual)"] + r.assets, rows: rows)],
      charts: ["chart-correlation"])
  }

  static func weights(_ r: RunReport) -> ReportSection {
    let p = r.riskParity
    let rows = r.assets.indices.map { i in
      [
        r.assets[i], number(r.weights.holdings[i], 2), money(r.weights.spot[i]),
        percent(r.weights.weights[i]), percent(p.currentContributions[i]), percent(p.weights[i]),
        percent(p.parityContributions[i]), percent(p.budgets[i]),
      ]
    }
    var paragraphs = [
      "Portfolio value \(money(r.weights.value)). Annualised volatility: current \(percent(p.currentVolatility)), risk parity \(percent(p.parityVolatility)).",
      p.cappedAssets.isEmpty
        ? "Risk parity (Spinu's Newton, \(p.iterations) iterations, residual \(String(format: "%.1e", p.residual))): weights whose risk contributions RCᵢ/σ_p equal the budgets."
        : "Risk parity (Spinu's Newton with caps, \(p.iterations) iterations, residual \(String(format: "%.1e", p.residual))): the capped assets sit at their caps, with risk contributions at most their budgets' share; the others' contributions are in proportion to their budgets.",
    ]
    if !p.cappedAssets.isEmpty {
      paragraphs.append("Capped: \(p.cappedAssets.joined(separator: ", ")).")
    }
    return ReportSection(
      id: "weights", title: "Weights and risk contributions", paragraphs: paragraphs,
      tables: [
        Table(
          header: [
            "asset", "holding", "spot", "weight", "risk contribution", "parity weight",
            "parity contribution", "budget",
          ], rows: rows)
      ], charts: ["chart-contributions"])
  }

  static func monteCarlo(_ r: RunReport) -> ReportSection {
    let m = r.monteCarlo
    let change = m.terminalValue.value / m.initialValue - 1
    return ReportSection(
      id: "monte-carlo", title: "Monte Carlo of the portfolio",
      paragraphs: [
        "\(m.paths) paths of driftless correlated GBM, \(m.steps) steps over \(days(r.inputs.horizonDays)) days.",
        "Terminal value \(money(m.terminalValue.value)) ± \(money(m.terminalValue.standardError)) (from \(money(m.initialValue)), \(percent(change, 3)); zero drift, so any change is noise). Expected lowest value on the grid \(money(m.minimumValue.value)) ± \(money(m.minimumValue.standardError)).",
        "The fan chart shows the 5–95% and 25–75% bands and the median of \(m.fanPaths) of the same paths.",
      ], tables: [], charts: ["chart-pnl", "chart-fan"])
  }

  static func valueAtRisk(_ r: RunReport) -> ReportSection {
    let v = r.var
    func name(_ result: VaRReport.Result) -> String { result.displayName }
    let rows = v.results.map {
      [
        name($0), percent($0.var, 3), $0.varStandardError.map { percent($0, 3) } ?? "",
        percent($0.expectedShortfall, 3),
        $0.expectedShortfallStandardError.map { percent($0, 3) } ?? "",
      ]
    }
    var tables = [
      Table(header: ["method", "VaR", "± s.e.", "expected shortfall", "± s.e."], rows: rows)
    ]
    for result in v.results {
      guard let c = result.components else { continue }
      tables.append(
        Table(
          header: [
            "asset (\(name(result)))", "component VaR", "component ES", "marginal VaR",
          ],
          rows: r.assets.map {
            [
              $0, percent(c[$0]!["var"]!, 3), percent(c[$0]!["expectedShortfall"]!, 3),
              c[$0]!["marginalVar"].map { percent($0, 3) } ?? "–",
            ]
          }))
    }
    return ReportSection(
      id: "var", title: "Value at risk and expected shortfall",
      paragraphs: [
        "At \(percent(v.confidence, 1)) over \(days(v.horizonDays)) days, as positive losses in fractions of portfolio value. Parametric (normal), Cornish-Fisher and historical scale a one-day figure by √h; Monte Carlo simulates the horizon. Components are Euler allocations and sum to the totals; the marginal VaR is ∂VaR/∂wᵢ, the component over the weight. The Monte Carlo figures carry their standard errors (asymptotic, from the order statistics around the VaR and the tail's spread; a 95% interval is ±1.96 s.e.).\(varianceReductionNote(r.inputs.varianceReduction))\(samplerNote(r.inputs))"
      ], tables: tables, charts: [])
  }

  /// What `--sampler sobol` changed, for the VaR paragraph.
  static func samplerNote(_ inputs: RunReport.Inputs) -> String {
    guard inputs.sampler == "sobol", let r = inputs.replicates else { return "" }
    return
      " The Monte Carlo VaR/ES is randomized quasi-Monte Carlo: a second run of the same number of paths as \(r) independently scrambled Sobol' sequences (Brownian-bridge construction), each giving a VaR (at rank np + ½) and an ES; the figures are their means and the standard errors their spread over √\(r) (t intervals with \(r - 1) degrees of freedom). The risk grid's Monte Carlo entries still come from the plain portfolio simulation."
  }

  /// What `--variance-reduction` changed, for the VaR paragraph.
  static func varianceReductionNote(_ reduction: String) -> String {
    switch reduction {
    case "importance":
      " The Monte Carlo VaR/ES is importance-sampled: a second run of the same number of paths draws the horizon with the normals shifted toward the portfolio's losses (the linearised VaR at the mean) and weighs each path by its likelihood ratio, so its standard errors are smaller than plain sampling's. The risk grid's Monte Carlo entries still come from the plain portfolio simulation."
    case "antithetic":
      " The paths come in antithetic pairs (z, −z); the standard errors treat the paths as independent (a pair rarely has both paths in the tail)."
    default: ""
    }
  }

  static func riskGrid(_ r: RunReport) -> ReportSection {
    func cell(_ value: Double, _ error: Double?) -> String {
      percent(value, 2) + (error.map { " ± \(percent($0, 2))" } ?? "")
    }
    var keys: [(method: String, horizon: Double)] = []
    for e in r.riskGrid where !keys.contains(where: { $0 == (e.method, e.horizonDays) }) {
      keys.append((e.method, e.horizonDays))
    }
    let rows = keys.map { key -> [String] in
      let entries = r.riskGrid.filter { $0.method == key.method && $0.horizonDays == key.horizon }
      func at(_ c: Double) -> RiskGrid.Entry? { entries.first { $0.confidence == c } }
      return [key.method, days(key.horizon)]
        + [0.95, 0.99, 0.995].map { c in at(c).map { cell($0.var, $0.varStandardError) } ?? "" }
        + [at(0.975).map { cell($0.expectedShortfall, $0.expectedShortfallStandardError) } ?? ""]
    }
    let notes = Dictionary(
      r.riskGrid.map { ($0.method, $0.uncertainty) }, uniquingKeysWith: { a, _ in a })
    return ReportSection(
      id: "risk-grid", title: "Risk grid",
      paragraphs: [
        "VaR at 95%, 99% and 99.5% and ES at 97.5% (the Basel level), at one day and at the horizon, as positive losses in fractions of portfolio value; ± one standard error where the method gives one. The daily methods scale by √h; Monte Carlo simulates each horizon. report.json's `riskGrid` has every level with both measures and the 95% intervals."
      ]
        + ["parametric", "cornish-fisher", "historical", "monte-carlo"].compactMap { m in
          notes[m].map { "\(m): \($0)." }
        },
      tables: [
        Table(
          header: ["method", "days", "VaR 95%", "VaR 99%", "VaR 99.5%", "ES 97.5%"], rows: rows)
      ], charts: [])
  }

  static func lending(_ l: RunReport.Lending, _ r: RunReport) -> ReportSection {
    let hasRules = l.rules != nil
    let rows = l.loans.map { loan in
      [
        loan.name, money(loan.debt), money(loan.collateralValue),
        number(loan.liquidationThreshold, 2),
        percent(loan.collateralVolatility),
        "\(percent(loan.defaultProbability)) ± \(percent(loan.defaultProbabilityStandardError))",
        percent(loan.gridDefaultProbability),
        "\(money(loan.expectedDefaultCost)) ± \(money(loan.expectedDefaultCostStandardError))",
      ]
        + (hasRules
          ? [loan.rate.map { percent($0) } ?? "", loan.collateralRatio.map { number($0, 3) } ?? ""]
          : [])
    }
    var paragraphs = [
      "Each loan is in default once its debt exceeds the liquidation threshold times its collateral's value (the collateral falls to debt/LT). Over \(days(r.inputs.horizonDays)) days on the report's model and \(r.inputs.paths) paths: the default probability under continuous monitoring (Brownian bridge with the basket's local volatility; exact for one asset, an approximation for a basket that vanishes as the grid is refined) and on the \(r.inputs.steps) dates of the grid, and the expected default cost E[(L − C(T))⁺ · 1{default}].",
      "Book: expected default cost \(money(l.expectedDefaultCost)) (standard error at most \(money(l.expectedDefaultCostStandardErrorBound))).",
    ]
    if let b = l.book {
      paragraphs.append(
        "On the same paths, the probability that at least one of the \(l.loans.count) loans defaults within \(days(r.inputs.horizonDays)) days is \(percent(b.anyDefault.value)) ± \(percent(b.anyDefault.standardError)), that all do \(percent(b.allDefault.value)) ± \(percent(b.allDefault.standardError)); on average \(number(b.expectedDefaults.value, 3)) loans default, and the defaulted debt averages \(money(b.defaultedDebt.value)) (99% quantile \(money(b.defaultedDebtQuantiles[2])))."
      )
    }
    if let rules = l.rules {
      paragraphs.append(
        "Rules: rate r = \(number(rules.baseRate, 4)) + \(number(rules.rateSensitivity, 4))·σ, collateral ratio CR = \(number(rules.minimumCollateralRatio, 4)) + \(number(rules.ratioSensitivity, 4))·σ, with σ the collateral's annual volatility."
      )
    }
    return ReportSection(
      id: "lending", title: "Lending", paragraphs: paragraphs,
      tables: [
        Table(
          header: [
            "loan", "debt", "collateral", "LT", "σ (annual)", "default (continuous)",
            "default (grid)", "expected default cost",
          ] + (hasRules ? ["rate (rule)", "CR (rule)"] : []), rows: rows)
      ], charts: [])
  }

  static func controls(_ c: RunReport.Controls, _ r: RunReport) -> ReportSection {
    let s = c.settings
    let rows = c.positions.map { p in
      [
        "\(p.asset) \(p.side.rawValue)", number(p.leverage, 0) + "×", percent(p.volatility),
        percent(p.oneDayValueAtRisk), number(p.volatilityAdjustedLeverage, 2) + "×",
        p.aboveAdjustedLeverage ? "**above**" : "within", number(p.dynamicLiquidationThreshold, 3),
      ]
    }
    let trips = c.circuitBreakerTrips
    let shown = trips.count > 12 ? Array(trips.prefix(12)) + ["…"] : trips
    return ReportSection(
      id: "controls", title: "Leverage controls",
      paragraphs: [
        "Volatility-adjusted leverage L* = κ/σ · min(100, M/VaR) with κ = \(number(s.leverageScale, 3)) and margin M = \(number(s.margin, 3)) of notional, σ the asset's annual volatility and VaR its one-day \(percent(r.inputs.confidence, 1)) normal VaR; dynamic liquidation threshold LT = LT₀(1 + ησ) with LT₀ = \(number(s.liquidationThreshold, 3)), η = \(number(s.thresholdSensitivity, 3)).",
        "Circuit breaker (σ(t) > \(number(s.breakerThreshold, 2))·EMA(σ), decay \(number(s.breakerDecay, 3)), on the portfolio's \(s.volatilityWindow)-day rolling volatility): \(trips.count) trips in \(c.daysChecked) days checked"
          + (trips.isEmpty ? "." : ": \(shown.joined(separator: ", ")) (all in report.json)."),
        "Portfolio entropy H = −Σ wᵢ ln wᵢ = \(number(c.entropy, 4)) (of at most ln d = \(number(c.maximumEntropy, 4))). Systemic volatility \(percent(c.systemicVolatility)) against a ceiling of \(percent(s.maximumVolatility)): stability \(number(c.stability, 3)).",
      ],
      tables: [
        Table(
          header: [
            "position", "leverage", "σ (annual)", "1-day VaR", "L*", "leverage vs L*",
            "dynamic LT",
          ], rows: rows)
      ], charts: [])
  }

  static func rebalance(_ b: RunReport.Rebalance, _ r: RunReport) -> ReportSection {
    ReportSection(
      id: "rebalance", title: "Rebalance",
      paragraphs: [
        "The cost-aware rebalance from the current weights (`CostAwareRebalance`: minimise σ_p(w) − λμᵀw + Σ cᵢ|wᵢ − w0ᵢ| long-only under the caps, λ = \(number(b.riskAversion, 3)), zero expected returns), on the annualised covariance. Volatility \(percent(b.volatilityBefore)) before, \(percent(b.volatilityAfter)) after, for a trading cost of \(number(b.tradingCost, 6)) of the portfolio value (\(b.iterations) Newton steps). An asset is traded only where its risk reduction outweighs its cost."
      ],
      tables: [
        Table(
          header: ["asset", "cost per unit traded", "current", "after", "trade"],
          rows: r.assets.indices.map { i in
            [
              r.assets[i], number(b.costs[i], 4), percent(b.currentWeights[i]),
              percent(b.weights[i]), String(format: "%+.2f%%", 100 * b.trades[i]),
            ]
          })
      ], charts: [])
  }

  static func cadence(_ c: CadenceAnalysis.Result) -> ReportSection {
    ReportSection(
      id: "cadence", title: "How often must we update?",
      paragraphs: [
        "A rolling backtest on \(c.days) days in which the portfolio's variance is re-estimated from the previous \(c.window) days only every k days and held in between: the normal \(percent(c.confidence, 1)) VaR's exceedance rate with Kupiec's p-value, and the mean Gaussian log score of the variance forecast (ln σ̂² + r²/σ̂², lower is better) against re-estimating daily.",
        "**\(c.recommendation.prefix(1).uppercased() + c.recommendation.dropFirst()).** The quote, the per-block VaR, the lending parameters and the rebalance all refresh this covariance forecast, so the interval answers each; the second table gives what one refresh of each costs here against its use case's budget.",
      ],
      tables: [
        Table(
          header: [
            "refresh every", "exceedance rate", "Kupiec p", "log score", "excess over daily ± s.e.",
            "within \(c.tolerance)",
          ],
          rows: c.intervals.map {
            [
              "\($0.interval) days", percent($0.exceedanceRate), number($0.kupiecPValue),
              number($0.loss, 5),
              String(format: "%+.5f ± %.5f", $0.lossDifference, $0.lossDifferenceStandardError),
              $0.withinTolerance ? "yes" : "no",
            ]
          }),
        Table(
          header: ["update", "one refresh", "budget", "headroom", "work"],
          rows: c.updates.map {
            [
              $0.update, String(format: "%.3f ms", $0.refreshSeconds * 1e3),
              budget($0.budgetSeconds),
              String(format: "%.3g×", $0.budgetSeconds / $0.refreshSeconds), $0.work,
            ]
          }),
      ], charts: [])
  }

  static func backtest(_ r: RunReport) -> ReportSection {
    let b = r.backtest.result
    var tables = [
      Table(
        header: ["test (\(r.backtest.method))", "statistic", "p-value"],
        rows: [
          ["Kupiec proportion of failures", number(b.kupiecStatistic), number(b.kupiecPValue)],
          [
            "Christoffersen independence", number(b.independenceStatistic),
            number(b.independencePValue),
          ],
          [
            "conditional coverage", number(b.conditionalCoverageStatistic),
            number(b.conditionalCoveragePValue),
          ],
        ])
    ]
    if !r.backtest.methods.isEmpty {
      tables.append(
        Table(
          header: [
            "method", "exceedances", "expected", "Kupiec p", "Christoffersen p",
            "conditional coverage p", "zone", "last exceedance",
          ],
          rows: r.backtest.methods.map {
            [
              $0.method, String($0.exceedances), number($0.expectedExceedances, 1),
              number($0.kupiecPValue), number($0.christoffersenPValue),
              number($0.conditionalCoveragePValue), $0.zone.rawValue,
              $0.exceedanceDates.last ?? "–",
            ]
          }))
    }
    return ReportSection(
      id: "backtest", title: "Backtest",
      paragraphs: [
        "A rolling \(r.backtest.window)-day one-day VaR at \(percent(r.backtest.confidence, 1)) on \(b.observations) days, by each method (historical first): an exceedance is a day whose return fell below minus that day's VaR. Historical: \(b.exceedances) exceedances (expected \(number(b.expectedExceedances, 1))); Basel zone **\(b.zone.rawValue)**. The exceedance dates of every method are in report.json (`backtest.methods[].exceedanceDates`)."
      ],
      tables: tables, charts: r.backtest.methods.isEmpty ? [] : ["chart-backtest"])
  }

  static func liquidation(_ r: RunReport) -> ReportSection {
    let l = r.liquidation
    guard !l.positions.isEmpty else {
      return ReportSection(
        id: "liquidation", title: "Liquidation", paragraphs: ["No leveraged positions."],
        tables: [], charts: [])
    }
    // A per-block figure that is a bound (BGK outside [terminal, first passage]) says so.
    func perBlock(_ value: Double, _ method: String) -> String {
      probability(value) + (method == DiscreteMonitoringMethod.bounded.rawValue ? " (bound)" : "")
    }
    let rows = l.positions.map { p in
      [
        "\(p.asset) \(p.side.rawValue) \(number(p.leverage, 0))×", money(p.entryPrice),
        money(p.liquidationPrice), percent(p.volatility), probability(p.terminal),
        perBlock(p.perBlock12s, p.perBlock12sMethod),
        perBlock(p.perBlock400ms, p.perBlock400msMethod),
        probability(p.firstPassage),
        "\(probability(p.monteCarlo.value)) ± \(probability(p.monteCarlo.standardError))",
        p.margin.map { "\(money($0)) on \(money(p.notional!))" } ?? "–",
      ]
    }
    return ReportSection(
      id: "liquidation", title: "Liquidation",
      paragraphs: [
        "Probability of liquidation within \(days(l.horizonDays)) days, zero drift. **Terminal**: beyond the liquidation price at the horizon. **Per block**: seen beyond it at an oracle update every 12 s or 400 ms (Broadie–Glasserman–Kou, kept within terminal and first passage; \"(bound)\" where the correction fell outside them). **First passage**: touched at any time — what liquidates a continuously marked position. **Monte Carlo**: first passage on the report's correlated paths with the Brownian-bridge correction (± one standard error).",
        "The chart shows how the probabilities grow with leverage, 1× to 125×, for each position's asset and side.",
      ] + (r.jointLiquidation.map { [jointLiquidation($0)] } ?? []),
      tables: [
        Table(
          header: [
            "position", "entry", "liquidation price", "σ (annual)", "terminal", "per block 12 s",
            "per block 400 ms", "first passage", "Monte Carlo", "margin on notional",
          ], rows: rows)
      ], charts: ["chart-leverage"])
  }

  /// The "Joint liquidation" paragraph: the book's positions liquidated together.
  static func jointLiquidation(_ j: RunReport.JointLiquidation) -> String {
    func estimate(_ e: MonteCarloEstimate) -> String {
      "\(probability(e.value)) ± \(probability(e.standardError))"
    }
    var text =
      "**Joint liquidation** (the same paths for every position, continuous monitoring): the probability that at least one of the \(j.positions) positions is liquidated within \(days(j.horizonDays)) days is \(estimate(j.anyLiquidated)), that all are \(estimate(j.allLiquidated)); on average \(number(j.expectedCount.value, 3)) ± \(number(j.expectedCount.standardError, 3)) positions go."
    if let n = j.liquidatedNotional, let q = j.liquidatedNotionalQuantiles {
      text +=
        " The liquidated notional averages \(money(n.value)) ± \(money(n.standardError)); its 95% and 99% quantiles are \(money(q[1])) and \(money(q[2]))."
    }
    return text
  }

  static func timings(_ r: RunReport) -> ReportSection {
    let rows = r.timings.map { t in
      [
        t.step, t.useCase, String(format: "%.3f ms", t.seconds * 1e3), budget(t.budgetSeconds),
        String(format: "%.0f×", t.headroom), t.withinBudget ? "within" : "OVER",
      ]
    }
    return ReportSection(
      id: "timings", title: "Update budgets",
      paragraphs: [
        "How long each step of this report took against the budget of the use case it serves."
      ],
      tables: [
        Table(header: ["step", "use case", "time", "budget", "headroom", "verdict"], rows: rows)
      ],
      charts: [])
  }

  static func budget(_ seconds: Double) -> String {
    switch seconds {
    case 86_400...: return "\(number(seconds / 86_400, 0)) day"
    case 3_600...: return "\(number(seconds / 3_600, 0)) h"
    case 1...: return "\(number(seconds, 0)) s"
    default: return "\(number(seconds * 1e3, 0)) ms"
    }
  }
}
