internal import CShims

/// The C edge of `LiquidationSweep`: first-passage probabilities of a range of positions
/// (`CShims/liquidation.c`, AVX2 with exact per-lane fallbacks).
enum LiquidationSweepKernel {
  /// The positions `range` into `out[0..<range.count]`; the inputs must cover `range`.
  static func firstPassage(
    leverage: [Double], margin: [Double], side: [Double], volatility: [Double], drift: [Double],
    horizon: Double, positions range: Range<Int>, into out: inout [Double], vectorised: Bool = true
  ) {
    precondition(
      range.lowerBound >= 0 && range.upperBound <= leverage.count && out.count >= range.count,
      "sweep range")
    guard !range.isEmpty else { return }
    leverage.withUnsafeBufferPointer { l in
      margin.withUnsafeBufferPointer { m in
        side.withUnsafeBufferPointer { s in
          volatility.withUnsafeBufferPointer { v in
            drift.withUnsafeBufferPointer { u in
              out.withUnsafeMutableBufferPointer { o in
                let k = range.lowerBound
                let kernel = vectorised ? cshim_first_passage_f64 : cshim_first_passage_scalar_f64
                kernel(
                  l.baseAddress! + k, m.baseAddress! + k, s.baseAddress! + k, v.baseAddress! + k,
                  u.baseAddress! + k, horizon, o.baseAddress!, range.count)
              }
            }
          }
        }
      }
    }
  }
}
