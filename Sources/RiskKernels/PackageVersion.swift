/// The library's release version, as `CHANGELOG.md` names it and as a package that depends on
/// RiskKernels asks for it (`.package(url:from:)`). RiskKernels is 0.x: a minor release may change
/// the public API, and the changelog says what changed.
public enum PackageVersion {
  /// Major, minor and patch.
  public static let major = 0
  /// The minor version (a 0.x minor release may change the public API).
  public static let minor = 6
  /// The patch version.
  public static let patch = 0

  /// `major.minor.patch`, e.g. "0.6.0".
  public static var current: String { "\(major).\(minor).\(patch)" }
}
