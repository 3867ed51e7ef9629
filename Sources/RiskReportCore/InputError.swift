/// A problem with the user's input, printed as one line on stderr:
/// `riskreport: FILE:LINE:COLUMN: message` or `riskreport: --flag: message`.
struct InputError: Error, Equatable, CustomStringConvertible {
  enum Location: Equatable {
    case file(String)
    case line(file: String, line: Int)
    case cell(file: String, line: Int, column: Int)
    case flag(String)
  }

  let location: Location
  let message: String

  var description: String {
    switch location {
    case .file(let file): return "\(file): \(message)"
    case .line(let file, let line): return "\(file):\(line): \(message)"
    case .cell(let file, let line, let column): return "\(file):\(line):\(column): \(message)"
    case .flag(let flag): return "\(flag): \(message)"
    }
  }
}
