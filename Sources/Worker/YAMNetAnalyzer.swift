import DSP
import Foundation
import YAMNet

/// The YAMNet part of a job's analysis: the audio streamed through YAMNet (`streamWaveform` →
/// `YAMNetStream`, memory bounded whatever the length), summarised as
///   `sound_classification`: the class of highest mean score over the 0.96 s patches,
///   `yamnet_confidence`:    that mean score, in [0, 1],
///   `top_sounds`:           the `topK` best classes, `[{"name", "mid", "score"}]`, score the mean,
///   `duration_s`:           the audio's length at 16 kHz, in seconds,
///   `model`:                `{"yamnet": "crc32:<weights' CRC-32>"}`.
/// It holds `instances` models sharing one set of weights, each with its own buffers: up to that
/// many files are analysed at once, more callers wait.
public final class YAMNetAnalyzer: JobAnalyzer {
    public let classes: ClassMap
    public let limits: AudioLimits
    public let topK: Int
    private let version: String
    private let streams: Locked<[YAMNetStream]>
    private let available: DispatchSemaphore

    /// - Parameters:
    ///   - threads: threads for each instance (split the machine's between instances).
    ///   - batch: patches per network batch, per instance.
    public init(weights: YAMNetWeights, classes: ClassMap, instances: Int = 1, threads: Int = 1, batch: Int = 32,
                limits: AudioLimits = AudioLimits(), topK: Int = 5) throws {
        precondition(instances > 0 && topK > 0)
        let models = try (0..<instances).map { _ in
            try YAMNet(weights: weights, maxBatch: max(1, batch), threads: max(1, threads))
        }
        guard classes.displayNames.count == models[0].params.numClasses else {
            throw ClassMapError("class map has \(classes.displayNames.count) classes, the model \(models[0].params.numClasses)")
        }
        self.classes = classes
        self.limits = limits
        self.topK = topK
        version = "crc32:" + String(weights.checksum, radix: 16).leftPadded(to: 8)
        streams = Locked(models.map(YAMNetStream.init))
        available = DispatchSemaphore(value: instances)
    }

    public func analyze(path: String) throws -> JSONObject {
        available.wait()
        let stream = streams.withLock { $0.removeLast() }
        defer {
            streams.withLock { $0.append(stream) }
            available.signal()
        }
        var summary = ScoreSummary(classes: classes.displayNames.count)
        var samples = 0
        do {
            try streamWaveform(path, limits: limits) {
                samples += $0.count
                try stream.process($0) { summary.add($0) }
            }
        } catch {
            stream.reset()
            throw error
        }
        stream.finish { summary.add($0) }
        let top = summary.top(topK)
        let sounds: [JSONValue] = top.map {
            ["name": .string(classes.displayNames[$0.index]), "mid": .string(classes.mids[$0.index]), "score": .number(Double($0.score))]
        }
        return [
            "sound_classification": .string(classes.displayNames[top[0].index]),
            "yamnet_confidence": .number(Double(top[0].score)),
            "top_sounds": .array(sounds),
            "duration_s": .number(Double(samples) / Double(stream.model.params.frontend.sampleRate)),
            "model": ["yamnet": .string(version)],
        ]
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
