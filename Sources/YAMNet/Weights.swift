import Tensor
import WeightFormat

/// A convolution's weights with its batch norm folded in: y = relu(conv(x, kernel) · scale + bias)
/// (the order in which TensorFlow applies them), or y = relu(conv(x, kernel · scale) + bias) where
/// the scale is folded into the kernel (`scale` nil). Pointers (llama2.c style: shapes in the
/// comments) into the weights that own them.
public struct FoldedConv {
    /// conv [3, 3, Cin, Cout] and pointwise [Cin, Cout]: views into the mapped file;
    /// depthwise [3, 3, C]: kernel · scale, in the weights' arena.
    public let kernel: UnsafePointer<Float>
    /// [Cout] 1/√(var + ε), in the weights' arena; nil when folded into `kernel`.
    public let scale: UnsafePointer<Float>?
    /// [Cout] β − mean · (1/√(var + ε)), in the weights' arena.
    public let bias: UnsafePointer<Float>
}

/// One row of the layer table with its weights; the case is the row's kind (`LayerSpec.Kind`).
public enum LayerWeights {
    case conv(FoldedConv)                                           // row 1
    case separable(depthwise: FoldedConv, pointwise: FoldedConv)    // rows 2…14
}

extension YAMNet {
    /// YAMNet's weights, one per process, shared by every runner (`YAMNet`): the weight file
    /// (format v1, model `yamnet`) mapped read-only, and batch norm folded once at load into one
    /// owned arena:
    ///   BN(x) = (x − mean)/√(var + ε) + β = x·s + (β − mean·s), s = 1/√(var + ε)
    /// (centre-only batch norm, no γ; ε = 1e-4; folded in double precision, rounded once).
    /// The conv, pointwise and logits kernels (98.8 % of the bytes) are used in place from the
    /// map, with s applied after the sum in the GEMM epilogue. The depthwise kernels (45k floats)
    /// are copied into the arena scaled by s: a scale after the depthwise sum costs one more
    /// multiply-add per nine taps, measured ~15–20 % of that kernel (`mood bench kernels --no-scale`).
    /// Immutable after `init`, so any number of threads may read it at once.
    /// ref: yamnet.py, _batch_norm (center=True, scale=False); llama2.c, TransformerWeights
    public final class Weights: @unchecked Sendable {   // immutable: the map is read-only, the arena written only in init
        public static let regenerateHint =
            "Regenerate it with Scripts/fetch-weights (official weights) or Scripts/export_yamnet.py IN.h5 OUT.bin, or pass --weights PATH."
        public let params: Params
        /// One per row of `YAMNetLayers.table`.
        public let layers: [LayerWeights]
        public let logitsKernel: UnsafePointer<Float>   // [1024, 521], view into the map
        public let logitsBias: UnsafePointer<Float>     // [521], view into the map
        /// Floats in the arena: scale and bias per batch-norm channel, and the scaled depthwise kernels.
        public let foldedCount: Int
        private let file: MappedWeightFile
        private let arena: UnsafeMutablePointer<Float>

        /// CRC-32 of the file, as stored in its trailer (identifies the weights in results).
        public var checksum: UInt32 { file.checksum }

        public init(path: String, params: Params = Params()) throws(WeightFileError) {
            let file = try MappedWeightFile(path: path, model: "yamnet", hint: Self.regenerateHint)
            func fail(_ kind: WeightFileError.Kind) -> WeightFileError {
                WeightFileError(kind: kind, path: path, hint: Self.regenerateHint)
            }
            let expected = YAMNetLayers.expectedTensors(params: params)
            var views: [String: UnsafePointer<Float>] = [:]
            for (name, shape) in expected {
                guard let t = file[name] else { throw fail(.missingTensor(name)) }
                guard t.shape == shape else { throw fail(.wrongShape(name, expected: shape, found: t.shape)) }
                guard let base = t.values.baseAddress else { throw fail(.malformed("tensor '\(name)' is empty")) }
                views[name] = base
            }
            let known = Set(expected.map(\.name))
            if let extra = file.tensors.first(where: { !known.contains($0.name) }) { throw fail(.unexpectedTensor(extra.name)) }
            func view(_ name: String) throws(WeightFileError) -> UnsafePointer<Float> {
                guard let v = views[name] else { throw fail(.missingTensor(name)) }
                return v
            }

            let count = expected.filter { $0.name.hasSuffix("/bn/beta") || $0.name.hasSuffix("/depthwise_kernel") }
                .reduce(0) { $0 + ($1.name.hasSuffix("/bn/beta") ? 2 : 1) * $1.shape.reduce(1, *) }
            let arena = UnsafeMutablePointer<Float>.allocate(capacity: count)
            var used = 0
            let epsilon = params.batchNormEpsilon
            /// `intoKernel`: the kernel ([taps, channels], channels last) is copied scaled into the arena.
            func folded(_ prefix: String, kernel: String, channels: Int, intoKernel: Bool = false) throws(WeightFileError) -> FoldedConv {
                let beta = try view("\(prefix)/bn/beta"), mean = try view("\(prefix)/bn/moving_mean")
                let variance = try view("\(prefix)/bn/moving_variance"), k = try view("\(prefix)/\(kernel)")
                let scale = arena + used, bias = scale + channels
                for c in 0..<channels {
                    let s = 1 / (Double(variance[c]) + epsilon).squareRoot()
                    scale[c] = Float(s)
                    bias[c] = Float(Double(beta[c]) - Double(mean[c]) * s)
                }
                used += 2 * channels
                guard intoKernel else { return FoldedConv(kernel: k, scale: scale, bias: bias) }
                let scaled = arena + used
                for c in 0..<channels {
                    let s = 1 / (Double(variance[c]) + epsilon).squareRoot()
                    for tap in 0..<9 { scaled[tap * channels + c] = Float(Double(k[tap * channels + c]) * s) }
                }
                used += 9 * channels
                return FoldedConv(kernel: scaled, scale: nil, bias: bias)
            }
            var layers: [LayerWeights] = []
            do {
                var channels = 1
                for (i, spec) in YAMNetLayers.table.enumerated() {
                    let name = "layer\(i + 1)"
                    switch spec.kind {
                    case .conv:
                        layers.append(.conv(try folded("\(name)/conv", kernel: "kernel", channels: spec.filters)))
                    case .separable:
                        layers.append(.separable(
                            depthwise: try folded("\(name)/depthwise_conv", kernel: "depthwise_kernel", channels: channels,
                                                  intoKernel: true),
                            pointwise: try folded("\(name)/pointwise_conv", kernel: "kernel", channels: spec.filters)))
                    }
                    channels = spec.filters
                }
                logitsKernel = try view("logits/kernel")
                logitsBias = try view("logits/bias")
            } catch {
                arena.deallocate()
                throw error
            }
            (self.params, self.layers, self.file, self.arena, foldedCount) = (params, layers, file, arena, count)
        }

        deinit { arena.deallocate() }
    }
}
