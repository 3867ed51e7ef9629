import Foundation
import RiskKernels

struct PeerRow: Codable {
  let kernel: String
  let rows: Int
  let assets: Int
  let peer: String
  let checksum: Double
  let median: Double
  let p90: Double
  let reps: Int
}

struct PeerFile: Codable {
  let python: String
  let versions: [String: String]
  let blasThreads: String
  let results: [PeerRow]
}

struct ResultRow: Codable {
  let kernel: String
  let assets: Int
  let ours: Timing
  let peer: PeerRow?
  let goal: String?

  /// Peer median ÷ our median: above 1 means RiskKernels is faster.
  var speedup: Double? { peer.map { $0.median / ours.median } }

  static func table(_ rows: [ResultRow]) -> String {
    var out = "| kernel | d | RiskKernels median | p90 | peer | peer median | speedup | goal |\n"
    out += "|---|---|---|---|---|---|---|---|\n"
    for r in rows {
      out += "| \(r.kernel) | \(r.assets) | \(ms(r.ours.median)) | \(ms(r.ours.p90)) | "
      out += "\(r.peer?.peer ?? "–") | \(r.peer.map { ms($0.median) } ?? "–") | "
      out += "\(r.speedup.map { String(format: "%.2f×", $0) } ?? "–") | \(r.goal ?? "") |\n"
    }
    return out
  }
}

func ms(_ seconds: Double) -> String {
  seconds < 1e-3 ? String(format: "%.1f µs", seconds * 1e6) : String(format: "%.3f ms", seconds * 1e3)
}

struct Output: Codable {
  let machine: [String: String]
  let peers: PeerFile
  let results: [ResultRow]
}

extension JSONEncoder {
  static var pretty: JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = [.prettyPrinted, .sortedKeys]
    return e
  }
}

enum Header {
  static func machine(threads: Int) -> [String: String] {
    let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
      .split(separator: "\n").first { $0.hasPrefix("model name") }
      .map { String($0.split(separator: ":").last ?? "").trimmingCharacters(in: .whitespaces) } ?? "unknown"
    let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?
      .split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    let sha = (try? String(contentsOfFile: ".git/HEAD", encoding: .utf8)).map { head -> String in
      let ref = head.trimmingCharacters(in: .whitespacesAndNewlines)
      if ref.hasPrefix("ref: "), let s = try? String(contentsOfFile: ".git/" + ref.dropFirst(5), encoding: .utf8) {
        return String(s.prefix(12))
      }
      return String(ref.prefix(12))
    } ?? "unknown"
    return [
      "cpu": cpu, "cores": "\(ProcessInfo.processInfo.activeProcessorCount)",
      "openblasThreads": "\(BLASThreads.count)", "requestedThreads": "\(threads)",
      "cblas": Backend.cblasProvider, "sleef": Backend.vectorMathUsesAVX2 ? "AVX2" : "SSE2",
      "build": "release", "git": sha, "loadavg": load, "precision": "Double",
    ]
  }

  static func describe(threads: Int, peers: PeerFile) -> String {
    let m = machine(threads: threads)
    return """
      RiskKernels covariance benchmark — \(m["cpu"]!), \(m["cores"]!) cores, OpenBLAS threads \(m["openblasThreads"]!) \
      (peers: \(peers.blasThreads)), \(m["build"]!), git \(m["git"]!), load \(m["loadavg"]!)
      peers: Python \(peers.python), \(peers.versions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
      """
  }
}
