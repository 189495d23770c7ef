import Foundation

/// Fully connected layer: out[N, units] = input[N, inputs] · kernel[inputs, units] + bias,
/// one `sgemm` for the batch.
public func denseForward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                         batch: Int, inputs: Int, kernel: UnsafePointer<Float>,
                         bias: UnsafePointer<Float>?, units: Int) {
    gemmBiasActivation(m: batch, n: units, k: inputs, a: input, b: kernel, out: out, bias: bias,
                       relu: false, threads: 1)
}

/// The naive twin of `denseForward`.
public func denseNaive(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                       batch: Int, inputs: Int, kernel: UnsafePointer<Float>,
                       bias: UnsafePointer<Float>?, units: Int) {
    if let bias { fillRows(out, rows: batch, with: bias, cols: units) }
    sgemmNaive(m: batch, n: units, k: inputs, a: input, b: kernel, c: out, accumulate: bias != nil)
}

/// Global average pooling: out[N, C] = mean over H·W of input [N, H, W, C] (double sums).
public func globalAveragePool(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, shape: NHWC) {
    let area = shape.h * shape.w
    var sums = [Double](repeating: 0, count: shape.c)
    for n in 0..<shape.n {
        for c in 0..<shape.c { sums[c] = 0 }
        let base = input + n * area * shape.c
        for p in 0..<area { for c in 0..<shape.c { sums[c] += Double(base[p * shape.c + c]) } }
        for c in 0..<shape.c { out[n * shape.c + c] = Float(sums[c] / Double(area)) }
    }
}

/// Logistic sigmoid 1/(1 + e^−x), elementwise, written to `out` (may alias `input`).
public func sigmoid(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { out[i] = Float(1 / (1 + exp(-Double(input[i])))) }
}
