internal import CShims
internal import Dispatch
internal import Synchronization

/// The C edge of `LiquidationSweep`: first-passage probabilities of every position
/// (`CShims/liquidation.c`, AVX2 with a scalar reference for other CPUs).
enum LiquidationSweepKernel {
  /// Positions per work item: a multiple of the C kernel's block of 64, so where a position
  /// falls never changes its arithmetic.
  static let chunk = 16_384

  /// All positions into `out` (one entry per position), in chunks that `workers` threads take
  /// in turn and write straight into `out`; the inputs must have equal counts.
  static func firstPassage(
    leverage: [Double], margin: [Double], side: [Double], volatility: [Double], drift: [Double],
    horizon: Double, workers: Int, into out: inout [Double]
  ) {
    let count = leverage.count
    precondition(
      [margin.count, side.count, volatility.count, drift.count, out.count].allSatisfy {
        $0 == count
      } && workers >= 1, "sweep shapes")
    guard count > 0 else { return }
    let chunks = (count + chunk - 1) / chunk
    let workers = min(workers, chunks)
    leverage.withUnsafeBufferPointer { l in
      margin.withUnsafeBufferPointer { m in
        side.withUnsafeBufferPointer { s in
          volatility.withUnsafeBufferPointer { v in
            drift.withUnsafeBufferPointer { u in
              out.withUnsafeMutableBufferPointer { o in
                // The arrays stay pinned here until every worker has returned; the workers read
                // them and write disjoint chunks of `out`. Captured, never stored.
                nonisolated(unsafe) let (l, m, s, v, u, o) = (
                  l.baseAddress!, m.baseAddress!, s.baseAddress!, v.baseAddress!, u.baseAddress!,
                  o.baseAddress!
                )
                // Workers take the next chunk as they become free, so a core slowed by another
                // process takes fewer.
                let next = Atomic<Int>(0)
                let run = { @Sendable (_: Int) in
                  while true {
                    let c = next.add(1, ordering: .relaxed).oldValue
                    guard c < chunks else { return }
                    let lower = c * chunk
                    let upper = min(count, lower + chunk)
                    cshim_first_passage_f64(
                      l + lower, m + lower, s + lower, v + lower, u + lower, horizon, o + lower,
                      upper - lower)
                  }
                }
                if workers == 1 {
                  run(0)
                } else {
                  DispatchQueue.concurrentPerform(iterations: workers, execute: run)
                }
              }
            }
          }
        }
      }
    }
  }
}
