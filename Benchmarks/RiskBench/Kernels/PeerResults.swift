import Foundation

/// What a peers script writes: the Python and package versions, the BLAS threads it ran with,
/// and its rows.
struct PeerResults<Row: Codable>: Codable {
  let python: String
  let versions: [String: String]
  let blasThreads: String
  let results: [Row]

  /// Reads `path` (a `*_peers.json` from the same invocation).
  static func load(_ path: String) throws -> Self {
    try JSONDecoder().decode(Self.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
  }

  /// "Python 3.11.7, numpy 2.4.6, …" for a table header.
  var versionsLine: String {
    "Python \(python), "
      + versions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
      .joined(separator: ", ")
  }
}
