/// Quantiles by linear interpolation between order statistics (NumPy's default "linear" rule,
/// Hyndman & Fan type 7): the p-quantile of n values sits at position h = p·(n−1) of the sorted
/// values, `x₍⌊h⌋₎ + (h − ⌊h⌋)·(x₍⌊h⌋+1₎ − x₍⌊h⌋₎)`.
///
/// Found by selection (quickselect with median-of-three pivots, then the minimum of the upper
/// part for the neighbour), O(n) expected per probability, never a full sort.
///
/// - Throws: `.insufficientData` for no values; `.parameterOutOfRange` for a probability
///   outside [0, 1]; `.nonFiniteInput` for a NaN or infinity.
@specialized(where T == Double)
@specialized(where T == Float)
public func linearQuantiles<T: BLASScalar>(
  of values: [T], probabilities: [Double]
) throws(RiskKernelsError) -> [T] {
  guard !values.isEmpty else {
    throw .insufficientData(argument: "values", required: 1, actual: 0)
  }
  try checkAllFinite(values, "values")
  for (q, p) in probabilities.enumerated() where !(p >= 0 && p <= 1) {
    throw .parameterOutOfRange(
      name: ParameterName("probabilities", index: q), value: p, allowed: "0 ≤ p ≤ 1")
  }
  var work = values
  return probabilities.map { p in
    let position = LinearQuantilePosition(probability: p, count: values.count)
    let below = select(&work, rank: position.lower)
    guard let upper = position.upper else { return below }
    // After selection every element right of `lower` is ≥ it: the next order statistic is
    // their minimum.
    var above = work[upper]
    for k in (upper + 1)..<work.count where work[k] < above { above = work[k] }
    return position.interpolate(below, above)
  }
}

/// Where the linear rule's p-quantile of n values sits: h = p·(n−1), between the order
/// statistics of ranks ⌊h⌋ and ⌊h⌋ + 1 (0-based). One definition for `linearQuantiles` and the
/// quantiles selected without holding the values (`TerminalQuantileSelection`), so both give
/// the same bits.
struct LinearQuantilePosition: Sendable, Equatable {
  let position: Double
  /// The rank ⌊h⌋, and ⌊h⌋ + 1 when the quantile interpolates (h not an integer, ⌊h⌋ < n − 1).
  let lower: Int
  let upper: Int?

  init(probability p: Double, count n: Int) {
    position = p * Double(n - 1)
    lower = Swift.min(Int(position.rounded(.down)), n - 1)
    upper = lower + 1 < n && position > Double(lower) ? lower + 1 : nil
  }

  /// `below + (h − ⌊h⌋)·(above − below)`, or `below` when nothing is interpolated.
  func interpolate<T: BLASScalar>(_ below: T, _ above: T) -> T {
    guard upper != nil else { return below }
    return below + T(position - Double(lower)) * (above - below)
  }
}

/// Rearranges `values` so that `values[rank]` is the element of that rank in sorted order,
/// with no larger element before it and no smaller one after it (Hoare's FIND, 1961).
@specialized(where T == Double)
@specialized(where T == Float)
func select<T: BLASScalar>(_ values: inout [T], rank: Int) -> T {
  var (low, high) = (0, values.count - 1)
  while high > low {
    // Median of three as the pivot.
    let middle = low + (high - low) / 2
    if values[middle] < values[low] { values.swapAt(middle, low) }
    if values[high] < values[low] { values.swapAt(high, low) }
    if values[high] < values[middle] { values.swapAt(high, middle) }
    let pivot = values[middle]
    var (i, j) = (low, high)
    while i <= j {
      while values[i] < pivot { i += 1 }
      while pivot < values[j] { j -= 1 }
      if i <= j {
        values.swapAt(i, j)
        i += 1
        j -= 1
      }
    }
    if rank <= j {
      high = j
    } else if rank >= i {
      low = i
    } else {
      break
    }
  }
  return values[rank]
}

/// A cut-off `t` such that, very likely, at least `count` of `values` are `≤ t` and not many
/// more: the order statistic of rank `r` in an evenly strided sample of 4 096 values, with `r`
/// three binomial standard deviations above the expected rank of the `count`-th smallest
/// (Floyd & Rivest's sampling idea, CACM 18(3), 1975). `nil` when the tail is too large for a
/// cut-off to pay (more than 1/8 of the values) or there are fewer than 65 536 values. Callers
/// check the count they gathered and fall back to a full selection, so the cut-off only ever
/// decides the speed, never the result.
@specialized(where T == Double)
@specialized(where T == Float)
func lowerTailCutoff<T: BLASScalar>(_ values: [T], count: Int) -> T? {
  let n = values.count
  let sampleSize = 4_096
  guard n >= 65_536, count <= n / 8 else { return nil }
  let stride = n / sampleSize
  var sample = (0..<sampleSize).map { values[$0 * stride] }
  let expected = Double(count) * Double(sampleSize) / Double(n)
  let rank = Swift.min(sampleSize - 1, Int(expected + 3 * expected.squareRoot() + 3))
  return select(&sample, rank: rank)
}

/// The indices of the `count` smallest of `values` by (value, index), in that order; `nil` when
/// fewer than `count` values are not NaN. A max-heap holds the best `count` so far, so once it
/// is full each value costs one comparison with its top: O(n + count·log count·log(n/count))
/// expected for values in random order, against a copy and a full selection of all n.
@specialized(where T == Double)
@specialized(where T == Float)
func smallestIndices<T: BLASScalar>(_ values: [T], count: Int) -> [Int]? {
  precondition(count >= 1, "count ≥ 1")
  /// Whether a comes after b in (value, index) order.
  func after(_ a: Int, _ b: Int) -> Bool {
    values[a] > values[b] || (values[a] == values[b] && a > b)
  }
  var heap: [Int] = []
  heap.reserveCapacity(count)
  // The top's value, so a value that does not enter costs one load and one comparison.
  var top = T.infinity
  for (i, v) in values.enumerated() where !v.isNaN {
    if heap.count < count {
      // Sift up.
      heap.append(i)
      var child = heap.count - 1
      while child > 0 {
        let parent = (child - 1) / 2
        guard after(heap[child], heap[parent]) else { break }
        heap.swapAt(child, parent)
        child = parent
      }
      top = values[heap[0]]
    } else if v < top {
      // A tie with the top is not smaller: its index is larger. Sift down.
      heap[0] = i
      var parent = 0
      while true {
        let left = 2 * parent + 1
        guard left < count else { break }
        let right = left + 1
        let larger = right < count && after(heap[right], heap[left]) ? right : left
        guard after(heap[larger], heap[parent]) else { break }
        heap.swapAt(larger, parent)
        parent = larger
      }
      top = values[heap[0]]
    }
  }
  guard heap.count == count else { return nil }
  return heap.sorted { after($1, $0) }
}
