import Foundation
import RiskKernels

/// The benchmark header: CPU, cores, OpenBLAS threads, backends, precision, build, git revision,
/// load, and the clock's own overhead.
enum Machine {
  static func describe(threads: Int, precision: String = "Double") -> [String: String] {
    let cpu =
      (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
      .split(separator: "\n").first { $0.hasPrefix("model name") }
      .map { String($0.split(separator: ":").last ?? "").trimmingCharacters(in: .whitespaces) }
      ?? "unknown"
    let load =
      (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?
      .split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    #if DEBUG
      let build = "debug"
    #else
      let build = "release"
    #endif
    return [
      "cpu": cpu, "cores": "\(ProcessInfo.processInfo.activeProcessorCount)",
      "openblasThreads": "\(BLASThreads.count)", "requestedThreads": "\(threads)",
      "cblas": Backend.cblasProvider, "sleef": Backend.vectorInstructionSet,
      "vectorLevel": Backend.vectorLevel.rawValue, "blasCore": Backend.blasCore,
      "build": build, "git": gitRevision(), "loadavg": load, "precision": precision,
    ]
  }

  /// The checked-out commit, with "+dirty" when the working tree differs from it.
  static func gitRevision() -> String {
    func git(_ arguments: [String]) -> String? {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = ["git"] + arguments
      let pipe = Pipe()
      process.standardOutput = pipe
      process.standardError = FileHandle.nullDevice
      guard (try? process.run()) != nil else { return nil }
      let data = pipe.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      guard process.terminationStatus == 0 else { return nil }
      return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
    guard let sha = git(["rev-parse", "--short=12", "HEAD"]) else { return "unknown" }
    let dirty = !(git(["status", "--porcelain", "--untracked-files=no"]) ?? "").isEmpty
    return dirty ? sha + "+dirty" : sha
  }

  /// One header line for a table.
  static func headerLine(_ m: [String: String]) -> String {
    "\(m["cpu"]!), \(m["cores"]!) cores, OpenBLAS threads \(m["openblasThreads"]!) "
      + "(\(m["cblas"]!)), SLEEF \(m["sleef"]!), \(m["precision"]!), \(m["build"]!) build, "
      + "git \(m["git"]!), load \(m["loadavg"]!)"
  }
}
