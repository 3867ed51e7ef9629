import Testing
import _RiskKernelsTestSupport

@testable import RiskKernels

@Suite struct TerminalQuantileSelectionTests {
  static let probabilities = [0, 0.01, 0.05, 0.3, 0.5, 0.95, 0.99, 1]

  func simulator<T: BLASScalar>(
    _: T.Type, paths: Int = 7470, antithetic: Bool = false,
    generator: NormalGenerator = .philox, threads: Int = 2
  ) throws -> PathSimulator<T> {
    let settings = SimulationSettings(
      paths: paths, steps: 3, horizon: 0.25, seed: 11, antithetic: antithetic,
      generator: generator, threads: threads)
    return PathSimulator(
      model: try threeAssetModel(T.self), settings: settings,
      observers: PathObservers(keepTerminalPrices: true))
  }

  @Test("Order-preserving keys: x < y ⇔ key(x) < key(y), and back to the same bits")
  func orderedKeys() {
    var generator = SplitMix64(seed: 3)
    for _ in 0..<2000 {
      let x = Double(bitPattern: generator.next())
      let y = Double(bitPattern: generator.next())
      guard x.isFinite, y.isFinite else { continue }
      #expect((x < y) == (OrderedKey.key(x) < OrderedKey.key(y)), "\(x) \(y)")
      #expect(OrderedKey.value(OrderedKey.key(x), as: Double.self).bitPattern == x.bitPattern)
      let (f, g) = (Float(x), Float(y))
      // Doubles beyond Float's range round to ±0 and ±∞: −0 and +0 are equal but keyed apart.
      if f != g { #expect((f < g) == (OrderedKey.key(f) < OrderedKey.key(g)), "\(f) \(g)") }
      #expect(OrderedKey.value(OrderedKey.key(f), as: Float.self).bitPattern == f.bitPattern)
    }
    #expect(OrderedKey.key(-0.0) < OrderedKey.key(0.0))
    #expect(OrderedKey.key(-Double.greatestFiniteMagnitude) < OrderedKey.key(-1.0))
  }

  @Test(
    "The selection gives linearQuantiles' bits on the kept prices, with any gather limit",
    arguments: [1, 100, 5000, 1 << 20])
  func exactAgainstKeptPrices(gatherLimit: Int) throws {
    func check<T: BLASScalar>(_: T.Type) throws {
      for antithetic in [false, true] {
        let simulator = try self.simulator(T.self, antithetic: antithetic)
        let kept = try simulator.run().terminalQuantiles(Self.probabilities)
        var selection = try TerminalQuantileSelection<T>(
          probabilities: Self.probabilities, paths: simulator.settings.paths, assets: 3,
          gatherLimit: gatherLimit)
        while let pass = selection.passSimulator(of: simulator) {
          try selection.advance(with: pass.run())
        }
        #expect(selection.quantiles == kept, "\(T.self), limit \(gatherLimit), \(antithetic)")
        // A key has 64 (32) bits, resolved 12 at a time, then at most one gathering pass.
        let most = (OrderedKey.width(T.self) + 11) / 12
        #expect(selection.passesDone <= most)
        if gatherLimit >= 3 * 7470 { #expect(selection.passesDone == 1) }
        if gatherLimit == 1 { #expect(selection.passesDone == most) }
      }
    }
    try check(Double.self)
    try check(Float.self)
  }

  @Test("Small and odd path counts: 2, 3, 17 and one group and a path")
  func smallRuns() throws {
    for paths in [2, 3, 17, 1025] {
      let simulator = try self.simulator(Double.self, paths: paths)
      let kept = try simulator.run().terminalQuantiles(Self.probabilities)
      #expect(try simulator.terminalQuantiles(Self.probabilities, gatherLimit: 1) == kept)
      #expect(try simulator.terminalQuantiles(Self.probabilities) == kept)
    }
  }

  @Test("The first pass rides along with the main run; passes split across parts merge exactly")
  func firstPassAndSplits() throws {
    let simulator = try self.simulator(Double.self, generator: .mt19937)
    let kept = try simulator.run().terminalQuantiles(Self.probabilities)
    var selection = try TerminalQuantileSelection<Double>(
      probabilities: Self.probabilities, paths: simulator.settings.paths, assets: 3,
      gatherLimit: 64)
    var main = simulator
    main.observers = PathObservers()
    main.observers.custom = [selection.pass!]
    let result = try main.run()
    #expect(result.terminal == (try simulator.run()).terminal)
    try selection.advance(with: result)
    while let pass = selection.passSimulator(of: simulator) {
      // Each pass in three uneven parts, encoded and decoded as between processes.
      let g = pass.groupCount
      let parts = try (0..<3).map {
        try pass.partial(
          encoded: pass.run(
            groups: SimulationSettings.groups(part: $0, of: 3, groupCount: g)
          ).encoded())
      }
      try selection.advance(with: pass.result(from: SimulationPartial.merging(parts)))
    }
    #expect(selection.quantiles == kept)
  }

  @Test("Quantiles are the same for any thread count")
  func threadInvariance() throws {
    let one = try simulator(Float.self, threads: 1).terminalQuantiles(
      Self.probabilities, gatherLimit: 10)
    let two = try simulator(Float.self, threads: 2).terminalQuantiles(
      Self.probabilities, gatherLimit: 10)
    #expect(one == two)
  }

  @Test("A pass of other paths, a foreign partial or bad settings are refused")
  func refusals() throws {
    #expect(throws: RiskKernelsError.self) {
      try TerminalQuantileSelection<Double>(probabilities: [1.5], paths: 10, assets: 1)
    }
    #expect(throws: RiskKernelsError.self) {
      try TerminalQuantileSelection<Double>(probabilities: [0.5], paths: 0, assets: 1)
    }
    #expect(throws: RiskKernelsError.self) {
      try TerminalQuantileSelection<Double>(
        probabilities: [0.5], paths: 10, assets: 1, gatherLimit: 0)
    }
    let simulator = try self.simulator(Double.self)
    var selection = try TerminalQuantileSelection<Double>(
      probabilities: [0.5], paths: simulator.settings.paths, assets: 3, gatherLimit: 10)
    try selection.advance(with: selection.passSimulator(of: simulator)!.run())
    // The second pass run on another seed's paths counts other buckets.
    var other = simulator
    other.settings.seed = 12
    var wrong = selection
    #expect(throws: RiskKernelsError.self) {
      try wrong.advance(with: selection.passSimulator(of: other)!.run())
    }
    // A run without the pass.
    #expect(throws: RiskKernelsError.self) { try wrong.advance(with: simulator.run()) }
    // Crafted counts whose sum wraps around to the expected count, and gathered prices outside
    // their bucket or not finite: refused, never a trap or a NaN quantile.
    let good = try #require(
      selection.passSimulator(of: simulator)!.run().observed(
        0, as: TerminalQuantilePass<Double>.Partial.self))
    var wrapping = good
    if let q = wrapping.counts.indices.first(where: { !wrapping.counts[$0].isEmpty }) {
      let expected = wrapping.counts[q].reduce(0, +)
      wrapping.counts[q] = [Int](repeating: 0, count: wrapping.counts[q].count)
      wrapping.counts[q][0] = Int.max
      wrapping.counts[q][1] = Int.max
      wrapping.counts[q][2] = expected &+ 2
      #expect(throws: RiskKernelsError.self) { try wrong.advance(with: wrapping) }
    }
    // A first pass that gathers everything (the limit holds all prices), one price replaced.
    var gathering = try TerminalQuantileSelection<Double>(
      probabilities: [0.5], paths: simulator.settings.paths, assets: 3)
    let all = try #require(
      gathering.passSimulator(of: simulator)!.run().observed(
        0, as: TerminalQuantilePass<Double>.Partial.self))
    #expect(all.values.allSatisfy { !$0.isEmpty })
    for bad in [Double.nan, .infinity] {
      var outside = all
      outside.values[0][0] = bad
      var copy = gathering
      #expect(throws: RiskKernelsError.self) { try copy.advance(with: outside) }
    }
    try gathering.advance(with: all)
    #expect(gathering.quantiles != nil)
    // A second pass that gathers one bucket: a price from outside the bucket is refused.
    var narrowing = try TerminalQuantileSelection<Double>(
      probabilities: [0.5], paths: simulator.settings.paths, assets: 3, gatherLimit: 8000)
    try narrowing.advance(with: narrowing.passSimulator(of: simulator)!.run())
    let second = try #require(
      narrowing.passSimulator(of: simulator)!.run().observed(
        0, as: TerminalQuantilePass<Double>.Partial.self))
    let q = try #require(second.values.indices.first { !second.values[$0].isEmpty })
    for bad in [-1.0, 1e300, 0] {
      var outside = second
      outside.values[q][0] = bad
      var copy = narrowing
      #expect(throws: RiskKernelsError.self) { try copy.advance(with: outside) }
    }
    try narrowing.advance(with: second)
  }

  @Test("A pass's partial encodes exactly; truncations and flips are refused or decode to bytes")
  func encoding() throws {
    let simulator = try self.simulator(Double.self, paths: 3000)
    var selection = try TerminalQuantileSelection<Double>(
      probabilities: [0.05, 0.5], paths: 3000, assets: 3, gatherLimit: 500)
    try selection.advance(with: selection.passSimulator(of: simulator)!.run())
    let pass = selection.pass!
    #expect(pass.queries.contains { $0.gathers } || pass.queries.contains { !$0.gathers })
    let partial = try #require(
      selection.passSimulator(of: simulator)!.run().observed(
        0, as: TerminalQuantilePass<Double>.Partial.self))
    let bytes = pass.encode(partial)
    #expect(try pass.decode(bytes) == partial)
    for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 97)) {
      #expect(throws: (any Error).self) { try pass.decode(Array(bytes[..<cut])) }
    }
    #expect(throws: (any Error).self) { try pass.decode(bytes + [0]) }
    var generator = SplitMix64(seed: 9)
    for _ in 0..<200 {
      var flipped = bytes
      let at = Int(generator.next() % UInt64(bytes.count))
      flipped[at] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
      // Either refused or decoded to something the selection then checks; never a trap.
      if let decoded = try? pass.decode(flipped) {
        var copy = selection
        _ = try? copy.advance(with: decoded)
      }
    }
  }

  @Test("Memory: the engine holds a pass's partials for O(threads · log G) tree nodes, not G")
  func boundedNodes() throws {
    // 300 groups finishing in order: the values waiting at any time are at most one per level.
    let tree = MergeTree(groupCount: 300)
    let reduction = NodeReduction<Double>(tree: tree, range: 0..<300, observers: [])
    var most = 0
    for g in 0..<300 {
      reduction.add(group: g, .init(observed: []))
      most = max(most, reduction.waitingCount)
    }
    #expect(most <= 9)  // ⌈log₂ 300⌉
    #expect(reduction.coverValues.count == 1)
  }
}
