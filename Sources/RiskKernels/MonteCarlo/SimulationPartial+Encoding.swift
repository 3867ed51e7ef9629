extension SimulationPartial {
  /// The encoding's first bytes, "RKSP", and its version.
  static var magic: [UInt8] { Array("RKSP".utf8) }
  public static var encodingVersion: UInt32 { 1 }

  /// The partial as bytes (version 1, little-endian): the header, each tree node's moments as
  /// IEEE-754 bit patterns, then the kept values. `init(encoded:)` restores it exactly.
  public func encoded() -> [UInt8] {
    var out = PartialWriter()
    let values =
      terminalPrices.count + portfolioValues.count
      + keptPaths.reduce(0) {
        $0 + $1.storage.count
      }
    out.bytes.reserveCapacity(
      128 + nodes.count * (16 + 24 * valueCount) + keptPaths.count * 16
        + values * MemoryLayout<Scalar>.size)
    out.bytes += Self.magic
    out.u32(Self.encodingVersion)
    out.u32(UInt32(MemoryLayout<Scalar>.size))
    out.u64(runFingerprint)
    for n in [
      groupCount, groups.lowerBound, groups.upperBound, paths.lowerBound, paths.upperBound,
      assetCount, valueCount, nodes.count,
    ] { out.int(n) }
    for (node, values) in zip(nodes, moments) {
      out.int(node.lowerBound)
      out.int(node.upperBound)
      for m in values {
        out.u64(m.count.bitPattern)
        out.u64(m.mean.bitPattern)
        out.u64(m.squaredDeviations.bitPattern)
      }
    }
    out.scalars(terminalPrices)
    out.scalars(portfolioValues)
    out.int(keptPaths.count)
    for path in keptPaths {
      out.int(path.rows)
      out.scalars(path.storage)
    }
    return out.bytes
  }

  /// Decodes `encoded()`'s bytes.
  ///
  /// - Throws: `.invalidPartial` naming what is wrong: another format or version, another
  ///   precision, counts that do not fit the bytes or each other, trailing bytes.
  public init(encoded bytes: [UInt8]) throws(RiskKernelsError) {
    var input = PartialReader(bytes: bytes)
    guard try input.take(4) == Self.magic else {
      throw .invalidPartial(reason: "not a RiskKernels simulation partial")
    }
    let version = try input.u32()
    guard version == Self.encodingVersion else {
      throw .invalidPartial(
        reason: "encoding version \(version); this library reads \(Self.encodingVersion)")
    }
    let size = try input.u32()
    guard size == MemoryLayout<Scalar>.size else {
      throw .invalidPartial(
        reason: "\(Int(size) * 8)-bit values; expected \(MemoryLayout<Scalar>.size * 8)-bit")
    }
    let fingerprint = try input.u64()
    let groupCount = try input.int()
    let groups = try input.range()
    let paths = try input.range()
    let assetCount = try input.int()
    let valueCount = try input.int()
    let nodeCount = try input.int()
    let groupPaths = SimulationSettings.groupPaths
    guard groupCount >= 1, groups.upperBound <= groupCount,
      paths.lowerBound == groups.lowerBound * groupPaths,
      paths.upperBound <= groups.upperBound * groupPaths,
      groups.isEmpty || paths.upperBound > (groups.upperBound - 1) * groupPaths,
      assetCount >= 1
    else {
      throw .invalidPartial(reason: "inconsistent header")
    }
    let tree = MergeTree(groupCount: groupCount)
    let cover = tree.cover(groups)
    guard nodeCount == cover.count else {
      throw .invalidPartial(reason: "\(nodeCount) tree nodes; groups need \(cover.count)")
    }
    var moments: [[MomentAccumulator]] = []
    for node in cover {
      guard try input.range() == node else {
        throw .invalidPartial(reason: "tree nodes do not tile the groups")
      }
      try input.check(valueCount, bytesEach: 24)
      var values: [MomentAccumulator] = []
      values.reserveCapacity(valueCount)
      for _ in 0..<valueCount {
        let (count, mean, squares) = (
          Double(bitPattern: try input.u64()), Double(bitPattern: try input.u64()),
          Double(bitPattern: try input.u64())
        )
        values.append(MomentAccumulator(count: count, mean: mean, squaredDeviations: squares))
      }
      moments.append(values)
    }
    let prices: [Scalar] = try input.scalars()
    guard prices.isEmpty || prices.count == assetCount * paths.count else {
      throw .invalidPartial(reason: "\(prices.count) terminal prices for \(paths.count) paths")
    }
    let values: [Scalar] = try input.scalars()
    guard values.isEmpty || values.count == paths.count else {
      throw .invalidPartial(reason: "\(values.count) portfolio values for \(paths.count) paths")
    }
    let keptCount = try input.int()
    guard keptCount == 0 || keptCount == paths.count else {
      throw .invalidPartial(reason: "\(keptCount) kept paths for \(paths.count) paths")
    }
    try input.check(keptCount, bytesEach: 16)
    var kept: [Matrix<Scalar>] = []
    for _ in 0..<keptCount {
      let rows = try input.int()
      let storage: [Scalar] = try input.scalars()
      guard rows >= 1, storage.count == rows * assetCount else {
        throw .invalidPartial(reason: "a kept path of \(storage.count) values")
      }
      kept.append(Matrix(uncheckedRows: rows, columns: assetCount, storage: storage))
    }
    guard input.atEnd else {
      throw .invalidPartial(reason: "\(bytes.count - input.offset) bytes after the partial")
    }
    self.init(
      groups: groups, groupCount: groupCount, paths: paths, runFingerprint: fingerprint,
      assetCount: assetCount, valueCount: valueCount, nodes: cover, moments: moments,
      terminalPrices: prices, portfolioValues: values, keptPaths: kept)
  }
}

/// Little-endian output.
private struct PartialWriter {
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
private struct PartialReader {
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

  mutating func scalars<Scalar: BLASScalar>() throws(RiskKernelsError) -> [Scalar] {
    let count = try int()
    try check(count, bytesEach: MemoryLayout<Scalar>.size)
    defer { offset += count * MemoryLayout<Scalar>.size }
    return ScalarBytes.read(count, from: bytes, at: offset)
  }
}
