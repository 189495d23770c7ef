import Foundation

/// A file decoded by ffmpeg and read as ffmpeg writes it, so that memory holds a chunk, not the
/// file: the same run as `FFmpegDecoder.decode` (arguments, demuxer choice, limits), with the
/// file passed by its own path instead of a temporary copy. The WAV header ffmpeg writes first
/// (its data size 0xFFFFFFFF: a pipe) gives the rate and channels; then float32 frames follow.
/// Not thread-safe.
final class FFmpegStream {
    let sampleRate: Int, channels: Int
    private let process: FFmpegProcess
    private let path: String, maxSamples: Int
    private let encoding: WAVEncoding
    /// Output read past the last whole frame handed out.
    private var pending: Data
    private var delivered = 0

    /// Starts ffmpeg on the file at `path` (of the detected `format`) and reads its WAV header.
    init(_ decoder: FFmpegDecoder, path: String, format: AudioFormat) throws(AudioError) {
        self.path = path
        maxSamples = decoder.maxSamples
        process = try FFmpegProcess(decoder, arguments: FFmpegDecoder.arguments(input: path, format: format), path: path, hide: path)
        let head = try process.read(atLeast: 4096)
        let layout: WAVLayout
        do {
            layout = try head.withUnsafeBytes { raw in
                Result { () throws(AudioError) in try WAVLayout(CheckedBytes(raw: raw, path: path)) }
            }.get()
        } catch {
            process.stop()
            if case .tooManyChannels = error { throw error }
            throw .ffmpegFailed(path: path, reason: head.isEmpty ? "it wrote no audio" : "its output is unreadable (\(error))")
        }
        (sampleRate, channels, encoding) = (layout.format.sampleRate, layout.format.channels, layout.format.encoding)
        pending = head.subdata(in: layout.data.lowerBound..<head.count)
    }

    /// The next chunk of whole frames (interleaved, under 128 KiB of output), or nil at the end.
    func next() throws(AudioError) -> [Float]? {
        let frameBytes = encoding.width * channels
        if pending.count < frameBytes { pending.append(try process.read(atLeast: 1 << 16)) }
        let whole = pending.count / frameBytes * frameBytes
        guard whole > 0 else { return nil }                         // a part frame at the end is dropped
        let samples = pending.withUnsafeBytes { encoding.decode(UnsafeRawBufferPointer(rebasing: $0[..<whole]), channels: channels) }
        pending.removeFirst(whole)
        delivered += samples.count
        guard delivered <= maxSamples else { process.stop(); throw .decodedTooLarge(path: path, limit: maxSamples) }
        return samples
    }
}
