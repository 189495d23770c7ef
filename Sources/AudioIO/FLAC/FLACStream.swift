/// A FLAC file decoded one frame at a time through a `ByteWindow`, so that memory holds a frame,
/// not the file: the decoding loop of `FLACDecoder` (see it for what is checked). After the last
/// frame, the sample count STREAMINFO declares is checked, and the MD5 when asked. Not thread-safe.
final class FLACStream<Sample: FLACSample> {
    let info: FLACStreamInfo
    private let source: ByteWindow
    private var decoder: FLACFrameDecoder
    private let maxSamples: Int, scale: Float
    /// The window asked for a frame first: its verbatim size for STREAMINFO's largest block, plus
    /// room for headers; a frame that needs more gets twice as much, up to `windowLimit`.
    private let frameWindow: Int, windowLimit: Int
    private var md5: MD5?
    private var offset: Int, frame = 0, decoded: UInt64 = 0, delivered = 0, finished = false

    /// Reads the metadata; throws if it is not a FLAC stream or STREAMINFO is invalid. With
    /// `verifyMD5`, the decoded audio's MD5 is checked against STREAMINFO's (when that is not zero).
    init(_ source: ByteWindow, maxSamples: Int, verifyMD5: Bool) throws(AudioError) {
        (info, offset) = try FLACStreamInfo.parse(source)
        self.source = source
        self.maxSamples = maxSamples
        decoder = FLACFrameDecoder(path: source.path, info: info)
        scale = Float(sign: .plus, exponent: -(info.bitsPerSample - 1), significand: 1)
        md5 = !verifyMD5 || info.md5.allSatisfy({ $0 == 0 }) ? nil : MD5()
        let block = (16...65535).contains(info.maxBlockSize) ? info.maxBlockSize : 65535
        frameWindow = block * info.channels * (info.bitsPerSample + 1) / 8 + (1 << 16)
        windowLimit = max(4 * frameWindow, 1 << 24)
    }

    private func malformed(_ reason: String) -> AudioError { .malformedFLAC(path: source.path, reason: reason) }

    /// The next frame's samples (interleaved, scaled by 2^-(bits - 1) or integers); nil after the
    /// last frame, once the length (and the MD5, if asked) are verified.
    func next() throws(AudioError) -> [Sample]? {
        guard !finished else { return nil }
        guard offset < source.count else { return try finish() }
        let head = try source.window(from: offset, atLeast: 3)
        guard head.count >= 2, head[0] == 0xFF, head[1] & 0xFE == 0xF8 else {
            if info.totalSamples > 0 && decoded >= info.totalSamples { return try finish() }   // trailing data
            if source.count - offset == 128, head.starts(with: "TAG".utf8) { return try finish() }   // an ID3v1 tag
            throw malformed("there is no frame sync code at byte \(offset), where frame \(frame) should start")
        }
        var want = frameWindow, header: FLACFrameHeader, end: Int
        while true {
            decoder.raw = try source.window(from: offset, atLeast: want)
            decoder.base = offset
            decoder.reachesEnd = decoder.raw.count >= source.count - offset
            do throws(AudioError) {
                header = try decoder.parseHeader(at: 0, frame: frame)
                guard header.blockSize * info.channels <= maxSamples - delivered else {
                    throw .decodedTooLarge(path: source.path, limit: maxSamples)
                }
                end = try decoder.decodeBody(header, at: 0, frame: frame)
                break
            } catch {
                // A frame larger than the window: look again with more of the file.
                if case .decodedTooLarge = error { throw error }
                guard !decoder.reachesEnd, want < windowLimit else { throw error }
                want *= 2
            }
        }
        var samples = [Sample](repeating: .zero, count: header.blockSize * info.channels)
        try decoder.emit(header.blockSize, into: &samples, at: 0, scale: scale, md5: &md5, frame: frame, offset: 0)
        decoded += UInt64(header.blockSize)
        delivered += samples.count
        offset += end
        frame += 1
        return samples
    }

    private func finish() throws(AudioError) -> [Sample]? {
        finished = true
        if info.totalSamples > 0 && decoded < info.totalSamples {
            throw malformed("the file ends after \(decoded) of the \(info.totalSamples) samples STREAMINFO declares")
        }
        if let md5 {
            let actual = md5.finalize()
            guard actual == info.md5 else {
                throw .md5Mismatch(path: source.path, expected: MD5.hex(info.md5), actual: MD5.hex(actual))
            }
        }
        return nil
    }
}
