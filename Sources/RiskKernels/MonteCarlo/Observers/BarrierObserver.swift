internal import RealModule

/// Barriers on assets or baskets: per path, whether a date of the grid was at or beyond the
/// level, and the probability of crossing it in continuous time, `1 − Πₛ (1 − pₛ)` with `pₛ` the
/// Brownian-bridge crossing probability of interval s (`brownianBridgeCrossingProbability`);
/// with a strike, the shortfall beyond it weighted by that probability. Their moments are the
/// hit estimates (`SimulationResult.barrierHits`, `.lowerBarrierHits`, `.upperBarrierHits`).
///
/// Per barrier b and path p (index `k = b + p·B`), the block's state is the survival so far
/// (`state[k]`), the log of the underlying at the last date (`state[m + k]`) and the local
/// volatility of the next interval (`state[2m + k]`), with m = B · paths, and whether a date
/// touched the level (`flags[k]`). The loops read each barrier's fields from plain arrays
/// (`asset`, `logLevel`, …): copying a `MonitoredBarrier` per path retains its four arrays.
struct BarrierObserver<Scalar: BLASScalar>: BuiltInObserver {
  let barriers: [MonitoredBarrier<Scalar>]
  /// Δt, the grid's interval.
  let dt: Scalar
  /// Per barrier: its asset (−1 for a basket), log-level, direction, strike (NaN for none),
  /// `log U(0)` and the first interval's volatility.
  let asset: [Int]
  let logLevel: [Scalar]
  let down: [Bool]
  let strike: [Scalar]
  let logInitial: [Scalar]
  let initialSigma: [Scalar]
  /// Whether a barrier is on a basket (whose value needs prices, not log-prices).
  let hasBaskets: Bool

  init(barriers: [MonitoredBarrier<Scalar>], dt: Scalar) {
    self.barriers = barriers
    self.dt = dt
    asset = barriers.map { $0.asset ?? -1 }
    logLevel = barriers.map(\.logLevel)
    down = barriers.map(\.down)
    strike = barriers.map { $0.strike ?? .nan }
    logInitial = barriers.map(\.logInitial)
    initialSigma = barriers.map(\.initialSigma)
    hasBaskets = barriers.contains { $0.asset == nil }
  }

  var needs: PathObserverNeeds { .stepLogPrices }

  /// Per barrier: on-grid hit, continuous hit, and (with a strike) the shortfall.
  var quantities: Int { Self.layout(of: barriers).quantities }

  /// Where each barrier's quantities start in a path's values, and how many there are in all:
  /// two per barrier (on-grid hit, continuous hit), three with a strike (the shortfall).
  static func layout(of barriers: [MonitoredBarrier<Scalar>]) -> (offsets: [Int], quantities: Int) {
    var offsets: [Int] = []
    var next = 0
    for barrier in barriers {
      offsets.append(next)
      next += barrier.strike == nil ? 2 : 3
    }
    return (offsets, next)
  }

  func makePartial() -> Partial { Partial(sections: [ShiftedSums(quantities: quantities)]) }

  /// Brownian-bridge survival of each barrier over the chunk of log-prices.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  func observe(steps: PathSteps<Scalar>, into partial: inout Partial) {
    let (d, count, chunk) = (steps.dimension, steps.pathCount, steps.stepCount)
    let nb = barriers.count
    let m = nb * count
    if steps.firstStep == 0 {
      // The block's state, in arrays that only grow (allocated once per group).
      if partial.state.count < 3 * m { partial.state = Array(repeating: 0, count: 3 * m) }
      if partial.flags.count < m { partial.flags = Array(repeating: false, count: m) }
      for p in 0..<count {
        for b in 0..<nb {
          let k = b + p * nb
          (partial.state[k], partial.state[m + k]) = (1, logInitial[b])
          (partial.state[2 * m + k], partial.flags[k]) = (initialSigma[b], false)
        }
      }
    }
    let z = steps.values
    if hasBaskets {
      let n = count * chunk * d
      if partial.buffer.count < n { partial.buffer = Array(repeating: 0, count: n) }
      ScalarBytes.copy(z, from: 0, count: n, into: &partial.buffer, at: 0)
      Scalar._vexp(&partial.buffer, count: n, _LibraryOnly())
    }
    // Barrier-major, so each barrier's fields are fetched once per chunk; each barrier's state
    // still sees its dates in order, so results do not depend on the loop order.
    for b in 0..<nb {
      let (i, level, isDown) = (asset[b], logLevel[b], down[b])
      for p in 0..<count {
        let k = b + p * nb
        for s in 0..<chunk {
          let column = (p * chunk + s) * d
          let (x, sigma): (Scalar, Scalar)
          if i >= 0 {
            (x, sigma) = (z[column + i], partial.state[2 * m + k])
          } else {
            let value = barriers[b].basketValue(partial.buffer, offset: column)
            x = Scalar.log(value)
            sigma = barriers[b].localVolatility(partial.buffer, offset: column, value: value)
          }
          if !partial.flags[k] {
            let last = partial.state[m + k]
            let (a, c) = isDown ? (last - level, x - level) : (level - last, level - x)
            if c <= 0 { partial.flags[k] = true }
            partial.state[k] *=
              1
              - brownianBridgeCrossingProbability(
                logDistances: a, c, volatility: partial.state[2 * m + k], interval: dt)
          }
          partial.state[m + k] = x
          partial.state[2 * m + k] = sigma
        }
      }
    }
  }

  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  func observe(_ block: PathBlock<Scalar>, into partial: inout Partial) {
    let (d, count, nb) = (block.dimension, block.pathCount, barriers.count)
    let q = quantities
    if partial.values.count < q * count { partial.values = Array(repeating: 0, count: q * count) }
    for p in 0..<count {
      var offset = p * q
      for b in 0..<nb {
        let k = b + p * nb
        let continuous = Double(1 - partial.state[k])
        partial.values[offset] = partial.flags[k] ? 1 : 0
        partial.values[offset + 1] = continuous
        if !strike[b].isNaN {
          let value = Double(
            asset[b] >= 0
              ? block.terminal[asset[b] + p * d]
              : barriers[b].basketValue(block.terminal, offset: p * d))
          let beyond = down[b] ? Double(strike[b]) - value : value - Double(strike[b])
          partial.values[offset + 2] = Swift.max(beyond, 0) * continuous
          offset += 3
        } else {
          offset += 2
        }
      }
    }
    partial.sections[0].add(
      partial.values, perPath: q, count: count, antithetic: block.antithetic)
  }
}
