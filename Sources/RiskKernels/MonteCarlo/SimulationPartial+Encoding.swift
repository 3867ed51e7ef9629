extension SimulationPartial {
  /// The encoding's first bytes, "RKSP", and its version.
  static var magic: [UInt8] { Array("RKSP".utf8) }
  /// The version of `encoded()`'s format; a partial of another version is refused.
  public static var encodingVersion: UInt32 { 2 }

  /// The partial as bytes (version 2, little-endian): the header, each tree node's moments as
  /// IEEE-754 bit patterns, then the kept values. `init(encoded:)` restores it exactly.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public func encoded() -> [UInt8] {
    var out = PartialWriter()
    let keptCount =
      terminalPrices.count + portfolioValues.count + keptPaths.count * keptPathRows * assetCount
    out.bytes.reserveCapacity(
      128 + nodes.count * (16 + 24 * valueCount + 8 * observers.count) + keptPaths.count * 16
        + keptCount * MemoryLayout<Scalar>.size)
    out.bytes += Self.magic
    out.u32(Self.encodingVersion)
    out.u32(UInt32(MemoryLayout<Scalar>.size))
    out.u64(runFingerprint)
    for n in [
      groupCount, totalPaths, groups.lowerBound, groups.upperBound, assetCount, valueCount,
      kept.rawValue, keptPathRows, observers.count, nodes.count,
    ] { out.int(n) }
    for (node, value) in zip(nodes, values) {
      out.int(node.lowerBound)
      out.int(node.upperBound)
      for m in value.moments {
        out.u64(m.count.bitPattern)
        out.u64(m.mean.bitPattern)
        out.u64(m.squaredDeviations.bitPattern)
      }
      for (observer, partial) in zip(observers, value.custom) {
        let bytes = observer.encode(partial)
        out.int(bytes.count)
        out.bytes += bytes
      }
    }
    out.scalars(terminalPrices)
    out.scalars(portfolioValues)
    for path in keptPaths { out.scalars(path.storage) }
    return out.bytes
  }

  /// The largest asset and quantity counts a partial may declare (far above any model the
  /// engine can run: a d × d factor of 2²⁴ assets would be 2⁴⁸ values).
  static var countLimit: Int { 1 << 24 }

  /// Decodes `encoded()`'s bytes.
  ///
  /// - Throws: `.invalidPartial` naming what is wrong: another format or version, another
  ///   precision, counts that do not fit the bytes or each other, trailing bytes. Every count is
  ///   checked before anything is allocated for it.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  ///   A partial with custom observers (`PathObservers.custom`) needs them to decode:
  ///   use `PathSimulator.partial(encoded:)`.
  public init(encoded bytes: [UInt8]) throws(RiskKernelsError) {
    try self.init(encoded: bytes, observers: [])
  }

  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  init(
    encoded bytes: [UInt8], observers: [AnyPathObserver<Scalar>],
    fingerprint expected: UInt64? = nil
  ) throws(RiskKernelsError) {
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
    if let expected, fingerprint != expected {
      throw .invalidPartial(reason: "the partial comes from another run")
    }
    let groupCount = try input.int()
    let totalPaths = try input.int()
    let groups = try input.range()
    let assetCount = try input.int()
    let valueCount = try input.int()
    let kept = KeptValues(rawValue: try input.int())
    let keptPathRows = try input.int()
    let observerCount = try input.int()
    let nodeCount = try input.int()
    guard observerCount == observers.count else {
      throw .invalidPartial(
        reason: observers.isEmpty
          ? "the partial has \(observerCount) custom observers: decode it with PathSimulator.partial(encoded:)"
          : "\(observerCount) custom observers; the simulator has \(observers.count)")
    }
    let all: KeptValues = [.terminalPrices, .portfolioValues, .paths]
    guard totalPaths >= 1,
      groupCount
        == SimulationSettings(
          paths: totalPaths, steps: 1, horizon: 1, seed: 0
        ).groupCount,
      groups.upperBound <= groupCount,
      (1...Self.countLimit).contains(assetCount), valueCount <= Self.countLimit,
      all.isSuperset(of: kept),
      kept.contains(.paths)
        ? (2...SimulationSettings.stepsLimit + 1).contains(keptPathRows)
        : keptPathRows == 0
    else {
      throw .invalidPartial(reason: "inconsistent header")
    }
    let paths = Self.paths(ofGroups: groups, totalPaths: totalPaths)
    let tree = MergeTree(groupCount: groupCount)
    let cover = tree.cover(groups)
    guard nodeCount == cover.count else {
      throw .invalidPartial(reason: "\(nodeCount) tree nodes; groups need \(cover.count)")
    }
    var nodeValues: [NodeValue] = []
    for node in cover {
      guard try input.range() == node else {
        throw .invalidPartial(reason: "tree nodes do not tile the groups")
      }
      let samples = Double(Self.paths(ofGroups: node, totalPaths: totalPaths).count)
      try input.check(valueCount, bytesEach: 24)
      var values: [MomentAccumulator] = []
      values.reserveCapacity(valueCount)
      for _ in 0..<valueCount {
        let (count, mean, squares) = (
          Double(bitPattern: try input.u64()), Double(bitPattern: try input.u64()),
          Double(bitPattern: try input.u64())
        )
        guard count >= 0, count <= samples, count.rounded() == count else {
          throw .invalidPartial(reason: "a moment of \(count) samples in \(Int(samples)) paths")
        }
        values.append(MomentAccumulator(count: count, mean: mean, squaredDeviations: squares))
      }
      var custom: [any Sendable] = []
      for observer in observers {
        let length = try input.int()
        let bytes = try input.take(length)
        do {
          custom.append(try observer.decode(bytes))
        } catch {
          throw .invalidPartial(reason: "a custom observer's partial: \(error)")
        }
      }
      nodeValues.append(NodeValue(moments: values, custom: custom))
    }
    // Each kept array must have exactly its size, which `scalars(count:)` checks against the
    // bytes left before reading.
    let (priceCount, priceOverflow) = assetCount.multipliedReportingOverflow(by: paths.count)
    guard !priceOverflow else { throw .invalidPartial(reason: "terminal prices too large") }
    let prices: [Scalar] = try input.scalars(
      count: kept.contains(.terminalPrices) ? priceCount : 0, "terminal prices")
    let values: [Scalar] = try input.scalars(
      count: kept.contains(.portfolioValues) ? paths.count : 0, "portfolio values")
    var keptPaths: [Matrix<Scalar>] = []
    if kept.contains(.paths) {
      let (perPath, overflow) = keptPathRows.multipliedReportingOverflow(by: assetCount)
      guard !overflow else { throw .invalidPartial(reason: "kept paths too large") }
      try input.check(paths.count, bytesEach: 8 + perPath * MemoryLayout<Scalar>.size)
      for _ in paths {
        keptPaths.append(
          Matrix(
            uncheckedRows: keptPathRows, columns: assetCount,
            storage: try input.scalars(count: perPath, "a kept path")))
      }
    }
    guard input.atEnd else {
      throw .invalidPartial(reason: "\(bytes.count - input.offset) bytes after the partial")
    }
    self.init(
      groups: groups, groupCount: groupCount, totalPaths: totalPaths,
      runFingerprint: fingerprint, assetCount: assetCount, valueCount: valueCount, kept: kept,
      keptPathRows: keptPathRows, nodes: cover, values: nodeValues, observers: observers,
      terminalPrices: prices,
      portfolioValues: values, keptPaths: keptPaths)
  }
}
