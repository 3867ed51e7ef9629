internal import RealModule

/// The `PathObserver` behind `LiquidationBook.importanceSampled`: for one barrier on one asset,
/// each path's hit on the grid and under continuous monitoring (`1 − Πₛ(1 − pₛ)` with the
/// Brownian-bridge crossing probabilities pₛ), each multiplied by the path's likelihood ratio
/// (`MeanShift`), summed with their squares — and the weights' own sums, a check that they
/// average 1. Sums accumulate path by path in path order, so the partial does not depend on the
/// block size.
struct WeightedBarrierObserver<Scalar: BLASScalar>: PathObserver {
  let asset: Int
  let level: Scalar
  let down: Bool
  /// The asset's σ and the grid's Δt, for the bridge.
  let volatility: Scalar
  let interval: Scalar
  let shift: MeanShift

  var needs: PathObserverNeeds { .pricesAtEveryStep }

  func makePartial() -> WeightedSums { WeightedSums() }

  func observe(_ block: PathBlock<Scalar>, into partial: inout WeightedSums) {
    let logLevel = Scalar.log(level)
    for p in 0..<block.pathCount {
      var survive = 1.0
      var seen = false
      var previous = Scalar.log(block.price(path: p, step: 0, asset: asset)) - logLevel
      for s in 1...block.steps {
        let current = Scalar.log(block.price(path: p, step: s, asset: asset)) - logLevel
        if down ? current <= 0 : current >= 0 { seen = true }
        survive *=
          1
          - Double(
            brownianBridgeCrossingProbability(
              logDistances: previous, current, volatility: volatility, interval: interval))
        previous = current
      }
      let w = shift.weight(terminalPrice: {
        Double(block.terminalPrice(path: p, asset: $0))
      })
      partial.add(grid: seen ? w : 0, continuous: w * (1 - survive), weight: w)
    }
  }

  func merge(_ left: WeightedSums, _ right: WeightedSums) -> WeightedSums {
    var out = left
    for k in out.sums.indices { out.sums[k] += right.sums[k] }
    out.count += right.count
    return out
  }

  func encode(_ partial: WeightedSums) -> [UInt8] {
    var writer = PartialWriter()
    writer.int(partial.count)
    writer.scalars(partial.sums)
    return writer.bytes
  }

  func decode(_ bytes: [UInt8]) throws -> WeightedSums {
    var reader = PartialReader(bytes: bytes)
    var partial = WeightedSums()
    partial.count = try reader.int()
    partial.sums = try reader.scalars(count: 6, "weighted barrier sums")
    return partial
  }
}

/// Sums over paths of `x` and `x²` for the weighted grid hit, the weighted continuous hit and
/// the weight.
struct WeightedSums: Sendable, Equatable {
  var count = 0
  var sums = [Double](repeating: 0, count: 6)

  mutating func add(grid: Double, continuous: Double, weight: Double) {
    count += 1
    sums[0] += grid
    sums[1] += grid * grid
    sums[2] += continuous
    sums[3] += continuous * continuous
    sums[4] += weight
    sums[5] += weight * weight
  }

  /// The mean and standard error of quantity `k` (0 grid, 1 continuous, 2 weight).
  func estimate(_ k: Int) -> MonteCarloEstimate {
    let n = Double(count)
    guard count > 1 else {
      return MonteCarloEstimate(value: count == 1 ? sums[2 * k] : 0, standardError: .nan)
    }
    let mean = sums[2 * k] / n
    let variance = Swift.max(0, sums[2 * k + 1] - n * mean * mean) / (n - 1)
    return MonteCarloEstimate(value: mean, standardError: (variance / n).squareRoot())
  }
}
