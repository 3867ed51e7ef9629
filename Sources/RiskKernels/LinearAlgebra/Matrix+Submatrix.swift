// Principal submatrices, for kernels that solve on a subset of assets.

extension Matrix {
  /// The rows and columns `indices` of a square matrix, in that order:
  /// `result[k, l] = self[indices[k], indices[l]]`.
  @specialized(where Scalar == Double)
  @specialized(where Scalar == Float)
  func principalSubmatrix(_ indices: [Int]) -> Matrix {
    let m = indices.count
    var storage = [Scalar](repeating: 0, count: m * m)
    for (l, j) in indices.enumerated() {
      for (k, i) in indices.enumerated() { storage[k + l * m] = self.storage[i + j * rows] }
    }
    return Matrix(uncheckedRows: m, columns: m, storage: storage)
  }
}
