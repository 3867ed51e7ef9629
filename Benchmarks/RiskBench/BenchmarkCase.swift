import RiskKernels

/// One pipeline of `riskbench`: a use case's whole update, timed at a size against its budget.
///
/// `setUp(size:)` builds the inputs and state (not timed); `run()` is one update (timed) and
/// passes its result to `blackHole` so the optimiser cannot drop it. A case is a class because
/// a streaming update mutates state from one run to the next, as it would in production.
protocol BenchmarkCase: AnyObject {
  /// Short, stable name (the `--only` and `--size` key).
  var name: String { get }
  var useCase: UseCase { get }
  /// What `size` counts: "positions", "assets", "features", "markets", "loans".
  var sizeUnit: String { get }
  /// A realistic size for the use case (the table's row).
  var defaultSize: Int { get }
  /// The largest size the search may set up (memory), after which it extrapolates.
  var maximumSize: Int { get }
  /// The parameters held fixed while `size` varies, for the table.
  var details: String { get }
  func setUp(size: Int) throws
  func run() throws
}

/// Keeps a value alive so the work that produced it is not optimised away.
@inline(never)
func blackHole<T>(_ value: T) {
  withExtendedLifetime(value) {}
}
