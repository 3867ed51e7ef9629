/// A quantity of each simulated path that the engine does not compute itself, written in the
/// caller's own package: the engine hands it every block of paths, it accumulates a partial per
/// reduction group, and the partials merge along the run's fixed tree (QuantLib's path pricer
/// and accumulator, as one value).
///
/// A conformer is a configuration value (weights, strikes, levels). The engine calls
/// `observe(_:into:)` once per block of each group, in path order, on the thread that simulates
/// the group; `merge(_:_:)` combines two groups' (or tree nodes') partials, left before right;
/// `encode(_:)` and `decode(_:)` carry a partial between processes and must round-trip it
/// exactly. Because the tree is fixed, a run split across `run(groups:)` calls or MPI ranks
/// gives the same partial bits however it is split, provided `observe` depends only on the
/// paths it is given and `merge` only on its two arguments. For the same bits on any
/// `blockPaths` (and so any thread count, which can change the block size of observers that read
/// every step), observing a group's paths block by block must give the partial of observing
/// them all at once: accumulate path by path, in order, not a block's sum added to the partial.
///
/// ```swift
/// struct AverageBasket: PathObserver {  // E[(1/S) Σₛ Σᵢ wᵢ Sᵢ(tₛ)], an Asian basket's average
///   let weights: [Double]
///   var needs: PathObserverNeeds { .pricesAtEveryStep }
///   func makePartial() -> Moments { Moments() }
///   func observe(_ block: PathBlock<Double>, into partial: inout Moments) { … }
///   func merge(_ left: Moments, _ right: Moments) -> Moments { left.merged(with: right) }
///   func encode(_ partial: Moments) -> [UInt8] { … }
///   func decode(_ bytes: [UInt8]) throws -> Moments { … }
/// }
/// var observers = PathObservers<Double>()
/// observers.custom = [AverageBasket(weights: [0.5, 0.5])]
/// let result = try PathSimulator(model: model, settings: settings, observers: observers).run()
/// let average = result.observed(0, as: Moments.self)
/// ```
/// Examples/Sources/AsianBasket is a complete one, with its test of splits across groups,
/// threads and partials.
public protocol PathObserver<Scalar>: Sendable {
  /// The run's precision, `Float` or `Double`.
  associatedtype Scalar: BLASScalar
  /// A group's accumulated state: counts, sums, histograms, worst values…
  associatedtype Partial: Sendable

  /// What `observe` reads from a block.
  var needs: PathObserverNeeds { get }

  /// The partial of no paths (the merge's identity).
  func makePartial() -> Partial

  /// Accumulates a block's paths (`block.firstPath ..< block.firstPath + block.pathCount`,
  /// in order) into `partial`.
  func observe(_ block: PathBlock<Scalar>, into partial: inout Partial)

  /// Accumulates a chunk of steps of the block's paths into `partial`, before
  /// `observe(_:into:)` sees the block: called once per chunk, in step order, for observers whose
  /// `needs` contain `.stepLogPrices` (log-prices, first) or `.stepPrices` (prices). The chunk's
  /// paths are the block's; a block's first chunk has `firstStep == 0`, which is where per-path
  /// state (a running drawdown, a barrier's survival) starts afresh. The default does nothing.
  func observe(steps: PathSteps<Scalar>, into partial: inout Partial)

  /// `left` (lower paths) combined with `right` (the paths after them).
  func merge(_ left: Partial, _ right: Partial) -> Partial

  /// The partial as bytes, for `SimulationPartial.encoded()`.
  func encode(_ partial: Partial) -> [UInt8]

  /// `encode`'s bytes back to the partial, exactly; throw for bytes it did not write.
  func decode(_ bytes: [UInt8]) throws -> Partial

  /// What identifies this observer's settings in the run's fingerprint, the same in every
  /// process: by default its description (`String(describing: self)`). Override it when the
  /// description differs between processes (a dictionary or set prints in a per-process
  /// order; a class instance prints its address) or leaves a setting out.
  var configuration: String { get }
}

extension PathObserver {
  /// The observer's description, `String(describing: self)`.
  public var configuration: String { String(describing: self) }

  /// Nothing: observers that read only whole blocks.
  public func observe(steps: PathSteps<Scalar>, into partial: inout Partial) {}
}

/// What a `PathObserver` reads from a block of paths, beyond each path's terminal prices (which
/// every observer gets). The engine computes each thing once for all the observers that ask,
/// inside its own loop over the block.
public struct PathObserverNeeds: OptionSet, Sendable, Hashable {
  /// The set's bits.
  public let rawValue: Int

  /// A set of needs from its bits.
  public init(rawValue: Int) { self.rawValue = rawValue }

  /// Each path's prices at the horizon only (the empty set: every observer gets them).
  public static var terminalPrices: PathObserverNeeds { [] }
  /// Each path's prices at every date of the grid, time 0 included (`PathBlock.price`). The
  /// engine keeps a block's whole paths for it, and so uses blocks of about 2¹⁷ / ((S+1)·d)
  /// paths (at least 2), and refuses runs where `blockPaths · (S+1) · d` exceeds 2²⁴ values.
  /// Prefer `.stepPrices` when the observer can carry its own per-path state from chunk to
  /// chunk: it keeps nothing and leaves the block size alone.
  public static var pricesAtEveryStep: PathObserverNeeds { PathObserverNeeds(rawValue: 1) }
  /// Each path's running minimum of each asset over the grid, time 0 included
  /// (`PathBlock.runningMinimum`), tracked in the engine's log-price pass at no extra pass.
  public static var runningMinima: PathObserverNeeds { PathObserverNeeds(rawValue: 2) }
  /// Each path's running maximum of each asset (`PathBlock.runningMaximum`).
  public static var runningMaxima: PathObserverNeeds { PathObserverNeeds(rawValue: 4) }
  /// Each chunk of steps as log-prices, through `observe(steps:into:)`.
  public static var stepLogPrices: PathObserverNeeds { PathObserverNeeds(rawValue: 8) }
  /// Each chunk of steps as prices, through `observe(steps:into:)`.
  public static var stepPrices: PathObserverNeeds { PathObserverNeeds(rawValue: 16) }
}
