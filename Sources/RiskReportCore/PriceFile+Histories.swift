import ArgumentParser
import RiskKernels

/// How a command treats assets whose price histories start on different dates.
enum HistoriesChoice: String, ExpressibleByArgument, CaseIterable {
  /// Only the rows where every asset has a price (the default).
  case complete
  /// Each asset's whole history, combined by Stambaugh's (1997) maximum-likelihood estimator
  /// (`StambaughCovariance`); the sample estimator only.
  case stambaugh
}

/// A covariance estimate of a price file's returns, with what each asset contributed.
struct EstimatedCovariance<T: BLASScalar> {
  let estimate: CovarianceEstimate<T>
  /// Rows left out because an asset had no price there (complete rows only).
  let droppedRows: Int
  /// Returns each asset contributed.
  let observations: [Int]
}

extension PriceFile {
  /// The covariance estimate of the file's `kind` returns: by `estimator` over the complete
  /// rows, or (`stambaugh`) by `StambaughCovariance` over each asset's history from its first
  /// price, which must then run to the last row without a gap.
  ///
  /// - Throws: `InputError` naming the file: a gap inside an asset's history (with its line and
  ///   date), or what the estimator rejects (with the way out for a singular estimate).
  func covariance<T: BLASScalar>(
    kind: ReturnKind, estimator: any CovarianceEstimator, histories: HistoriesChoice,
    as _: T.Type = T.self
  ) throws(InputError) -> EstimatedCovariance<T> {
    switch histories {
    case .complete:
      let (returns, dropped) = try self.returns(kind: kind, as: T.self)
      do {
        let estimate = try estimator.estimate(from: returns)
        return EstimatedCovariance(
          estimate: estimate, droppedRows: dropped,
          observations: Array(repeating: returns.rows, count: assets.count))
      } catch {
        if case .notPositiveDefinite = error {
          throw singularCovarianceError(
            estimator, assets: assets.count, file: path, message: "\(error)")
        }
        throw InputError(location: .file(path), message: "\(error)")
      }
    case .stambaugh:
      let returns = try staggeredReturns(kind: kind, as: T.self)
      do {
        let result = try StambaughCovariance().estimate(from: returns)
        return EstimatedCovariance(
          estimate: result.estimate, droppedRows: 0, observations: result.observations)
      } catch {
        throw InputError(location: .file(path), message: "stambaugh: \(error)")
      }
    }
  }

  /// Returns with NaN before each asset's first return (from its first price to the next): the
  /// monotone pattern `StambaughCovariance` reads.
  ///
  /// - Throws: `InputError` at the first missing price after an asset's first (a gap inside its
  ///   history), or for an asset with fewer than two prices.
  func staggeredReturns<T: BLASScalar>(kind: ReturnKind, as _: T.Type = T.self)
    throws(InputError) -> Matrix<T>
  {
    let (n, d) = (rows.count, assets.count)
    guard n >= 2 else {
      throw InputError(location: .file(path), message: "fewer than 2 rows of prices: \(n)")
    }
    var returns: Matrix<T>
    do {
      returns = try Matrix(rows: n - 1, columns: d, repeating: .nan)
    } catch {
      throw InputError(location: .file(path), message: "\(error)")
    }
    for j in 0..<d {
      guard let first = rows.firstIndex(where: { $0[j] != nil }), first < n - 1 else {
        throw InputError(
          location: .file(path),
          message: "\(assets[j]) has fewer than 2 prices: it has no return to estimate from")
      }
      for i in first..<n where rows[i][j] == nil {
        throw InputError(
          location: .cell(file: path, line: lines[i], column: j + 2),
          message:
            "\(assets[j]) has no price on \(labels[i]), inside its history (from \(labels[first])): --histories stambaugh needs every asset priced on every row from its first"
        )
      }
      // The library's returns of the asset's own history (log1p of the simple return).
      let prices = (first..<n).map { T(rows[$0][j]!) }
      let own: Matrix<T>
      do {
        own = try RiskKernels.returns(
          fromPrices: Matrix(rows: prices.count, columns: 1, columnMajor: prices), kind: kind)
      } catch {
        throw InputError(location: .file(path), message: "\(assets[j]): \(error)")
      }
      for i in 0..<own.rows {
        guard own[i, 0].isFinite, abs(own[i, 0]) <= 1e100 else {
          throw InputError(
            location: .cell(file: path, line: lines[first + i + 1], column: j + 2),
            message:
              "the return of \(assets[j]) to this line is \(own[i, 0]), not a finite number within ±1e100 in \(T.self)"
          )
        }
        returns[first + i, j] = own[i, 0]
      }
    }
    return returns
  }
}
