/// A `PathObserver` with its partials behind `any Sendable`, so the engine can hold a list of
/// different observers: the built-in ones (`BuiltInObserver`) and the caller's.
struct AnyPathObserver<Scalar: BLASScalar>: Sendable {
  let needs: PathObserverNeeds
  /// Whether the observer is one of the library's, whose partials (`ObservedValues`) any
  /// process decodes without the simulator.
  let isBuiltIn: Bool
  /// The observer's type and description, for the run's fingerprint (computed when asked: a
  /// built-in observer's description can be long, and the fingerprint hashes the settings
  /// `PathObservers` gave it instead).
  let identity: @Sendable () -> String
  let makePartial: @Sendable () -> any Sendable
  let observe: @Sendable (PathBlock<Scalar>, inout any Sendable) -> Void
  let observeSteps: @Sendable (PathSteps<Scalar>, inout any Sendable) -> Void
  let merge: @Sendable (any Sendable, any Sendable) -> any Sendable
  let encode: @Sendable (any Sendable) -> [UInt8]
  let decode: @Sendable ([UInt8]) throws -> any Sendable

  init<O: PathObserver>(_ observer: O) where O.Scalar == Scalar {
    needs = observer.needs
    isBuiltIn = observer is any BuiltInObserver
    identity = { "\(O.self): \(observer.configuration)" }
    makePartial = { observer.makePartial() }
    observe = { block, partial in
      var typed = partial as! O.Partial
      partial = 0  // drop the box's reference, so `typed` is unique and mutates in place
      observer.observe(block, into: &typed)
      partial = typed
    }
    observeSteps = { steps, partial in
      var typed = partial as! O.Partial
      partial = 0
      observer.observe(steps: steps, into: &typed)
      partial = typed
    }
    merge = { observer.merge($0 as! O.Partial, $1 as! O.Partial) }
    encode = { observer.encode($0 as! O.Partial) }
    decode = { try observer.decode($0) }
  }

  /// A stand-in for a built-in observer of a partial decoded without its simulator: it merges,
  /// encodes and decodes `ObservedValues`, and observes nothing.
  static var builtInStandIn: AnyPathObserver {
    AnyPathObserver(ObservedValuesCodec<Scalar>())
  }
}
