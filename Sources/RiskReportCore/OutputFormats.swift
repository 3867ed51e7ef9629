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
