import RiskKernels
import Testing
import _RiskKernelsTestSupport

@Suite struct TailCandidatesTests {
  @Test(
    "VaR/ES from parts' tail candidates, merged in any order, equals the whole run's, bit for bit",
    arguments: [false, true])
  func splitEqualsWhole(antithetic: Bool) throws {
    func check<T: BLASScalar>(_: T.Type) throws {
      let model = try threeAssetModel(T.self)
      let holdings: [T] = [1, 2, 5]
      for (paths, confidence) in [(7470, 0.99), (3000, 0.95), (2050, 0.999), (4096, 0.99)] {
        let settings = SimulationSettings(
          paths: paths, steps: 1, horizon: 0.02, seed: 13, antithetic: antithetic)
        let whole = try MonteCarloVaR(confidence: confidence).measure(
          model: model, holdings: holdings, settings: settings)
        let simulator = MonteCarloVaR.portfolioSimulator(
          model: model, holdings: holdings, settings: settings)
        for parts in [1, 2, 3, 5] {
          let candidates = try (0..<parts).map { part in
            let partial = try simulator.run(
              groups: SimulationSettings.groups(
                part: part, of: parts, groupCount: simulator.groupCount))
            let local = try MonteCarloVaR(confidence: confidence).tailCandidates(
              from: partial, simulator: simulator)
            #expect(local.returns.count <= local.needed)
            return try TailCandidates<T>(encoded: local.encoded())
          }
          let merged = try TailCandidates.merging(candidates.reversed())
          let split = try MonteCarloVaR(confidence: confidence).measure(
            candidates: merged, simulator: simulator)
          #expect(split == whole, "\(T.self) \(paths) paths, \(confidence), \(parts) parts")
          // Candidates kept for another confidence: refused.
          #expect(throws: RiskKernelsError.self) {
            try MonteCarloVaR(confidence: confidence == 0.99 ? 0.95 : 0.99).measure(
              candidates: merged, simulator: simulator)
          }
          if parts > 1 {
            // Not every path seen: refused.
            let some = try TailCandidates.merging(Array(candidates.dropLast()))
            #expect(throws: RiskKernelsError.self) {
              try MonteCarloVaR(confidence: confidence).measure(
                candidates: some, simulator: simulator)
            }
            #expect(throws: RiskKernelsError.self) {
              try TailCandidates.merging(candidates + [candidates.last!])
            }
            // One part twice in place of another of the same size: caught by the covered paths.
            if let twin = candidates.indices.dropLast().first(where: {
              candidates[$0].pathsSeen == candidates.last!.pathsSeen && candidates[$0].pathsSeen > 0
            }) {
              var swapped = candidates
              swapped[swapped.count - 1] = candidates[twin]
              #expect(throws: RiskKernelsError.self) { try TailCandidates.merging(swapped) }
            }
          }
        }
      }
    }
    try check(Double.self)
    try check(Float.self)
  }

  @Test("Damaged candidate bytes are typed errors: every truncation, seeded flips")
  func damagedBytes() throws {
    let model = try threeAssetModel(Double.self)
    let settings = SimulationSettings(paths: 2000, steps: 1, horizon: 0.02, seed: 1)
    let simulator = MonteCarloVaR.portfolioSimulator(
      model: model, holdings: [1, 2, 5], settings: settings)
    let bytes = try MonteCarloVaR(confidence: 0.99).tailCandidates(
      from: simulator.run(groups: 0..<1), simulator: simulator
    ).encoded()
    for length in 0..<bytes.count {
      #expect(throws: RiskKernelsError.self) {
        try TailCandidates<Double>(encoded: Array(bytes[0..<length]))
      }
    }
    #expect(throws: RiskKernelsError.self) { try TailCandidates<Float>(encoded: bytes) }
    var random = SplitMix64(seed: 5)
    for _ in 0..<300 {
      var damaged = bytes
      damaged[Int(random.next() % UInt64(bytes.count))] ^= UInt8(1 << (random.next() % 8))
      _ = try? TailCandidates<Double>(encoded: damaged)  // an error or candidates, never a trap
    }
  }
}
