/// The first column of a price file: when each row was observed. Either dates, `YYYY-MM-DD`
/// (optionally with a time, `YYYY-MM-DDTHH:MM[:SS][Z]` or with a space for the `T`), all in one
/// form, or an integer index; strictly increasing either way (oldest first), so a reversed,
/// shuffled or duplicated file is an error, never a silently wrong spot or return series.
enum ObservationLabels {
  /// - Throws: `InputError` at the first label that is not a date or an index, or that does not
  ///   come after the one before it.
  static func check(_ labels: [(line: Int, label: String)], path: String) throws(InputError) {
    guard let first = labels.first else { return }
    let dated = isDate(first.label)
    var previous: (line: Int, label: String, index: Int)? = nil
    for (line, label) in labels {
      func fail(_ message: String) -> InputError {
        InputError(location: .cell(file: path, line: line, column: 1), message: message)
      }
      guard !label.isEmpty else { throw fail("empty date or index") }
      var index = 0
      if dated {
        // One form throughout (same length, same separator before the time), so that text
        // order is time order.
        guard isDate(label), label.utf8.count == first.label.utf8.count,
          label.utf8.dropFirst(10).first == first.label.utf8.dropFirst(10).first
        else {
          throw fail(
            "'\(label)' is not a date in the form of line \(first.line) ('\(first.label)'; dates are YYYY-MM-DD, optionally with a time)"
          )
        }
      } else {
        guard let value = DecimalNumber.parse(label), value == value.rounded(), abs(value) < 1e15
        else {
          throw fail("'\(label)' is neither a date (YYYY-MM-DD) nor an integer index")
        }
        index = Int(value)
      }
      if let previous {
        let increasing = dated ? label > previous.label : index > previous.index
        guard increasing else {
          throw fail(
            "\(label) does not come after \(previous.label) at line \(previous.line) (rows must be oldest first, each observation once)"
          )
        }
      }
      previous = (line, label, index)
    }
  }

  /// `YYYY-MM-DD` with a real month and day, then nothing, or `T`/space and `HH:MM`,
  /// `HH:MM:SS`, each optionally followed by `Z`.
  static func isDate(_ text: String) -> Bool {
    let b = Array(text.utf8)
    func digits(_ range: Range<Int>) -> Int? {
      guard range.upperBound <= b.count else { return nil }
      var value = 0
      for i in range {
        guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
        value = value * 10 + Int(b[i] - 0x30)
      }
      return value
    }
    guard b.count >= 10, let year = digits(0..<4), b[4] == 0x2D, let month = digits(5..<7),
      b[7] == 0x2D, let day = digits(8..<10), (1...12).contains(month)
    else { return false }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    guard (1...days).contains(day) else { return false }
    var rest = b[10...]
    if rest.isEmpty { return true }
    guard rest.first == 0x54 || rest.first == 0x20 else { return false }  // T or space
    rest = rest.dropFirst()
    if rest.last == 0x5A { rest = rest.dropLast() }  // Z
    let time = Array(rest)
    func field(_ i: Int, below limit: Int) -> Bool {
      guard i + 2 <= time.count, time[i] >= 0x30, time[i] <= 0x39, time[i + 1] >= 0x30,
        time[i + 1] <= 0x39
      else { return false }
      return Int(time[i] - 0x30) * 10 + Int(time[i + 1] - 0x30) < limit
    }
    switch time.count {
    case 5: return field(0, below: 24) && time[2] == 0x3A && field(3, below: 60)
    case 8:
      return field(0, below: 24) && time[2] == 0x3A && field(3, below: 60) && time[5] == 0x3A
        && field(6, below: 61)
    default: return false
    }
  }
}
