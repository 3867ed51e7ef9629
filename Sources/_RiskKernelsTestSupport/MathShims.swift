import Foundation

// Foundation's log and cos under names that cannot clash with RealModule's in test files.
@inline(__always) func foundationLog(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) func foundationCos(_ x: Double) -> Double { Foundation.cos(x) }
