// swift-tools-version: 6.0
// RiskKernels: portfolio and leverage risk kernels over OpenBLAS, LAPACKE, GSL, Random123 and SLEEF.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
  .enableUpcomingFeature("MemberImportVisibility"),
  .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
  name: "RiskKernels",
  products: [
    .library(name: "RiskKernels", targets: ["RiskKernels"]),
    .executable(name: "riskreport", targets: ["RiskReport"]),
    .executable(name: "riskbench", targets: ["RiskBench"]),
    .executable(name: "riskreport-mpi", targets: ["RiskReportMPI"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
    .package(url: "https://github.com/JohnSundell/Plot", from: "0.14.0"),
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
  ],
  targets: [
    // MARK: - C edge
    // One plain C target: OpenBLAS's CBLAS and GSL's CBLAS headers declare the same enums and
    // collide across modules, and the SLEEF AVX2 dispatch and the CBLAS provider check need
    // compiled C. Link order matters: openblas before gsl so CBLAS binds to OpenBLAS; never
    // gslcblas.
    .target(
      name: "CShims",
      path: "CShims",
      linkerSettings: [
        .linkedLibrary("openblas"),
        .linkedLibrary("lapacke"),
        .linkedLibrary("gsl"),
        .linkedLibrary("sleef"),
        .linkedLibrary("m", .when(platforms: [.linux])),
      ]
    ),

    // MARK: - Library
    .target(
      name: "RiskKernels",
      dependencies: [
        "CShims",
        .product(name: "RealModule", package: "swift-numerics"),
      ],
      swiftSettings: swiftSettings,
      linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]
    ),

    // MARK: - Command line
    // The commands, shared by `riskreport` and the MPI driver `riskreport-mpi`.
    .target(
      name: "RiskReportCore",
      dependencies: [
        "RiskKernels",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "CSV", package: "CSV.swift"),
        .product(name: "Plot", package: "Plot"),
      ],
      resources: [.copy("Resources")],
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "RiskReport",
      dependencies: ["RiskReportCore"],
      swiftSettings: swiftSettings
    ),

    // MARK: - MPI driver
    // riskreport-mpi: the same commands with the Monte Carlo split across MPI ranks. Only it
    // uses MPI, and only at run time: CMPI opens Open MPI's libmpi with dlopen, so building
    // needs no MPI, and a node without it gets one line instead of the loader's error (the
    // library and riskreport never need it).
    .target(
      name: "CMPI", path: "MPI/CMPI",
      linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
    .executableTarget(
      name: "RiskReportMPI",
      dependencies: ["RiskReportCore", "RiskKernels", "CMPI"],
      path: "MPI/RiskReportMPI",
      swiftSettings: swiftSettings
    ),

    // MARK: - Benchmarks
    // riskbench: the pipelines against their budgets and the kernels against their peers
    // (Benchmarks/run-riskbench.sh runs the peers and it in one invocation).
    .executableTarget(
      name: "RiskBench",
      dependencies: [
        "RiskKernels",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Benchmarks/RiskBench",
      swiftSettings: swiftSettings
    ),

    // MARK: - Tests
    .target(
      name: "_RiskKernelsTestSupport",
      dependencies: ["RiskKernels"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "RiskKernelsTests",
      dependencies: ["RiskKernels", "_RiskKernelsTestSupport", "CShims"],
      resources: [.copy("Fixtures")],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "RiskBenchTests",
      dependencies: [
        "RiskBench", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "RiskReportTests",
      dependencies: ["RiskReport", "RiskReportCore", "RiskKernels", "_RiskKernelsTestSupport"],
      resources: [.copy("Fixtures")],
      swiftSettings: swiftSettings
    ),
  ]
)
