package import RiskKernels
internal import Synchronization

/// Runs a command's main Monte Carlo simulation somewhere: in this process (`riskreport`), or
/// split by reduction groups across MPI ranks (`riskreport-mpi`).
///
/// A runner returns the whole run's result on the process that prints; on the others it may
/// never return (an MPI rank that has sent its share ends there).
package protocol SimulationRunner: Sendable {
  /// The number of processes that share each run (1 for this process alone).
  var processCount: Int { get }

  /// Whether this process prints and writes the command's output (rank 0 only).
  var writesOutput: Bool { get }

  /// Runs `simulator`, then, for as long as `next` returns one, the simulator `next` makes of
  /// the previous run's result (the passes of a `TerminalQuantileSelection`), and returns the
  /// first run's result. `next` sees the same results, bit for bit, on every process.
  func run<T: BLASScalar>(
    _ simulator: PathSimulator<T>, progress: (@Sendable (_ pathsDone: Int) -> Void)?,
    then next: (SimulationResult<T>) throws(RiskKernelsError) -> PathSimulator<T>?
  ) throws(RiskKernelsError) -> SimulationResult<T>

  /// Monte Carlo VaR/ES of `simulator`'s run (a `MonteCarloVaR.portfolioSimulator`'s): the
  /// bits of `MonteCarloVaR.measure(from:simulator:)` on the whole run.
  func portfolioVaR<T: BLASScalar>(_ simulator: PathSimulator<T>, confidence: Double)
    throws(RiskKernelsError) -> TailRisk<T>
}

/// The runner of the main simulations (`simulate`'s, `var --method monte-carlo`'s and `run`'s
/// portfolio simulation; the small fan-chart run stays in the printing process). Monte Carlo
/// VaR has its own entry, so that a split run sends each part's tail candidates instead of its
/// paths' values.
package enum MainSimulation {
  private static let installed = Mutex<(any SimulationRunner)?>(nil)

  /// Installs `runner` for the rest of the process (the MPI driver, before any command runs).
  package static func install(_ runner: any SimulationRunner) {
    installed.withLock { $0 = runner }
  }

  /// Whether this process prints and writes the output (other MPI ranks only simulate, so
  /// they do not check `--out` either).
  static var writesOutput: Bool { installed.withLock { $0?.writesOutput ?? true } }

  /// The processes sharing each main simulation.
  static var processCount: Int { installed.withLock { $0?.processCount ?? 1 } }

  static func run<T: BLASScalar>(
    _ simulator: PathSimulator<T>, progress: (@Sendable (_ pathsDone: Int) -> Void)? = nil,
    then next: (SimulationResult<T>) throws(RiskKernelsError) -> PathSimulator<T>? = { _ in nil }
  ) throws(RiskKernelsError) -> SimulationResult<T> {
    guard let runner = installed.withLock({ $0 }) else {
      let first = try simulator.run(progress: progress)
      var last = first
      while let following = try next(last) { last = try following.run() }
      return first
    }
    return try runner.run(simulator, progress: progress, then: next)
  }

  static func portfolioVaR<T: BLASScalar>(_ simulator: PathSimulator<T>, confidence: Double)
    throws(RiskKernelsError) -> TailRisk<T>
  {
    guard let runner = installed.withLock({ $0 }) else {
      return try MonteCarloVaR(confidence: confidence).measure(
        from: simulator.run(), simulator: simulator)
    }
    return try runner.portfolioVaR(simulator, confidence: confidence)
  }
}
