import Foundation
import RiskKernels
import Testing

/// Per path, the same quantities through every kind of need: asset 0's running minimum from the
/// engine (`.runningMinima`), from the chunks of prices (`.stepPrices`, carried in the partial),
/// and from the whole path (`.pricesAtEveryStep`); and the last chunk's log-price of asset 0
/// (`.stepLogPrices`) beside its terminal price. The partial keeps every path's row, in order.
struct NeedsProbe<Scalar: BLASScalar>: PathObserver {
  struct Partial: Sendable, Equatable {
    /// Per path: the engine's minimum (time 0 included), the chunks' and the whole path's
    /// minimum over the dates after time 0, the last log-price, the terminal price, the spot.
    var rows: [[Double]] = []
    /// Per block path, the running minimum over the chunks and the last log-price seen.
    var chunkMinimum: [Double] = []
    var lastLog: [Double] = []
    /// The next chunk's expected first step, per kind (log, prices); false once out of order.
    var nextStep = [0, 0]
    var inOrder = true

    static func == (a: Partial, b: Partial) -> Bool { a.rows == b.rows && a.inOrder == b.inOrder }
  }

  var needs: PathObserverNeeds {
    [.runningMinima, .stepPrices, .stepLogPrices, .pricesAtEveryStep]
  }

  func makePartial() -> Partial { Partial() }

  func observe(steps: PathSteps<Scalar>, into partial: inout Partial) {
    let kind = steps.areLogPrices ? 0 : 1
    if steps.firstStep == 0 {
      partial.nextStep[kind] = 0
      if steps.areLogPrices {
        partial.lastLog = Array(repeating: .nan, count: steps.pathCount)
      } else {
        partial.chunkMinimum = Array(repeating: .infinity, count: steps.pathCount)
      }
    }
    if steps.firstStep != partial.nextStep[kind] { partial.inOrder = false }
    partial.nextStep[kind] = steps.firstStep + steps.stepCount
    for p in 0..<steps.pathCount {
      for s in 0..<steps.stepCount {
        let x = Double(steps.value(path: p, step: s, asset: 0))
        if steps.areLogPrices {
          partial.lastLog[p] = x
        } else {
          partial.chunkMinimum[p] = min(partial.chunkMinimum[p], x)
        }
      }
    }
  }

  func observe(_ block: PathBlock<Scalar>, into partial: inout Partial) {
    for p in 0..<block.pathCount {
      var whole = Double.infinity
      for s in 1...block.steps {
        whole = min(whole, Double(block.price(path: p, step: s, asset: 0)))
      }
      partial.rows.append([
        Double(block.runningMinimum(path: p, asset: 0)), partial.chunkMinimum[p], whole,
        partial.lastLog[p], Double(block.terminalPrice(path: p, asset: 0)),
        Double(block.price(path: p, step: 0, asset: 0)),
      ])
    }
  }

  func merge(_ left: Partial, _ right: Partial) -> Partial {
    Partial(rows: left.rows + right.rows, inOrder: left.inOrder && right.inOrder)
  }

  func encode(_ partial: Partial) -> [UInt8] {
    let words =
      [partial.inOrder ? 1 : 0, partial.rows.count].map { UInt64($0) }
      + partial.rows.flatMap { $0.map(\.bitPattern) }
    return words.flatMap { w in (0..<8).map { UInt8(truncatingIfNeeded: w >> (8 * $0)) } }
  }

  func decode(_ bytes: [UInt8]) throws -> Partial {
    guard bytes.count % 8 == 0, bytes.count >= 16 else { throw CocoaError(.coderReadCorrupt) }
    let words = stride(from: 0, to: bytes.count, by: 8).map { k in
      (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[k + $1]) << (8 * $1) }
    }
    let count = Int(words[1])
    guard words.count == 2 + 6 * count else { throw CocoaError(.coderReadCorrupt) }
    return Partial(
      rows: (0..<count).map { r in (0..<6).map { Double(bitPattern: words[2 + 6 * r + $0]) } },
      inOrder: words[0] == 1)
  }
}

@Suite struct PathObserverNeedsTests {
  func simulator<T: BLASScalar>(
    _: T.Type, threads: Int = 2, block: Int? = nil, antithetic: Bool = false,
    generator: NormalGenerator = .philox
  ) throws -> PathSimulator<T> {
    var observers = PathObservers<T>(extremes: false)
    observers.custom = [NeedsProbe<T>()]
    // 60 steps of 3 assets in blocks of up to 1 000 paths: several chunks a block.
    let settings = SimulationSettings(
      paths: 2300, steps: 60, horizon: 0.5, seed: 4, antithetic: antithetic,
      generator: generator, threads: threads, blockPaths: block)
    return PathSimulator(
      model: try threeAssetModel(T.self), settings: settings, observers: observers)
  }

  @Test(
    "Every need gives the same per-path numbers: running minima from the engine, the chunks and whole paths agree bit for bit"
  )
  func needsAgree() throws {
    func check<T: BLASScalar>(_: T.Type, tolerance: Double) throws {
      for antithetic in [false, true] {
        for block in [nil, 2, 250, 1000] {
          let probe = try simulator(T.self, block: block, antithetic: antithetic).run()
          let partial = try #require(probe.observed(0, as: NeedsProbe<T>.Partial.self))
          #expect(partial.inOrder)
          #expect(partial.rows.count == 2300)
          for row in partial.rows {
            #expect(row[1] == row[2], "\(T.self) \(row)")
            // The engine starts from exp(ln S₀), which may differ from S₀ in the last bit.
            if row[1] < row[5] * (1 - 1e-4) {
              #expect(row[0] == row[1], "\(T.self) \(row)")
            } else {
              #expect(abs(row[0] - min(row[1], row[5])) <= tolerance * row[5], "\(row)")
            }
            // exp of the last log-price (Foundation's exp) against SLEEF's terminal price.
            #expect(abs(Foundation.exp(row[3]) - row[4]) <= tolerance * row[4], "\(row)")
          }
        }
      }
    }
    try check(Double.self, tolerance: 1e-14)
    try check(Float.self, tolerance: 1e-6)
  }

  @Test("A streaming observer's partial has the same bits for any threads, blocks and split")
  func streamingMerges() throws {
    func check<T: BLASScalar>(_: T.Type, generator: NormalGenerator) throws {
      let reference = try simulator(T.self, threads: 1, generator: generator)
      let expected = try #require(
        reference.run().observed(0, as: NeedsProbe<T>.Partial.self))
      for (threads, block) in [(2, nil), (2, 2), (1, 998)] as [(Int, Int?)] {
        let other = try simulator(T.self, threads: threads, block: block, generator: generator)
        #expect(try other.run().observed(0, as: NeedsProbe<T>.Partial.self) == expected)
      }
      let g = reference.groupCount
      let parts = try [0..<1, 1..<(g - 1), (g - 1)..<g].map {
        try reference.partial(encoded: reference.run(groups: $0).encoded())
      }
      let merged = try reference.result(from: SimulationPartial.merging(parts))
      #expect(merged.observed(0, as: NeedsProbe<T>.Partial.self) == expected)
    }
    try check(Double.self, generator: .philox)
    try check(Float.self, generator: .mt19937)
  }
}
