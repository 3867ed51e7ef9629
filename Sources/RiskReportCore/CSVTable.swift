import CSV
import Foundation

/// A CSV file read whole (prices, a covariance, per-asset budgets, caps or weights): records
/// with their 1-based line numbers, every problem an `InputError` naming the file, line and
/// column. Records are counted as lines: these files have no quoted line breaks.
struct CSVTable {
  let path: String
  let header: [String]
  /// Data records and their line numbers (the header is line 1; blank lines are skipped).
  let records: [(line: Int, fields: [String])]

  init(path: String) throws(InputError) {
    self.path = path
    guard let data = FileManager.default.contents(atPath: path) else {
      throw InputError(location: .file(path), message: "cannot read file")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw InputError(location: .file(path), message: "not UTF-8 text")
    }
    let reader: CSVReader
    do {
      reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: true)
    } catch {
      throw InputError(location: .line(file: path, line: 1), message: "cannot read a header row")
    }
    guard let header = reader.headerRow, !header.isEmpty, header != [""] else {
      throw InputError(location: .line(file: path, line: 1), message: "missing header row")
    }
    var records: [(Int, [String])] = []
    var line = 1
    while let record = reader.next() {
      line += 1
      if record.count == 1 && record[0].isEmpty { continue }
      guard record.count == header.count else {
        throw InputError(
          location: .line(file: path, line: line),
          message: "expected \(header.count) fields as in the header but found \(record.count)")
      }
      records.append((line, record))
    }
    if let error = reader.error {
      throw InputError(
        location: .line(file: path, line: line + 1), message: "cannot parse CSV: \(error)")
    }
    self.header = header
    self.records = records
  }

  /// The header's names from `column` on, checked non-empty and unique.
  func uniqueNames(from column: Int) throws(InputError) -> [String] {
    var seen = Set<String>()
    for (k, name) in header.enumerated().dropFirst(column) {
      guard !name.isEmpty else {
        throw InputError(
          location: .cell(file: path, line: 1, column: k + 1), message: "empty asset name")
      }
      guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
      else {
        throw InputError(
          location: .cell(file: path, line: 1, column: k + 1),
          message: "an asset name with a control character (a tab, an escape, a NUL…)")
      }
      guard seen.insert(name).inserted else {
        throw InputError(
          location: .cell(file: path, line: 1, column: k + 1),
          message: "duplicate asset name '\(name)'")
      }
    }
    return Array(header.dropFirst(column))
  }

  /// The field at (`record`, `column`) as a finite number.
  func number(_ record: Int, _ column: Int, what: String) throws(InputError) -> Double {
    let (line, fields) = records[record]
    guard let value = DecimalNumber.parse(fields[column]) else {
      throw InputError(
        location: .cell(file: path, line: line, column: column + 1),
        message: "\(what) is not a finite number: '\(fields[column])'")
    }
    return value
  }
}

/// `riskreport covariance --format csv` output read back: a header of asset names, then the
/// d×d matrix, symmetric.
struct CovarianceFile {
  let assets: [String]
  let covariance: [[Double]]

  init(path: String) throws(InputError) {
    let table = try CSVTable(path: path)
    let d = table.header.count
    _ = try table.uniqueNames(from: 0)
    guard table.records.count == d else {
      throw InputError(
        location: .file(path),
        message: "expected \(d) rows for \(d) assets but found \(table.records.count)")
    }
    var rows: [[Double]] = []
    for r in 0..<d {
      var row: [Double] = []
      for c in 0..<d { row.append(try table.number(r, c, what: "covariance entry")) }
      rows.append(row)
    }
    for i in 0..<d {
      for j in 0..<i
      where abs(rows[i][j] - rows[j][i]) > 1e-12 * max(abs(rows[i][j]), abs(rows[j][i]), 1e-300) {
        throw InputError(
          location: .cell(file: path, line: table.records[i].line, column: j + 1),
          message:
            "not symmetric: \(rows[i][j]) here but \(rows[j][i]) at line \(table.records[j].line), column \(i + 1)"
        )
      }
    }
    self.assets = table.header
    self.covariance = rows
  }
}

/// A per-asset value file (`--budgets`, `--caps`, `--weights`): header `asset,<column>`, one row
/// per asset.
enum AssetValueFile {
  /// A `--weights` file (`asset,weight`) whose weights sum to 1 (within 10⁻⁶), in the order of
  /// `assets`.
  static func weights(path: String, assets: [String]) throws(InputError) -> [Double] {
    let w = try load(path: path, assets: assets, what: "weight", column: "weight")
    guard abs(w.reduce(0, +) - 1) <= 1e-6 else {
      throw InputError(location: .file(path), message: "weights sum to \(w.reduce(0, +)), not 1")
    }
    return w
  }

  /// The values in the order of `assets`.
  static func load(path: String, assets: [String], what: String, column: String = "value")
    throws(InputError) -> [Double]
  {
    let table = try CSVTable(path: path)
    guard table.header.map({ $0.lowercased() }) == ["asset", column] else {
      throw InputError(
        location: .line(file: path, line: 1), message: "the header must be 'asset,\(column)'")
    }
    var values: [String: Double] = [:]
    for (r, record) in table.records.enumerated() {
      let name = record.fields[0]
      guard assets.contains(name) else {
        throw InputError(
          location: .cell(file: path, line: record.line, column: 1),
          message: "unknown asset '\(name)' (assets: \(assets.joined(separator: ", ")))")
      }
      guard values[name] == nil else {
        throw InputError(
          location: .cell(file: path, line: record.line, column: 1),
          message: "asset '\(name)' appears twice")
      }
      let value = try table.number(r, 1, what: "\(what) of \(name)")
      // Weights, budgets and caps are fractions of a portfolio: ±10⁶ leaves room for any
      // leverage while 1e308 and −1e308 (summing to 1) overflowed every figure to NaN.
      guard abs(value) <= 1e6 else {
        throw InputError(
          location: .cell(file: path, line: record.line, column: 2),
          message: "\(what) of \(name) is \(value), beyond ±1e6")
      }
      values[name] = value
    }
    if let missing = assets.first(where: { values[$0] == nil }) {
      throw InputError(
        location: .file(path), message: "no \(what) for asset '\(missing)' (one row per asset)")
    }
    return assets.map { values[$0]! }
  }
}
