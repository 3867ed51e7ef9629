/// FNV-1a (64-bit) over 64-bit words: the `SimulationPartial.runFingerprint` of a run, a hash of
/// everything that fixes its numbers, so partials of different runs refuse to merge. Not a
/// cryptographic hash: it catches mistakes, not forgeries.
struct RunFingerprint {
  private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

  mutating func add(_ word: UInt64) {
    for k in 0..<8 {
      value ^= (word >> (8 * k)) & 0xff
      value = value &* 0x0000_0100_0000_01b3
    }
  }

  mutating func add(_ n: Int) { add(UInt64(bitPattern: Int64(n))) }
  mutating func add(_ flag: Bool) { add(flag ? 1 : 0) }
  mutating func add<T: BinaryFloatingPoint>(_ x: T) { add(Double(x).bitPattern) }

  mutating func add<T: BinaryFloatingPoint>(_ values: [T]) {
    add(values.count)
    for x in values { add(x) }
  }

  mutating func add<T: BinaryFloatingPoint>(_ values: [T?]?) {
    guard let values else { return add(-1) }
    add(values.count)
    for x in values {
      if let x { add(x) } else { add(UInt64.max) }
    }
  }
}

extension SimulationPlan {
  /// The run's fingerprint: precision, the settings that fix the paths (not `threads` or
  /// `blockPaths`), the model and the observers.
  var fingerprint: UInt64 {
    var hash = RunFingerprint()
    hash.add(MemoryLayout<Scalar>.size)
    hash.add(settings.paths)
    hash.add(settings.steps)
    hash.add(settings.horizon)
    hash.add(settings.seed)
    hash.add(settings.antithetic)
    hash.add(NormalGenerator.allCases.firstIndex(of: settings.generator) ?? -1)
    hash.add(model.spot)
    hash.add(model.drift)
    hash.add(model.volatility)
    hash.add(model.covarianceFactor.lower.storage)
    hash.add(observers.keepTerminalPrices)
    hash.add(observers.holdings.map { $0.map(Optional.some) })
    hash.add(observers.keepPortfolioValues)
    hash.add(observers.extremes)
    hash.add(observers.maxima)
    hash.add(observers.lowerBarriers)
    hash.add(observers.upperBarriers)
    hash.add(observers.barriers.count)
    for barrier in observers.barriers {
      switch barrier.underlying {
      case .asset(let i): hash.add(i)
      case .basket(let h): hash.add(h)
      }
      hash.add(barrier.level)
      hash.add(barrier.direction == .down)
      hash.add([barrier.strike])
    }
    hash.add(observers.keepPaths)
    hash.add(observers.moments)
    hash.add(valueCount)
    return hash.value
  }
}
