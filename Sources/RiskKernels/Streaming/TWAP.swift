/// Time-weighted average price over a trailing window, for prices observed at irregular times:
/// each price holds until the next observation (a step function), and
/// ```
/// TWAP(t) = (1/(t − max(t − W, t₀))) ∫_{max(t − W, t₀)}^{t} p(s) ds
/// ```
/// with `t₀` the first observation. An update is O(1) amortised: completed segments are kept in
/// a queue with their running area, expired ones dropped from the front. The running sum is
/// rebuilt from the queue whenever it has seen as many updates as it holds segments (so rounding
/// never accumulates beyond one window's worth).
///
/// Not thread-safe to mutate from several threads (a value type: give each feed its own).
public struct TWAP<Scalar: BLASScalar>: Sendable {
  /// `W > 0`, in the timestamps' unit.
  public let window: Scalar
  /// Completed segments `(start, end, price)` overlapping the window, oldest first from `head`.
  private var starts: [Scalar] = []
  private var ends: [Scalar] = []
  private var prices: [Scalar] = []
  private var head = 0
  /// `Σ (end − start)·price` over the queued segments (unclipped).
  private var area: Scalar = 0
  private var updatesSinceRebuild = 0
  /// The last observation, or nil before the first.
  public private(set) var last: (time: Scalar, price: Scalar)?
  private var first: Scalar = 0

  /// An average over the last `window` of time.
  ///
  /// - Throws: `.parameterOutOfRange` unless `window` is positive and finite.
  public init(window: Scalar) throws(RiskKernelsError) {
    guard window > 0, window.isFinite else {
      throw .parameterOutOfRange(name: "window", value: Double(window), allowed: "> 0, finite")
    }
    self.window = window
  }

  /// Records price `price` from `time` on.
  ///
  /// - Throws: `.nonFiniteInput` or `.parameterOutOfRange` for a non-positive price or a time
  ///   before the last one (the state is unchanged).
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public mutating func update(time: Scalar, price: Scalar) throws(RiskKernelsError) {
    guard time.isFinite else { throw .nonFiniteInput(argument: "time", index: 0) }
    guard price.isFinite else { throw .nonFiniteInput(argument: "price", index: 0) }
    guard price > 0 else {
      throw .parameterOutOfRange(name: .price, value: Double(price), allowed: "> 0")
    }
    if let last {
      guard time >= last.time else {
        throw .parameterOutOfRange(
          name: "time", value: Double(time), allowed: "≥ the last time \(last.time)")
      }
      if time > last.time {
        starts.append(last.time)
        ends.append(time)
        prices.append(last.price)
        area += (time - last.time) * last.price
      }
    } else {
      first = time
    }
    last = (time, price)
    expire(before: time - window)
    updatesSinceRebuild += 1
    if updatesSinceRebuild >= Swift.max(starts.count - head, 16) { rebuild() }
  }

  /// The TWAP over the window ending at `time` (≥ the last observation; default: the last
  /// observation's time), or nil before the first observation.
  ///
  /// - Throws: `.parameterOutOfRange` for a time before the last observation.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  public func value(at time: Scalar? = nil) throws(RiskKernelsError) -> Scalar? {
    guard let last else { return nil }
    let now = time ?? last.time
    guard now >= last.time, now.isFinite else {
      throw .parameterOutOfRange(
        name: "time", value: Double(now), allowed: "≥ the last time \(last.time)")
    }
    let from = Swift.max(now - window, first)
    guard now > from else { return last.price }
    var total = area + (now - last.time) * last.price
    // Clip (or drop) the segments that start before the window.
    var k = head
    while k < starts.count, starts[k] < from {
      let cut = Swift.min(ends[k], from) - starts[k]
      total -= cut * prices[k]
      k += 1
    }
    if last.time < from {
      total -= (from - last.time) * last.price
    }
    return total / (now - from)
  }

  /// Forgets every observation.
  public mutating func reset() {
    (starts, ends, prices, head, area, updatesSinceRebuild, last) = ([], [], [], 0, 0, 0, nil)
  }

  private mutating func expire(before cutoff: Scalar) {
    while head < starts.count, ends[head] <= cutoff {
      area -= (ends[head] - starts[head]) * prices[head]
      head += 1
    }
    if head > 64, head * 2 > starts.count {
      starts.removeFirst(head)
      ends.removeFirst(head)
      prices.removeFirst(head)
      head = 0
    }
  }

  private mutating func rebuild() {
    area = 0
    for k in head..<starts.count { area += (ends[k] - starts[k]) * prices[k] }
    updatesSinceRebuild = 0
  }
}
