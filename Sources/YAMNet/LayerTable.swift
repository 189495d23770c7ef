import Tensor

/// One row of YAMNet's layer table. ref: yamnet.py, _YAMNET_LAYER_DEFS
public struct LayerSpec: Sendable, Equatable {
    public enum Kind: Sendable { case conv, separable }
    public var kind: Kind
    public var stride: Int
    public var filters: Int
}

/// The network as data: MobileNet v1's 14 rows as YAMNet uses them (3×3 kernels, SAME padding,
/// centre-only batch norm and ReLU after every convolution).
public enum YAMNetLayers {
    public static let table: [LayerSpec] = [
        LayerSpec(kind: .conv, stride: 2, filters: 32),
        LayerSpec(kind: .separable, stride: 1, filters: 64),
        LayerSpec(kind: .separable, stride: 2, filters: 128),
        LayerSpec(kind: .separable, stride: 1, filters: 128),
        LayerSpec(kind: .separable, stride: 2, filters: 256),
        LayerSpec(kind: .separable, stride: 1, filters: 256),
        LayerSpec(kind: .separable, stride: 2, filters: 512),
        LayerSpec(kind: .separable, stride: 1, filters: 512),
        LayerSpec(kind: .separable, stride: 1, filters: 512),
        LayerSpec(kind: .separable, stride: 1, filters: 512),
        LayerSpec(kind: .separable, stride: 1, filters: 512),
        LayerSpec(kind: .separable, stride: 1, filters: 512),
        LayerSpec(kind: .separable, stride: 2, filters: 1024),
        LayerSpec(kind: .separable, stride: 1, filters: 1024),
    ]

    /// Every tensor the weight file must hold, in file order, with its Keras-layout shape.
    public static func expectedTensors(params: Params) -> [(name: String, shape: [Int])] {
        var tensors: [(String, [Int])] = []
        func conv(_ prefix: String, kernel: [Int], channels: Int) {
            tensors.append(("\(prefix)/\(prefix.hasSuffix("depthwise_conv") ? "depthwise_kernel" : "kernel")", kernel))
            for stat in ["beta", "moving_mean", "moving_variance"] { tensors.append(("\(prefix)/bn/\(stat)", [channels])) }
        }
        var channels = 1
        for (i, spec) in table.enumerated() {
            let name = "layer\(i + 1)"
            switch spec.kind {
            case .conv:
                conv("\(name)/conv", kernel: [3, 3, channels, spec.filters], channels: spec.filters)
            case .separable:
                conv("\(name)/depthwise_conv", kernel: [3, 3, channels, 1], channels: channels)
                conv("\(name)/pointwise_conv", kernel: [1, 1, channels, spec.filters], channels: spec.filters)
            }
            channels = spec.filters
        }
        tensors.append(("logits/kernel", [channels, params.numClasses]))
        tensors.append(("logits/bias", [params.numClasses]))
        return tensors
    }

    /// Activation shape after each row for a batch of `n` patches.
    public static func shapes(batch n: Int, params: Params) -> [NHWC] {
        var shape = NHWC(n: n, h: params.patchFrames, w: params.patchBands, c: 1)
        return table.map { spec in
            shape = conv3x3OutputShape(shape, stride: spec.stride, channels: spec.filters)
            return shape
        }
    }
}
