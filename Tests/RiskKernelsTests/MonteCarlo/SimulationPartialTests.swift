import Testing
import _RiskKernelsTestSupport

@testable import RiskKernels

/// Every field of two results, bit for bit (`==` on Double is bitwise here: no NaN is expected
/// in these runs' estimates).
func expectIdentical<T: BLASScalar>(
  _ a: SimulationResult<T>, _ b: SimulationResult<T>, _ comment: Comment? = nil
) {
  #expect(a.terminal == b.terminal, comment)
  #expect(a.minimum == b.minimum, comment)
  #expect(a.maximum == b.maximum, comment)
  #expect(a.portfolio == b.portfolio, comment)
  #expect(a.lowerBarrierHits == b.lowerBarrierHits, comment)
  #expect(a.upperBarrierHits == b.upperBarrierHits, comment)
  #expect(a.barrierHits == b.barrierHits, comment)
  #expect(a.terminalPrices == b.terminalPrices, comment)
  #expect(a.portfolioValues == b.portfolioValues, comment)
  #expect(a.paths == b.paths, comment)
}

@Suite struct SimulationPartialTests {
  /// 7 full groups and a short one (N = 7·1024 + 302), with every observer that keeps or
  /// accumulates something.
  func simulator<T: BLASScalar>(
    _: T.Type, generator: NormalGenerator = .philox, antithetic: Bool = false,
    keepPaths: Bool = false, paths: Int = 7470, seed: UInt64 = 5
  ) throws -> PathSimulator<T> {
    let model = try threeAssetModel(T.self)
    let observers = PathObservers<T>(
      keepTerminalPrices: true, holdings: [1, 2, 5], keepPortfolioValues: true,
      lowerBarriers: [80, nil, 10], upperBarriers: [nil, 70, nil],
      barriers: [Barrier(.basket([1, 2, 5]), level: 150, direction: .down, strike: 160)],
      keepPaths: keepPaths)
    let settings = SimulationSettings(
      paths: paths, steps: 3, horizon: 0.25, seed: seed, antithetic: antithetic,
      generator: generator, threads: 2)
    return PathSimulator(model: model, settings: settings, observers: observers)
  }

  /// The run split into `parts` with `SimulationSettings.groups(part:of:)`, each part simulated
  /// on its own, merged left to right and right to left.
  func splitRuns<T: BLASScalar>(_ simulator: PathSimulator<T>, parts: Int) throws -> (
    SimulationResult<T>, SimulationResult<T>
  ) {
    let g = simulator.groupCount
    let partials = try (0..<parts).map {
      try simulator.run(
        groups: try SimulationSettings.groups(part: $0, of: parts, groupCount: g))
    }
    var left = partials[0]
    for p in partials.dropFirst() { left = try left.merging(p) }
    var right = partials[parts - 1]
    for p in partials.dropLast().reversed() { right = try p.merging(right) }
    return (try simulator.result(from: left), try simulator.result(from: right))
  }

  @Test(
    "A run split into 1–5 uneven parts, merged in any grouping, gives the whole run's bits",
    arguments: NormalGenerator.allCases, [false, true])
  func splitInvariance(generator: NormalGenerator, antithetic: Bool) throws {
    for precision in 0..<2 {
      func check<T: BLASScalar>(_: T.Type) throws {
        let simulator = try self.simulator(T.self, generator: generator, antithetic: antithetic)
        let whole = try simulator.run()
        for parts in [1, 2, 3, 5] {
          let (left, right) = try splitRuns(simulator, parts: parts)
          expectIdentical(left, whole, "\(T.self), \(parts) parts, left to right")
          expectIdentical(right, whole, "\(T.self), \(parts) parts, right to left")
        }
      }
      if precision == 0 { try check(Double.self) } else { try check(Float.self) }
    }
  }

  @Test("More parts than groups: the empty parts merge as identities; kept paths concatenate")
  func morePartsThanGroups() throws {
    let simulator = try self.simulator(Double.self, keepPaths: true, paths: 2050)
    #expect(simulator.groupCount == 3)
    let whole = try simulator.run()
    let (left, right) = try splitRuns(simulator, parts: 7)
    expectIdentical(left, whole)
    expectIdentical(right, whole)
  }

  @Test("Partials encode to bytes and decode back exactly (Float and Double)")
  func encodingRoundTrip() throws {
    func check<T: BLASScalar>(_: T.Type) throws {
      let simulator = try self.simulator(T.self, keepPaths: true, paths: 3000)
      let g = simulator.groupCount
      let a = try simulator.run(groups: 0..<1)
      let b = try simulator.run(groups: 1..<g)
      let bytes = a.encoded()
      let decoded = try SimulationPartial<T>(encoded: bytes)
      #expect(decoded.encoded() == bytes)
      #expect(decoded.groups == a.groups && decoded.paths == a.paths)
      let viaBytes = try simulator.result(
        from: decoded.merging(SimulationPartial<T>(encoded: b.encoded())))
      expectIdentical(viaBytes, try simulator.run(), "\(T.self)")
    }
    try check(Double.self)
    try check(Float.self)
  }

  @Test("Partials of another run, ranges that do not meet and incomplete partials are refused")
  func misuse() throws {
    let simulator = try self.simulator(Double.self)
    let g = simulator.groupCount
    let first = try simulator.run(groups: 0..<2)
    let third = try simulator.run(groups: 4..<g)
    #expect(throws: RiskKernelsError.self) { try first.merging(third) }
    #expect(throws: RiskKernelsError.self) { try third.merging(first) }
    let otherSeed = try self.simulator(Double.self, seed: 6).run(groups: 2..<g)
    #expect(throws: RiskKernelsError.self) { try first.merging(otherSeed) }
    #expect(throws: RiskKernelsError.self) { try simulator.result(from: first) }
    let other = try self.simulator(Double.self, seed: 6)
    #expect(throws: RiskKernelsError.self) {
      try simulator.result(from: other.run(groups: 0..<g))
    }
    #expect(throws: RiskKernelsError.self) { try simulator.run(groups: 0..<(g + 1)) }
    // The same bytes read as the other precision.
    #expect(throws: RiskKernelsError.self) {
      try SimulationPartial<Float>(encoded: first.encoded())
    }
  }

  @Test("Damaged encodings are typed errors, never a crash: every truncation, seeded byte flips")
  func damagedEncodings() throws {
    let simulator = try self.simulator(Float.self, paths: 1100)
    let bytes = try simulator.run(groups: 0..<2).encoded()
    // Every length through the header and the moments, then every 97th.
    let header = Swift.min(bytes.count, 512)
    for length in Array(0..<header) + Array(stride(from: header, to: bytes.count, by: 97)) {
      #expect(throws: RiskKernelsError.self) {
        try SimulationPartial<Float>(encoded: Array(bytes[0..<length]))
      }
    }
    #expect(throws: RiskKernelsError.self) { try SimulationPartial<Float>(encoded: bytes + [0]) }
    var random = SplitMix64(seed: 17)
    var decodedAfterFlip = 0
    for _ in 0..<500 {
      var damaged = bytes
      // Mostly in the header and moments, where counts and ranges live.
      let at = Int(random.next() % UInt64(Swift.min(bytes.count, 400)))
      damaged[at] ^= UInt8(1 << (random.next() % 8))
      if (try? SimulationPartial<Float>(encoded: damaged)) != nil { decodedAfterFlip += 1 }
    }
    // Flips inside the values decode (the format has no checksum); flips in the structure don't.
    #expect(decodedAfterFlip < 500)
  }

  @Test(
    "The merge tree: covers tile a range with at most 2⌈log₂G⌉ nodes, and any split reduces to one root"
  )
  func mergeTree() {
    for g in [1, 2, 3, 5, 8, 13, 64, 100] {
      let tree = MergeTree(groupCount: g)
      let leaves = { (node: Range<Int>) -> String? in node.count == 1 ? "\(node.lowerBound)" : nil }
      let root = tree.reduce(over: 0..<g, known: leaves) { "(\($0) \($1))" }!
      #expect(root.count == 1)
      let bound = 2 * (Int.bitWidth - (g - 1).leadingZeroBitCount)
      for a in 0...g {
        for b in a...g {
          let cover = tree.cover(a..<b)
          #expect(cover.count <= Swift.max(bound, 1), "G \(g), \(a)..<\(b)")
          #expect(cover.allSatisfy { tree.contains($0) })
          #expect(cover.flatMap { Array($0) } == Array(a..<b))
          guard a < b, b < g else { continue }
          // Two parts' covers, reduced again over their union, give the root's expression.
          let left = tree.reduce(over: 0..<a, known: leaves) { "(\($0) \($1))" }!
          let middle = tree.reduce(over: a..<b, known: leaves) { "(\($0) \($1))" }!
          let right = tree.reduce(over: b..<g, known: leaves) { "(\($0) \($1))" }!
          var known: [Range<Int>: String] = [:]
          for (node, v) in zip(
            tree.cover(0..<a) + tree.cover(a..<b) + tree.cover(b..<g), left + middle + right)
          {
            known[node] = v
          }
          #expect(
            tree.reduce(over: 0..<g, known: { known[$0] }, merge: { "(\($0) \($1))" }) == root)
        }
      }
    }
  }

  @Test("Crafted headers with extreme counts are typed errors: no overflow, no huge allocation")
  func craftedHeaders() throws {
    // Version 3: groups, paths, range, assets, observers, built-in observers, nodes.
    func header(
      groups g: Int, paths n: Int, range: (Int, Int), assets d: Int, observers o: Int,
      builtIn b: Int, nodes: Int
    ) -> [UInt8] {
      var bytes = Array("RKSP".utf8)
      func word(_ v: UInt64, _ width: Int) {
        for k in 0..<width { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * k))) }
      }
      word(UInt64(SimulationPartial<Double>.encodingVersion), 4)
      word(8, 4)
      word(0x1234, 8)
      for v in [g, n, range.0, range.1, d, o, b, nodes] {
        word(UInt64(bitPattern: Int64(v)), 8)
      }
      return bytes
    }
    let big = 1 << 48
    let cases: [[UInt8]] = [
      header(
        groups: 1 << 38, paths: big, range: (0, 1 << 38), assets: 1 << 24, observers: 1,
        builtIn: 1, nodes: 1),
      header(
        groups: 1, paths: 1, range: (0, 1), assets: 1 << 48, observers: 1, builtIn: 1, nodes: 1),
      header(
        groups: 1, paths: 1, range: (0, 1), assets: 1, observers: 1 << 40, builtIn: 0, nodes: 1),
      header(groups: 1, paths: 1, range: (0, 1), assets: 1, observers: 1, builtIn: 2, nodes: 1),
      // Custom observers cannot be decoded without the simulator.
      header(groups: 1, paths: 1, range: (0, 1), assets: 1, observers: 2, builtIn: 1, nodes: 1),
      header(groups: 2, paths: 1, range: (0, 1), assets: 1, observers: 1, builtIn: 1, nodes: 1),
      header(groups: 1, paths: -1, range: (0, 1), assets: 1, observers: 1, builtIn: 1, nodes: 1),
      header(groups: 1, paths: 1, range: (1, 0), assets: 1, observers: 1, builtIn: 1, nodes: 1),
      header(groups: 1, paths: 1, range: (0, 1), assets: 1, observers: 1, builtIn: 1, nodes: 5),
    ]
    for (k, bytes) in cases.enumerated() {
      for tail in [[UInt8](), [UInt8](repeating: 0, count: 64)] {
        #expect(throws: RiskKernelsError.self, "case \(k)") {
          try SimulationPartial<Double>(encoded: bytes + tail)
        }
      }
    }
    func words(_ values: [UInt64]) -> [UInt8] {
      values.flatMap { v in (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    }
    // One node (groups 0..<1) holding one built-in observer's partial.
    func node(_ partial: [UInt64]) -> [UInt8] {
      header(groups: 1, paths: 10, range: (0, 1), assets: 1, observers: 1, builtIn: 1, nodes: 1)
        + words([0, 1, UInt64(partial.count * 8)] + partial)
    }
    // A well-formed one decodes: one moment of 10 samples, one chunk of one value.
    _ = try SimulationPartial<Double>(encoded: node([1, (10.0).bitPattern, 0, 0, 1, 1, 0]))
    // A moment of more samples than the node's paths; a huge moment or chunk count.
    for partial: [[UInt64]] in [
      [[1, (11.0).bitPattern, 0, 0, 0]], [[1 << 40, 0]], [[0, 1 << 40]], [[0, 1, 1 << 40]],
    ] {
      #expect(throws: RiskKernelsError.self) {
        try SimulationPartial<Double>(encoded: node(partial[0]))
      }
    }
  }

  @Test(
    "Partials that decode but do not fit the run are typed errors in result(from:) and tailCandidates, never a crash"
  )
  func illFittingPartials() throws {
    let simulator = try self.simulator(Double.self, keepPaths: true, paths: 2100)
    let partial = try simulator.run(groups: 0..<simulator.groupCount)
    // One built-in observer's kept chunk at a time made a value short, or dropped.
    let node = partial.values[0]
    var keeping = 0
    for k in 0..<partial.builtInCount {
      guard let values = node.observed[k] as? ObservedValues<Double>, !values.kept.isEmpty else {
        continue
      }
      keeping += 1
      for damage in 0..<2 {
        var damaged = values
        if damage == 0 { damaged.kept[1].removeLast() } else { damaged.kept.removeLast() }
        var observed = node.observed
        observed[k] = damaged
        let bad = SimulationPartial(
          groups: partial.groups, groupCount: partial.groupCount, totalPaths: partial.totalPaths,
          runFingerprint: partial.runFingerprint, assetCount: partial.assetCount,
          nodes: partial.nodes, values: [.init(observed: observed)], observers: partial.observers,
          builtInCount: partial.builtInCount)
        // Through bytes too: the decoder accepts the chunks; the run's checks refuse them.
        let decoded = try SimulationPartial<Double>(encoded: bad.encoded())
        for candidate in [bad, decoded] {
          #expect(throws: RiskKernelsError.self, "observer \(k)") {
            try simulator.result(from: candidate)
          }
        }
      }
    }
    #expect(keeping == 3)  // terminal prices, portfolio values, paths
    // A partial of another run (a quantile pass's, with no built-in observers) and of a run
    // without kept portfolio values: tail candidates refuse both.
    let varSimulator = MonteCarloVaR.portfolioSimulator(
      model: simulator.model, holdings: [1, 2, 5], settings: simulator.settings)
    #expect(throws: RiskKernelsError.self) {
      try MonteCarloVaR(confidence: 0.99).tailCandidates(from: partial, simulator: varSimulator)
    }
    let selection = try TerminalQuantileSelection<Double>(
      probabilities: [0.5], paths: simulator.settings.paths, assets: 3)
    let pass = try #require(selection.passSimulator(of: varSimulator))
    let passPartial = try pass.run(groups: 0..<pass.groupCount)
    #expect(throws: RiskKernelsError.self) {
      try MonteCarloVaR(confidence: 0.99).tailCandidates(from: passPartial, simulator: varSimulator)
    }
  }

  @Test("Many partials merge in one call, with the bits of pairwise merging")
  func mergeList() throws {
    let simulator = try self.simulator(Double.self, keepPaths: true, paths: 5000)
    let g = simulator.groupCount
    let parts = try (0..<4).map {
      try simulator.run(groups: try SimulationSettings.groups(part: $0, of: 4, groupCount: g))
    }
    let once = try SimulationPartial.merging(parts)
    expectIdentical(try simulator.result(from: once), try simulator.run())
    #expect(throws: RiskKernelsError.self) { try SimulationPartial<Double>.merging([]) }
    #expect(throws: RiskKernelsError.self) {
      try SimulationPartial.merging([parts[0], parts[2]])
    }
    #expect(throws: RiskKernelsError.self) { try simulator.run(groups: -1..<1) }
  }

  @Test("Groups split into parts: contiguous, in order, covering 0..<G, sizes within one")
  func groupSplit() throws {
    for g in [0, 1, 2, 7, 8, 100, 1023] {
      for parts in 1...9 {
        let ranges = try (0..<parts).map {
          try SimulationSettings.groups(part: $0, of: parts, groupCount: g)
        }
        #expect(ranges.first!.lowerBound == 0 && ranges.last!.upperBound == g)
        for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
        let sizes = ranges.map(\.count)
        #expect(sizes.max()! - sizes.min()! <= 1, "G \(g), \(parts) parts")
      }
    }
    // Impossible splits are typed errors, not traps.
    #expect(throws: RiskKernelsError.self) {
      try SimulationSettings.groups(part: 0, of: 0, groupCount: 4)
    }
    #expect(throws: RiskKernelsError.self) {
      try SimulationSettings.groups(part: 3, of: 3, groupCount: 4)
    }
    #expect(throws: RiskKernelsError.self) {
      try SimulationSettings.groups(part: -1, of: 3, groupCount: 4)
    }
    #expect(throws: RiskKernelsError.self) {
      try SimulationSettings.groups(part: 0, of: 3, groupCount: -1)
    }
  }

  @Test("Empirical ES has the same bits for any order of the sample")
  func expectedShortfallOrder() throws {
    var random = SplitMix64(seed: 3)
    let sample = (0..<20_000).map { _ in Double(random.next() % 1_000_000) / 1e6 - 0.5 + 1e-9 }
    let reference = try EmpiricalVaR(confidence: 0.99).measure(sample)
    for _ in 0..<5 {
      var shuffled = sample
      shuffled.shuffle(using: &random)
      let other = try EmpiricalVaR(confidence: 0.99).measure(shuffled)
      #expect(other.expectedShortfall.bitPattern == reference.expectedShortfall.bitPattern)
      #expect(other.valueAtRisk == reference.valueAtRisk)
    }
  }
}
