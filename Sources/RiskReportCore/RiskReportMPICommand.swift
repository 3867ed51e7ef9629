package import ArgumentParser
import RiskKernels

/// `riskreport-mpi`: `simulate`, `var`, `run` and `cascade` with exactly `riskreport`'s flags, their Monte
/// Carlo split by reduction groups across MPI ranks; rank 0 alone prints or writes, the same
/// bytes as `riskreport` (docs/scale-out.md).
package struct RiskReportMPICommand: ParsableCommand {
  package static let configuration = CommandConfiguration(
    commandName: "riskreport-mpi",
    abstract:
      "riskreport's simulate, var, run and cascade, with the Monte Carlo split across MPI ranks.",
    discussion: """
      Launch with mpirun (mpirun -np 4 riskreport-mpi simulate --paths 10000000) or alone (one \
      process). Every rank must see the same input files and get the same arguments. Rank r \
      simulates the reduction groups ⌊G·r/P⌋ ..< ⌊G·(r+1)/P⌋; rank 0 merges the partials along \
      the fixed merge tree and prints exactly what riskreport prints.
      """,
    version: PackageVersion.current,
    subcommands: [SimulateCommand.self, VaRCommand.self, RunCommand.self, CascadeCommand.self]
  )

  package init() {}

  /// Throws unless the parsed command has a simulation to distribute (`var` by a parametric
  /// or historical method alone has none).
  package static func checkDistributable(_ command: any ParsableCommand) throws {
    if let c = command as? CascadeCommand, c.paths == nil {
      throw InputError(
        location: .flag("--paths"),
        message:
          "one shock has no simulation to distribute; riskreport-mpi cascade needs --paths (use riskreport for one shock)"
      )
    }
    if let s = command as? SimulateCommand, s.sampler == .sobol {
      throw InputError(
        location: .flag("--sampler"),
        message:
          "sobol runs its scramblings in one process; riskreport-mpi simulate distributes pseudo-random runs (use riskreport for sobol)"
      )
    }
    if let v = command as? VaRCommand, v.sampler == .sobol {
      throw InputError(
        location: .flag("--sampler"),
        message:
          "sobol runs its scramblings in one process; riskreport-mpi var distributes pseudo-random runs (use riskreport for sobol)"
      )
    }
    if let v = command as? VaRCommand, v.method != .monteCarlo, v.method != .all {
      throw InputError(
        location: .flag("--method"),
        message:
          "\(v.method.rawValue) has no simulation to distribute; riskreport-mpi var runs monte-carlo or all (use riskreport for the others)"
      )
    }
  }
}
