/// Each path's cascade figures, in path order: `[rounds, liquidated positions, liquidated
/// notional, final price, bad debt, amplification (NaN: undefined)]` per market; and the first
/// path whose cascade failed.
struct CascadeSamples: Sendable {
  struct Failure: Sendable, Equatable {
    var path: Int
    var name: String
    var value: Double
    var allowed: String
  }

  var values: [Double] = []
  var failure: Failure?
}

/// The `PathObserver` behind `CascadeSimulation`.
struct CascadeObserver<Scalar: BLASScalar>: PathObserver {
  let markets: [CascadeSimulation<Scalar>.Market]
  let spot: [Scalar]

  var needs: PathObserverNeeds { .terminalPrices }

  /// The markets' identity for the run's fingerprint: counts and an FNV-1a digest of every
  /// pool's and position's bit patterns (a description of 10⁷ positions would take a gigabyte).
  var configuration: String {
    var digest: UInt64 = 0xcbf2_9ce4_8422_2325
    func mix(_ value: UInt64) {
      for k in 0..<8 {
        digest = (digest ^ ((value >> (8 * UInt64(k))) & 0xff)) &* 0x100_0000_01b3
      }
    }
    for m in markets {
      mix(UInt64(m.asset))
      for x in [m.cascade.pool.reserveX, m.cascade.pool.reserveY, m.cascade.pool.fee] {
        mix(UInt64(truncatingIfNeeded: Double(x).bitPattern))
      }
      for p in m.cascade.positions {
        mix(p.position.side == .long ? 1 : 2)
        for x in [
          p.position.leverage, p.position.maintenanceMargin, p.position.entryPrice, p.margin,
        ] {
          mix(UInt64(truncatingIfNeeded: Double(x).bitPattern))
        }
      }
    }
    return
      "\(markets.count) markets, \(markets.map(\.cascade.positions.count)) positions, spot \(spot), digest \(String(digest, radix: 16))"
  }

  func makePartial() -> CascadeSamples { CascadeSamples() }

  func observe(_ block: PathBlock<Scalar>, into partial: inout CascadeSamples) {
    guard partial.failure == nil else { return }
    partial.values.reserveCapacity(
      partial.values.count + block.pathCount * markets.count * CascadeDistribution.figuresPerPath)
    for p in 0..<block.pathCount {
      for market in markets {
        let shock = block.terminalPrice(path: p, asset: market.asset) / spot[market.asset] - 1
        do {
          let o = try market.cascade.cascade(shock: shock, recording: false)
          // In `CascadeDistribution`'s order, appended one by one (no array per path).
          partial.values.append(Double(o.rounds))
          partial.values.append(Double(o.liquidatedPositions))
          partial.values.append(Double(o.liquidatedNotional))
          partial.values.append(Double(o.finalPrice))
          partial.values.append(Double(o.badDebt))
          partial.values.append(o.amplification.map { Double($0) } ?? .nan)
        } catch {
          var failure = CascadeSamples.Failure(
            path: block.firstPath + p, name: "cascade", value: Double(shock), allowed: "\(error)")
          if case .parameterOutOfRange(let name, let value, let allowed) = error {
            (failure.name, failure.value, failure.allowed) = (name.description, value, allowed)
          }
          partial.failure = failure
          return
        }
      }
    }
  }

  func merge(_ left: CascadeSamples, _ right: CascadeSamples) -> CascadeSamples {
    if left.failure != nil { return left }
    var out = left
    out.values += right.values
    out.failure = right.failure
    return out
  }

  func encode(_ partial: CascadeSamples) -> [UInt8] {
    var writer = PartialWriter()
    writer.scalars(partial.values)
    if let f = partial.failure {
      writer.int(1)
      writer.int(f.path)
      for text in [f.name, f.allowed] {
        writer.int(text.utf8.count)
        writer.bytes += Array(text.utf8)
      }
      writer.u64(f.value.bitPattern)
    } else {
      writer.int(0)
    }
    return writer.bytes
  }

  func decode(_ bytes: [UInt8]) throws -> CascadeSamples {
    var reader = PartialReader(bytes: bytes)
    var partial = CascadeSamples(values: try reader.scalars())
    guard partial.values.count.isMultiple(of: CascadeDistribution.figuresPerPath * markets.count)
    else {
      throw RiskKernelsError.invalidPartial(reason: "cascade samples of a partial path")
    }
    switch try reader.int() {
    case 0: break
    case 1:
      let path = try reader.int()
      var texts: [String] = []
      for _ in 0..<2 {
        let count = try reader.int()
        texts.append(String(decoding: try reader.take(count), as: UTF8.self))
      }
      let value = Double(bitPattern: try reader.u64())
      partial.failure = .init(path: path, name: texts[0], value: value, allowed: texts[1])
    default: throw RiskKernelsError.invalidPartial(reason: "cascade failure flag")
    }
    guard reader.atEnd else { throw RiskKernelsError.invalidPartial(reason: "trailing bytes") }
    return partial
  }
}
