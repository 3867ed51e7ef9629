import Foundation
import RiskKernels

/// What `riskreport run` prints besides the folder it wrote: the headline numbers a desk reads
/// first (VaR and ES with their standard errors, the backtest's verdict, each leveraged
/// position's liquidation probability, and the step closest to its latency budget).
enum TerminalSummary {
  static func text(_ r: RunReport) -> String {
    var lines: [String] = []
    let v = r.var
    let horizon = ReportSection.days(v.horizonDays)
    if let mc = v.results.first(where: { $0.method == "monte-carlo" }) {
      func withError(_ value: Double, _ error: Double?) -> String {
        ReportSection.percent(value, 2)
          + (error.map { " ± \(ReportSection.percent($0, 2))" } ?? "")
      }
      let others = v.results.filter { $0.method != "monte-carlo" }.map {
        "\($0.method) \(ReportSection.percent($0.var, 2))"
      }
      lines.append(
        "VaR \(ReportSection.percent(v.confidence, 1)) over \(horizon) days: "
          + withError(mc.var, mc.varStandardError) + " (Monte Carlo), ES "
          + withError(mc.expectedShortfall, mc.expectedShortfallStandardError)
          + (others.isEmpty ? "" : "; " + others.joined(separator: ", ")))
    }
    let b = r.backtest
    let verdicts = b.methods.map { "\($0.method) \($0.exceedances) (\($0.zone.rawValue))" }
    lines.append(
      "backtest, \(b.result.observations) days: exceedances vs \(ReportSection.number(b.result.expectedExceedances, 1)) expected: "
        + (verdicts.isEmpty
          ? "\(b.method) \(b.result.exceedances) (\(b.result.zone.rawValue))"
          : verdicts.joined(separator: ", ")))
    for p in r.liquidation.positions {
      lines.append(
        "liquidation of \(p.asset) \(p.side.rawValue) \(ReportSection.number(p.leverage, 0))× within \(horizon) days: \(ReportSection.percent(p.firstPassage, 2)) (continuous), \(ReportSection.percent(p.terminal, 2)) at the horizon"
      )
    }
    if let j = r.jointLiquidation {
      lines.append(
        "joint liquidation within \(horizon) days: at least one of \(j.positions) positions \(ReportSection.percent(j.anyLiquidated.value, 2)) ± \(ReportSection.percent(j.anyLiquidated.standardError, 2)), all \(ReportSection.percent(j.allLiquidated.value, 2)) ± \(ReportSection.percent(j.allLiquidated.standardError, 2))"
      )
    }
    if let b = r.lending?.book, let n = r.lending?.loans.count, n > 1 {
      lines.append(
        "loans: at least one of \(n) defaults within \(horizon) days: \(ReportSection.percent(b.anyDefault.value, 2)) ± \(ReportSection.percent(b.anyDefault.standardError, 2))"
      )
    }
    for loan in r.lending?.loans ?? [] {
      lines.append(
        "default of loan \(loan.name) within \(horizon) days: \(ReportSection.percent(loan.defaultProbability, 2)) ± \(ReportSection.percent(loan.defaultProbabilityStandardError, 2)) (continuous), expected cost \(ReportSection.money(loan.expectedDefaultCost))"
      )
    }
    if let worst = r.stress?.scenarios.filter({ !$0.assetPnL.isEmpty }).min(by: {
      $0.portfolioPnL < $1.portfolioPnL
    }) {
      let liquidated = worst.positions.filter(\.liquidated).count
      lines.append(
        "worst stress scenario: \(worst.name)\(worst.start.map { " (\($0) → \(worst.end ?? ""))" } ?? ""): \(ReportSection.percent(worst.portfolioReturn, 2)), \(ReportSection.money(worst.portfolioPnL)); \(liquidated) of \(worst.positions.count) positions liquidated"
      )
    }
    if let c = r.controls {
      lines.append(
        "circuit breaker: \(c.circuitBreakerTrips.count) trips in \(c.daysChecked) days"
          + (c.circuitBreakerTrips.last.map { ", last \($0)" } ?? "")
          + "; stability \(ReportSection.number(c.stability, 3))")
    }
    if let tightest = r.timings.min(by: { $0.headroom < $1.headroom }) {
      lines.append(
        "closest to its budget: \(tightest.step) \(String(format: "%.3f ms", tightest.seconds * 1e3)) of \(ReportSection.budget(tightest.budgetSeconds)) (\(tightest.useCase))"
          + (tightest.withinBudget ? "" : ", OVER BUDGET"))
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
