import Tensor
import WeightFormat

/// A convolution with its batch norm folded in: y = relu(conv(x, kernel) + bias).
public struct FoldedConv: Sendable {
    /// Layout per kind: conv [3, 3, Cin, Cout]; depthwise [3, 3, C]; pointwise [Cin, Cout].
    public var kernel: [Float]
    public var bias: [Float]        // [Cout]
}

/// One row of the table with its weights.
public struct LayerWeights: Sendable {
    public var spec: LayerSpec
    public var conv: FoldedConv?           // row 1
    public var depthwise: FoldedConv?      // rows 2…14
    public var pointwise: FoldedConv?      // rows 2…14
}

/// YAMNet's weights, loaded from a weight file (format v1, model `yamnet`) with batch norm
/// folded into each convolution at load:
///   BN(x) = (x − mean)/√(var + ε) + β  ⇒  kernel' = kernel·s, bias' = β − mean·s, s = 1/√(var + ε)
/// (centre-only batch norm, no γ; ε = 1e-4; folded in double precision, rounded once).
/// ref: yamnet.py, _batch_norm (center=True, scale=False)
public struct YAMNetWeights: Sendable {
    public static let regenerateHint =
        "Regenerate it with Scripts/fetch-weights (official weights) or Scripts/export_yamnet.py IN.h5 OUT.bin, or pass --weights PATH."
    public let layers: [LayerWeights]
    public let logitsKernel: [Float]       // [1024, 521]
    public let logitsBias: [Float]         // [521]
    /// CRC-32 of the file, as stored in its trailer (identifies the weights in results).
    public let checksum: UInt32

    public init(path: String, params: Params = Params()) throws(WeightFileError) {
        let (records, checksum) = try WeightFile.read(path: path, model: "yamnet", hint: Self.regenerateHint)
        self.checksum = checksum
        func fail(_ kind: WeightFileError.Kind) -> WeightFileError {
            WeightFileError(kind: kind, path: path, hint: Self.regenerateHint)
        }
        var byName: [String: WeightRecord] = [:]
        for r in records { byName[r.name] = r }
        let expected = YAMNetLayers.expectedTensors(params: params)
        for (name, shape) in expected {
            guard let r = byName[name] else { throw fail(.missingTensor(name)) }
            guard r.shape == shape else { throw fail(.wrongShape(name, expected: shape, found: r.shape)) }
        }
        let known = Set(expected.map(\.name))
        if let extra = records.first(where: { !known.contains($0.name) }) { throw fail(.unexpectedTensor(extra.name)) }

        let epsilon = params.batchNormEpsilon
        func folded(_ prefix: String, kernelName: String) -> FoldedConv {
            let kernel = byName["\(prefix)/\(kernelName)"]!.values
            let beta = byName["\(prefix)/bn/beta"]!.values
            let mean = byName["\(prefix)/bn/moving_mean"]!.values
            let variance = byName["\(prefix)/bn/moving_variance"]!.values
            let scale = variance.map { 1 / (Double($0) + epsilon).squareRoot() }
            let channels = scale.count          // the kernel's last axis is the output channel
            var k = kernel
            k.withUnsafeMutableBufferPointer { k in
                for start in stride(from: 0, to: k.count, by: channels) {
                    for c in 0..<channels { k[start + c] = Float(Double(k[start + c]) * scale[c]) }
                }
            }
            let b = (0..<channels).map { Float(Double(beta[$0]) - Double(mean[$0]) * scale[$0]) }
            return FoldedConv(kernel: k, bias: b)
        }
        layers = YAMNetLayers.table.enumerated().map { i, spec in
            let name = "layer\(i + 1)"
            switch spec.kind {
            case .conv:
                return LayerWeights(spec: spec, conv: folded("\(name)/conv", kernelName: "kernel"))
            case .separable:
                return LayerWeights(spec: spec,
                                    depthwise: folded("\(name)/depthwise_conv", kernelName: "depthwise_kernel"),
                                    pointwise: folded("\(name)/pointwise_conv", kernelName: "kernel"))
            }
        }
        logitsKernel = byName["logits/kernel"]!.values
        logitsBias = byName["logits/bias"]!.values
    }
}
