import ArgumentParser
import Foundation
import RiskKernels

/// What a peers script writes: the Python and package versions, the BLAS threads it ran with,
/// and its rows.
struct PeerResults<Row: Codable>: Codable {
  let python: String
  let versions: [String: String]
  let blasThreads: String
  let results: [Row]

  /// Reads `path` (a `*_peers.json` from the same invocation).
  static func load(_ path: String) throws -> Self {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ValidationError("\(path): cannot be read (the peers script of the same run writes it)")
    }
    do {
      return try JSONDecoder().decode(Self.self, from: data)
    } catch {
      throw ValidationError("\(path): not a peers file of this riskbench (\(error))")
    }
  }

  /// "Python 3.11.7, numpy 2.4.6, …" for a table header.
  var versionsLine: String {
    "Python \(python), "
      + versions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
      .joined(separator: ", ")
  }
}

/// Checks a kernel suite's flags before anything runs: `--data` must be a folder holding the
/// peers file, and `--threads` within 1…1024.
func checkSuiteOptions(data: String, peersFile: String, threads: Int? = nil) throws {
  try Backend.checkVectorLevel()
  var isFolder: ObjCBool = false
  guard FileManager.default.fileExists(atPath: data, isDirectory: &isFolder), isFolder.boolValue
  else {
    throw ValidationError("--data \(data): no such folder (the suite's run-*.sh script writes it)")
  }
  guard FileManager.default.isReadableFile(atPath: data + "/" + peersFile) else {
    throw ValidationError(
      "--data \(data): has no \(peersFile) (run the suite's peers script first)")
  }
  if let threads, !(1...1024).contains(threads) {
    throw ValidationError("--threads \(threads): 1 to 1024")
  }
}
