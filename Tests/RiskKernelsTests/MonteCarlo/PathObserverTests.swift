import Foundation
import RiskKernels
import Testing

/// Count, mean and sum of squared deviations, merged by Chan, Golub and LeVeque's formula: what
/// a user's observer would write for a mean with its standard error.
struct Moments: Sendable, Equatable {
  var count = 0.0
  var mean = 0.0
  var squares = 0.0

  mutating func add(_ x: Double) {
    count += 1
    let delta = x - mean
    mean += delta / count
    squares += delta * (x - mean)
  }

  func merged(with other: Moments) -> Moments {
    guard other.count > 0 else { return self }
    guard count > 0 else { return other }
    let total = count + other.count
    let delta = other.mean - mean
    return Moments(
      count: total, mean: mean + delta * other.count / total,
      squares: squares + other.squares + delta * delta * count * other.count / total)
  }

  var standardError: Double { (squares / (count - 1) / count).squareRoot() }

  var bytes: [UInt8] {
    [count, mean, squares].flatMap { x in
      (0..<8).map { UInt8(truncatingIfNeeded: x.bitPattern >> (8 * $0)) }
    }
  }

  init() {}
  init(count: Double, mean: Double, squares: Double) {
    (self.count, self.mean, self.squares) = (count, mean, squares)
  }

  init(bytes: [UInt8]) throws {
    guard bytes.count == 24 else { throw CocoaError(.coderReadCorrupt) }
    let words = (0..<3).map { k in
      (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[8 * k + $1]) << (8 * $1) }
    }
    self.init(
      count: Double(bitPattern: words[0]), mean: Double(bitPattern: words[1]),
      squares: Double(bitPattern: words[2]))
  }
}

/// The average over the grid's dates (not time 0) of a basket's value: an Asian basket's
/// underlying. With antithetic variates, the pair averages.
struct AverageBasket<Scalar: BLASScalar>: PathObserver {
  let weights: [Double]
  var antithetic = false

  var needs: PathObserverNeeds { .pricesAtEveryStep }
  func makePartial() -> Moments { Moments() }

  func observe(_ block: PathBlock<Scalar>, into partial: inout Moments) {
    func average(_ p: Int) -> Double {
      var sum = 0.0
      for s in 1...block.steps {
        for i in 0..<block.dimension {
          sum += weights[i] * Double(block.price(path: p, step: s, asset: i))
        }
      }
      return sum / Double(block.steps)
    }
    if antithetic {
      for p in stride(from: 0, to: block.pathCount, by: 2) {
        partial.add((average(p) + average(p + 1)) / 2)
      }
    } else {
      for p in 0..<block.pathCount { partial.add(average(p)) }
    }
  }

  func merge(_ left: Moments, _ right: Moments) -> Moments { left.merged(with: right) }
  func encode(_ partial: Moments) -> [UInt8] { partial.bytes }
  func decode(_ bytes: [UInt8]) throws -> Moments { try Moments(bytes: bytes) }
}

/// The number of paths whose terminal basket value is below a level (terminal prices only).
struct BasketBelow<Scalar: BLASScalar>: PathObserver {
  let weights: [Double]
  let level: Double

  var needs: PathObserverNeeds { .terminalPrices }
  func makePartial() -> Int { 0 }

  func observe(_ block: PathBlock<Scalar>, into partial: inout Int) {
    for p in 0..<block.pathCount {
      var v = 0.0
      for i in 0..<block.dimension {
        v += weights[i] * Double(block.terminalPrice(path: p, asset: i))
      }
      if v < level { partial += 1 }
    }
  }

  func merge(_ left: Int, _ right: Int) -> Int { left + right }
  func encode(_ partial: Int) -> [UInt8] { Array(String(partial).utf8) }
  func decode(_ bytes: [UInt8]) throws -> Int {
    guard let n = Int(String(decoding: bytes, as: UTF8.self)) else {
      throw CocoaError(.coderReadCorrupt)
    }
    return n
  }
}

@Suite struct PathObserverTests {
  let weights = [1.0, 2.0, 5.0]

  func simulator<T: BLASScalar>(
    _: T.Type, paths: Int = 5000, steps: Int = 6, threads: Int = 2, block: Int? = nil,
    antithetic: Bool = false, generator: NormalGenerator = .philox
  ) throws -> PathSimulator<T> {
    var observers = PathObservers<T>(keepTerminalPrices: true)
    observers.custom = [
      AverageBasket<T>(weights: weights, antithetic: antithetic),
      BasketBelow<T>(weights: weights, level: 290),
    ]
    let settings = SimulationSettings(
      paths: paths, steps: steps, horizon: 0.5, seed: 9, antithetic: antithetic,
      generator: generator, threads: threads, blockPaths: block)
    return PathSimulator(
      model: try threeAssetModel(T.self), settings: settings, observers: observers)
  }

  @Test("A custom observer's mean matches the closed form E[(1/S) Σₛ Σᵢ wᵢ Sᵢ(tₛ)] within 4 SE")
  func closedForm() throws {
    let simulator = try self.simulator(Double.self, paths: 40_000)
    let result = try simulator.run()
    let average = try #require(result.observed(0, as: Moments.self))
    let model = simulator.model
    var expected = 0.0
    for s in 1...6 {
      let t = 0.5 * Double(s) / 6
      for i in 0..<3 { expected += weights[i] * model.spot[i] * Foundation.exp(model.drift[i] * t) }
    }
    expected /= 6
    #expect(average.count == 40_000)
    #expect(abs(average.mean - expected) <= standardErrors * average.standardError)
    // The terminal-only observer counts what the kept terminal prices say.
    let prices = try #require(result.terminalPrices)
    let below = (0..<prices.rows).filter { k in
      (0..<3).reduce(0.0) { $0 + weights[$1] * prices[k, $1] } < 290
    }.count
    #expect(result.observed(1, as: Int.self) == below)
    #expect(result.observed(2, as: Int.self) == nil && result.observed(0, as: Int.self) == nil)
  }

  @Test(
    "Custom partials have the same bits for any threads, block size and split, through bytes",
    arguments: NormalGenerator.allCases, [false, true])
  func invariance(generator: NormalGenerator, antithetic: Bool) throws {
    func check<T: BLASScalar>(_: T.Type) throws {
      let reference = try simulator(
        T.self, threads: 1, antithetic: antithetic, generator: generator
      ).run()
      let expected = try #require(reference.observed(0, as: Moments.self))
      for (threads, block) in [(2, nil), (3, 2), (1, 250)] as [(Int, Int?)] {
        let other = try simulator(
          T.self, threads: threads, block: block, antithetic: antithetic, generator: generator
        ).run()
        #expect(
          other.observed(0, as: Moments.self) == expected,
          "\(T.self) \(threads) \(String(describing: block))")
        #expect(other.observed(1, as: Int.self) == reference.observed(1, as: Int.self))
      }
      let simulator = try simulator(T.self, antithetic: antithetic, generator: generator)
      let g = simulator.groupCount
      for parts in [2, 3] {
        let partials = try (0..<parts).map {
          try simulator.partial(
            encoded: simulator.run(
              groups: try SimulationSettings.groups(part: $0, of: parts, groupCount: g)
            ).encoded())
        }
        let result = try simulator.result(from: SimulationPartial.merging(partials))
        #expect(result.observed(0, as: Moments.self) == expected, "\(T.self) \(parts) parts")
        #expect(result.observed(1, as: Int.self) == reference.observed(1, as: Int.self))
        #expect(result.terminal == reference.terminal)
      }
    }
    try check(Double.self)
    try check(Float.self)
  }

  @Test("A block too large for the prices kept for observers is a typed error")
  func observedPricesLimit() throws {
    let simulator = try self.simulator(Double.self, steps: 20_000, block: 1024)
    #expect(throws: RiskKernelsError.self) { try simulator.run() }
  }

  @Test("Partials of another observer configuration, or decoded without the observers, are refused")
  func misuse() throws {
    let simulator = try self.simulator(Double.self)
    let bytes = try simulator.run(groups: 0..<1).encoded()
    #expect(throws: RiskKernelsError.self) { try SimulationPartial<Double>(encoded: bytes) }
    var observers = simulator.observers
    observers.custom = [BasketBelow<Double>(weights: weights, level: 300)]
    let other = PathSimulator(
      model: simulator.model, settings: simulator.settings, observers: observers)
    #expect(throws: RiskKernelsError.self) { try other.partial(encoded: bytes) }
    observers.custom = [
      AverageBasket<Double>(weights: weights), BasketBelow<Double>(weights: weights, level: 300),
    ]
    let shifted = PathSimulator(
      model: simulator.model, settings: simulator.settings, observers: observers)
    let theirs = try shifted.run(groups: 1..<simulator.groupCount)
    #expect(throws: RiskKernelsError.self) {
      try simulator.partial(encoded: bytes).merging(theirs)
    }
  }
}
