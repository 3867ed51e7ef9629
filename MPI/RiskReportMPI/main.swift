// `riskreport-mpi`: riskreport's simulate, var and run with the Monte Carlo split across MPI
// ranks (docs/scale-out.md).
import RiskReportCore

let job = MPIJob.start()
MainSimulation.install(MPIRunner(job: job))
CommandLineMain.run(
  RiskReportMPICommand.self,
  prepare: { command in
    try RiskReportMPICommand.checkDistributable(command)
    try job.agree()
  },
  finish: { code, message in job.finish(code: code, message: message) })
