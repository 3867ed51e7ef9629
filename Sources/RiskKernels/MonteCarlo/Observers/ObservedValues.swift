/// The partial of every built-in observer (`BuiltInObserver`): moments of per-path values
/// (one `ShiftedSums` per section while a group is observed, `MomentAccumulator`s once merged),
/// values kept per path in group-sized chunks, and the observer's per-block scratch.
///
/// The moments and chunks are what merges and encodes; the scratch is the observer's working
/// state within one block (a barrier's survival per path, a portfolio's running extremes) and
/// is neither merged nor encoded.
struct ObservedValues<Scalar: BLASScalar>: Sendable {
  /// The group's sums, one per section of quantities, while its paths are observed.
  var sections: [ShiftedSums] = []
  /// The merged moments, once this partial is a tree node's (or decoded).
  var merged: [MomentAccumulator]?
  /// Kept values, one chunk per reduction group, in group order.
  var kept: [[Scalar]] = []
  /// Per-block scratch (see the observer).
  var state: [Scalar] = []
  var buffer: [Scalar] = []
  var flags: [Bool] = []
  var values: [Double] = []

  /// Frees the per-block scratch, once the group's paths are done.
  mutating func dropScratch() {
    (state, buffer, flags, values) = ([], [], [], [])
  }

  /// Per quantity, the moments: the sections' in order, or the merged ones.
  var moments: [MomentAccumulator] { merged ?? sections.flatMap(\.accumulators) }

  /// `left` then `right`: Chan, Golub and LeVeque's update for the moments, the chunks
  /// concatenated.
  static func merged(_ left: ObservedValues, _ right: ObservedValues) -> ObservedValues {
    ObservedValues(
      merged: zip(left.moments, right.moments).map(MomentAccumulator.merged),
      kept: left.kept + right.kept)
  }

  /// The bytes: the number of moments and each one's count, mean and sum of squared deviations
  /// (IEEE-754 bit patterns), then the number of chunks and each chunk's values.
  func encoded() -> [UInt8] {
    var out = PartialWriter()
    let moments = self.moments
    out.int(moments.count)
    for m in moments {
      out.u64(m.count.bitPattern)
      out.u64(m.mean.bitPattern)
      out.u64(m.squaredDeviations.bitPattern)
    }
    out.int(kept.count)
    for chunk in kept { out.scalars(chunk) }
    return out.bytes
  }
}

extension ObservedValues {
  /// `encoded()`'s bytes back; every count is checked against the bytes before anything is
  /// allocated for it.
  init(encoded bytes: [UInt8]) throws(RiskKernelsError) {
    var input = PartialReader(bytes: bytes)
    let q = try input.int()
    try input.check(q, bytesEach: 24)
    var moments: [MomentAccumulator] = []
    moments.reserveCapacity(q)
    for _ in 0..<q {
      let (count, mean, squares) = (
        Double(bitPattern: try input.u64()), Double(bitPattern: try input.u64()),
        Double(bitPattern: try input.u64())
      )
      guard count >= 0, count <= Double(SimulationSettings.pathsLimit), count.rounded() == count
      else {
        throw .invalidPartial(reason: "a moment of \(count) samples")
      }
      moments.append(MomentAccumulator(count: count, mean: mean, squaredDeviations: squares))
    }
    let chunks = try input.int()
    try input.check(chunks, bytesEach: 8)
    var kept: [[Scalar]] = []
    kept.reserveCapacity(chunks)
    for _ in 0..<chunks { kept.append(try input.scalars()) }
    guard input.atEnd else {
      throw .invalidPartial(reason: "\(bytes.count - input.offset) bytes after a partial")
    }
    self.init(merged: moments, kept: kept)
  }

  /// Throws unless every moment counts at most `samples` samples.
  func check(samples: Int) throws(RiskKernelsError) {
    for m in moments where m.count > Double(samples) {
      throw .invalidPartial(reason: "a moment of \(m.count) samples in \(samples) paths")
    }
  }
}

/// An observer of the library's own (terminal moments and prices, running extremes, portfolio,
/// barriers, kept paths): its partial is an `ObservedValues`, which merges, encodes and decodes
/// the same way for all of them.
protocol BuiltInObserver: PathObserver where Partial == ObservedValues<Scalar> {}

extension BuiltInObserver {
  func merge(_ left: Partial, _ right: Partial) -> Partial { .merged(left, right) }
  func encode(_ partial: Partial) -> [UInt8] { partial.encoded() }
  func decode(_ bytes: [UInt8]) throws -> Partial { try ObservedValues(encoded: bytes) }
}

/// The built-in observers' codec alone: it observes nothing, and stands in for a built-in
/// observer of a partial decoded without its simulator.
struct ObservedValuesCodec<Scalar: BLASScalar>: BuiltInObserver {
  var needs: PathObserverNeeds { [] }
  func makePartial() -> Partial { Partial() }
  func observe(_ block: PathBlock<Scalar>, into partial: inout Partial) {}
}
