import Foundation
import RiskKernels
import Testing
import _RiskKernelsTestSupport

@testable import RiskReportCore

/// Writes `text` to a fresh temporary file and returns its path.
func temporaryFile(_ text: String, name: String = "prices.csv") throws -> String {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  let url = dir.appendingPathComponent(name)
  try Data(text.utf8).write(to: url)
  return url.path
}

@Suite struct PriceFileTests {
  @Test("Reads the bundled example: 4 assets, 2148 rows, no missing cells")
  func readsBundledExample() throws {
    let file = try PriceFile(path: BundledData.examplePrices)
    #expect(file.assets == ["AAPL", "GOOG", "IBM", "MSFT"])
    #expect(file.rows.count == 2148)
    let (r, dropped) = try file.returns(kind: .log, as: Double.self)
    #expect(r.rows == 2147 && r.columns == 4 && dropped == 0)
  }

  @Test("Missing cells drop the row (complete cases) and are counted")
  func missingCellsDropRows() throws {
    let path = try temporaryFile(
      "date,A,B\n2020-01-01,1,\n2020-01-02,2,3\n2020-01-03,,4\n2020-01-04,5,6\n2020-01-05,6,7\n")
    let file = try PriceFile(path: path)
    let (r, dropped) = try file.returns(kind: .simple, as: Double.self)
    #expect(dropped == 2)
    // Rows kept: 2020-01-02 (2, 3), 2020-01-04 (5, 6), 2020-01-05 (6, 7).
    let expected: [[Double]] = [[1.5, 1.0], [0.2, 1.0 / 6.0]]
    #expect(maxAbsoluteDifference(r, try Matrix(expected)) <= 1e-15)
  }

  @Test("Every malformed input names its file, line and column")
  func errorsNameTheCell() throws {
    let cases: [(String, String)] = [
      (
        "date,A,B\n2020-01-01,1,2\n2020-01-02,3\n",
        ":3: expected 3 fields as in the header but found 2"
      ),
      (
        "date,A,B\n2020-01-01,1,2\n2020-01-02,abc,2\n",
        ":3:2: price of A is not a finite number: 'abc'"
      ),
      ("date,A,B\n2020-01-01,1,2\n2020-01-02,1,-2\n", ":3:3: price of B must be positive, got -2"),
      ("date,A,B\n2020-01-01,1,2\n2020-01-02,1,0\n", ":3:3: price of B must be positive, got 0"),
      ("date,A,B\n2020-01-01,1,nan\n", ":2:3: price of B is not a finite number: 'nan'"),
      ("date,A,A\n2020-01-01,1,2\n", ":1:3: duplicate asset name 'A'"),
      (
        "date\n2020-01-01\n",
        ":1: the header needs a date or index column and at least one asset column"
      ),
      ("date,A,B\n,1,2\n", ":2:1: empty date or index"),
    ]
    for (text, suffix) in cases {
      let path = try temporaryFile(text)
      #expect {
        try PriceFile(path: path)
      } throws: { error in
        "\(error)" == path + suffix
      }
    }
  }

  @Test("Fewer than two usable rows and unreadable files are input errors")
  func tooFewRowsAndMissingFile() throws {
    let path = try temporaryFile("date,A,B\n2020-01-01,1,2\n2020-01-02,,3\n")
    let file = try PriceFile(path: path)
    #expect(
      throws: InputError(
        location: .file(path),
        message: "fewer than 2 usable rows (rows where every asset has a price): 1")
    ) {
      try file.returns(kind: .log, as: Double.self)
    }
    #expect(
      throws: InputError(location: .file("/nonexistent/prices.csv"), message: "cannot read file")
    ) {
      try PriceFile(path: "/nonexistent/prices.csv")
    }
  }
}
