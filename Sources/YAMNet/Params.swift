import DSP

/// YAMNet's hyper-parameters, mirroring the reference `params.py` (ref: tensorflow/models
/// research/audioset/yamnet/params.py). Immutable: the model is configured once.
public struct Params: Sendable, Equatable {
    /// Log-mel and patch framing (sample rate 16 kHz, 25 ms / 10 ms STFT, 64 mel bands
    /// 125–7500 Hz, log offset 0.001, 0.96 s patches every 0.48 s).
    public var frontend = FrontendParams()
    public var numClasses = 521
    public var batchNormEpsilon: Double = 1e-4      // ref: params.py batchnorm_epsilon
    public var embeddingSize: Int { YAMNetLayers.table.last!.filters }
    /// [96, 64]: the input of the network.
    public var patchFrames: Int { frontend.patchFrames }
    public var patchBands: Int { frontend.melBands }

    public init() {}
}
