import Foundation
import RiskKernels

/// A price table read from CSV: a header row (`date` or an index column, then one column per
/// asset), one row per observation, oldest first, empty cells for missing prices. The first
/// column holds dates or an integer index, strictly increasing (`ObservationLabels`); prices are
/// plain positive decimals (`DecimalNumber`).
///
/// Every problem is an `InputError` naming the file, line (1-based, the header is line 1) and
/// column (1-based). Records are counted as lines: price files have no quoted line breaks.
struct PriceFile {
  let path: String
  let assets: [String]
  /// First-column labels (dates or indices), one per row.
  let labels: [String]
  /// Prices per row, `nil` where the cell was empty.
  let rows: [[Double?]]
  /// Each row's line in the file.
  let lines: [Int]

  /// Reads and validates `path`.
  init(path: String) throws(InputError) {
    self.path = path
    let table = try CSVTable(path: path)
    guard table.header.count >= 2 else {
      throw InputError(
        location: .line(file: path, line: 1),
        message: "the header needs a date or index column and at least one asset column")
    }
    let header = table.header
    _ = try table.uniqueNames(from: 1)
    try RunSize.checkAssets(header.count - 1, file: path)
    try ObservationLabels.check(table.records.map { ($0.line, $0.fields[0]) }, path: path)
    var labels: [String] = []
    var rows: [[Double?]] = []
    rows.reserveCapacity(table.records.count)
    for (line, record) in table.records {
      guard !record[0].isEmpty else {
        throw InputError(
          location: .cell(file: path, line: line, column: 1), message: "empty date or index")
      }
      var prices: [Double?] = []
      prices.reserveCapacity(record.count - 1)
      for (k, cell) in record.enumerated().dropFirst() {
        if cell.isEmpty {
          prices.append(nil)
          continue
        }
        let asset = header[k]
        guard let value = DecimalNumber.parse(cell) else {
          throw InputError(
            location: .cell(file: path, line: line, column: k + 1),
            message: "price of \(asset) is not a finite number: '\(cell)'")
        }
        guard value > 0 else {
          throw InputError(
            location: .cell(file: path, line: line, column: k + 1),
            message: "price of \(asset) must be positive, got \(cell)")
        }
        prices.append(value)
      }
      labels.append(record[0])
      rows.append(prices)
    }
    self.assets = Array(header.dropFirst())
    self.labels = labels
    self.rows = rows
    self.lines = table.records.map(\.line)
  }

  /// Returns from the complete rows (every asset priced) and how many rows were dropped.
  ///
  /// - Throws: `InputError` when fewer than 2 complete rows remain (3 for a sample estimate is
  ///   checked by the estimator).
  func returns<T: BLASScalar>(
    kind: ReturnKind, as: T.Type = T.self
  ) throws(InputError) -> (returns: Matrix<T>, droppedRows: Int) {
    let typed = rows.map { $0.map { $0.map { T($0) } } }
    let complete: (prices: Matrix<T>, keptRows: [Int])
    do {
      complete = try completeCases(typed)
    } catch {
      throw InputError(location: .file(path), message: "\(error)")
    }
    guard complete.keptRows.count >= 2 else {
      throw InputError(
        location: .file(path),
        message:
          "fewer than 2 usable rows (rows where every asset has a price): \(complete.keptRows.count)"
      )
    }
    let returns: Matrix<T>
    do {
      returns = try RiskKernels.returns(fromPrices: complete.prices, kind: kind)
    } catch {
      // Prices were validated cell by cell above; Float can still overflow a huge price.
      throw InputError(location: .file(path), message: "\(error)")
    }
    // Each return is checked here, where it still has a line: a jump from 1e-300 to 1e300
    // overflows, and an asset whose price never moves has no volatility to estimate.
    let n = returns.rows
    for j in 0..<returns.columns {
      var moved = false
      for i in 0..<n {
        let r = returns[i, j]
        // Beyond ±1e100 (a price that jumped by that factor), squares and products of returns
        // overflow the covariance: no real price series moves so.
        guard r.isFinite, abs(r) <= 1e100 else {
          let (from, to) = (lines[complete.keptRows[i]], lines[complete.keptRows[i + 1]])
          throw InputError(
            location: .cell(file: path, line: to, column: j + 2),
            message:
              "the return of \(assets[j]) from line \(from) to this line is \(r), not a finite number within ±1e100 in \(T.self) (prices \(rows[complete.keptRows[i]][j]!) and \(rows[complete.keptRows[i + 1]][j]!))"
          )
        }
        moved = moved || r != 0
      }
      guard moved else {
        throw InputError(
          location: .cell(file: path, line: 1, column: j + 2),
          message:
            "the price of \(assets[j]) never changes over the \(n + 1) rows used: it has no volatility to estimate (remove the column)"
        )
      }
    }
    return (returns, rows.count - complete.keptRows.count)
  }

  /// The label of each return of `returns(kind:)`: the row it ends on, among the complete rows.
  func completeReturnLabels() -> [String] {
    let complete = rows.indices.filter { i in rows[i].allSatisfy { $0 != nil } }
    return complete.dropFirst().map { labels[$0] }
  }

  /// The prices of the last row where every asset has a price (the spot for a simulation).
  ///
  /// - Throws: `InputError` when no row is complete.
  func lastCompletePrices() throws(InputError) -> [Double] {
    for row in rows.reversed() {
      let prices = row.compactMap { $0 }
      if prices.count == assets.count { return prices }
    }
    throw InputError(location: .file(path), message: "no row has a price for every asset")
  }
}
