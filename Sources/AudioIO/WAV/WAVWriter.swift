/// Writes IEEE float32 WAV files (WAVE_FORMAT_IEEE_FLOAT, code 3): a RIFF header, an 18-byte
/// `fmt ` chunk (WAVEFORMATEX with cbSize 0, as non-PCM formats require), a `fact` chunk with
/// the frame count, and a `data` chunk of interleaved little-endian samples — what `mood decode` writes so
/// that users (and tests) can hear and compare exactly what the engine decoded.
/// ref: Microsoft RIFF/WAVE (WAVEFORMATEX)
public enum WAVWriter {
    /// The header's length in bytes: RIFF (12), `fmt ` (26), `fact` (12), `data` (8).
    public static let headerBytes = 58

    /// The header of a file of `frames` frames. With `frames` nil, or too many for 32-bit sizes,
    /// the RIFF, `fact` and `data` sizes are 0xFFFFFFFF: "up to the end of the file", as streaming
    /// writers leave them (readers, ours included, then read the data to the end of the file).
    public static func float32Header(sampleRate: Int, channels: Int, frames: Int?) -> [UInt8] {
        precondition(channels > 0 && sampleRate > 0)
        func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        let dataBytes = frames.map { $0 * channels * 4 }
        let sized = dataBytes.map { $0 <= Int(UInt32.max) - headerBytes } ?? false
        let riffSize = sized ? UInt32(headerBytes - 8 + dataBytes!) : .max
        let frameCount = sized ? UInt32(frames!) : .max, dataSize = sized ? UInt32(dataBytes!) : .max
        var bytes: [UInt8] = []
        bytes += Array("RIFF".utf8) + le(riffSize) + Array("WAVE".utf8)
        bytes += Array("fmt ".utf8) + le(UInt32(18)) + le(UInt16(3)) + le(UInt16(channels))
        bytes += le(UInt32(truncatingIfNeeded: sampleRate)) + le(UInt32(truncatingIfNeeded: sampleRate * channels * 4))
        bytes += le(UInt16(truncatingIfNeeded: channels * 4)) + le(UInt16(32))
        bytes += le(UInt16(0))                                            // cbSize
        bytes += Array("fact".utf8) + le(UInt32(4)) + le(frameCount)
        bytes += Array("data".utf8) + le(dataSize)
        return bytes
    }

    /// A whole file in memory.
    public static func float32(samples: [Float], sampleRate: Int, channels: Int) -> [UInt8] {
        precondition(channels > 0 && samples.count % channels == 0)
        var bytes = float32Header(sampleRate: sampleRate, channels: channels, frames: samples.count / channels)
        bytes.reserveCapacity(headerBytes + samples.count * 4)
        samples.withUnsafeBufferPointer { appendLittleEndian($0, to: &bytes) }
        return bytes
    }

    /// Appends `samples` as little-endian float32 bytes.
    static func appendLittleEndian(_ samples: UnsafeBufferPointer<Float>, to bytes: inout [UInt8]) {
        #if _endian(little)
        bytes.append(contentsOf: UnsafeRawBufferPointer(samples))
        #else
        for s in samples { withUnsafeBytes(of: s.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        #endif
    }
}
