import Foundation

/// The size checks every simulating command makes before anything is allocated: paths, steps and
/// the normals they draw against fixed ceilings, and what the run keeps per path against the
/// memory this process may use (half the machine's memory or of its address-space limit,
/// whichever is smaller). A run that would not fit is refused with the flag named, instead of
/// trapping on an allocation halfway through.
enum RunSize {
  static let maximumPaths = 100_000_000
  static let maximumSteps = 100_000
  /// Normals drawn by one run: 10¹² is about 45 minutes at 400 M normals/s on one core.
  static let maximumNormals = 1e12
  /// The engine's per-thread blocks, a scratch's kept arrays and the process itself.
  static let fixedBytes = 64 << 20

  /// - Parameters:
  ///   - keptValuesPerPath: the values of 8 bytes a run keeps per path (terminal prices,
  ///     portfolio values, ranks), summed over the simulations the command runs.
  ///   - keptValues: values of 8 bytes held whatever the number of paths.
  ///   - stepsFlag: the flag that sets `steps` (`nil` when the command has none: the number of
  ///     normals is then blamed on `--paths`).
  /// - Throws: `InputError` naming `--paths` or `stepsFlag`.
  static func check(
    paths: Int, steps: Int, stepsFlag: String? = "--steps", assets: Int, keptValuesPerPath: Int,
    keptValues: Int = 0
  ) throws(InputError) {
    guard (1...maximumPaths).contains(paths) else {
      throw InputError(
        location: .flag("--paths"), message: "\(paths) must be in 1...\(maximumPaths)")
    }
    guard (1...maximumSteps).contains(steps) else {
      throw InputError(
        location: .flag(stepsFlag ?? "--paths"), message: "\(steps) must be in 1...\(maximumSteps)")
    }
    let normals = Double(paths) * Double(steps) * Double(assets)
    guard normals <= maximumNormals else {
      throw InputError(
        location: .flag(stepsFlag ?? "--paths"),
        message:
          "\(paths) paths × \(steps) steps × \(assets) assets draw \(String(format: "%.2g", normals)) normals, above the \(String(format: "%.0g", maximumNormals)) one run may draw; use fewer paths or steps"
      )
    }
    let bytes =
      (Double(paths) * Double(keptValuesPerPath) + Double(keptValues)) * 8 + Double(fixedBytes)
    let limit = Double(memoryLimit)
    guard bytes <= limit else {
      throw InputError(
        location: .flag(keptValuesPerPath == 0 ? "--quantile-values" : "--paths"),
        message:
          "\(keptValuesPerPath == 0 ? "the run" : "\(paths) paths") keep\(keptValuesPerPath == 0 ? "s" : "") about \(gigabytes(bytes)) in memory; this process may use \(gigabytes(limit)) (half of the machine's memory or address-space limit)"
      )
    }
  }

  /// d × d matrices a command holds at once for d assets (covariance, correlation, factor,
  /// the model's copies, an estimator's scratch), counted generously.
  static let assetMatrices = 8

  /// Refuses a price file with more assets than this process can hold covariance matrices for
  /// (6 000 assets under a 400 MB address-space limit aborted on a 288 MB allocation).
  ///
  /// - Throws: `InputError` naming the file.
  static func checkAssets(_ d: Int, file: String) throws(InputError) {
    let bytes = Double(assetMatrices) * Double(d) * Double(d) * 8 + Double(fixedBytes)
    let limit = Double(memoryLimit)
    guard bytes <= limit else {
      throw InputError(
        location: .file(file),
        message:
          "\(d) assets need about \(gigabytes(bytes)) for their covariance matrices; this process may use \(gigabytes(limit)) (half of the machine's memory or address-space limit)"
      )
    }
  }

  /// Half the smallest of the physical memory, `RLIMIT_AS` and the cgroup's memory limit
  /// (`/sys/fs/cgroup/memory.max`, a container's).
  static var memoryLimit: Int {
    var limit = rlimit()
    var bytes = Double(ProcessInfo.processInfo.physicalMemory)
    if getrlimit(Int32(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max {
      bytes = Swift.min(bytes, Double(limit.rlim_cur))
    }
    if let text = try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8),
      let cgroup = Double(text.trimmingCharacters(in: .whitespacesAndNewlines))
    {
      bytes = Swift.min(bytes, cgroup)
    }
    return Int(bytes / 2)
  }

  private static func gigabytes(_ bytes: Double) -> String {
    String(format: "%.1f GB", bytes / 1e9)
  }
}
