import Foundation
import RiskKernels
import Testing

/// The version a user depends on is one number: the library's, `riskreport --version`'s, the
/// changelog's latest release and the README's dependency line.
@Suite struct VersionTests {
  /// The repository's root, from this file's path.
  var root: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
  }

  @Test("riskreport --version prints the library's version and nothing else")
  func commandLine() throws {
    let (status, stdout, stderr) = try runRiskReport(["--version"])
    #expect(status == 0, "\(stderr)")
    #expect(stdout == PackageVersion.current + "\n")
    #expect(
      PackageVersion.current
        == "\(PackageVersion.major).\(PackageVersion.minor).\(PackageVersion.patch)")
  }

  @Test("CHANGELOG.md's latest release and the README's dependency line name the same version")
  func documents() throws {
    let changelog = try String(
      contentsOf: root.appendingPathComponent("CHANGELOG.md"), encoding: .utf8)
    let releases = changelog.split(separator: "\n").filter {
      $0.hasPrefix("## ") && $0 != "## Unreleased"
    }
    #expect(
      releases.first?.hasPrefix("## \(PackageVersion.current) ") == true,
      "\(releases.first ?? "none")")
    let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
    #expect(readme.contains("from: \"\(PackageVersion.current)\""))
  }
}
