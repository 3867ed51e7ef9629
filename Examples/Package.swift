// swift-tools-version: 6.0
// A user's project: depends on RiskKernels by path, as it would by URL and version.
import Foundation
import PackageDescription

let articleExamples =
  ((try? FileManager.default.contentsOfDirectory(atPath: Context.packageDirectory + "/Sources"))
  ?? []).filter { $0.hasPrefix("Doc") }.sorted()

let package = Package(
  name: "RiskKernelsExamples",
  dependencies: [
    .package(name: "RiskKernels", path: "..")
  ],
  targets: [
    // Recomputes part of a `riskreport run` report through the public API and checks it.
    .executableTarget(
      name: "PortfolioRisk",
      dependencies: [.product(name: "RiskKernels", package: "RiskKernels")]
    ),
    // A custom PathObserver (an Asian basket's average), checked against its closed form and
    // across threads and partials.
    .executableTarget(
      name: "AsianBasket",
      dependencies: [.product(name: "RiskKernels", package: "RiskKernels")]
    ),
    // The README's code sample, extracted by scripts/check-examples.sh (not in git).
    .executableTarget(
      name: "ReadmeSample",
      dependencies: [.product(name: "RiskKernels", package: "RiskKernels")]
    ),
  ]
    // Each DocC article's example, extracted into Sources/Doc<Article> by
    // scripts/check-examples.sh (not in git).
    + articleExamples.map {
      .executableTarget(
        name: $0, dependencies: [.product(name: "RiskKernels", package: "RiskKernels")])
    }
)
