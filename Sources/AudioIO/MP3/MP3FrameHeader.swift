/// The 32-bit header that starts every MPEG audio frame, for Layer III.
///
/// - Fields and frame length: ref: ISO/IEC 11172-3 §2.4.1.3, §2.4.2.3 (MPEG-1: 32, 44.1, 48 kHz;
///   1152 samples a frame: `144 · bitrate / sampling_frequency + padding_bit` bytes).
/// - Lower sampling frequencies: ref: ISO/IEC 13818-3 §2.4.2.3 (MPEG-2 "LSF", ID bit 0: 16, 22.05,
///   24 kHz, 576 samples a frame: `72 · bitrate / sampling_frequency + padding_bit` bytes).
/// - MPEG-2.5 (the widely implemented Fraunhofer extension, not in an ISO text): the first two
///   bits after the 11-bit sync are 00 and the rates are halved again (8, 11.025, 12 kHz).
///
/// Free format (bitrate_index 0) is not decoded (FFmpeg 5.1 does not decode it either): such
/// headers are refused like invalid ones.
struct MP3FrameHeader: Equatable, Sendable {
    enum Version: Sendable { case mpeg1, mpeg2, mpeg25 }

    /// ref: ISO/IEC 11172-3 §2.4.2.3 `mode`
    enum Mode: Int, Sendable { case stereo = 0, jointStereo = 1, dualChannel = 2, mono = 3 }

    let version: Version
    /// `protection_bit` 0: a 16-bit CRC follows the header.
    let hasCRC: Bool
    let bitrateIndex: Int
    /// `sampling_frequency` (0…2), within the version.
    let sampleRateIndex: Int
    let padding: Bool
    let mode: Mode
    /// `mode_extension`: bit 1 mid/side stereo, bit 0 intensity stereo (joint stereo only).
    let modeExtension: Int
    /// The header as read, big-endian.
    let word: UInt32

    /// ref: ISO/IEC 11172-3 §2.4.2.3 `bitrate_index` (Layer III), kbit/s
    static let bitratesMPEG1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
    /// ref: ISO/IEC 13818-3 §2.4.2.3 `bitrate_index` (Layer III, also used by MPEG-2.5), kbit/s
    static let bitratesLSF = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
    /// Sampling frequencies in Hz by `bandIndex`: MPEG-1, then MPEG-2, then MPEG-2.5.
    static let sampleRates = [44100, 48000, 32000, 22050, 24000, 16000, 11025, 12000, 8000]

    /// The header in `word`, or nil unless it has the sync word, a defined version, layer III, a
    /// bitrate index of 1…14 and a defined sampling frequency. The emphasis field is not checked
    /// (as decoders do not act on it).
    init?(_ word: UInt32) {
        guard word & 0xFFE0_0000 == 0xFFE0_0000 else { return nil }
        switch (word >> 19) & 3 {
        case 3: version = .mpeg1
        case 2: version = .mpeg2
        case 0: version = .mpeg25
        default: return nil
        }
        guard (word >> 17) & 3 == 1 else { return nil }                 // layer III
        let bitrate = Int((word >> 12) & 15), rate = Int((word >> 10) & 3)
        guard bitrate != 0, bitrate != 15, rate != 3 else { return nil }
        hasCRC = (word >> 16) & 1 == 0
        bitrateIndex = bitrate
        sampleRateIndex = rate
        padding = (word >> 9) & 1 == 1
        mode = Mode(rawValue: Int((word >> 6) & 3))!
        modeExtension = Int((word >> 4) & 3)
        self.word = word
    }

    /// The header at `offset` in `bytes`, or nil (also when fewer than 4 bytes are left).
    init?(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
        guard offset >= 0, bytes.count - offset >= 4 else { return nil }
        let word = UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
            | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
        self.init(word)
    }

    /// MPEG-2 or MPEG-2.5: one granule a frame, LSF side information and scale factors.
    var isLSF: Bool { version != .mpeg1 }

    /// Index into the sampling-frequency and scale-factor band tables: 0…2 MPEG-1 (44.1, 48,
    /// 32 kHz), 3…5 MPEG-2 (22.05, 24, 16 kHz), 6…8 MPEG-2.5 (11.025, 12, 8 kHz).
    var bandIndex: Int {
        switch version {
        case .mpeg1: sampleRateIndex
        case .mpeg2: 3 + sampleRateIndex
        case .mpeg25: 6 + sampleRateIndex
        }
    }

    var sampleRate: Int { Self.sampleRates[bandIndex] }
    /// Bits per second.
    var bitrate: Int { (isLSF ? Self.bitratesLSF : Self.bitratesMPEG1)[bitrateIndex] * 1000 }
    var channels: Int { mode == .mono ? 1 : 2 }
    var granules: Int { isLSF ? 1 : 2 }
    var samplesPerFrame: Int { 576 * granules }
    /// The frame's length in bytes, header included.
    var frameLength: Int { (isLSF ? 72 : 144) * bitrate / sampleRate + (padding ? 1 : 0) }
    /// ref: ISO/IEC 11172-3 §2.4.1.7; ISO/IEC 13818-3 §2.4.1.2
    var sideInfoLength: Int { isLSF ? (channels == 1 ? 9 : 17) : (channels == 1 ? 17 : 32) }
    /// Where the side information starts: after the header and the CRC word, if any.
    var sideInfoOffset: Int { hasCRC ? 6 : 4 }
    /// Where the frame's part of the main data starts.
    var mainDataOffset: Int { sideInfoOffset + sideInfoLength }
    var msStereo: Bool { mode == .jointStereo && modeExtension & 2 != 0 }
    var intensityStereo: Bool { mode == .jointStereo && modeExtension & 1 != 0 }

    /// The fields that stay fixed within one stream: sync, version, layer, sampling frequency, and
    /// whether it is mono. Frames whose key differs from the stream's are treated as noise.
    var streamKey: UInt32 { word & 0xFFFE_0C00 | (mode == .mono ? 1 : 0) }
}
