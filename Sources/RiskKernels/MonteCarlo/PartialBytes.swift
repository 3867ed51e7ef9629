/// The little-endian writer and checked reader of the partials' encodings
/// (`SimulationPartial.encoded()` and the quantile passes' partials).

/// Little-endian output.
struct PartialWriter {
  var bytes: [UInt8] = []

  mutating func u32(_ v: UInt32) {
    for k in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * k))) }
  }
  mutating func u64(_ v: UInt64) {
    for k in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * k))) }
  }
  mutating func int(_ v: Int) { u64(UInt64(bitPattern: Int64(v))) }

  mutating func scalars<Scalar: BLASScalar>(_ values: [Scalar]) {
    int(values.count)
    ScalarBytes.append(values, to: &bytes)
  }
}

/// Little-endian input that checks every count against the bytes left before reading it.
struct PartialReader {
  let bytes: [UInt8]
  var offset = 0

  var atEnd: Bool { offset == bytes.count }

  mutating func take(_ n: Int) throws(RiskKernelsError) -> [UInt8] {
    guard n <= bytes.count - offset else { throw .invalidPartial(reason: "truncated") }
    defer { offset += n }
    return Array(bytes[offset..<(offset + n)])
  }

  mutating func u32() throws(RiskKernelsError) -> UInt32 {
    try take(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
  }

  mutating func u64() throws(RiskKernelsError) -> UInt64 {
    try take(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
  }

  mutating func int() throws(RiskKernelsError) -> Int {
    let v = Int64(bitPattern: try u64())
    guard v >= 0, v <= Int64(SimulationSettings.pathsLimit) else {
      throw .invalidPartial(reason: "count \(v) out of range")
    }
    return Int(v)
  }

  mutating func range() throws(RiskKernelsError) -> Range<Int> {
    let (lower, upper) = (try int(), try int())
    guard lower <= upper else { throw .invalidPartial(reason: "range \(lower)..<\(upper)") }
    return lower..<upper
  }

  /// That `count` items of at least `bytesEach` bytes fit in what is left (before allocating).
  func check(_ count: Int, bytesEach: Int) throws(RiskKernelsError) {
    guard count <= (bytes.count - offset) / bytesEach else {
      throw .invalidPartial(reason: "truncated")
    }
  }

  /// A count, then that many values.
  mutating func scalars<Scalar: BLASScalar>() throws(RiskKernelsError) -> [Scalar] {
    let count = try int()
    try check(count, bytesEach: MemoryLayout<Scalar>.size)
    defer { offset += count * MemoryLayout<Scalar>.size }
    return ScalarBytes.read(count, from: bytes, at: offset)
  }

  /// A count, which must be `count`, then that many values.
  mutating func scalars<Scalar: BLASScalar>(count expected: Int, _ what: String)
    throws(RiskKernelsError) -> [Scalar]
  {
    let count = try int()
    guard count == expected else {
      throw .invalidPartial(reason: "\(count) \(what); expected \(expected)")
    }
    try check(count, bytesEach: MemoryLayout<Scalar>.size)
    defer { offset += count * MemoryLayout<Scalar>.size }
    return ScalarBytes.read(count, from: bytes, at: offset)
  }
}
