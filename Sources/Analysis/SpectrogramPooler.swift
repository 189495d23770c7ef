import DSP

/// YAMNet's log-mel spectrogram of a stream, pooled for a plot: frames (10 ms) averaged into
/// columns of `poolFrames`, starting at 10; whenever there are more than `maxColumns`, adjacent
/// columns are averaged in pairs and the pool doubles, so memory stays under `maxColumns` × 64
/// floats however long the stream.
final class SpectrogramPooler {
    static let maxColumns = 2000
    private let stream: LogMelStream
    private(set) var columns: [[Float]] = []
    private var poolFrames = 10
    private var pending: [Float]
    private var pendingFrames = 0
    private let bands: Int

    init() throws {
        let spectrogram = try LogMelSpectrogram()
        stream = LogMelStream(spectrogram: spectrogram)
        bands = spectrogram.params.melBands
        pending = [Float](repeating: 0, count: bands)
    }

    var columnSeconds: Double { Double(poolFrames) * stream.spectrogram.params.stftHopSeconds }

    func process(_ chunk: [Float]) throws {
        try chunk.withUnsafeBufferPointer { c throws(DSPError) in
            try stream.process(c) { frames in
                for f in 0..<(frames.count / bands) { add(UnsafeBufferPointer(rebasing: frames[(f * bands)..<((f + 1) * bands)])) }
            }
        }
    }

    private func add(_ frame: UnsafeBufferPointer<Float>) {
        for b in 0..<bands { pending[b] += frame[b] }
        pendingFrames += 1
        guard pendingFrames == poolFrames else { return }
        columns.append(pending.map { $0 / Float(poolFrames) })
        pending = [Float](repeating: 0, count: bands)
        pendingFrames = 0
        if columns.count > Self.maxColumns {
            columns = stride(from: 0, to: columns.count - 1, by: 2).map { i in zip(columns[i], columns[i + 1]).map { ($0 + $1) / 2 } }
            poolFrames *= 2
        }
    }
}
