/// Arrays of scalars to and from their little-endian IEEE-754 bytes, as one copy each way (the
/// simulation partials' kept values: a 10⁶-path, 50-asset run's terminal prices are 400 MB, which
/// a byte-at-a-time loop took seconds to encode). The only raw-memory code of the partials, so
/// it lives at the edge with the other unsafe code.
enum ScalarBytes {
  /// Appends `values`' bytes to `bytes`.
  static func append<Scalar: BLASScalar>(_ values: [Scalar], to bytes: inout [UInt8]) {
    #if _endian(little)
      values.withUnsafeBytes { bytes.append(contentsOf: $0) }
    #else
      #error("the partial encoding is little-endian; add a byte swap for this platform")
    #endif
  }

  /// `count` values from `bytes[offset...]` (the caller has checked that they are there).
  static func read<Scalar: BLASScalar>(_ count: Int, from bytes: [UInt8], at offset: Int)
    -> [Scalar]
  {
    let size = MemoryLayout<Scalar>.size
    precondition(offset >= 0 && count >= 0 && count <= (bytes.count - offset) / size)
    return [Scalar](unsafeUninitializedCapacity: count) { buffer, initialized in
      bytes.withUnsafeBytes { source in
        UnsafeMutableRawBufferPointer(buffer).copyMemory(
          from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + count * size)]))
      }
      initialized = count
    }
  }
}

extension ScalarBytes {
  /// `target[at ..< at + count] = source[from ..< from + count]`, one memory copy (appending an
  /// array slice element by element took 0.53 s for the 400 MB of a 10⁶-path, 50-asset merge).
  static func copy<Scalar: BLASScalar>(
    _ source: [Scalar], from: Int, count: Int, into target: inout [Scalar], at: Int
  ) {
    precondition(
      from >= 0 && count >= 0 && from <= source.count - count && at >= 0
        && at <= target.count - count)
    source.withUnsafeBufferPointer { input in
      target.withUnsafeMutableBufferPointer { output in
        _ = UnsafeMutableBufferPointer(rebasing: output[at..<(at + count)]).update(
          fromContentsOf: input[from..<(from + count)])
      }
    }
  }
}
