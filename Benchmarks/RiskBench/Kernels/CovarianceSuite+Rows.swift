import Foundation
import RiskKernels

extension CovarianceSuite {
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

  typealias PeerFile = PeerResults<PeerRow>

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
        out +=
          "| \(r.kernel) | \(r.assets) | \(formatSeconds(r.ours.median)) | \(formatSeconds(r.ours.p90)) | "
        out += "\(r.peer?.peer ?? "–") | \(r.peer.map { formatSeconds($0.median) } ?? "–") | "
        out += "\(r.speedup.map { String(format: "%.2f×", $0) } ?? "–") | \(r.goal ?? "") |\n"
      }
      return out
    }
  }

  struct Output: Codable {
    let machine: [String: String]
    let peers: PeerFile
    let results: [ResultRow]
  }

  enum Header {
    static func describe(threads: Int, peers: PeerFile) -> String {
      let m = Machine.describe(threads: threads)
      return """
        RiskKernels covariance benchmark — \(m["cpu"]!), \(m["cores"]!) cores, OpenBLAS threads \(m["openblasThreads"]!) \
        (peers: \(peers.blasThreads)), \(m["build"]!), git \(m["git"]!), load \(m["loadavg"]!)
        peers: \(peers.versionsLine)
        """
    }
  }
}
