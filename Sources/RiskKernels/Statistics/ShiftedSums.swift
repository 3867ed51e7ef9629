/// Per-quantity sums of `x − c` and `(x − c)²` with `c` the first sample: the cheap inner loop
/// of a Monte Carlo group (no division per sample, vectorisable across quantities). Shifting by
/// a sample keeps the cancellation in `Σ(x−c)² − (Σ(x−c))²/n` to the spread of the data, not its
/// level (Chan, Golub & LeVeque 1983, "Algorithms for computing the sample variance").
struct ShiftedSums {
  private(set) var count = 0
  private var shift: [Double]
  private var sum: [Double]
  private var sumOfSquares: [Double]

  init(quantities: Int) {
    shift = Array(repeating: 0, count: quantities)
    sum = shift
    sumOfSquares = shift
  }

  /// Adds one sample: `values[offset ..< offset + quantities]`.
  mutating func add(_ values: [Double], offset: Int) {
    if count == 0 {
      for j in shift.indices { shift[j] = values[offset + j] }
    }
    count += 1
    Self.accumulate(values, offset: offset, shift: shift, sum: &sum, sumOfSquares: &sumOfSquares)
  }

  private static func accumulate(
    _ values: [Double], offset: Int, shift: [Double], sum: inout [Double],
    sumOfSquares: inout [Double]
  ) {
    let source = values.span
    let c = shift.span
    var s1 = sum.mutableSpan
    var s2 = sumOfSquares.mutableSpan
    for j in 0..<c.count {
      let d = source[offset + j] - c[j]
      s1[j] += d
      s2[j] += d * d
    }
  }

  /// Adds the average of two samples at `first` and `second` (an antithetic pair).
  mutating func addAverage(
    _ values: [Double], first: Int, second: Int, into scratch: inout [Double]
  ) {
    for j in shift.indices { scratch[j] = (values[first + j] + values[second + j]) / 2 }
    add(scratch, offset: 0)
  }

  /// Mean and squared deviations per quantity, ready to merge.
  var accumulators: [MomentAccumulator] {
    guard count > 0 else { return Array(repeating: MomentAccumulator(), count: shift.count) }
    let n = Double(count)
    return shift.indices.map { j in
      MomentAccumulator(
        count: n, mean: shift[j] + sum[j] / n,
        squaredDeviations: Swift.max(sumOfSquares[j] - sum[j] * sum[j] / n, 0))
    }
  }
}
