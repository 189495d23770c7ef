/// Writes IEEE float32 WAV files (WAVE_FORMAT_IEEE_FLOAT, code 3): a RIFF header, an 18-byte
/// `fmt ` chunk (WAVEFORMATEX with cbSize 0, as non-PCM formats require), a `fact` chunk with
/// the frame count, and a `data` chunk of interleaved little-endian samples — what `mood decode` writes so
/// that users (and tests) can hear and compare exactly what the engine decoded.
/// ref: Microsoft RIFF/WAVE (WAVEFORMATEX)
public enum WAVWriter {
    public static func float32(samples: [Float], sampleRate: Int, channels: Int) -> [UInt8] {
        precondition(channels > 0 && samples.count % channels == 0)
        func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        let dataBytes = samples.count * 4
        var bytes: [UInt8] = []
        bytes.reserveCapacity(58 + dataBytes)
        bytes += Array("RIFF".utf8) + le(UInt32(4 + 26 + 12 + 8 + dataBytes)) + Array("WAVE".utf8)
        bytes += Array("fmt ".utf8) + le(UInt32(18)) + le(UInt16(3)) + le(UInt16(channels))
        bytes += le(UInt32(sampleRate)) + le(UInt32(sampleRate * channels * 4)) + le(UInt16(channels * 4)) + le(UInt16(32))
        bytes += le(UInt16(0))                                            // cbSize
        bytes += Array("fact".utf8) + le(UInt32(4)) + le(UInt32(samples.count / channels))
        bytes += Array("data".utf8) + le(UInt32(dataBytes))
        #if _endian(little)
        samples.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        for s in samples { bytes += le(s.bitPattern) }
        #endif
        return bytes
    }
}
