import Foundation
import RiskKernels
import RiskReportCore

/// The main simulation split across the job's ranks: rank r simulates the reduction groups
/// `SimulationSettings.groups(part: r, of: P, groupCount: G)`; rank 0 merges the partials in
/// rank order (adjacent ranges, so along the fixed merge tree) and returns the result, which is
/// bit for bit the one-process run's.
struct MPIRunner: SimulationRunner {
  let job: MPIJob

  var processCount: Int { job.size }

  var writesOutput: Bool { job.rank == 0 }

  func run<T: BLASScalar>(
    _ simulator: PathSimulator<T>, progress: (@Sendable (_ pathsDone: Int) -> Void)?,
    then next: (SimulationResult<T>) throws(RiskKernelsError) -> PathSimulator<T>?
  ) throws(RiskKernelsError) -> SimulationResult<T> {
    let clock = Stopwatch()
    var current = simulator
    var first: SimulationResult<T>?
    var pass = 1
    while true {
      // Workers return from `share` only when rank 0 has started another pass.
      let merged = try share(
        current, progress: first == nil ? progress : nil, clock: clock, pass: pass)
      let result = try current.result(from: merged)
      first = first ?? result
      guard let following = try next(result) else {
        guard job.rank == 0 else {
          job.finish(code: 1, message: "the ranks disagree on the number of passes")
        }
        clock.mark("merged")
        clock.report("simulation on \(job.size) processes, rank 0")
        return first!
      }
      pass += 1
      if job.rank == 0 { job.startRound(merged.encoded()) }
      current = following
    }
  }

  /// Simulates this rank's groups of `simulator`'s run (pass `pass` of the command) and merges
  /// the partials up the tree.
  private func share<T: BLASScalar>(
    _ simulator: PathSimulator<T>, progress: (@Sendable (_ pathsDone: Int) -> Void)?,
    clock: Stopwatch, pass: Int
  ) throws(RiskKernelsError) -> SimulationPartial<T> {
    let groups = try SimulationSettings.groups(
      part: job.rank, of: job.size, groupCount: simulator.groupCount)
    let own = try simulator.run(groups: groups, progress: progress)
    clock.mark("pass \(pass) share")
    return job.combine(
      own,
      encode: { partial in
        let bytes = partial.encoded()
        clock.mark("encoded \(bytes.count) bytes")
        clock.report("rank \(job.rank)")
        return bytes
      },
      decode: { rank, bytes in
        clock.mark("received rank \(rank)")
        do {
          defer { clock.mark("decoded") }
          return try simulator.partial(encoded: bytes)
        } catch {
          // Every rank runs the same build (checked at start-up), so a partial that does not
          // decode as this run's (its fingerprint, its observers) is another run's.
          throw MPIJobError.otherRun(error)
        }
      },
      merge: { parts in
        do {
          return try SimulationPartial.merging(parts)
        } catch {
          throw MPIJobError.otherRun(error)
        }
      })
  }
}

extension MPIRunner {
  /// Monte Carlo VaR split across the ranks: each rank simulates its groups and sends up the
  /// tree only its tail candidates (its `needed` worst returns with their paths,
  /// `MonteCarloVaR.tailCandidates(from:simulator:)`), merged with its children's; rank 0
  /// re-simulates the tail's paths and allocates: the one-process bits, with each message at most `needed` pairs.
  func portfolioVaR<T: BLASScalar>(_ simulator: PathSimulator<T>, confidence: Double)
    throws(RiskKernelsError) -> TailRisk<T>
  {
    let groups = try SimulationSettings.groups(
      part: job.rank, of: job.size, groupCount: simulator.groupCount)
    let method = MonteCarloVaR(confidence: confidence)
    let own = try method.tailCandidates(from: simulator.run(groups: groups), simulator: simulator)
    let merged = job.combine(
      own, encode: { $0.encoded() },
      decode: { rank, bytes in
        do {
          return try TailCandidates<T>(encoded: bytes)
        } catch {
          throw MPIJobError("rank \(rank) sent unreadable tail candidates (\(error))")
        }
      },
      merge: { parts in
        do {
          return try TailCandidates.merging(parts)
        } catch {
          throw MPIJobError.otherRun(error)
        }
      })
    do {
      return try method.measure(candidates: merged, simulator: simulator)
    } catch .invalidPartial(let reason) {
      job.finish(code: 1, message: MPIJobError.otherRun(reason).description)
    }
  }
}

/// `RISKREPORT_MPI_TIMING=1`: each rank writes the times of its simulation's phases to stderr
/// (seconds from the start of its share).
final class Stopwatch: @unchecked Sendable {
  private let start = ContinuousClock.now
  private var marks: [String] = []
  private let enabled = ProcessInfo.processInfo.environment["RISKREPORT_MPI_TIMING"] == "1"

  func mark(_ what: String) {
    guard enabled else { return }
    let d = start.duration(to: .now)
    let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    marks.append("\(what) \(String(format: "%.4f", seconds))")
  }

  func report(_ who: String) {
    guard enabled else { return }
    FileHandle.standardError.write(
      Data("riskreport-mpi: timing: \(who): \(marks.joined(separator: ", "))\n".utf8))
  }
}
