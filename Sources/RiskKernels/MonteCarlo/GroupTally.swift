/// One reduction group's partial results.
struct GroupTally<Scalar: BLASScalar>: Sendable {
  var sums: ShiftedSums
  /// The group's first path and path count.
  var firstPath = 0
  var pathCount = 0
  /// Asset-major within the group (`[i·pathCount + p]`), so the result's column-major matrix
  /// is built by contiguous copies.
  var terminalPrices: [Scalar] = []
  var portfolioValues: [Scalar] = []
  var paths: [Matrix<Scalar>] = []
  /// Each custom observer's partial (`PathObserver.Partial`).
  var custom: [any Sendable] = []
}
