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

  /// Adds one sample: `values[offset ..< offset + quantities]`, as Double.
  @specialized(where S == Double)
  @specialized(where S == Float)
  mutating func add<S: BLASScalar>(_ values: [S], offset: Int) {
    if count == 0 {
      for j in shift.indices { shift[j] = Double(values[offset + j]) }
    }
    count += 1
    Self.accumulate(
      values, first: offset, second: nil, shift: shift, sum: &sum, sumOfSquares: &sumOfSquares)
  }

  /// Adds the average of two samples at `first` and `second` (an antithetic pair):
  /// `(Double(a) + Double(b)) / 2` per quantity.
  @specialized(where S == Double)
  @specialized(where S == Float)
  mutating func addAverage<S: BLASScalar>(_ values: [S], first: Int, second: Int) {
    if count == 0 {
      for j in shift.indices {
        shift[j] = (Double(values[first + j]) + Double(values[second + j])) / 2
      }
    }
    count += 1
    Self.accumulate(
      values, first: first, second: second, shift: shift, sum: &sum, sumOfSquares: &sumOfSquares)
  }

  /// `sum += x − c`, `sumOfSquares += (x − c)²` per quantity, with x the sample at `first` or
  /// the average of the samples at `first` and `second`.
  @specialized(where S == Double)
  @specialized(where S == Float)
  private static func accumulate<S: BLASScalar>(
    _ values: [S], first: Int, second: Int?, shift: [Double], sum: inout [Double],
    sumOfSquares: inout [Double]
  ) {
    let source = values.span
    let c = shift.span
    var s1 = sum.mutableSpan
    var s2 = sumOfSquares.mutableSpan
    if let second {
      for j in 0..<c.count {
        let d = (Double(source[first + j]) + Double(source[second + j])) / 2 - c[j]
        s1[j] += d
        s2[j] += d * d
      }
    } else {
      for j in 0..<c.count {
        let d = Double(source[first + j]) - c[j]
        s1[j] += d
        s2[j] += d * d
      }
    }
  }

  /// Adds each path's `q` values (`values[p·q ..< (p+1)·q]`, as Double) for `count` paths;
  /// with antithetic pairs, each pair's average instead.
  @specialized(where S == Double)
  @specialized(where S == Float)
  mutating func add<S: BLASScalar>(
    _ values: [S], perPath q: Int, count: Int, antithetic: Bool
  ) {
    if antithetic {
      for p in stride(from: 0, to: count, by: 2) {
        addAverage(values, first: p * q, second: (p + 1) * q)
      }
    } else {
      for p in 0..<count { add(values, offset: p * q) }
    }
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
