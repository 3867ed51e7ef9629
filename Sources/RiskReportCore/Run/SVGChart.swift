import Foundation
import Plot

/// Inline SVG charts built as Plot nodes (no string concatenation, text escaped by Plot): a
/// plot area with linear axes and ticks, and the marks the report's charts need.
struct SVGChart {
  typealias SVGNode = Node<HTML.BodyContext>

  static let width = 640.0
  static let height = 300.0
  static let left = 64.0
  static let right = 16.0
  static let top = 28.0
  static let bottom = 44.0

  let xRange: ClosedRange<Double>
  let yRange: ClosedRange<Double>
  /// Maps x through log10 before scaling.
  var logX = false

  func x(_ value: Double) -> Double {
    let (v, a, b) =
      logX
      ? (log10(value), log10(xRange.lowerBound), log10(xRange.upperBound))
      : (value, xRange.lowerBound, xRange.upperBound)
    let span = b > a ? b - a : 1
    return Self.left + (v - a) / span * (Self.width - Self.left - Self.right)
  }

  func y(_ value: Double) -> Double {
    let span = yRange.upperBound > yRange.lowerBound ? yRange.upperBound - yRange.lowerBound : 1
    return Self.height - Self.bottom - (value - yRange.lowerBound) / span
      * (Self.height - Self.top - Self.bottom)
  }

  /// The `<svg>` with its id, an accessible title and the given marks.
  static func svg(id: String, title: String, _ marks: [SVGNode]) -> SVGNode {
    .element(
      named: "svg",
      nodes: [
        .attribute(named: "id", value: id),
        .attribute(named: "xmlns", value: "http://www.w3.org/2000/svg"),
        .attribute(named: "viewBox", value: "0 0 \(Int(width)) \(Int(height))"),
        .attribute(named: "role", value: "img"),
        .element(named: "title", text: title),
        text(width / 2, 18, title, anchor: "middle", size: 14),
      ] + marks)
  }

  static func fmt(_ v: Double) -> String { String(format: "%.2f", v) }

  static func line(
    _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String = "#444",
    width: Double = 1, dash: String? = nil
  ) -> SVGNode {
    var attributes: [Attribute<HTML.BodyContext>] = [
      .attribute(named: "x1", value: fmt(x1)), .attribute(named: "y1", value: fmt(y1)),
      .attribute(named: "x2", value: fmt(x2)), .attribute(named: "y2", value: fmt(y2)),
      .attribute(named: "stroke", value: stroke),
      .attribute(named: "stroke-width", value: fmt(width)),
    ]
    if let dash { attributes.append(.attribute(named: "stroke-dasharray", value: dash)) }
    return .selfClosedElement(named: "line", attributes: attributes)
  }

  static func rect(
    _ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, tooltip: String? = nil
  ) -> SVGNode {
    let attributes: [Attribute<HTML.BodyContext>] = [
      .attribute(named: "x", value: fmt(x)), .attribute(named: "y", value: fmt(y)),
      .attribute(named: "width", value: fmt(max(w, 0))),
      .attribute(named: "height", value: fmt(max(h, 0))), .attribute(named: "fill", value: fill),
    ]
    guard let tooltip else { return .selfClosedElement(named: "rect", attributes: attributes) }
    return .element(
      named: "rect",
      nodes: attributes.map { .attribute($0) } + [.element(named: "title", text: tooltip)])
  }

  static func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2)
    -> SVGNode
  {
    .selfClosedElement(
      named: "polyline",
      attributes: [
        .attribute(
          named: "points", value: points.map { "\(fmt($0.0)),\(fmt($0.1))" }.joined(separator: " ")),
        .attribute(named: "fill", value: "none"), .attribute(named: "stroke", value: stroke),
        .attribute(named: "stroke-width", value: fmt(width)),
      ])
  }

  static func polygon(_ points: [(Double, Double)], fill: String) -> SVGNode {
    .selfClosedElement(
      named: "polygon",
      attributes: [
        .attribute(
          named: "points", value: points.map { "\(fmt($0.0)),\(fmt($0.1))" }.joined(separator: " ")),
        .attribute(named: "fill", value: fill),
      ])
  }

  static func text(
    _ x: Double, _ y: Double, _ string: String, anchor: String = "start", size: Double = 11,
    fill: String = "#222", rotate: Double? = nil
  ) -> SVGNode {
    .element(
      named: "text",
      nodes: [
        .attribute(named: "x", value: fmt(x)), .attribute(named: "y", value: fmt(y)),
        .attribute(named: "text-anchor", value: anchor),
        .attribute(named: "font-size", value: fmt(size)),
        .attribute(named: "fill", value: fill),
        .attribute(
          named: "transform", value: rotate.map { "rotate(\(fmt($0)) \(fmt(x)) \(fmt(y)))" }),
        .text(string),
      ])
  }

  /// 850k, 1.25M: short labels for money axes.
  static func compact(_ v: Double) -> String {
    switch abs(v) {
    case 1e9...: return String(format: "%.3gG", v / 1e9)
    case 1e6...: return String(format: "%.3gM", v / 1e6)
    case 1e3...: return String(format: "%.3gk", v / 1e3)
    default: return String(format: "%.3g", v)
    }
  }

  /// Axes with `ticks` labelled values on each.
  func axes(
    xTicks: [Double], yTicks: [Double], xLabel: String, yLabel: String,
    xFormat: (Double) -> String, yFormat: (Double) -> String
  ) -> [SVGNode] {
    let (x0, x1) = (Self.left, Self.width - Self.right)
    let (y0, y1) = (Self.height - Self.bottom, Self.top)
    var nodes: [SVGNode] = [Self.line(x0, y0, x1, y0), Self.line(x0, y0, x0, y1)]
    for t in xTicks {
      nodes.append(Self.line(x(t), y0, x(t), y0 + 4))
      nodes.append(Self.text(x(t), y0 + 16, xFormat(t), anchor: "middle", size: 10))
    }
    for t in yTicks {
      nodes.append(Self.line(x0 - 4, y(t), x0, y(t)))
      nodes.append(Self.line(x0, y(t), x1, y(t), stroke: "#ddd"))
      nodes.append(Self.text(x0 - 6, y(t) + 3, yFormat(t), anchor: "end", size: 10))
    }
    nodes.append(Self.text((x0 + x1) / 2, Self.height - 8, xLabel, anchor: "middle"))
    nodes.append(Self.text(14, (y0 + y1) / 2, yLabel, anchor: "middle", rotate: -90))
    return nodes
  }

  /// About `count` round tick values covering the range.
  static func ticks(_ range: ClosedRange<Double>, count: Int = 5) -> [Double] {
    let span = range.upperBound - range.lowerBound
    guard span > 0, span.isFinite else { return [range.lowerBound] }
    let raw = span / Double(count)
    let magnitude = pow(10, floor(log10(raw)))
    let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
    let first = ceil(range.lowerBound / step) * step
    return stride(from: first, through: range.upperBound + step * 1e-9, by: step).map { $0 }
  }

  /// A legend row of coloured swatches.
  static func legend(_ items: [(String, String)]) -> [SVGNode] {
    var nodes: [SVGNode] = []
    var x = left + 8
    for (label, colour) in items {
      nodes.append(rect(x, top + 2, 12, 10, fill: colour))
      nodes.append(text(x + 16, top + 11, label, size: 10))
      x += 24 + Double(label.count) * 6
    }
    return nodes
  }
}
