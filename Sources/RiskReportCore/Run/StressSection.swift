import Foundation
import Plot
import RiskKernels

extension ReportSection {
  /// "Stress scenarios": the price scenarios' P&L with their positions, and the volatility and
  /// correlation scenarios' VaR/ES beside today's.
  static func stress(_ s: StressReport, _ r: RunReport) -> ReportSection {
    // The scenarios that move prices (a user's volatility-only scenario does not).
    let priced = s.scenarios.filter { !$0.assetPnL.isEmpty }
    let hasAmounts = s.scenarios.contains { $0.positions.contains { $0.pnl != nil } }
    var tables = [
      Table(
        header: [
          "scenario", "dates", "return", "P&L", "positions liquidated",
          "P&L of positions with a margin", "bad debt",
        ],
        rows: priced.map { sc in
          let liquidated = sc.positions.filter(\.liquidated)
          let amounts = sc.positions.compactMap(\.pnl)
          return [
            sc.name, sc.start.map { "\($0) → \(sc.end ?? "")" } ?? "–", percent(sc.portfolioReturn),
            money(sc.portfolioPnL),
            liquidated.isEmpty
              ? "none"
              : liquidated.map { "\($0.asset) \($0.side) \(number($0.leverage, 0))×" }.joined(
                separator: ", "),
            amounts.isEmpty ? "–" : money(amounts.reduce(0, +)),
            hasAmounts ? money(sc.positions.compactMap(\.badDebt).reduce(0, +)) : "–",
          ]
        })
    ]
    let stressed = s.scenarios.filter { $0.valueAtRisk != nil }
    if !stressed.isEmpty {
      tables.append(
        Table(
          header: [
            "scenario", "parametric VaR", "parametric ES", "Monte Carlo VaR", "Monte Carlo ES",
            "correlation repair",
          ],
          rows: stressed.map { sc in
            func pair(_ p: StressReport.Pair) -> String {
              "\(percent(p.today)) → \(percent(p.stressed))"
            }
            return [
              sc.name, pair(sc.valueAtRisk!.parametric), pair(sc.expectedShortfall!.parametric),
              pair(sc.valueAtRisk!.monteCarlo), pair(sc.expectedShortfall!.monteCarlo),
              sc.repair.map { "moved \(number($0.distance, 4)) (\($0.iterations) iterations)" }
                ?? "none needed",
            ]
          }))
    }
    var paragraphs = [
      "Scenarios applied to today's portfolio (worth \(money(s.value))): the \(s.scenarios.filter { $0.kind == .historical }.count) worst non-overlapping \(s.windowDays)-day windows of the price history, each asset −20% and −30% alone and all assets together, and the user's scenarios. Every price move is applied to the leveraged positions too: one whose liquidation price the moved price crosses is liquidated at that price (gap-through), the trader loses the position's equity and any equity below zero is bad debt."
    ]
    if !hasAmounts, !r.liquidation.positions.isEmpty {
      paragraphs.append(
        "No position gives its margin, so the positions' P&L is in report.json as returns on margin only."
      )
    }
    if !stressed.isEmpty {
      paragraphs.append(
        "Volatility and correlation stress: volatilities ×2 and ×3, and correlations pushed halfway to one (ρ' = ρ + ½(1 − ρ)); the \(percent(s.confidence, 1)) VaR and ES over \(days(s.horizonDays)) days (fractions of value) under the stressed covariance, today → stressed (the Monte Carlo figures from one exact GBM step on their own paths, so today's differs from the VaR section's by sampling). A stressed correlation matrix that is not positive definite is repaired to the nearest correlation matrix (Higham) and the repair is shown."
      )
    }
    return ReportSection(
      id: "stress", title: "Stress scenarios", paragraphs: paragraphs, tables: tables,
      charts: ["chart-stress"])
  }
}

extension HTMLReport {
  /// Tornado chart: each price scenario's P&L as a horizontal bar from zero, the largest in
  /// size (loss or gain) on top.
  static func stress(_ r: RunReport) -> SVGChart.SVGNode? {
    guard let s = r.stress else { return nil }
    let bars = s.scenarios.filter { !$0.assetPnL.isEmpty }.sorted {
      abs($0.portfolioPnL) > abs($1.portfolioPnL)
    }.prefix(16)
    guard !bars.isEmpty else { return nil }
    let low = min(bars.map(\.portfolioPnL).min() ?? 0, 0)
    let high = max(bars.map(\.portfolioPnL).max() ?? 0, 0)
    let span = max(high - low, 1)
    let chart = SVGChart(
      xRange: (low - 0.05 * span)...(high + 0.05 * span), yRange: 0...Double(bars.count))
    var marks = chart.axes(
      xTicks: SVGChart.ticks(chart.xRange), yTicks: [], xLabel: "P&L", yLabel: "",
      xFormat: SVGChart.compact, yFormat: { _ in "" })
    for (k, sc) in bars.enumerated() {
      let (top, bottom) = (chart.y(Double(bars.count - k)), chart.y(Double(bars.count - k - 1)))
      let (a, b) = (chart.x(min(sc.portfolioPnL, 0)), chart.x(max(sc.portfolioPnL, 0)))
      marks.append(
        SVGChart.rect(
          a, top + 1, max(b - a, 0.5), bottom - top - 2,
          fill: sc.portfolioPnL < 0 ? colours[1] : colours[2],
          tooltip: "\(sc.name): \(ReportSection.money(sc.portfolioPnL))"))
      marks.append(
        SVGChart.text(
          sc.portfolioPnL < 0 ? b + 4 : a - 4, (top + bottom) / 2 + 3, sc.name,
          anchor: sc.portfolioPnL < 0 ? "start" : "end", size: 9))
    }
    marks.append(SVGChart.line(chart.x(0), SVGChart.top, chart.x(0), chart.y(0)))
    return SVGChart.svg(id: "chart-stress", title: "Stress scenarios: portfolio P&L", marks)
  }
}
