internal import Dispatch
internal import Foundation
internal import RealModule
internal import Synchronization

/// The Monte Carlo engine: draws correlated GBM paths and feeds them to the observers, never
/// storing more than a block of paths (unless asked to keep them).
///
/// Paths are split into reduction groups of `SimulationSettings.groupPaths`; each group runs on
/// one thread in blocks of `blockPaths` paths, and the groups' partial moments are merged in group
/// order. Per block and chunk of steps: the normals of each path (its own stream, see
/// `NormalGenerator`) fill a `d × (paths·steps)` matrix `Z`; one TRMM makes `√Δt·L·Z`; a pass adds
/// the drift and accumulates log-prices and observers; one SLEEF call exponentiates the chunk
/// when an observer needs prices. OpenBLAS is pinned to one thread during the run, and a block's
/// columns are padded so that no path falls in OpenBLAS's edge kernels (`paddedColumns`). Results
/// are therefore bit-identical for any `threads` and `blockPaths` on one machine (and one vector
/// level and OpenBLAS kernel: see docs/monte-carlo.md).
///
/// ```swift
/// let model = try CorrelatedGBM(spot: [100, 50], drift: [0.05, 0.02], volatility: [0.2, 0.3],
///                               correlation: Matrix([[1, 0.5], [0.5, 1]]))
/// let settings = SimulationSettings(paths: 100_000, steps: 252, horizon: 1, seed: 42)
/// let result = try PathSimulator(model: model, settings: settings).run()
/// print(result.terminal[0].value, "±", result.terminal[0].standardError)
/// ```
public struct PathSimulator<Scalar: BLASScalar>: Sendable {
  public let model: CorrelatedGBM<Scalar>
  public var settings: SimulationSettings
  public var observers: PathObservers<Scalar>

  public init(
    model: CorrelatedGBM<Scalar>, settings: SimulationSettings,
    observers: PathObservers<Scalar> = PathObservers()
  ) {
    self.model = model
    self.settings = settings
    self.observers = observers
  }

  /// Runs the simulation.
  ///
  /// - Parameter progress: called from the worker threads after each group of
  ///   `SimulationSettings.groupPaths` paths with the number of paths done so far (for a
  ///   progress display; it must be quick and thread-safe). It does not affect the results.
  /// - Throws: `.parameterOutOfRange`, `.dimensionMismatch` or `.nonFiniteInput` for invalid
  ///   settings or observers (checked before any path is drawn); `.backend` if GSL cannot
  ///   allocate a generator; `.environment` if `RISKKERNELS_ISA` names a level this CPU lacks.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public func run(progress: (@Sendable (_ pathsDone: Int) -> Void)? = nil)
    throws(RiskKernelsError) -> SimulationResult<Scalar>
  {
    try Backend.checkVectorLevel()
    try settings.validate()
    try observers.validate(model: model, settings: settings)
    let plan = SimulationPlan(model: model, settings: settings, observers: observers)
    let groups =
      (settings.paths + SimulationSettings.groupPaths - 1) / SimulationSettings.groupPaths
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let workers = Swift.max(1, Swift.min(settings.threads ?? cores, groups))
    let tallies = Mutex<[GroupTally<Scalar>?]>(Array(repeating: nil, count: groups))
    let failure = Mutex<RiskKernelsError?>(nil)
    // Workers take the next group as they become free, so a worker slowed by another process
    // takes fewer; the merge is in group order whoever ran them.
    let nextGroup = Atomic<Int>(0)
    let pathsDone = Atomic<Int>(0)
    BLASThreads.withOneThread {
      DispatchQueue.concurrentPerform(iterations: workers) { _ in
        do throws(RiskKernelsError) {
          var workspace = try BlockWorkspace(plan: plan)
          defer { workspace.recycle() }
          while true {
            let group = nextGroup.add(1, ordering: .relaxed).oldValue
            guard group < groups, failure.withLock({ $0 == nil }) else { break }
            let tally = try workspace.run(group: group)
            tallies.withLock { $0[group] = tally }
            let done = pathsDone.add(tally.pathCount, ordering: .relaxed).newValue
            progress?(done)
          }
        } catch {
          failure.withLock { $0 = $0 ?? error }
        }
      }
    }
    if let error = failure.withLock({ $0 }) { throw error }
    return try plan.result(from: tallies.withLock { $0.map { $0! } })
  }
}
