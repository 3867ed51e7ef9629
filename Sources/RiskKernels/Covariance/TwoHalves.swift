internal import Dispatch
internal import Synchronization

/// Runs `body` on the two halves of `range` (the first half `count / 2` long), on two threads
/// when `parallel`, otherwise one after the other. The split depends only on `range`, so callers
/// that combine the halves in order get the same bits on any number of cores.
func onTwoHalves<R: Sendable, E: Error>(
  of range: Range<Int>, parallel: Bool, _ body: @Sendable (Range<Int>) throws(E) -> R
) throws(E) -> (R, R) {
  let middle = range.lowerBound + range.count / 2
  let halves = [range.lowerBound..<middle, middle..<range.upperBound]
  guard parallel else { return (try body(halves[0]), try body(halves[1])) }
  let results = Mutex<[Result<R, E>?]>([nil, nil])
  DispatchQueue.concurrentPerform(iterations: 2) { h in
    let result = Result { () throws(E) -> R in try body(halves[h]) }
    results.withLock { $0[h] = result }
  }
  let (first, second) = results.withLock { ($0[0]!, $0[1]!) }
  return (try first.get(), try second.get())
}

/// Whether a pass over `elements` values is worth a second thread (waking one costs about as
/// much as reading 2¹⁶ values).
func worthTwoThreads(_ elements: Int) -> Bool { elements >= 1 << 16 }
