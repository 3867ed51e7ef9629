// The covariance benchmark's Swift side: times RiskKernels on the inputs the peers script wrote,
// reads the peers' medians from the same run, prints the ratios, and writes covariance.json.
// Run it through Benchmarks/run-covariance.sh, never alone: times from different runs are
// never compared.
import ArgumentParser
import Foundation
import RiskKernels

struct CovarianceSuite: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "covariance",
    abstract: "Covariance kernels against NumPy/scikit-learn and a bare DSYRK (run-covariance.sh).")

  @Option(help: "Folder with peers.json and the returns_<T>x<d>.f64 inputs.") var data: String
  @Option(parsing: .unconditional) var rows: Int = 2520
  @Option var sizes: String = "100,500,1000"
  @Option(parsing: .unconditional) var threads: Int = 2
  @Flag var quick = false

  static func with(data: String, quick: Bool, threads: Int) throws -> Self {
    try parse(["--data", data, "--threads", "\(threads)"] + (quick ? ["--quick"] : []))
  }

  func validate() throws {
    try checkSuiteOptions(data: data, peersFile: "peers.json", threads: threads)
    guard (2...1_000_000).contains(rows) else { throw ValidationError("--rows \(rows): 2 to 10⁶") }
  }

  func run() throws { _ = try measure() }

  /// Times the kernels, prints the table, writes covariance.json and returns the rows.
  func measure() throws -> [KernelRow] {
    try BLASThreads.set(threads)
    let peers = try PeerFile.load(data + "/peers.json")
    let timer = BenchTimer(quick: quick)
    print(Header.describe(threads: threads, peers: peers))
    var rowsOut: [ResultRow] = []
    func peer(_ kernel: String, _ d: Int) -> PeerRow? {
      peers.results.first { $0.kernel == kernel && $0.assets == d }
    }
    for d in sizes.split(separator: ",").compactMap({ Int($0) }) {
      let x = try loadColumnMajor(path: "\(data)/returns_\(rows)x\(d).f64", rows: rows, columns: d)
      // The floor: one bare DSYRK on already-centred data into a preallocated result.
      let centred = try centre(x)
      var c = try Matrix<Double>(rows: d, columns: d)
      let floor = try timer.measure {
        try Double._syrk(
          centred, .transpose, alpha: 1 / Double(rows - 1), beta: 0, .lower, into: &c)
      }
      rowsOut.append(ResultRow(kernel: "dsyrk-floor", assets: d, ours: floor, peer: nil, goal: nil))

      var sample = try SampleCovariance().estimate(from: x)
      let tSample = try timer.measure { sample = try SampleCovariance().estimate(from: x) }
      try check("sample", sample.covariance, peer("sample", d))
      rowsOut.append(
        ResultRow(
          kernel: "sample", assets: d, ours: tSample, peer: peer("sample", d),
          goal: "≥ 1× numpy.cov; ≤ 1.15× DSYRK floor (\(ratioText(tSample.median / floor.median)))")
      )

      var ewma = try EWMACovariance().estimate(from: x)
      let tEWMA = try timer.measure { ewma = try EWMACovariance().estimate(from: x) }
      try check("ewma", ewma.covariance, peer("ewma", d))
      rowsOut.append(
        ResultRow(kernel: "ewma", assets: d, ours: tEWMA, peer: peer("ewma", d), goal: "≥ 1.5×"))
      rowsOut.append(
        ResultRow(kernel: "ewma", assets: d, ours: tEWMA, peer: peer("ewma-sqrt", d), goal: nil))

      var lw = try LedoitWolf().estimate(from: x)
      let tLW = try timer.measure { lw = try LedoitWolf().estimate(from: x) }
      try check("ledoit-wolf", lw.covariance, peer("ledoit-wolf", d))
      rowsOut.append(
        ResultRow(
          kernel: "ledoit-wolf", assets: d, ours: tLW, peer: peer("ledoit-wolf", d), goal: "≥ 3×"))
      rowsOut.append(
        ResultRow(
          kernel: "ledoit-wolf", assets: d, ours: tLW, peer: peer("ledoit-wolf-default", d),
          goal: "≥ 8×"))

      if d == 500 {
        var stream = try StreamingCovariance<Double>(dimension: d)
        try stream.update(withRows: x)
        var next = 0
        let tUpdate = try timer.measure(minimumReps: 200) {
          try stream.update(with: x.row(next % rows))
          next += 1
        }
        rowsOut.append(
          ResultRow(
            kernel: "streaming-update", assets: d, ours: tUpdate, peer: nil, goal: "median < 0.5 ms"
          ))
        var factor = try stream.cholesky()
        let tFactor = try timer.measure(minimumReps: 200) { factor = try stream.cholesky() }
        rowsOut.append(
          ResultRow(kernel: "streaming-factor-read", assets: d, ours: tFactor, peer: nil, goal: nil)
        )
        let cov = try stream.covariance()
        let tRefactor = try timer.measure { factor = try Cholesky(cov) }
        rowsOut.append(
          ResultRow(
            kernel: "cholesky-refactor", assets: d, ours: tRefactor,
            peer: peer("cholesky-refactor", d), goal: nil))
        _ = factor
      }
      _ = (sample, ewma, lw)
    }
    print(ResultRow.table(rowsOut))
    let json = try JSONEncoder.pretty.encode(
      Output(machine: Machine.describe(threads: threads), peers: peers, results: rowsOut))
    try json.write(to: URL(fileURLWithPath: data + "/covariance.json"))
    print("wrote \(data)/covariance.json")
    return rowsOut.map { r in
      KernelRow(
        family: "covariance", kernel: r.kernel, size: "\(rows)×\(r.assets)", ours: r.ours,
        peer: r.peer?.peer, peerSeconds: r.peer?.median, goal: r.goal)
    }
  }

  /// The Swift side must compute what the peer computed: compare Σᵢⱼ covariance.
  func check(_ kernel: String, _ c: Matrix<Double>, _ peer: PeerRow?) throws {
    guard let peer else { return }
    let sum = c.columnMajorElements.reduce(0, +)
    guard abs(sum - peer.checksum) <= 1e-9 * abs(peer.checksum) else {
      throw ValidationError(
        "\(kernel) d=\(c.rows): checksum \(sum) differs from the peer's \(peer.checksum)")
    }
  }
}

func ratioText(_ r: Double) -> String { String(format: "%.2f×", r) }

func centre(_ x: Matrix<Double>) throws -> Matrix<Double> {
  var out = x
  for j in 0..<x.columns {
    var m = 0.0
    for i in 0..<x.rows { m += x[i, j] }
    m /= Double(x.rows)
    for i in 0..<x.rows { out[i, j] -= m }
  }
  return out
}
