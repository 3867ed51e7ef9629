import CSV
import Foundation
import RiskKernels

/// A covariance estimate with its provenance, rendered as a table, CSV or JSON.
struct CovarianceResult: Encodable {
  let assets: [String]
  let estimator: String
  let returns: String
  let observations: Int
  let droppedRows: Int
  let estimate: CovarianceEstimate<Double>

  enum CodingKeys: String, CodingKey {
    case assets, estimator, returns, observations, droppedRows, shrinkage, covariance
  }

  func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(assets, forKey: .assets)
    try c.encode(estimator, forKey: .estimator)
    try c.encode(returns, forKey: .returns)
    try c.encode(observations, forKey: .observations)
    try c.encode(droppedRows, forKey: .droppedRows)
    if let s = estimate.shrinkage {
      try c.encode(s, forKey: .shrinkage)
    } else {
      try c.encodeNil(forKey: .shrinkage)
    }
    try c.encode(estimate.covariance.rowArrays, forKey: .covariance)
  }

  /// `{"assets", "estimator", "returns", "observations", "droppedRows", "shrinkage", "covariance"}`.
  func json() throws -> String {
    try ReportJSON.text(self)
  }

  /// A header row of asset names, then one row per asset of the covariance (full precision,
  /// shortest round-trip decimal).
  func csv() throws -> String {
    let stream = OutputStream(toMemory: ())
    let writer = try CSVWriter(stream: stream)
    try writer.write(row: assets)
    for row in estimate.covariance.rowArrays { try writer.write(row: row.map { "\($0)" }) }
    writer.stream.close()
    let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  /// A readable report: provenance, covariance, volatilities and correlations.
  func table() throws -> String {
    let choice = EstimatorChoice(rawValue: estimator)
    var out = "Covariance of daily \(returns) returns — \(choice?.title ?? estimator)\n"
    out += "observations: \(observations)   rows dropped (missing prices): \(droppedRows)"
    if let s = estimate.shrinkage { out += "   shrinkage: \(format(s, digits: 4, style: "f"))" }
    out += "\n\n"
    out += grid(
      title: "covariance (daily)", values: estimate.covariance.rowArrays, digits: 3, style: "e")
    let (correlation, vols) = try estimate.covariance.correlation()
    out += "\n" + grid(title: "correlation", values: correlation.rowArrays, digits: 4, style: "f")
    out += "\nvolatility  " + pad("daily", 12) + pad("annual ×√252", 14) + "\n"
    for (name, v) in zip(assets, vols) {
      out +=
        pad(name, 12, left: true) + pad(format(100 * v, digits: 3, style: "f") + "%", 12)
        + pad(format(100 * v * 252.0.squareRoot(), digits: 2, style: "f") + "%", 14) + "\n"
    }
    return out
  }

  private func grid(title: String, values: [[Double]], digits: Int, style: String) -> String {
    let width = max(12, (assets.map(\.count).max() ?? 0) + 2)
    var out = title + "\n" + pad("", width, left: true)
    for name in assets { out += pad(name, width) }
    out += "\n"
    for (name, row) in zip(assets, values) {
      out += pad(name, width, left: true)
      for v in row { out += pad(format(v, digits: digits, style: style), width) }
      out += "\n"
    }
    return out
  }

  private func format(_ v: Double, digits: Int, style: String) -> String {
    String(format: "%.\(digits)\(style)", v)
  }

  private func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - s.count))
    return left ? s + fill : fill + s
  }
}
