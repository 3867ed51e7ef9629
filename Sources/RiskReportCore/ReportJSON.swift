import Foundation
import RiskKernels

/// The one JSON form of every `riskreport` output: keys sorted (the same bytes on every run),
/// a `backend` object beside the report's own keys (what produced the figures), and no NaN or
/// infinity ever written.
enum ReportJSON {
  static func encode<T: Encodable>(_ value: T, pretty: Bool = false) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting =
      pretty
      ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
      : [.sortedKeys, .withoutEscapingSlashes]
    do {
      return try encoder.encode(WithBackend(report: value)) + Data("\n".utf8)
    } catch EncodingError.invalidValue(let bad, let context) {
      // Inputs that would give a non-finite figure are refused before the run; reaching this is
      // a gap in those checks, still reported as one line and never written.
      let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
      throw InputError(
        location: .flag("--format"),
        message:
          "json: the result \(path.joined(separator: ".")) is not finite (\(bad)) for these inputs; nothing written"
      )
    }
  }

  /// `encode` as text.
  static func text<T: Encodable>(_ value: T, pretty: Bool = false) throws -> String {
    String(decoding: try encode(value, pretty: pretty), as: UTF8.self)
  }

  /// The report's own keys, then `backend` in the same object.
  private struct WithBackend<Report: Encodable>: Encodable {
    let report: Report
    enum Key: String, CodingKey { case backend }
    func encode(to encoder: any Encoder) throws {
      try report.encode(to: encoder)
      var c = encoder.container(keyedBy: Key.self)
      try c.encode(BackendSummary.current, forKey: .backend)
    }
  }
}
