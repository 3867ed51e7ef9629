internal import Dispatch
internal import Foundation
internal import RealModule
internal import Synchronization

/// The Monte Carlo engine: draws correlated GBM paths and feeds them to the observers, never
/// storing more than a block of paths (unless asked to keep them).
///
/// Paths are split into reduction groups of `SimulationSettings.groupPaths`; each group runs on
/// one thread in blocks of `blockPaths` paths, and the groups' partial moments are merged along
/// one fixed binary tree over the group indices (`run(groups:)`, `SimulationPartial`). Per block and chunk of steps: the normals of each path (its own stream, see
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
  /// The model the paths follow.
  public let model: CorrelatedGBM<Scalar>
  /// Paths, grid, horizon, seed, generator and threads.
  public var settings: SimulationSettings
  /// What each run records.
  public var observers: PathObservers<Scalar>
  /// Where runs keep their large arrays between runs (`nil`: each run allocates and frees its
  /// own). Pass the same one to simulators you run many times, e.g. on every market update.
  public var scratch: SimulationScratch?

  /// A simulator of `model` with `settings`, recording what `observers` ask for (nothing is
  /// checked until a run).
  public init(
    model: CorrelatedGBM<Scalar>, settings: SimulationSettings,
    observers: PathObservers<Scalar> = PathObservers(), scratch: SimulationScratch? = nil
  ) {
    self.model = model
    self.settings = settings
    self.observers = observers
    self.scratch = scratch
  }

  /// G, the run's number of reduction groups (`settings.groupCount`).
  public var groupCount: Int { settings.groupCount }

  /// Runs the simulation: `result(from: run(groups: 0..<groupCount))`.
  ///
  /// - Parameter progress: called from the worker threads after each group of
  ///   `SimulationSettings.groupPaths` paths with the number of paths done so far (for a
  ///   progress display; it must be quick and thread-safe). It does not affect the results.
  /// - Throws: `.parameterOutOfRange`, `.dimensionMismatch` or `.nonFiniteInput` for invalid
  ///   settings or observers (checked before any path is drawn); `.backend` if GSL cannot
  ///   allocate a generator; `.environment` if `RISKKERNELS_ISA` names a level this CPU lacks.
  public func run(progress: (@Sendable (_ pathsDone: Int) -> Void)? = nil)
    throws(RiskKernelsError) -> SimulationResult<Scalar>
  {
    try result(from: run(groups: 0..<groupCount, progress: progress))
  }

  /// Simulates the reduction groups `groups` only (their paths are
  /// `groups.lowerBound·groupPaths ..< min(groups.upperBound·groupPaths, N)`) and returns their
  /// partial. Partials of adjacent ranges merge (`SimulationPartial.merging(_:)`); once they
  /// cover `0..<groupCount`, `result(from:)` gives the same bits as `run()`, however the groups
  /// were split between calls, threads or processes.
  ///
  /// - Parameters:
  ///   - groups: a range within `0..<groupCount`.
  ///   - progress: as in `run(progress:)`, counting this call's paths.
  /// - Throws: as `run(progress:)`, and `.parameterOutOfRange` for groups outside
  ///   `0..<groupCount`.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public func run(groups: Range<Int>, progress: (@Sendable (_ pathsDone: Int) -> Void)? = nil)
    throws(RiskKernelsError) -> SimulationPartial<Scalar>
  {
    try Backend.checkVectorLevel()
    try settings.validate()
    try observers.validate(model: model, settings: settings)
    guard groups.lowerBound >= 0, groups.upperBound <= groupCount else {
      throw .parameterOutOfRange(
        name: "groups", value: Double(groups.upperBound),
        allowed: "within 0..<\(groupCount) (the run's reduction groups)")
    }
    let plan = SimulationPlan(model: model, settings: settings, observers: observers)
    try plan.checkObservedPrices()
    // A Sobol' run's scrambled sequence, built once for all its threads.
    let sobol = try NormalStream<Scalar>.makeSobol(
      generator: settings.generator, seed: settings.seed, steps: settings.steps,
      assets: model.dimension)
    let count = groups.count
    let cores = Backend.processorCount
    let workers = Swift.max(1, Swift.min(settings.threads ?? cores, count))
    let reduction = NodeReduction(
      tree: MergeTree(groupCount: groupCount), range: groups, observers: plan.observers)
    let failure = Mutex<RiskKernelsError?>(nil)
    // Workers take the next group as they become free, so a worker slowed by another process
    // takes fewer; the merge follows the tree whoever ran them.
    let nextGroup = Atomic<Int>(0)
    let pathsDone = Atomic<Int>(0)
    if count > 0 {
      BLASThreads.withOneThread {
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
          do throws(RiskKernelsError) {
            var workspace = try BlockWorkspace(plan: plan, scratch: scratch, sobol: sobol)
            defer { workspace.recycle() }
            while true {
              let k = nextGroup.add(1, ordering: .relaxed).oldValue
              guard k < count, failure.withLock({ $0 == nil }) else { break }
              let group = groups.lowerBound + k
              reduction.add(group: group, .init(observed: try workspace.run(group: group)))
              let paths = SimulationPartial<Scalar>.paths(
                ofGroups: group..<(group + 1), totalPaths: settings.paths)
              let done = pathsDone.add(paths.count, ordering: .relaxed).newValue
              progress?(done)
            }
          } catch {
            failure.withLock { $0 = $0 ?? error }
          }
        }
      }
    }
    if let error = failure.withLock({ $0 }) { throw error }
    return plan.partial(groups: groups, values: count > 0 ? reduction.coverValues : [])
  }

  /// Decodes `SimulationPartial.encoded()`'s bytes of this simulator's run, with its custom
  /// observers' `decode` (`SimulationPartial(encoded:)` reads partials without them).
  ///
  /// - Throws: `.invalidPartial` as `SimulationPartial(encoded:)`, and when the partial's
  ///   observers are not this simulator's.
  public func partial(encoded bytes: [UInt8]) throws(RiskKernelsError) -> SimulationPartial<Scalar>
  {
    let plan = SimulationPlan(model: model, settings: settings, observers: observers)
    return try SimulationPartial(
      encoded: bytes, observers: plan.observers, fingerprint: plan.fingerprint)
  }

  /// The fingerprint of this simulator's run (`SimulationPartial.runFingerprint`).
  var runFingerprint: UInt64 {
    SimulationPlan(model: model, settings: settings, observers: observers).fingerprint
  }

  /// The result of a partial that covers every group of this simulator's run.
  ///
  /// - Throws: `.invalidPartial` if the partial is another run's (model, settings, observers
  ///   or precision differ) or does not cover `0..<groupCount`.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public func result(from partial: SimulationPartial<Scalar>) throws(RiskKernelsError)
    -> SimulationResult<Scalar>
  {
    try settings.validate()
    try observers.validate(model: model, settings: settings)
    return try SimulationPlan(model: model, settings: settings, observers: observers).result(
      from: partial, scratch: scratch)
  }
}
