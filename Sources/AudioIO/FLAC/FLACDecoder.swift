import Foundation

/// Decodes native FLAC files to interleaved float samples. ref: RFC 9639
///
/// - Layout (§6, §8; `FLACStreamInfo`): optional ID3v2 tags (ref: ID3 tag version 2.4.0 §3.1),
///   "fLaC", then metadata blocks; STREAMINFO (§8.2) must come first and gives the sample rate,
///   channels, bit depth (4–32), total samples and MD5. PADDING, APPLICATION, SEEKTABLE,
///   VORBIS_COMMENT, CUESHEET, PICTURE and reserved block types are skipped; type 127 is invalid
///   (§8.1).
/// - Frames (§9.1; `FLACFrameHeader`, `FLACFrameDecoder`): sync code 0b111111111111100, fixed or
///   variable block size, every block size and sample rate code (including the 8/16-bit values
///   stored after the coded number), bit depth codes (0: STREAMINFO's), channel assignments
///   independent (1–8), left/side, side/right and mid/side (§4.2). The rate, channel count and bit
///   depth must agree with STREAMINFO.
/// - Subframes (§9.2; `FLACSubframe`): CONSTANT, VERBATIM, FIXED (orders 0–4), LPC (orders
///   1–32) with 64-bit accumulation, wasted bits, side channels one bit wider; residuals
///   with 4- and 5-bit Rice parameters, partitions and escaped (raw) partitions (§9.2.7).
/// - Checks (`FLACCRC`, `MD5`): the header CRC-8 (§9.1.8) and frame CRC-16 (§9.3) of every frame,
///   and, when asked (`verifyMD5`) and STREAMINFO's is not zero, the MD5 of the decoded audio
///   (§8.2: interleaved, little-endian, signed, ceil(bits / 8) bytes a sample). The MD5 is off
///   by default, as in libFLAC (`FLAC__stream_decoder_set_md5_checking`) and ffmpeg: the CRCs
///   already catch damage in transit, and the MD5 costs about a third of the decoding time. A
///   frame that does not decode is reported as a CRC mismatch when its bytes fail the CRC-16, so
///   a damaged file is named as damaged.
/// - Length: fewer samples than STREAMINFO declares is an error (a cut file); bytes after the
///   declared samples, and a trailing ID3v1 tag, are ignored.
///
/// Samples are scaled by 2^-(bits - 1). Every read is bounds-checked and all sample arithmetic
/// wraps, so hostile input ends in audio or a typed `AudioError`, never a crash.
public enum FLACDecoder {
    /// The most samples (all channels together) decoded unless told otherwise: 2^30, what a
    /// 1 GiB 8-bit WAV holds, so a small FLAC file cannot expand without bound.
    public static let defaultMaxSamples = 1 << 30

    /// Decodes the bytes of a FLAC file; `path` is only used in messages.
    public static func decode(_ bytes: some ContiguousBytes, path: String, maxSamples: Int = defaultMaxSamples,
                              verifyMD5: Bool = false) throws(AudioError) -> DecodedAudio {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(AudioError) in
                let (info, samples) = try decodeStream(raw, path: path, maxSamples: maxSamples, verifyMD5: verifyMD5,
                                                       as: Float.self)
                return DecodedAudio(samples: samples, sampleRate: info.sampleRate, channels: info.channels)
            }
        }.get()
    }

    /// STREAMINFO and the interleaved integer samples, unscaled, the MD5 verified (tests compare
    /// them bit for bit).
    static func decodeIntegers(_ bytes: some ContiguousBytes, path: String,
                               maxSamples: Int = defaultMaxSamples) throws(AudioError) -> (FLACStreamInfo, [Int32]) {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(AudioError) in try decodeStream(raw, path: path, maxSamples: maxSamples, verifyMD5: true, as: Int32.self) }
        }.get()
    }

    /// The file's frames decoded one after another by a `FLACStream` (the one decoding loop).
    static func decodeStream<Sample: FLACSample>(_ raw: UnsafeRawBufferPointer, path: String, maxSamples: Int,
                                                 verifyMD5: Bool, as _: Sample.Type) throws(AudioError) -> (FLACStreamInfo, [Sample]) {
        let stream = try FLACStream<Sample>(ByteWindow(raw, path: path), maxSamples: maxSamples, verifyMD5: verifyMD5)
        var samples: [Sample] = []
        let declared = stream.info.totalSamples.multipliedReportingOverflow(by: UInt64(stream.info.channels))
        if stream.info.totalSamples > 0, !declared.overflow {
            // Trust the declared length only as far as the file's size makes plausible.
            samples.reserveCapacity(Int(min(declared.partialValue, UInt64(maxSamples), UInt64(raw.count) * 8)))
        }
        while let block = try stream.next() { samples.append(contentsOf: block) }
        return (stream.info, samples)
    }
}

/// What decoded samples are stored as: `Float` scaled by 2^-(bits - 1), or the integers.
protocol FLACSample {
    static var zero: Self { get }
    init(flac value: Int64, scale: Float)
}

extension Float: FLACSample {
    /// Full scale stays just below 1 (Float(2^31 - 1) rounds up to 2^31), as in `WAVEncoding`.
    @inline(__always) init(flac value: Int64, scale: Float) { self = Swift.min(Float(value) * scale, 0x1.fffffep-1) }
}

extension Int32: FLACSample {
    @inline(__always) init(flac value: Int64, scale: Float) { self.init(truncatingIfNeeded: value) }
}
