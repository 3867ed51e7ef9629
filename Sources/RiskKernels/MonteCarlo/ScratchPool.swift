internal import Synchronization

/// Large scratch arrays kept from one simulation run to the next.
///
/// A run's blocks need about 2 MB per thread (the normals matrix and the log-prices), and fresh
/// memory costs a page fault per 4 KB on first touch: 11% of the CPU time of a 10 000-path,
/// 50-asset one-day VaR refresh went to faulting in and zeroing those pages; its portfolio
/// values (80 KB) faulted too. Arrays of at least
/// `minimumCount` values are returned here at the end of a run and handed out again, contents
/// unspecified, for the same element type and count; at most `capacityBytes` are kept, the least
/// recently returned dropped first. Thread-safe.
enum ScratchPool {
  /// Smaller arrays come from malloc's free lists without faults (arrays of some tens of KB
  /// still faulted: malloc trims the heap's top when they are freed).
  static var minimumCount: Int { 1 << 12 }
  /// 16 MB: four threads' workspaces of the largest blocks, with room for a short last block.
  static var capacityBytes: Int { 16 << 20 }

  private struct Entry: @unchecked Sendable {
    let type: ObjectIdentifier
    let count: Int
    let bytes: Int
    /// A `[T]` for the `T` named by `type` (an array is a reference to its buffer, so holding it
    /// here as `Any` shares nothing mutable).
    let array: Any
  }
  private static let kept = Mutex<[Entry]>([])

  /// An array of `count` values: a kept one if there is one (contents unspecified, so callers
  /// overwrite before reading), zeros otherwise.
  static func take<T: BLASScalar>(_ count: Int, of _: T.Type = T.self) -> [T] {
    if count >= minimumCount {
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
  static func recycle<T: BLASScalar>(_ array: [T]) {
    guard array.count >= minimumCount else { return }
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

  /// Bytes kept now (tests).
  static var keptBytes: Int { kept.withLock { $0.reduce(0) { $0 + $1.bytes } } }
}
