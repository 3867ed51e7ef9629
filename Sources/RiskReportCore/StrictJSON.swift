import Foundation

/// The input JSON files (portfolio, model) read strictly before they are decoded: RFC 8259
/// syntax with no extensions (no trailing commas, comments, NaN or hex), numbers finite in
/// Double and not underflowing to 0, no key twice in one object, no key the schema does not know, nesting at most 64 deep,
/// and a top-level object. Every problem is an `InputError` with the file, line and column
/// (1-based, columns in bytes), so a misspelt `riskBudget` or a truncated file is pointed at,
/// never silently ignored.
struct StrictJSON {
  /// What keys an object may hold.
  indirect enum Schema: Sendable {
    /// Exactly these keys may appear (each optional here; the decoder requires what it needs).
    case object([String: Schema])
    /// Any keys (asset names), each value by the schema.
    case map(Schema)
    case array(Schema)
    /// A number, string, boolean or null (the decoder checks the type).
    case scalar
  }

  private let bytes: [UInt8]
  private let path: String
  private var position = 0

  /// Parses `data` and checks it against `schema`.
  static func check(_ data: Data, path: String, schema: Schema) throws(InputError) {
    var parser = StrictJSON(bytes: Array(data), path: path)
    // A UTF-8 byte-order mark, as some editors write (the CSV readers accept it too).
    if parser.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.position = 3 }
    parser.skipSpace()
    guard parser.position < parser.bytes.count else {
      throw parser.error("empty file (expected a JSON object)")
    }
    let (opening, what): (UInt8, String) =
      if case .array = schema { (UInt8(ascii: "["), "array [ … ]") } else {
        (UInt8(ascii: "{"), "object { … }")
      }
    guard parser.bytes[parser.position] == opening else {
      throw parser.error("expected a JSON \(what) at the top level")
    }
    try parser.value(schema, field: "", depth: 0)
    parser.skipSpace()
    guard parser.position == parser.bytes.count else {
      throw parser.error("unexpected text after the JSON \(what.prefix { $0 != " " })")
    }
  }

  /// Reads `path`, checks it against `schema` and decodes it; every problem is an `InputError`
  /// naming the file, and the line and column (syntax, unknown keys) or the field (types).
  static func decode<T: Decodable>(_: T.Type, path: String, schema: Schema) throws(InputError) -> T
  {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw InputError(location: .file(path), message: "cannot read the file")
    }
    try check(data, path: path, schema: schema)
    do {
      return try JSONDecoder().decode(T.self, from: data)
    } catch let error as DecodingError {
      throw InputError(location: .file(path), message: describe(error))
    } catch {
      throw InputError(location: .file(path), message: "not valid JSON: \(error)")
    }
  }

  /// "field spot[2]: expected a number" and the like.
  static func describe(_ error: DecodingError) -> String {
    func path(_ keys: [any CodingKey]) -> String {
      var out = ""
      for key in keys {
        if let index = key.intValue {
          out += "[\(index)]"
        } else {
          out += (out.isEmpty ? "" : ".") + key.stringValue
        }
      }
      return out.isEmpty ? "top level" : out
    }
    switch error {
    case .keyNotFound(let key, let context):
      let parent = path(context.codingPath)
      return "missing field \(parent == "top level" ? "" : parent + ".")\(key.stringValue)"
    case .typeMismatch(let type, let context):
      return
        "field \(path(context.codingPath)): expected \(type == Double.self ? "a number" : "\(type)")"
    case .valueNotFound(_, let context):
      return "field \(path(context.codingPath)): null is not allowed"
    case .dataCorrupted(let context):
      return context.codingPath.isEmpty
        ? "not valid JSON" : "field \(path(context.codingPath)): \(context.debugDescription)"
    @unknown default:
      return "\(error)"
    }
  }

  private init(bytes: [UInt8], path: String) {
    self.bytes = bytes
    self.path = path
  }

  // MARK: - Errors

  private func location(at offset: Int) -> (line: Int, column: Int) {
    var line = 1
    var lineStart = 0
    for i in 0..<Swift.min(offset, bytes.count) where bytes[i] == UInt8(ascii: "\n") {
      line += 1
      lineStart = i + 1
    }
    return (line, offset - lineStart + 1)
  }

  private func error(_ message: String, at offset: Int? = nil) -> InputError {
    let (line, column) = location(at: offset ?? position)
    return InputError(location: .cell(file: path, line: line, column: column), message: message)
  }

  private func unexpected(_ expected: String) -> InputError {
    guard position < bytes.count else { return error("the file ends early (expected \(expected))") }
    let found = bytes[position]
    let shown =
      found >= 0x20 && found < 0x7F
      ? "'\(Character(UnicodeScalar(found)))'" : "byte 0x\(String(found, radix: 16))"
    return error("expected \(expected) but found \(shown)")
  }

  // MARK: - Grammar

  private mutating func skipSpace() {
    while position < bytes.count,
      [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position])
    {
      position += 1
    }
  }

  private mutating func value(_ schema: Schema, field: String, depth: Int) throws(InputError) {
    guard depth < 64 else { throw error("nested more than 64 levels deep") }
    skipSpace()
    guard position < bytes.count else { throw unexpected("a value") }
    switch bytes[position] {
    case UInt8(ascii: "{"): try object(schema, field: field, depth: depth)
    case UInt8(ascii: "["): try array(schema, field: field, depth: depth)
    case UInt8(ascii: "\""): _ = try string()
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
    default:
      for word in ["true", "false", "null"] where bytes[position...].starts(with: word.utf8) {
        position += word.utf8.count
        return
      }
      throw unexpected("a value")
    }
  }

  private mutating func object(_ schema: Schema, field: String, depth: Int) throws(InputError) {
    position += 1  // {
    var seen = Set<String>()
    skipSpace()
    if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
      position += 1
      return
    }
    while true {
      skipSpace()
      let keyStart = position
      guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
        throw unexpected(seen.isEmpty ? "a key in quotes" : "a key in quotes after the comma")
      }
      let key = try string()
      let name = field.isEmpty ? key : "\(field).\(key)"
      guard seen.insert(key).inserted else {
        throw error("\(name) appears twice in one object", at: keyStart)
      }
      let inner: Schema
      switch schema {
      case .object(let fields):
        guard let known = fields[key] else {
          let suggestion = fields.keys.min { distance($0, key) < distance($1, key) }
          let hint =
            suggestion.map { distance($0, key) <= 2 ? " (did you mean \($0)?)" : "" } ?? ""
          throw error(
            "unknown field \(name)\(hint); known: \(fields.keys.sorted().joined(separator: ", "))",
            at: keyStart)
        }
        inner = known
      case .map(let values): inner = values
      case .array, .scalar:
        throw error("\(field.isEmpty ? "the value" : field) should not be an object", at: keyStart)
      }
      skipSpace()
      guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
        throw unexpected("':' after the key")
      }
      position += 1
      try value(inner, field: name, depth: depth + 1)
      skipSpace()
      guard position < bytes.count else { throw unexpected("',' or '}'") }
      if bytes[position] == UInt8(ascii: ",") {
        position += 1
        continue
      }
      guard bytes[position] == UInt8(ascii: "}") else { throw unexpected("',' or '}'") }
      position += 1
      return
    }
  }

  private mutating func array(_ schema: Schema, field: String, depth: Int) throws(InputError) {
    position += 1  // [
    let element: Schema
    switch schema {
    case .array(let inner): element = inner
    case .scalar: element = .scalar
    default:
      throw error("\(field.isEmpty ? "the value" : field) should not be an array", at: position - 1)
    }
    skipSpace()
    if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
      position += 1
      return
    }
    var index = 0
    while true {
      try value(element, field: "\(field)[\(index)]", depth: depth + 1)
      index += 1
      skipSpace()
      guard position < bytes.count else { throw unexpected("',' or ']'") }
      if bytes[position] == UInt8(ascii: ",") {
        position += 1
        skipSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
          throw error("a trailing comma before ']'")
        }
        continue
      }
      guard bytes[position] == UInt8(ascii: "]") else { throw unexpected("',' or ']'") }
      position += 1
      return
    }
  }

  /// A string's text (escapes decoded); control characters (NUL among them) are refused.
  private mutating func string() throws(InputError) -> String {
    let start = position
    position += 1  // "
    var out: [UInt8] = []
    while position < bytes.count {
      let b = bytes[position]
      switch b {
      case UInt8(ascii: "\""):
        position += 1
        guard let text = String(validating: out, as: UTF8.self) else {
          throw error("not UTF-8 text", at: start)
        }
        return text
      case UInt8(ascii: "\\"):
        guard position + 1 < bytes.count else { throw error("the file ends inside a string") }
        let escape = bytes[position + 1]
        let simple: [UInt8: UInt8] = [
          0x22: 0x22, 0x5C: 0x5C, 0x2F: 0x2F, 0x62: 0x08, 0x66: 0x0C, 0x6E: 0x0A, 0x72: 0x0D,
          0x74: 0x09,
        ]
        if let replacement = simple[escape] {
          out.append(replacement)
          position += 2
        } else if escape == UInt8(ascii: "u"), let code = hexEscape(at: position) {
          var scalarValue = code
          var length = 6
          // A surrogate pair, \uD83D\uDE00, is one character.
          if (0xD800..<0xDC00).contains(code), bytes[(position + 6)...].starts(with: [0x5C, 0x75]),
            let low = hexEscape(at: position + 6), (0xDC00..<0xE000).contains(low)
          {
            scalarValue = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            length = 12
          }
          guard scalarValue >= 0x20, let scalar = UnicodeScalar(scalarValue) else {
            throw error("an escaped control character or lone surrogate in a string")
          }
          out.append(contentsOf: Array(String(Character(scalar)).utf8))
          position += length
        } else {
          throw error("an invalid escape in a string")
        }
      case 0..<0x20: throw error("a control character (byte 0x\(String(b, radix: 16))) in a string")
      default:
        out.append(b)
        position += 1
      }
    }
    throw error("the file ends inside a string", at: start)
  }

  /// The code unit of a `\uXXXX` escape starting at `offset`, if there is one.
  private func hexEscape(at offset: Int) -> UInt32? {
    guard offset + 6 <= bytes.count else { return nil }
    let digits = bytes[(offset + 2)..<(offset + 6)]
    guard
      digits.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) })
    else { return nil }
    return UInt32(String(decoding: digits, as: UTF8.self), radix: 16)
  }

  /// `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`, finite in Double.
  private mutating func number() throws(InputError) {
    let start = position
    func digits() -> Int {
      let from = position
      while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 {
        position += 1
      }
      return position - from
    }
    if bytes[position] == UInt8(ascii: "-") { position += 1 }
    let integer = digits()
    guard integer > 0 else { throw unexpected("a digit") }
    if integer > 1, bytes[position - integer] == UInt8(ascii: "0") {
      throw error("a number with a leading zero", at: start)
    }
    if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
      position += 1
      guard digits() > 0 else { throw unexpected("a digit after the decimal point") }
    }
    if position < bytes.count,
      bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E")
    {
      position += 1
      if position < bytes.count,
        bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-")
      {
        position += 1
      }
      guard digits() > 0 else { throw unexpected("a digit in the exponent") }
    }
    let text = String(decoding: bytes[start..<position], as: UTF8.self)
    guard let value = Double(text), value.isFinite else {
      throw error("the number \(text) is beyond Double's range", at: start)
    }
    if value == 0,
      text.utf8.prefix(while: { $0 != 0x65 && $0 != 0x45 }).contains(where: {
        $0 >= 0x31 && $0 <= 0x39
      })
    {
      throw error("the number \(text) is below Double's range (it would read as 0)", at: start)
    }
  }
}

/// The edit distance between two keys (for "did you mean"), Levenshtein's by one row.
private func distance(_ a: String, _ b: String) -> Int {
  let (x, y) = (Array(a.utf8), Array(b.utf8))
  var row = Array(0...y.count)
  for i in x.indices {
    var diagonal = row[0]
    row[0] = i + 1
    for j in y.indices {
      let above = row[j + 1]
      row[j + 1] = Swift.min(above + 1, row[j] + 1, diagonal + (x[i] == y[j] ? 0 : 1))
      diagonal = above
    }
  }
  return row[y.count]
}
