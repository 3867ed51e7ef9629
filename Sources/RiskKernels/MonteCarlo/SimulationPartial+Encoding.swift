extension SimulationPartial {
  /// The encoding's first bytes, "RKSP", and its version.
  static var magic: [UInt8] { Array("RKSP".utf8) }
  /// The version of `encoded()`'s format; a partial of another version is refused.
  public static var encodingVersion: UInt32 { 3 }

  /// The partial as bytes (version 3, little-endian): the header, then each tree node's
  /// observers' partials, each as its length and its observer's `encode` bytes (the built-in
  /// observers' moments as IEEE-754 bit patterns, then their kept values). `init(encoded:)`
  /// restores it exactly.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public func encoded() -> [UInt8] {
    var out = PartialWriter()
    let encodedNodes = values.map { value in
      zip(observers, value.observed).map { $0.encode($1) }
    }
    out.bytes.reserveCapacity(
      128 + 8 * observers.count
        + encodedNodes.reduce(0) { $0 + 16 + $1.reduce(0) { $0 + 8 + $1.count } })
    out.bytes += Self.magic
    out.u32(Self.encodingVersion)
    out.u32(UInt32(MemoryLayout<Scalar>.size))
    out.u64(runFingerprint)
    for n in [
      groupCount, totalPaths, groups.lowerBound, groups.upperBound, assetCount, observers.count,
      builtInCount, nodes.count,
    ] { out.int(n) }
    for (node, partials) in zip(nodes, encodedNodes) {
      out.int(node.lowerBound)
      out.int(node.upperBound)
      for bytes in partials {
        out.int(bytes.count)
        out.bytes += bytes
      }
    }
    return out.bytes
  }

  /// The largest asset count a partial may declare (far above any model the engine can run: a
  /// d × d factor of 2²⁴ assets would be 2⁴⁸ values).
  static var countLimit: Int { 1 << 24 }

  /// The most built-in observers a run has: terminal prices, running extremes, portfolio,
  /// barriers and kept paths (`SimulationPlan.Roles`).
  static var builtInObserverLimit: Int { 5 }

  /// Decodes `encoded()`'s bytes of a run without custom observers.
  ///
  /// - Throws: `.invalidPartial` naming what is wrong: another format or version, another
  ///   precision, counts that do not fit the bytes or each other, trailing bytes. Every count is
  ///   checked before anything is allocated for it. A partial with custom observers
  ///   (`PathObservers.custom`) needs them to decode: use `PathSimulator.partial(encoded:)`.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public init(encoded bytes: [UInt8]) throws(RiskKernelsError) {
    try self.init(encoded: bytes, observers: nil)
  }

  /// Decodes with the run's `observers` (`nil`: the built-in ones only, whatever they are).
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  init(
    encoded bytes: [UInt8], observers expectedObservers: [AnyPathObserver<Scalar>]?,
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
    let observerCount = try input.int()
    let builtInCount = try input.int()
    let nodeCount = try input.int()
    guard totalPaths >= 1,
      groupCount
        == SimulationSettings(
          paths: totalPaths, steps: 1, horizon: 1, seed: 0
        ).groupCount,
      groups.upperBound <= groupCount,
      (1...Self.countLimit).contains(assetCount), builtInCount <= observerCount,
      builtInCount <= Self.builtInObserverLimit
    else {
      throw .invalidPartial(reason: "inconsistent header")
    }
    let observers: [AnyPathObserver<Scalar>]
    if let expectedObservers {
      guard observerCount == expectedObservers.count else {
        throw .invalidPartial(
          reason: "\(observerCount) observers; the simulator has \(expectedObservers.count)")
      }
      guard
        expectedObservers.indices.allSatisfy({
          expectedObservers[$0].isBuiltIn == ($0 < builtInCount)
        })
      else {
        throw .invalidPartial(reason: "\(builtInCount) built-in observers; the simulator's differ")
      }
      observers = expectedObservers
    } else {
      guard observerCount == builtInCount else {
        throw .invalidPartial(
          reason:
            "the partial has \(observerCount - builtInCount) custom observers: decode it with PathSimulator.partial(encoded:)"
        )
      }
      observers = Array(repeating: .builtInStandIn, count: builtInCount)
    }
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
      let samples = Self.paths(ofGroups: node, totalPaths: totalPaths).count
      var observed: [any Sendable] = []
      for (k, observer) in observers.enumerated() {
        let length = try input.int()
        let bytes = try input.take(length)
        if k < builtInCount {
          let values = try ObservedValues<Scalar>(encoded: bytes)
          try values.check(samples: samples)
          observed.append(values)
          continue
        }
        do {
          observed.append(try observer.decode(bytes))
        } catch {
          throw .invalidPartial(reason: "a custom observer's partial: \(error)")
        }
      }
      nodeValues.append(NodeValue(observed: observed))
    }
    guard input.atEnd else {
      throw .invalidPartial(reason: "\(bytes.count - input.offset) bytes after the partial")
    }
    self.init(
      groups: groups, groupCount: groupCount, totalPaths: totalPaths,
      runFingerprint: fingerprint, assetCount: assetCount, nodes: cover, values: nodeValues,
      observers: observers, builtInCount: builtInCount)
  }
}
