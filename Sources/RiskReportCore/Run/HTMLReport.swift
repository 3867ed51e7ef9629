import Foundation
import Plot
import RiskKernels

/// report.html: one self-contained page (no scripts, no network) with the sections' tables and
/// seven inline SVG charts (the stress tornado in `StressSection.swift`), built with Plot.
enum HTMLReport {
  typealias SVGNode = SVGChart.SVGNode

  static let css = """
    body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}
    table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
    th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}svg{width:100%;height:auto;margin:1em 0}
    """

  static func render(_ report: RunReport) -> String {
    let charts = Self.charts(report)
    let sections: [Node<HTML.BodyContext>] = ReportSection.all(report).map { section in
      .section(
        .id(section.id),
        .h2(.text(section.title)),
        .group(
          section.paragraphs.map {
            .p(
              .text(
                $0.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "`", with: ""))
            )
          }),
        .group(section.tables.map(table)),
        .group(section.charts.compactMap { charts[$0] }))
    }
    let html = HTML(
      .head(
        .selfClosedElement(
          named: "meta", attributes: [.attribute(named: "charset", value: "utf-8")]),
        .element(named: "title", text: "Risk report: \(report.assets.joined(separator: ", "))"),
        .style(css)),
      .body(.h1("Risk report"), .group(sections)))
    return html.render(indentedBy: .spaces(1)) + "\n"
  }

  static func table(_ t: ReportSection.Table) -> Node<HTML.BodyContext> {
    .table(
      .thead(.tr(.group(t.header.map { .th(.text($0)) }))),
      .tbody(.group(t.rows.map { row in .tr(.group(row.map { .td(.text($0)) })) })))
  }

  /// The charts by id.
  static func charts(_ r: RunReport) -> [String: SVGNode] {
    var charts = [
      "chart-pnl": pnl(r), "chart-fan": fan(r), "chart-contributions": contributions(r),
      "chart-correlation": correlation(r), "chart-leverage": leverage(r),
      "chart-backtest": backtest(r),
    ]
    charts["chart-stress"] = stress(r)
    return charts
  }

  static let colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]

  /// Histogram of the simulated terminal P&L with the Monte Carlo VaR and ES marked.
  static func pnl(_ r: RunReport) -> SVGNode {
    let h = r.monteCarlo.histogram
    let top = Double(h.counts.max() ?? 1)
    let chart = SVGChart(xRange: h.edges.first!...h.edges.last!, yRange: 0...top * 1.1)
    var marks = chart.axes(
      xTicks: SVGChart.ticks(chart.xRange), yTicks: SVGChart.ticks(chart.yRange),
      xLabel: "portfolio return over the horizon", yLabel: "paths",
      xFormat: { ReportSection.percent($0, 1) }, yFormat: { String(format: "%.0f", $0) })
    for (k, count) in h.counts.enumerated() {
      let (a, b) = (chart.x(h.edges[k]), chart.x(h.edges[k + 1]))
      marks.append(
        SVGChart.rect(
          a, chart.y(Double(count)), b - a - 0.5, chart.y(0) - chart.y(Double(count)),
          fill: h.edges[k + 1] <= 0 ? "#e59a9a" : "#9ab8e5",
          tooltip:
            "\(ReportSection.percent(h.edges[k], 2)) to \(ReportSection.percent(h.edges[k + 1], 2)): \(count) paths"
        ))
    }
    if let mc = r.var.results.first(where: { $0.method == "monte-carlo" }) {
      let lines = [("VaR", mc.var, "#b00", 0.0), ("ES", mc.expectedShortfall, "#600", 14.0)]
      for (label, loss, colour, drop) in lines {
        let x = chart.x(-loss)
        marks.append(
          SVGChart.line(x, SVGChart.top + 14, x, chart.y(0), stroke: colour, width: 2, dash: "5,3"))
        marks.append(
          SVGChart.text(
            x + 4, SVGChart.top + 24 + drop, "\(label) \(ReportSection.percent(loss, 2))",
            fill: colour))
      }
    }
    return SVGChart.svg(id: "chart-pnl", title: "Simulated P&L distribution with VaR and ES", marks)
  }

  /// The daily returns the backtest tested, each method's VaR as a line below them, and the
  /// days a loss exceeded it marked in the method's colour.
  static func backtest(_ r: RunReport) -> SVGNode {
    let b = r.backtest
    let n = b.returns.count
    let values = b.returns + b.methods.flatMap { $0.valueAtRisk.map { -$0 } }
    let (low, high) = (values.min() ?? -0.01, values.max() ?? 0.01)
    let pad = (high - low) * 0.05 + 1e-9
    let chart = SVGChart(xRange: 0...Double(max(n - 1, 1)), yRange: (low - pad)...(high + pad))
    var marks = chart.axes(
      xTicks: SVGChart.ticks(chart.xRange), yTicks: SVGChart.ticks(chart.yRange),
      xLabel: "day tested", yLabel: "daily return",
      xFormat: { n > 0 ? String(b.dates[min(n - 1, max(0, Int($0)))].prefix(7)) : "" },
      yFormat: { ReportSection.percent($0, 0) })
    marks.append(
      SVGChart.polyline(
        b.returns.indices.map { (chart.x(Double($0)), chart.y(b.returns[$0])) }, stroke: "#bbb",
        width: 0.6))
    let colours = ["#b00", "#08306b", "#2a7d2a", "#a0a"]
    var legend: [(String, String)] = [("return", "#bbb")]
    for (k, m) in b.methods.enumerated() {
      let colour = colours[k % colours.count]
      marks.append(
        SVGChart.polyline(
          m.valueAtRisk.indices.map { (chart.x(Double($0)), chart.y(-m.valueAtRisk[$0])) },
          stroke: colour, width: 1))
      let exceeded = Set(m.exceedanceDates)
      for t in b.returns.indices where exceeded.contains(b.dates[t]) {
        marks.append(
          SVGChart.rect(
            chart.x(Double(t)) - 2, chart.y(b.returns[t]) - 2 + 3 * Double(k), 4, 4, fill: colour,
            tooltip:
              "\(b.dates[t]): \(ReportSection.percent(b.returns[t], 2)) beyond the \(m.method) VaR \(ReportSection.percent(m.valueAtRisk[t], 2))"
          ))
      }
      legend.append(("\(m.method) VaR", colour))
    }
    marks += SVGChart.legend(legend)
    return SVGChart.svg(
      id: "chart-backtest", title: "Daily returns against each method's one-day VaR", marks)
  }

  /// Fan chart of the simulated portfolio value.
  static func fan(_ r: RunReport) -> SVGNode {
    let f = r.monteCarlo.fan
    let low = f.map { $0.quantiles[0] }.min()!
    let high = f.map { $0.quantiles[4] }.max()!
    let pad = (high - low) * 0.05 + 1e-9
    let chart = SVGChart(xRange: 0...(f.last?.day ?? 1), yRange: (low - pad)...(high + pad))
    var marks = chart.axes(
      xTicks: SVGChart.ticks(chart.xRange), yTicks: SVGChart.ticks(chart.yRange),
      xLabel: "days", yLabel: "value", xFormat: { String(format: "%g", $0) },
      yFormat: SVGChart.compact)
    func band(_ a: Int, _ b: Int, _ fill: String) -> SVGNode {
      let upper = f.map { (chart.x($0.day), chart.y($0.quantiles[b])) }
      let lower = f.reversed().map { (chart.x($0.day), chart.y($0.quantiles[a])) }
      return SVGChart.polygon(upper + lower, fill: fill)
    }
    marks.append(band(0, 4, "#c6dbef"))
    marks.append(band(1, 3, "#6baed6"))
    marks.append(
      SVGChart.polyline(f.map { (chart.x($0.day), chart.y($0.quantiles[2])) }, stroke: "#08306b"))
    marks += SVGChart.legend([("5–95%", "#c6dbef"), ("25–75%", "#6baed6"), ("median", "#08306b")])
    return SVGChart.svg(id: "chart-fan", title: "Simulated portfolio value (fan chart)", marks)
  }

  /// Risk contributions, current vs risk parity, per asset.
  static func contributions(_ r: RunReport) -> SVGNode {
    let p = r.riskParity
    let d = r.assets.count
    let high = max((p.currentContributions + p.parityContributions).max() ?? 1, 0.01)
    let low = min((p.currentContributions + p.parityContributions).min() ?? 0, 0)
    let chart = SVGChart(xRange: 0...Double(d), yRange: low...(high * 1.15))
    var marks = chart.axes(
      xTicks: [], yTicks: SVGChart.ticks(chart.yRange), xLabel: "asset",
      yLabel: "share of risk", xFormat: { _ in "" }, yFormat: { ReportSection.percent($0, 0) })
    for i in 0..<d {
      let slot = chart.x(Double(i + 1)) - chart.x(Double(i))
      for (k, (values, colour)) in [
        (p.currentContributions, colours[0]), (p.parityContributions, colours[2]),
      ].enumerated() {
        let v = values[i]
        let x = chart.x(Double(i)) + slot * (0.15 + 0.35 * Double(k))
        marks.append(
          SVGChart.rect(
            x, chart.y(max(v, 0)), slot * 0.33, abs(chart.y(v) - chart.y(0)), fill: colour,
            tooltip: "\(r.assets[i]) \(k == 0 ? "current" : "parity"): \(ReportSection.percent(v))")
        )
      }
      marks.append(
        SVGChart.text(chart.x(Double(i) + 0.5), chart.y(low) + 16, r.assets[i], anchor: "middle"))
    }
    marks += SVGChart.legend([("current", colours[0]), ("risk parity", colours[2])])
    return SVGChart.svg(
      id: "chart-contributions", title: "Risk contributions: current vs risk parity", marks)
  }

  /// Correlation heatmap, blue (−1) to white (0) to red (+1).
  static func correlation(_ r: RunReport) -> SVGNode {
    let c = r.covariance.correlation
    let d = c.count
    let size = min((SVGChart.height - SVGChart.top - 40) / Double(d), 80)
    let x0 = (SVGChart.width - size * Double(d)) / 2
    let y0 = SVGChart.top + 24
    var marks: [SVGNode] = []
    for i in 0..<d {
      marks.append(
        SVGChart.text(x0 - 6, y0 + size * (Double(i) + 0.55), r.assets[i], anchor: "end"))
      marks.append(
        SVGChart.text(x0 + size * (Double(i) + 0.5), y0 - 6, r.assets[i], anchor: "middle"))
      for j in 0..<d {
        let v = c[i][j]
        let fade = Int((1 - min(abs(v), 1)) * 255)
        let fill = v >= 0 ? "rgb(255,\(fade),\(fade))" : "rgb(\(fade),\(fade),255)"
        marks.append(
          SVGChart.rect(
            x0 + size * Double(j), y0 + size * Double(i), size - 1, size - 1, fill: fill,
            tooltip: "\(r.assets[i]) × \(r.assets[j]): \(String(format: "%.3f", v))"))
        marks.append(
          SVGChart.text(
            x0 + size * (Double(j) + 0.5), y0 + size * (Double(i) + 0.55),
            String(format: "%.2f", v),
            anchor: "middle", size: 10))
      }
    }
    return SVGChart.svg(id: "chart-correlation", title: "Correlation of daily log returns", marks)
  }

  /// Liquidation probability vs leverage (log scale), per position's asset and side.
  static func leverage(_ r: RunReport) -> SVGNode {
    let curves = r.liquidation.leverageCurves
    let grid = RunPipeline.leverageGrid
    let chart = SVGChart(xRange: grid.first!...grid.last!, yRange: 0...1, logX: true)
    var marks = chart.axes(
      xTicks: [1, 2, 5, 10, 20, 50, 125], yTicks: [0, 0.25, 0.5, 0.75, 1], xLabel: "leverage",
      yLabel: "probability", xFormat: { String(format: "%g×", $0) },
      yFormat: { String(format: "%.2f", $0) })
    var legend: [(String, String)] = []
    for (k, curve) in curves.enumerated() {
      let colour = colours[k % colours.count]
      marks.append(
        SVGChart.polyline(
          curve.points.map { (chart.x($0.leverage), chart.y($0.firstPassage)) }, stroke: colour))
      marks.append(
        SVGChart.polyline(
          curve.points.map { (chart.x($0.leverage), chart.y($0.terminal)) }, stroke: colour,
          width: 1))
      legend.append(("\(curve.asset) \(curve.side.rawValue)", colour))
    }
    for p in r.liquidation.positions {
      marks.append(
        .element(
          named: "circle",
          nodes: [
            .attribute(named: "cx", value: SVGChart.fmt(chart.x(min(max(p.leverage, 1), 125)))),
            .attribute(named: "cy", value: SVGChart.fmt(chart.y(p.firstPassage))),
            .attribute(named: "r", value: "4"), .attribute(named: "fill", value: "#000"),
            .element(
              named: "title",
              text:
                "\(p.asset) \(p.side.rawValue) \(p.leverage)×: first passage \(ReportSection.probability(p.firstPassage))"
            ),
          ]))
    }
    marks += SVGChart.legend(legend + [("thick: first passage, thin: terminal", "#fff")])
    return SVGChart.svg(
      id: "chart-leverage", title: "Liquidation probability vs leverage over the horizon", marks)
  }
}
