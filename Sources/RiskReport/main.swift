// `riskreport`: the commands live in RiskReportCore, which the MPI driver shares.
import RiskReportCore

RiskReportCommand.main()
