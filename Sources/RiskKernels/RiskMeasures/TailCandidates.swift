/// The worst portfolio returns of part of a Monte Carlo VaR run, with their paths: what each
/// process of a split run keeps and sends instead of every path's value.
///
/// With N paths and confidence c, the allocation of `MonteCarloVaR` reads the `needed =
/// min(N, k + ⌊√k⌋)` worst returns (`k = ⌈N(1 − c)⌉`), ranked by (return, path). Those lie among
/// the union of each part's own `needed` worst, so each part keeps only those: parts merge
/// exactly, by sorting the union and keeping `needed` again (`merging(_:)`). A merge that has
/// seen all N paths gives the VaR, ES and components of the whole run, bit for bit
/// (`MonteCarloVaR.measure(candidates:simulator:)`). A part of n paths sends at most
/// `needed` pairs instead of n values: 1 031 pairs for 10⁸ paths at 99.999%.
public struct TailCandidates<Scalar: BLASScalar>: Sendable, Equatable {
  /// N, the run's paths, and the confidence.
  public let totalPaths: Int
  /// The confidence c whose tail the candidates serve.
  public let confidence: Double
  /// The run's fingerprint (`SimulationPartial.runFingerprint`): candidates of different runs
  /// refuse to merge.
  public let runFingerprint: UInt64
  /// The paths the candidates have seen: sorted, disjoint, merged where adjacent
  /// (`[0..<N]` once every part is merged).
  public let covered: [Range<Int>]
  /// How many paths the candidates have seen.
  public var pathsSeen: Int { covered.reduce(0) { $0 + $1.count } }
  /// The kept returns `(V − V₀)/V₀` and their paths, ascending by (return, path).
  public let returns: [Scalar]
  /// The path index of each kept return.
  public let paths: [Int]

  /// The pairs the allocation reads.
  public var needed: Int {
    let k = EmpiricalVaR.tailCount(n: totalPaths, confidence: confidence)
    return Swift.min(totalPaths, k + EmpiricalVaR.windowCount(k: k))
  }

  init(
    totalPaths: Int, confidence: Double, runFingerprint: UInt64, covered: [Range<Int>],
    returns: [Scalar], paths: [Int]
  ) {
    self.totalPaths = totalPaths
    self.confidence = confidence
    self.runFingerprint = runFingerprint
    self.covered = covered
    self.returns = returns
    self.paths = paths
  }

  /// The `needed` smallest of `(returns[j], paths[j])`, ascending.
  init(
    totalPaths: Int, confidence: Double, runFingerprint: UInt64, covered: [Range<Int>],
    unsortedReturns values: [Scalar], paths indices: [Int]
  ) {
    let order = indices.indices.sorted {
      values[$0] < values[$1] || (values[$0] == values[$1] && indices[$0] < indices[$1])
    }
    var keep = Swift.min(order.count, totalPaths)
    let k = EmpiricalVaR.tailCount(n: totalPaths, confidence: confidence)
    keep = Swift.min(keep, k + EmpiricalVaR.windowCount(k: k))
    self.init(
      totalPaths: totalPaths, confidence: confidence, runFingerprint: runFingerprint,
      covered: covered, returns: order.prefix(keep).map { values[$0] },
      paths: order.prefix(keep).map { indices[$0] })
  }

  /// The candidates of all of `parts`' paths (parts of one run, in any order).
  ///
  /// - Throws: `.invalidPartial` for an empty list, parts of different runs, or parts that saw
  ///   the same paths (a part merged twice).
  public static func merging(_ parts: [TailCandidates]) throws(RiskKernelsError) -> TailCandidates {
    guard let first = parts.first else { throw .invalidPartial(reason: "no candidates to merge") }
    guard
      parts.allSatisfy({
        $0.totalPaths == first.totalPaths && $0.confidence.bitPattern == first.confidence.bitPattern
          && $0.runFingerprint == first.runFingerprint
      })
    else {
      throw .invalidPartial(reason: "tail candidates of different runs")
    }
    let ranges = parts.flatMap(\.covered).filter { !$0.isEmpty }.sorted {
      $0.lowerBound < $1.lowerBound
    }
    var covered: [Range<Int>] = []
    for range in ranges {
      if let last = covered.last {
        guard last.upperBound <= range.lowerBound else {
          throw .invalidPartial(
            reason: "two parts saw paths \(range.lowerBound)..<\(range.upperBound): a part twice?")
        }
        if last.upperBound == range.lowerBound {
          covered[covered.count - 1] = last.lowerBound..<range.upperBound
          continue
        }
      }
      covered.append(range)
    }
    return TailCandidates(
      totalPaths: first.totalPaths, confidence: first.confidence,
      runFingerprint: first.runFingerprint, covered: covered,
      unsortedReturns: parts.flatMap(\.returns), paths: parts.flatMap(\.paths))
  }
}

extension TailCandidates {
  static var magic: [UInt8] { Array("RKTC".utf8) }

  /// Version 1, little-endian: "RKTC", UInt32 version 1, UInt32 bytes per value, then 64-bit
  /// N, the confidence's bits, the run fingerprint, the number of covered ranges and the
  /// candidates' count, then each range's bounds, the returns' bits and the paths.
  public func encoded() -> [UInt8] {
    var bytes = Self.magic
    func word(_ v: UInt64, _ width: Int) {
      for k in 0..<width { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * k))) }
    }
    word(1, 4)
    word(UInt64(MemoryLayout<Scalar>.size), 4)
    for v in [
      UInt64(totalPaths), confidence.bitPattern, runFingerprint, UInt64(covered.count),
      UInt64(returns.count),
    ] {
      word(v, 8)
    }
    for range in covered {
      word(UInt64(range.lowerBound), 8)
      word(UInt64(range.upperBound), 8)
    }
    ScalarBytes.append(returns, to: &bytes)
    for path in paths { word(UInt64(path), 8) }
    return bytes
  }

  /// Decodes `encoded()`'s bytes, checking every count and that the pairs are sorted paths of
  /// the run.
  ///
  /// - Throws: `.invalidPartial` naming what is wrong.
  public init(encoded bytes: [UInt8]) throws(RiskKernelsError) {
    func fail(_ reason: String) -> RiskKernelsError { .invalidPartial(reason: reason) }
    var offset = 0
    func word(_ width: Int) throws(RiskKernelsError) -> UInt64 {
      guard width <= bytes.count - offset else { throw fail("truncated tail candidates") }
      defer { offset += width }
      return (0..<width).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) }
    }
    guard bytes.count >= 4, Array(bytes[0..<4]) == Self.magic else {
      throw fail("not RiskKernels tail candidates")
    }
    offset = 4
    guard try word(4) == 1 else { throw fail("tail candidates of another version") }
    let size = Int(try word(4))
    guard size == MemoryLayout<Scalar>.size else { throw fail("\(size * 8)-bit values") }
    let (n, confidenceBits, fingerprint) = (try word(8), try word(8), try word(8))
    let (rangeCount, count) = (try word(8), try word(8))
    let confidence = Double(bitPattern: confidenceBits)
    guard n >= 1, n <= UInt64(SimulationSettings.pathsLimit), confidence >= 0.5, confidence < 1,
      rangeCount <= n, rangeCount <= UInt64((bytes.count - offset) / 16)
    else {
      throw fail("inconsistent tail candidates")
    }
    var covered: [Range<Int>] = []
    for _ in 0..<rangeCount {
      let (lower, upper) = (try word(8), try word(8))
      guard lower < upper, upper <= n, lower >= UInt64(covered.last?.upperBound ?? 0) else {
        throw fail("covered paths not sorted, disjoint ranges of the run")
      }
      covered.append(Int(lower)..<Int(upper))
    }
    guard count <= n, count <= UInt64((bytes.count - offset) / (size + 8)),
      count * UInt64(size + 8) == UInt64(bytes.count - offset)
    else {
      throw fail("inconsistent tail candidates")
    }
    let returns: [Scalar] = ScalarBytes.read(Int(count), from: bytes, at: offset)
    offset += Int(count) * size
    var paths: [Int] = []
    paths.reserveCapacity(Int(count))
    for _ in 0..<count {
      let path = try word(8)
      guard path < n, covered.contains(where: { $0.contains(Int(path)) }) else {
        throw fail("path \(path) outside the covered paths")
      }
      paths.append(Int(path))
    }
    for j in returns.indices.dropFirst() {
      let ordered =
        returns[j - 1] < returns[j] || (returns[j - 1] == returns[j] && paths[j - 1] < paths[j])
      guard ordered else { throw fail("tail candidates out of order") }
    }
    guard returns.allSatisfy({ $0.isFinite }) else { throw fail("a non-finite return") }
    self.init(
      totalPaths: Int(n), confidence: confidence, runFingerprint: fingerprint,
      covered: covered, returns: returns, paths: paths)
    guard returns.count == Swift.min(pathsSeen, needed) else {
      throw fail(
        "\(returns.count) candidates for \(pathsSeen) paths; expected \(Swift.min(pathsSeen, needed))"
      )
    }
  }
}
