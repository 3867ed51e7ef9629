public import Foundation
import RiskKernels

/// The benchmark header: CPU, cores, OpenBLAS threads, backends, build, git revision, load.
public enum Machine {
  public static func describe(threads: Int) -> [String: String] {
    let cpu =
      (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
      .split(separator: "\n").first { $0.hasPrefix("model name") }
      .map { String($0.split(separator: ":").last ?? "").trimmingCharacters(in: .whitespaces) }
      ?? "unknown"
    let load =
      (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?
      .split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    let sha =
      (try? String(contentsOfFile: ".git/HEAD", encoding: .utf8)).map { head -> String in
        let ref = head.trimmingCharacters(in: .whitespacesAndNewlines)
        if ref.hasPrefix("ref: "),
          let s = try? String(contentsOfFile: ".git/" + ref.dropFirst(5), encoding: .utf8)
        {
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

}

/// A duration in µs below 1 ms, in ms otherwise.
public func ms(_ seconds: Double) -> String {
  seconds < 1e-3
    ? String(format: "%.1f µs", seconds * 1e6) : String(format: "%.3f ms", seconds * 1e3)
}

extension JSONEncoder {
  public static var pretty: JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = [.prettyPrinted, .sortedKeys]
    return e
  }
}
