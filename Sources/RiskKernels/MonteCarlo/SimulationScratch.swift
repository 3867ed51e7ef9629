internal import Synchronization

/// Large scratch arrays kept from one simulation run to the next, owned by the caller who runs
/// many: pass one to `PathSimulator(…, scratch:)` (or `MonteCarloVaR.measure(model:holdings:settings:progress:scratch:)`)
/// and keep it alive between runs.
///
/// A run's blocks need about 2 MB per thread (the normals matrix and the log-prices), and fresh
/// memory costs a page fault per 4 KB on first touch: 11% of the CPU time of a 10 000-path,
/// 50-asset one-day VaR refresh went to faulting in and zeroing those pages; its portfolio
/// values (80 KB) faulted too. With a scratch, arrays of at least `minimumCount` values are
/// returned to it at the end of a run and handed out again, contents unspecified, for the same
/// element type and count; at most `capacityBytes` are kept, the least recently returned dropped
/// first. Without one (`nil`, the default), a run allocates its arrays and frees them when it
/// ends. Thread-safe: simulators on several threads may share one.
public final class SimulationScratch: Sendable {
  /// Smaller arrays come from malloc's free lists without faults (arrays of some tens of KB
  /// still faulted: malloc trims the heap's top when they are freed).
  static var minimumCount: Int { 1 << 12 }

  /// The most bytes kept.
  public let capacityBytes: Int

  private struct Entry: @unchecked Sendable {
    let type: ObjectIdentifier
    let count: Int
    let bytes: Int
    /// A `[T]` for the `T` named by `type` (an array is a reference to its buffer, so holding it
    /// here as `Any` shares nothing mutable).
    let array: Any
  }
  private let kept = Mutex<[Entry]>([])

  /// A scratch that keeps up to `capacityBytes` of arrays between runs.
  ///
  /// - Parameter capacityBytes: 16 MB by default: four threads' workspaces of the largest
  ///   blocks, with room for a short last block.
  public init(capacityBytes: Int = 16 << 20) {
    self.capacityBytes = Swift.max(0, capacityBytes)
  }

  /// An array of `count` values: a kept one if there is one (contents unspecified, so callers
  /// overwrite before reading), zeros otherwise.
  func take<T: BLASScalar>(_ count: Int, of _: T.Type = T.self) -> [T] {
    if count >= Self.minimumCount {
      let type = ObjectIdentifier(T.self)
      let found = kept.withLock { entries -> Any? in
        guard let i = entries.lastIndex(where: { $0.type == type && $0.count == count }) else {
          return nil
        }
        return entries.remove(at: i).array
      }
      if let array = found as? [T] { return array }
    }
    return [T](repeating: 0, count: count)
  }

  /// Keeps `array` for a later `take` (small ones are left to malloc).
  func recycle<T: BLASScalar>(_ array: [T]) {
    guard array.count >= Self.minimumCount else { return }
    let entry = Entry(
      type: ObjectIdentifier(T.self), count: array.count,
      bytes: array.count * MemoryLayout<T>.stride, array: array)
    kept.withLock { entries in
      entries.append(entry)
      var total = entries.reduce(0) { $0 + $1.bytes }
      while total > capacityBytes, !entries.isEmpty {
        total -= entries.removeFirst().bytes
      }
    }
  }

  /// Bytes kept now.
  public var keptBytes: Int { kept.withLock { $0.reduce(0) { $0 + $1.bytes } } }
}

extension Optional {
  /// `scratch.take(count)`, or a fresh array of zeros without a scratch.
  func take<T: BLASScalar>(_ count: Int, of type: T.Type = T.self) -> [T]
  where Wrapped == SimulationScratch {
    self?.take(count, of: type) ?? [T](repeating: 0, count: count)
  }

  /// `scratch.recycle(array)`, or nothing without a scratch (the array is freed).
  func recycle<T: BLASScalar>(_ array: [T]) where Wrapped == SimulationScratch {
    self?.recycle(array)
  }
}
