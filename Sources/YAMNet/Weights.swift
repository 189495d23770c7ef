import Tensor
import WeightFormat

/// A convolution's weights with its batch norm folded in: y = relu(conv(x, kernel) · scale + bias)
/// (the order in which TensorFlow applies them), or y = relu(conv(x, kernel) + bias) where the
/// scale is folded into the kernel or deferred to the next layer (`scale` nil; see
/// `YAMNet.Weights`). Pointers (llama2.c style: shapes in the comments) into the weights that own them.
public struct FoldedConv {
    /// conv [3, 3, Cin, Cout] and pointwise [Cin, Cout]: views into the mapped file;
    /// depthwise [3, 3, C]: kernel · scales, in the weights' arena.
    public let kernel: UnsafePointer<Float>
    /// [Cout] 1/√(var + ε), in the weights' arena (row 1's conv); nil when folded or deferred.
    public let scale: UnsafePointer<Float>?
    /// [Cout] in the weights' arena: β − mean · s, or β/s − mean when s is deferred.
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
    /// The conv, pointwise and logits kernels (98.8 % of the bytes) are used in place from the map.
    /// Row 1's conv applies s in its epilogue (in registers). A pointwise conv's s is deferred:
    /// since s > 0, relu(x·s + b) = s·relu(x + b/s), so the GEMM accumulates onto the bias b/s with
    /// no scale pass, and s moves into what reads that output: the next row's depthwise kernel
    /// (depthwise is per channel), or, after the last row, the embeddings (`embeddingScale`;
    /// average pooling is linear). Each depthwise kernel (45k floats in all) is copied into the
    /// arena scaled by its own s and by the s deferred to it. A file whose variance makes s not
    /// finite and positive is refused.
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
        /// [1024] the last pointwise conv's batch-norm scale, deferred to the pooled embeddings.
        public let embeddingScale: UnsafePointer<Float>
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
            /// A batch norm's s (in double) and, in the arena, Float(s) and its bias: β − mean·s, or
            /// β/s − mean when s is deferred.
            func batchNorm(_ prefix: String, channels: Int, deferred: Bool) throws(WeightFileError)
                -> (s: [Double], scale: UnsafePointer<Float>, bias: UnsafePointer<Float>) {
                let beta = try view("\(prefix)/bn/beta"), mean = try view("\(prefix)/bn/moving_mean")
                let variance = try view("\(prefix)/bn/moving_variance")
                let scale = arena + used, bias = scale + channels
                var s = [Double](repeating: 0, count: channels)
                for c in 0..<channels {
                    s[c] = 1 / (Double(variance[c]) + epsilon).squareRoot()
                    let b = deferred ? Double(beta[c]) / s[c] - Double(mean[c]) : Double(beta[c]) - Double(mean[c]) * s[c]
                    guard s[c].isFinite, s[c] > 0, Float(s[c]) > 0, Float(b).isFinite else {
                        throw fail(.malformed("\(prefix)/bn: channel \(c) has moving_variance \(variance[c]), or a mean or beta that overflows float"))
                    }
                    scale[c] = Float(s[c])
                    bias[c] = Float(b)
                }
                used += 2 * channels
                return (s, UnsafePointer(scale), UnsafePointer(bias))
            }
            var layers: [LayerWeights] = []
            let embeddingScale: UnsafePointer<Float>
            do throws(WeightFileError) {
                var channels = 1
                var deferred: [Double]? = nil      // the previous pointwise conv's s, owed to this row
                var deferredScale: UnsafePointer<Float>? = nil
                for (i, spec) in YAMNetLayers.table.enumerated() {
                    let name = "layer\(i + 1)"
                    switch spec.kind {
                    case .conv:
                        let bn = try batchNorm("\(name)/conv", channels: spec.filters, deferred: false)
                        layers.append(.conv(FoldedConv(kernel: try view("\(name)/conv/kernel"), scale: bn.scale, bias: bn.bias)))
                    case .separable:
                        let dw = try batchNorm("\(name)/depthwise_conv", channels: channels, deferred: false)
                        let k = try view("\(name)/depthwise_conv/depthwise_kernel"), scaled = arena + used
                        for tap in 0..<9 {
                            for c in 0..<channels {
                                scaled[tap * channels + c] = Float(Double(k[tap * channels + c]) * dw.s[c] * (deferred?[c] ?? 1))
                            }
                        }
                        used += 9 * channels
                        let pw = try batchNorm("\(name)/pointwise_conv", channels: spec.filters, deferred: true)
                        layers.append(.separable(
                            depthwise: FoldedConv(kernel: scaled, scale: nil, bias: dw.bias),
                            pointwise: FoldedConv(kernel: try view("\(name)/pointwise_conv/kernel"), scale: nil, bias: pw.bias)))
                        (deferred, deferredScale) = (pw.s, pw.scale)
                    }
                    channels = spec.filters
                }
                guard let deferredScale else { throw fail(.malformed("no pointwise conv to take the embeddings from")) }
                embeddingScale = deferredScale
                logitsKernel = try view("logits/kernel")
                logitsBias = try view("logits/bias")
            } catch {
                arena.deallocate()
                throw error
            }
            (self.params, self.layers, self.file, self.arena, foldedCount) = (params, layers, file, arena, count)
            self.embeddingScale = embeddingScale
        }

        deinit { arena.deallocate() }
    }
}
