/// Order-preserving integer keys of floating-point values: for finite x and y, x < y exactly when
/// `key(x) < key(y)` (and −0 sorts before +0). The IEEE-754 bit pattern with the sign bit set
/// for non-negative values and every bit flipped for negative ones (the radix-sort key of
/// Herf, "Radix tricks", 2001). A key has `width` bits: 64 for Double, 32 for Float.
enum OrderedKey {
  static func width<T: BLASScalar>(_: T.Type) -> Int {
    1 + T.exponentBitCount + T.significandBitCount
  }

  @inline(__always)
  static func key<T: BLASScalar>(_ x: T) -> UInt64 {
    let raw =
      UInt64(x.exponentBitPattern) << UInt64(T.significandBitCount)
      | UInt64(x.significandBitPattern)
    let top = UInt64(1) << UInt64(T.exponentBitCount + T.significandBitCount)
    return x.sign == .minus ? top - 1 - raw : top | raw
  }

  static func value<T: BLASScalar>(_ key: UInt64, as _: T.Type = T.self) -> T {
    let top = UInt64(1) << UInt64(T.exponentBitCount + T.significandBitCount)
    let (sign, raw): (FloatingPointSign, UInt64) =
      key >= top ? (.plus, key - top) : (.minus, top - 1 - key)
    let significandMask = (UInt64(1) << UInt64(T.significandBitCount)) - 1
    return T(
      sign: sign, exponentBitPattern: T.RawExponent(raw >> UInt64(T.significandBitCount)),
      significandBitPattern: T.RawSignificand(raw & significandMask))
  }
}

/// One pass of a `TerminalQuantileSelection` over a run's paths: for each of its queries, the
/// histogram of the next 12-bit digit of the `OrderedKey`s of one asset's terminal prices whose
/// keys start with a given prefix, or, once few enough prices remain in that bucket, the prices
/// themselves. Its partials are counts and a bounded number of prices, so a pass holds memory
/// bounded by its queries and the selection's gather limit, never by the number of paths.
///
/// Build one with `TerminalQuantileSelection.pass`; run it as a custom observer
/// (`PathObservers.custom`) of the run whose quantiles are wanted, or of
/// `TerminalQuantileSelection.passSimulator(of:)`.
public struct TerminalQuantilePass<Scalar: BLASScalar>: PathObserver {
  /// The prices a query reads: asset `asset`'s whose keys' top `prefixBits` bits are `prefix`.
  struct Query: Sendable, Hashable {
    let asset: Int
    let prefix: UInt64
    let prefixBits: Int
    /// Gather the prices (`true`) or count the next digit's values (`false`).
    let gathers: Bool
  }

  /// The bits of the key a counting pass resolves per query.
  static var digitBits: Int { 12 }

  let queries: [Query]

  /// A query's digit: 12 bits, fewer for the key's last bits.
  static func digitBits(after prefixBits: Int) -> Int {
    Swift.min(digitBits, OrderedKey.width(Scalar.self) - prefixBits)
  }

  /// A pass's accumulated counts and prices.
  public struct Partial: Sendable, Equatable {
    /// Per query: the next digit's histogram (2^digit counts), empty for a gathering query.
    var counts: [[Int]]
    /// Per query: the prices in its bucket, in path order, empty for a counting query.
    var values: [[Scalar]]
  }

  /// Terminal prices only.
  public var needs: PathObserverNeeds { .terminalPrices }

  /// Per query, an empty histogram (a counting query) or no gathered prices (a gathering one).
  public func makePartial() -> Partial {
    Partial(
      counts: queries.map {
        $0.gathers ? [] : Array(repeating: 0, count: 1 << Self.digitBits(after: $0.prefixBits))
      },
      values: queries.map { _ in [] })
  }

  /// Per query, counts the next key digit of each terminal price in the query's bucket, or
  /// gathers those prices, in path order.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public func observe(_ block: PathBlock<Scalar>, into partial: inout Partial) {
    let width = OrderedKey.width(Scalar.self)
    let d = block.dimension
    for (q, query) in queries.enumerated() {
      // `>>` by the key's width gives 0: a query without a prefix takes every price.
      let shift = UInt64(width - query.prefixBits)
      let digitBits = Self.digitBits(after: query.prefixBits)
      let digitShift = shift - UInt64(digitBits)
      let mask = (UInt64(1) << UInt64(digitBits)) - 1
      for p in 0..<block.pathCount {
        let x = block.terminal[query.asset + p * d]
        let key = OrderedKey.key(x)
        guard key >> shift == query.prefix else { continue }
        if query.gathers {
          partial.values[q].append(x)
        } else {
          partial.counts[q][Int((key >> digitShift) & mask)] += 1
        }
      }
    }
  }

  /// Adds the histograms, and appends the right partial's gathered prices after the left's.
  public func merge(_ left: Partial, _ right: Partial) -> Partial {
    var out = left
    for q in queries.indices {
      if queries[q].gathers {
        out.values[q] += right.values[q]
      } else {
        for k in out.counts[q].indices { out.counts[q][k] += right.counts[q][k] }
      }
    }
    return out
  }

  /// The histograms and the gathered prices as bytes.
  public func encode(_ partial: Partial) -> [UInt8] {
    var out = PartialWriter()
    out.int(queries.count)
    for q in queries.indices {
      if queries[q].gathers {
        out.scalars(partial.values[q])
      } else {
        out.int(partial.counts[q].count)
        for c in partial.counts[q] { out.int(c) }
      }
    }
    return out.bytes
  }

  /// `encode`'s bytes back; throws for bytes of another shape.
  public func decode(_ bytes: [UInt8]) throws -> Partial {
    var input = PartialReader(bytes: bytes)
    let count = try input.int()
    guard count == queries.count else {
      throw RiskKernelsError.invalidPartial(
        reason: "a quantile pass of \(count) queries; expected \(queries.count)")
    }
    var partial = Partial(counts: queries.map { _ in [] }, values: queries.map { _ in [] })
    for (q, query) in queries.enumerated() {
      if query.gathers {
        partial.values[q] = try input.scalars()
      } else {
        let buckets = 1 << Self.digitBits(after: query.prefixBits)
        let n = try input.int()
        guard n == buckets else {
          throw RiskKernelsError.invalidPartial(reason: "\(n) buckets; expected \(buckets)")
        }
        try input.check(n, bytesEach: 8)
        partial.counts[q] = try (0..<n).map { _ throws(RiskKernelsError) in try input.int() }
      }
    }
    guard input.atEnd else {
      throw RiskKernelsError.invalidPartial(reason: "bytes after a quantile pass's partial")
    }
    return partial
  }
}
