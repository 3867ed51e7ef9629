import ArgumentParser
import RiskKernels

/// `--paths`, `--seed` and `--threads`: the Monte Carlo options of every command that simulates
/// (`var`, `stress`, `simulate`, `run`, and `cascade --paths`), with one meaning and one set of
/// limits everywhere; `--horizon-days` and `--steps`, whose defaults differ by command, are
/// checked against the same limits here too. What a run keeps in memory is checked separately,
/// per command, before anything is drawn (`RunSize`).
struct SimulationOptions: ParsableArguments {
  @Option(parsing: .unconditional, help: ArgumentHelp(stringLiteral: Self.pathsHelp))
  var paths: Int = 100_000

  @Option(parsing: .unconditional, help: ArgumentHelp(stringLiteral: Self.seedHelp))
  var seed: UInt64 = 42

  @Option(parsing: .unconditional, help: ArgumentHelp(stringLiteral: Self.threadsHelp))
  var threads: Int?

  func validate() throws {
    try Self.checkPaths(paths)
    try Self.checkThreads(threads)
  }

  static let pathsHelp =
    "Monte Carlo paths, 100...\(RunSize.maximumPaths) (memory is checked before any is drawn)."
  static let seedHelp = "Seed of the normal streams: with the inputs, it fixes every number."
  static let threadsHelp = "Worker threads (default: one per core); never changes the numbers."
  static let horizonHelp = "Horizon in days, in (0, 36500] (with prices: periods of the file)."
  static let stepsHelp = "Monitoring steps over the horizon, in 1...\(RunSize.maximumSteps)."

  /// At least 100 paths: a tail at 99% and the standard errors need a few paths beyond it.
  static let pathsRange = 100...RunSize.maximumPaths
  static let threadsRange = 1...1024
  /// 100 years of days.
  static let maximumHorizonDays = 36_500.0

  static func checkPaths(_ paths: Int) throws {
    guard pathsRange.contains(paths) else {
      throw ValidationError(
        "--paths: \(paths) must be in \(pathsRange.lowerBound)...\(pathsRange.upperBound)")
    }
  }

  static func checkThreads(_ threads: Int?) throws {
    if let threads, !threadsRange.contains(threads) {
      throw ValidationError(
        "--threads: \(threads) must be in \(threadsRange.lowerBound)...\(threadsRange.upperBound)")
    }
  }

  static func checkHorizon(days: Double) throws {
    guard days > 0, days <= maximumHorizonDays else {
      throw ValidationError(
        "--horizon-days: \(days) must be in (0, \(Int(maximumHorizonDays))] (100 years)")
    }
  }

  static func checkSteps(_ steps: Int) throws {
    guard (1...RunSize.maximumSteps).contains(steps) else {
      throw ValidationError("--steps: \(steps) must be in 1...\(RunSize.maximumSteps)")
    }
  }
}
