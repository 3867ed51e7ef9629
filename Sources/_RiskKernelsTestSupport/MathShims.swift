import Foundation

// Foundation's log and cos under names that cannot clash with RealModule's in test files.
@inline(__always) func Foundation_log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) func Foundation_cos(_ x: Double) -> Double { Foundation.cos(x) }
