import ArgumentParser

/// `--format` of `riskreport covariance`: a readable table, the matrix as CSV, or JSON.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table
  case csv
  case json
}

/// `--format` of the other commands: a readable table or JSON with stable keys.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
  case table
  case json
}

/// `--format table|json`: the output option of every command that prints a table or JSON
/// (`covariance` adds CSV; `run` writes files into `--out`).
struct OutputOption: ParsableArguments {
  @Option(help: "Output: table or json.") var format: ReportFormat = .table
}
