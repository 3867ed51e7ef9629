internal import RealModule

/// How returns are computed from consecutive prices.
public enum ReturnKind: String, Sendable, CaseIterable {
  /// `rₜ = ln(Pₜ / Pₜ₋₁)`: additive over time; the GBM model's increments.
  case log
  /// `rₜ = Pₜ / Pₜ₋₁ − 1`: additive across assets in a portfolio.
  case simple
}

/// Returns from a `T × d` matrix of prices (rows are observations in time order, columns
/// assets): a `(T−1) × d` matrix.
///
/// ```
/// log:    r[t, j] = ln(P[t+1, j] / P[t, j]) = log1p((P[t+1, j] − P[t, j]) / P[t, j])
/// simple: r[t, j] = (P[t+1, j] − P[t, j]) / P[t, j]
/// ```
/// The log form goes through SLEEF's vectorised `log1p` (1 ulp) of the simple return: unlike
/// `ln P[t+1] − ln P[t]`, which cancels, it keeps full relative accuracy for tiny moves on large
/// price levels (a daily move of 10⁻⁶ at a price of 10⁶ had 10⁻¹¹ relative error in its
/// variance). The difference of neighbouring prices is exact (Sterbenz) when they are within a
/// factor of two, so each return is within a few ulp. A ratio that overflows the simple return
/// (a jump of more than the type's range) falls back to `ln P[t+1] − ln P[t]`.
///
/// - Throws: `.insufficientData` for fewer than 2 rows; `.nonFiniteInput` for a NaN or infinite
///   price (column-major index); `.parameterOutOfRange(name: "prices[row, column]", …)` for a
///   price that is not positive.
/// - Complexity: O(T·d).
///
/// Tested against: NumPy `np.diff(np.log(P), axis=0)` and `P[1:]/P[:-1] − 1` on the bundled prices.
@specialized(where T == Double)
@specialized(where T == Float)
public func returns<T: BLASScalar>(
  fromPrices prices: Matrix<T>, kind: ReturnKind = .log
) throws(RiskKernelsError) -> Matrix<T> {
  guard prices.rows >= 2 else {
    throw .insufficientData(argument: "prices (rows)", required: 2, actual: prices.rows)
  }
  try prices.checkFinite("prices")
  for j in 0..<prices.columns {
    for i in 0..<prices.rows where !(prices[i, j] > 0) {
      throw .parameterOutOfRange(
        name: "prices[\(i), \(j)]", value: Double(prices[i, j]), allowed: "> 0")
    }
  }
  let (n, d) = (prices.rows, prices.columns)
  let source = prices.storage
  var out = [T](repeating: 0, count: (n - 1) * d)
  for j in 0..<d {
    let from = j * n
    let to = j * (n - 1)
    for i in 0..<(n - 1) {
      let a = source[from + i]
      let b = source[from + i + 1]
      out[to + i] = (b - a) / a
    }
  }
  if kind == .log {
    T._vlog1p(&out)
    // A ratio beyond the type's range (a jump from 1e-300 to 1e300) overflowed the simple
    // return; its log is still finite as a difference of logs.
    for k in out.indices where !out[k].isFinite {
      let (j, i) = k.quotientAndRemainder(dividingBy: n - 1)
      out[k] = T.log(source[j * n + i + 1]) - T.log(source[j * n + i])
    }
  }
  return Matrix(uncheckedRows: n - 1, columns: d, storage: out)
}

/// Complete cases of a price table with missing cells: the rows where every asset has a price.
///
/// Returns are then computed between consecutive *kept* rows, so a row dropped for one missing
/// asset makes that return span two periods for every asset. This is the default treatment of
/// missing prices (pairwise deletion can give a covariance that is not positive semi-definite).
///
/// - Parameter rows: one array per observation, `nil` for a missing price; all of equal length.
/// - Returns: the complete rows as a matrix and the indices of the rows kept.
/// - Throws: `.dimensionMismatch` for a row whose length differs from the first's.
public func completeCases<T: BLASScalar>(
  _ rows: [[T?]]
) throws(RiskKernelsError) -> (prices: Matrix<T>, keptRows: [Int]) {
  let d = rows.first?.count ?? 0
  var kept: [Int] = []
  for (i, row) in rows.enumerated() {
    guard row.count == d else {
      throw .dimensionMismatch(
        operation: "row \(i) of prices", expected: .vector(d), actual: .vector(row.count))
    }
    if row.allSatisfy({ $0 != nil }) { kept.append(i) }
  }
  var storage = [T](repeating: 0, count: kept.count * d)
  for (k, i) in kept.enumerated() {
    for j in 0..<d { storage[k + j * kept.count] = rows[i][j]! }
  }
  return (Matrix(uncheckedRows: kept.count, columns: d, storage: storage), kept)
}
