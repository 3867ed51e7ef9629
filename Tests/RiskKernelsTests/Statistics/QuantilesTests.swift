import Testing
import _RiskKernelsTestSupport

@testable import RiskKernels

/// The type-7 rule on a sorted copy: the oracle for the selection algorithm.
func sortedQuantile(_ values: [Double], _ p: Double) -> Double {
  let s = values.sorted()
  let h = p * Double(s.count - 1)
  let lower = Int(h.rounded(.down))
  let upper = min(lower + 1, s.count - 1)
  return s[lower] + (h - Double(lower)) * (s[upper] - s[lower])
}

@Suite struct QuantilesTests {
  @Test("Selection equals the sorted-order rule on random data, duplicates and tiny inputs")
  func matchesSortedRule() throws {
    var rng = SplitMix64(seed: 99)
    let probabilities = [0, 0.001, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1]
    let inputs: [[Double]] = [
      (0..<10_001).map { _ in rng.normal() },
      (0..<1000).map { _ in Double(Int(rng.normal() * 3)) },  // many ties
      [4.2], [2, 1], [1, 1, 1, 1], (0..<257).map { Double($0) }.reversed(),
    ]
    for values in inputs {
      let fast = try linearQuantiles(of: values, probabilities: probabilities)
      for (q, p) in probabilities.enumerated() {
        #expect(
          abs(fast[q] - sortedQuantile(values, p)) <= 1e-15 * max(1, abs(fast[q])),
          "n \(values.count) p \(p)")
      }
    }
  }

  @Test("The heap's k smallest equal a full sort by (value, index): ties, NaN, sorted input")
  func smallestIndicesMatchSort() {
    var rng = SplitMix64(seed: 7)
    let inputs: [[Double]] = [
      (0..<10_000).map { _ in rng.normal() },
      (0..<3_000).map { _ in Double(Int(rng.normal() * 2)) },  // a few values, many ties
      (0..<500).map { Double($0) },  // ascending: every value enters the heap
      (0..<500).map { Double(-$0) },  // descending: every value replaces the top
      (0..<400).map { $0 % 7 == 0 ? .nan : rng.normal() },
    ]
    for values in inputs {
      let ordered = values.indices.filter { !values[$0].isNaN }.sorted {
        values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1)
      }
      for count in [1, 2, 17, 110, ordered.count] {
        #expect(
          smallestIndices(values, count: count) == Array(ordered.prefix(count)),
          "n \(values.count), count \(count)")
      }
      #expect(smallestIndices(values, count: ordered.count + 1) == nil)
      let floats = values.map { Float($0) }
      let floatOrder = floats.indices.filter { !floats[$0].isNaN }.sorted {
        floats[$0] < floats[$1] || (floats[$0] == floats[$1] && $0 < $1)
      }
      #expect(smallestIndices(floats, count: 25) == Array(floatOrder.prefix(25)))
    }
  }

  @Test("NumPy's linear rule on a known case: quantile([1, 2, 3, 4], 0.25) = 1.75")
  func numpyValue() throws {
    #expect(try linearQuantiles(of: [4.0, 1, 3, 2], probabilities: [0.25, 0.5]) == [1.75, 2.5])
    #expect(try linearQuantiles(of: [Float(4), 1, 3, 2], probabilities: [0.9]) == [Float(3.7)])
  }

  @Test("Empty input, a probability outside [0, 1] and NaN are typed errors")
  func failures() {
    #expect(throws: RiskKernelsError.insufficientData(argument: "values", required: 1, actual: 0)) {
      try linearQuantiles(of: [Double](), probabilities: [0.5])
    }
    #expect(
      throws: RiskKernelsError.parameterOutOfRange(
        name: "probabilities[1]", value: 1.5, allowed: "0 ≤ p ≤ 1")
    ) {
      try linearQuantiles(of: [1.0], probabilities: [0.5, 1.5])
    }
    #expect(throws: RiskKernelsError.nonFiniteInput(argument: "values", index: 1)) {
      try linearQuantiles(of: [1.0, .nan], probabilities: [0.5])
    }
  }
}
