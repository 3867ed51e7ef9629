import ArgumentParser
import Foundation
import RiskKernels

/// Raw little-endian float64 values, as the peers scripts write them (NumPy's `tofile`), so
/// both sides time the same numbers.
func loadDoubles(path: String, count: Int) throws -> [Double] {
  let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
  guard bytes.count == count * 8 else {
    throw ValidationError("\(path): expected \(count) doubles, found \(bytes.count) bytes")
  }
  var values = [Double](repeating: 0, count: count)
  _ = values.withUnsafeMutableBytes { bytes.copyBytes(to: $0) }
  return values
}

/// A column-major `rows × columns` matrix from a raw float64 file.
func loadColumnMajor(path: String, rows: Int, columns: Int) throws -> Matrix<Double> {
  try Matrix(
    rows: rows, columns: columns, columnMajor: loadDoubles(path: path, count: rows * columns))
}

/// A symmetric matrix written row-major by NumPy is the same column-major.
func loadSquare(path: String, order: Int) throws -> Matrix<Double> {
  try loadColumnMajor(path: path, rows: order, columns: order)
}
