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
    throw .parameterOutOfRange(name: "probabilities[\(q)]", value: p, allowed: "0 ≤ p ≤ 1")
  }
  var work = values
  return probabilities.map { p in
    let position = p * Double(values.count - 1)
    let lower = Swift.min(Int(position.rounded(.down)), values.count - 1)
    let below = select(&work, rank: lower)
    guard lower + 1 < values.count, position > Double(lower) else { return below }
    // After selection every element right of `lower` is ≥ it: the next order statistic is
    // their minimum.
    var above = work[lower + 1]
    for k in (lower + 2)..<work.count where work[k] < above { above = work[k] }
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
