import Foundation
import RiskKernels

/// A `--model` file: annualised GBM parameters as JSON,
/// `{"assets": [...], "spot": [...], "drift": [...], "volatility": [...], "correlation": [[...]]}`.
struct ModelFile: Decodable {
  let assets: [String]
  let spot: [Double]
  let drift: [Double]
  let volatility: [Double]
  let correlation: [[Double]]

  /// Reads and validates the file; every problem is an `InputError` naming the file and the
  /// field.
  static func load<T: BLASScalar>(path: String, as: T.Type = T.self) throws(InputError)
    -> CorrelatedGBM<T>
  {
    let file = try StrictJSON.decode(
      ModelFile.self, path: path,
      schema: .object([
        "assets": .array(.scalar), "spot": .array(.scalar), "drift": .array(.scalar),
        "volatility": .array(.scalar), "correlation": .array(.array(.scalar)),
      ]))
    // Each parameter named where it is wrong (the model's own checks would name the covariance
    // built from them): σ in (0, 1000] and |μ| ≤ 1000 a year, as the liquidation kernels take.
    for (field, values, valid) in [
      ("volatility", file.volatility, { (v: Double) in v > 0 && v <= 1000 }),
      ("drift", file.drift, { (v: Double) in abs(v) <= 1000 }),
    ] {
      if let k = values.firstIndex(where: { !valid($0) }) {
        throw InputError(
          location: .file(path),
          message:
            "\(field)[\(k)]: \(values[k]) is out of range (\(field == "volatility" ? "0 < σ ≤ 1000" : "|μ| ≤ 1000") a year)"
        )
      }
    }
    for (k, name) in file.assets.enumerated() {
      guard !name.isEmpty else {
        throw InputError(location: .file(path), message: "assets[\(k)]: an empty name")
      }
      if let first = file.assets.firstIndex(of: name), first < k {
        throw InputError(
          location: .file(path), message: "assets[\(k)]: \(name) is also assets[\(first)]")
      }
    }
    do {
      return try CorrelatedGBM(
        assets: file.assets, spot: file.spot.map { T($0) }, drift: file.drift.map { T($0) },
        volatility: file.volatility.map { T($0) },
        correlation: Matrix(file.correlation.map { $0.map { T($0) } }))
    } catch {
      throw InputError(location: .file(path), message: "\(error)")
    }
  }
}
