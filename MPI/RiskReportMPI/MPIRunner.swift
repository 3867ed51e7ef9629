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
    _ simulator: PathSimulator<T>, progress: (@Sendable (_ pathsDone: Int) -> Void)?
  ) throws(RiskKernelsError) -> SimulationResult<T> {
    let groups = SimulationSettings.groups(
      part: job.rank, of: job.size, groupCount: simulator.groupCount)
    let start = ContinuousClock.now
    let own = try simulator.run(groups: groups, progress: progress)
    guard job.rank == 0 else { job.contribute(own.encoded()) }
    let simulated = ContinuousClock.now
    let merged: SimulationPartial<T>
    do {
      let others = try job.gather { rank, bytes in
        do {
          return try SimulationPartial<T>(encoded: bytes)
        } catch {
          throw MPIJobError("rank \(rank) sent an unreadable partial (\(error))")
        }
      }
      do {
        merged = try SimulationPartial.merging([own] + others)
      } catch {
        throw MPIJobError(
          "a rank simulated another run (\(error)): give every rank the same binary, flags and input files"
        )
      }
    } catch {
      job.finish(code: 1, message: "\(error)")
    }
    let result = try simulator.result(from: merged)
    if ProcessInfo.processInfo.environment["RISKREPORT_MPI_TIMING"] == "1" {
      let end = ContinuousClock.now
      func seconds(_ d: Duration) -> String {
        String(
          format: "%.4f", Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
      }
      FileHandle.standardError.write(
        Data(
          "riskreport-mpi: timing: simulation \(seconds(end - start)) s on \(job.size) processes (rank 0's share \(seconds(simulated - start)) s, gather and merge \(seconds(end - simulated)) s)\n"
            .utf8))
    }
    return result
  }
}
