/// The one number syntax of every input file: a plain decimal, `[+-]digits[.digits][e[+-]digits]`
/// (or `.digits`), read by `Double(_:)` only after that check, finite and not a non-zero value
/// that underflows to 0. `Double(_:)` alone also accepts
/// hexadecimal floats (`0x1p4` is 16), `inf`, `nan`, and stops at a NUL byte (`5\0` `7` read as
/// 5): none of those is a price or a weight anyone meant.
enum DecimalNumber {
  /// The value of `text` if it is a plain decimal whose value is finite, else nil.
  static func parse(_ text: some StringProtocol) -> Double? {
    var bytes = text.utf8.makeIterator()
    // 0 start, 1 sign, 2 integer digits, 3 point, 4 fraction, 5 e, 6 e-sign, 7 exponent.
    var state = 0
    var digitsBeforeExponent = false
    while let b = bytes.next() {
      let digit = b >= 0x30 && b <= 0x39
      switch (state, b) {
      case (0, 0x2B), (0, 0x2D): state = 1
      case (0, _) where digit, (1, _) where digit, (2, _) where digit:
        state = 2
        digitsBeforeExponent = true
      case (0, 0x2E), (1, 0x2E), (2, 0x2E): state = 3
      case (3, _) where digit, (4, _) where digit:
        state = 4
        digitsBeforeExponent = true
      case (2, 0x65), (2, 0x45), (3, 0x65), (3, 0x45), (4, 0x65), (4, 0x45):
        guard digitsBeforeExponent else { return nil }
        state = 5
      case (5, 0x2B), (5, 0x2D): state = 6
      case (5, _) where digit, (6, _) where digit, (7, _) where digit: state = 7
      default: return nil
      }
    }
    guard digitsBeforeExponent, [2, 3, 4, 7].contains(state),
      let value = Double(String(text)), value.isFinite
    else { return nil }
    // A non-zero number below Double's range (2e-324) reads as 0: refused, not silently zero.
    if value == 0,
      text.utf8.prefix(while: { $0 != 0x65 && $0 != 0x45 }).contains(where: {
        $0 >= 0x31 && $0 <= 0x39
      })
    {
      return nil
    }
    return value
  }
}
