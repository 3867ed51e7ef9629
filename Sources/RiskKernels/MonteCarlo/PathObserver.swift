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
}

/// What a `PathObserver` reads from a block of paths.
public enum PathObserverNeeds: Sendable, Equatable {
  /// Each path's prices at the horizon only.
  case terminalPrices
  /// Each path's prices at every date of the grid, time 0 included. The engine keeps a block's
  /// whole paths for it, and so uses blocks of about 2¹⁷ / ((S+1)·d) paths (at least 2), and
  /// refuses runs where `blockPaths · (S+1) · d` exceeds 2²⁴ values.
  case pricesAtEveryStep
}

/// A block of simulated paths, as a `PathObserver` sees it: read-only prices.
///
/// With antithetic variates, paths come in pairs (2j, 2j+1) whose normals are negatives of each
/// other, and a block always holds whole pairs; an observer that wants the pair-average estimator
/// averages them itself.
public struct PathBlock<Scalar: BLASScalar>: Sendable {
  /// The run's index of the block's first path, and the number of paths.
  public let firstPath: Int
  /// The number of paths in the block.
  public let pathCount: Int
  /// Assets d and steps S; dates are `s·Δt`, s = 0 … S.
  public let dimension: Int
  /// S, the steps of the grid.
  public let steps: Int
  /// `[i + p·d]`: path p's terminal prices.
  let terminal: [Scalar]
  /// `[i + (s + p·(S+1))·d]`: path p's prices at every date (empty unless asked for).
  let everyStep: [Scalar]

  /// Path p's (0-based within the block) price of asset i at the horizon.
  public func terminalPrice(path p: Int, asset i: Int) -> Scalar {
    terminal[i + p * dimension]
  }

  /// Path p's price of asset i at date s (0 is the spot, S the horizon). Only for observers
  /// whose `needs` is `.pricesAtEveryStep`.
  public func price(path p: Int, step s: Int, asset i: Int) -> Scalar {
    precondition(!everyStep.isEmpty, "prices at every step need .pricesAtEveryStep")
    return everyStep[i + (s + p * (steps + 1)) * dimension]
  }
}

/// A `PathObserver` with its partials behind `any Sendable`, so the engine can hold a list of
/// different observers.
struct AnyPathObserver<Scalar: BLASScalar>: Sendable {
  let needs: PathObserverNeeds
  /// The observer's type and description, for the run's fingerprint.
  let identity: String
  let makePartial: @Sendable () -> any Sendable
  let observe: @Sendable (PathBlock<Scalar>, inout any Sendable) -> Void
  let merge: @Sendable (any Sendable, any Sendable) -> any Sendable
  let encode: @Sendable (any Sendable) -> [UInt8]
  let decode: @Sendable ([UInt8]) throws -> any Sendable

  init<O: PathObserver>(_ observer: O) where O.Scalar == Scalar {
    needs = observer.needs
    identity = "\(O.self): \(observer.configuration)"
    makePartial = { observer.makePartial() }
    observe = { block, partial in
      var typed = partial as! O.Partial
      partial = 0  // drop the box's reference, so `typed` is unique and mutates in place
      observer.observe(block, into: &typed)
      partial = typed
    }
    merge = { observer.merge($0 as! O.Partial, $1 as! O.Partial) }
    encode = { observer.encode($0 as! O.Partial) }
    decode = { try observer.decode($0) }
  }
}
