import Foundation

/// Decodes MPEG-1, MPEG-2 and MPEG-2.5 Layer III ("MP3") streams to interleaved float samples.
///
/// - Stream: tags are skipped (`MP3Tags`); frames are found by their headers (`MP3FrameHeader`).
///   The first frame and every frame after lost sync must be followed by another valid header of
///   the same stream (same version, layer, sampling frequency and mono/stereo) or end exactly at
///   the end of the data; bytes that start no such frame are skipped. Frames whose side
///   information is invalid are skipped and counted; decoding fails only if no frame decodes.
/// - Frames: side information (`MP3SideInfo`), main data from the bit reservoir
///   (`main_data_begin`; granules whose data lies before the available reservoir are decoded as
///   silence), scale factors, Huffman decoding, requantization, joint stereo, reordering, alias
///   reduction, IMDCT and the polyphase synthesis. ref: ISO/IEC 11172-3 §2.4.3.4; ISO/IEC 13818-3.
/// - Gapless playback: a Xing/Info header frame is not decoded; with a LAME tag, encoder delay +
///   529 samples (the decoder's delay) are dropped from the start and the padding from the end,
///   frame by frame as FFmpeg does, so the sample count matches FFmpeg's.
public enum MP3Decoder {
    /// The decoder delay of Layer III as LAME and FFmpeg count it: 528 samples of filter bank
    /// delay plus one.
    public static let decoderDelay = 529

    /// What a decode found besides the samples.
    public struct Report: Sendable, Equatable {
        /// Frames decoded to audio.
        public var framesDecoded = 0
        /// Frames with a valid header that could not be decoded (invalid side information).
        public var framesSkipped = 0
        /// Bytes between the tags that belong to no frame (junk, damage, a truncated last frame).
        public var bytesSkipped = 0
        /// From a Xing/Info/VBRI header frame, if any.
        public var header: MP3Tags.VBRHeader?
        /// Decoded granules (per channel) by block kind: normal, start, short, stop, mixed.
        public var blockTypes = [0, 0, 0, 0, 0]
        /// Frames with the joint-stereo mode extension bits for mid/side and intensity stereo.
        public var msFrames = 0, intensityFrames = 0
        /// Headers with bitrate index 0 (free format, which is not decoded).
        public var freeFormatHeaders = 0
    }

    /// Decodes the bytes of an MP3 file; `path` is only used in messages.
    public static func decode(_ bytes: some ContiguousBytes, path: String) throws(AudioError) -> DecodedAudio {
        try decodeWithReport(bytes, path: path).audio
    }

    /// Decodes the bytes of an MP3 file and reports what was skipped.
    public static func decodeWithReport(_ bytes: some ContiguousBytes,
                                        path: String) throws(AudioError) -> (audio: DecodedAudio, report: Report) {
        try bytes.withUnsafeBytes { raw in Result { () throws(AudioError) in try decode(raw, path: path) } }.get()
    }

    /// The file's frames decoded by an `MP3Stream` (the one decoding loop), in one piece.
    static func decode(_ raw: UnsafeRawBufferPointer, path: String) throws(AudioError) -> (audio: DecodedAudio, report: Report) {
        let stream = try MP3Stream(ByteWindow(raw, path: path))
        var output: [Float] = []                // no reserve from the Xing count: a header may lie
        while let chunk = try stream.next() { output.append(contentsOf: chunk) }
        return (DecodedAudio(samples: output, sampleRate: stream.sampleRate, channels: stream.channels), stream.report)
    }
}

/// FFmpeg's gapless trimming, frame by frame: `delay + 529` samples are skipped from the start of
/// the stream; frame p (of `frames` announced, each `n` samples long) that reaches past
/// `frames·n − padding + 529` loses its samples past that point, unless the skip already cut the
/// frame below that many. Without a LAME tag's delay nothing is trimmed.
struct MP3GaplessTrim {
    private let n: Int
    private var skip: Int
    private let discard: (first: Int, last: Int)?

    init(header: MP3Tags.VBRHeader?, frameLength n: Int) {
        self.n = n
        skip = header?.encoderDelay.map { $0 + MP3Decoder.decoderDelay } ?? 0
        if header?.encoderDelay != nil, let frames = header?.frames, let padding = header?.encoderPadding {
            discard = (frames * n - padding + MP3Decoder.decoderDelay, frames * n)
        } else {
            discard = nil
        }
    }

    /// The samples (of each channel, within the frame) to keep of the decoded frame that is frame
    /// `packet` of the stream; decoded frames come in order.
    mutating func keep(packet p: Int) -> Range<Int> {
        var from = 0, to = n
        if skip > 0 {
            if n <= skip { skip -= n; return 0..<0 }
            from = skip
            skip = 0
        }
        if let discard {
            let start = p * n, stop = start + n
            if stop >= discard.first, start < discard.last {
                let cut = min(stop - discard.first, n)
                if cut > 0, cut <= to - from { to -= cut }
            }
        }
        return from..<max(from, to)
    }
}

/// The decoding state of one stream: bit reservoir, overlap and synthesis buffers, and the
/// per-granule work buffers.
final class MP3FrameDecoder {
    let channels: Int, sampleRate: Int, samplesPerFrame: Int
    private let lsf: Bool, bandIndex: Int, granules: Int
    private(set) var sideInfo = MP3SideInfo()
    private var reservoir: [UInt8] = []
    private var scalefactors = [MP3Scalefactors(), MP3Scalefactors()]
    private var firstGranule = [MP3Scalefactors(), MP3Scalefactors()]
    private let filters = [MP3SynthesisFilter(), MP3SynthesisFilter()]
    private let values = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * 576)
    private let xr = UnsafeMutablePointer<Float>.allocate(capacity: 2 * 576)
    private let overlap = UnsafeMutablePointer<Float>.allocate(capacity: 2 * 576)
    private let subbands = UnsafeMutablePointer<Float>.allocate(capacity: MP3SynthesisFilter.inputCount)
    private let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 576)
    /// A stereo granule's PCM by channel, before interleaving: 2 × 576.
    private let planar = UnsafeMutablePointer<Float>.allocate(capacity: 2 * 576)

    /// The reservoir kept between frames: more than `main_data_begin` can reach (511 bytes).
    private static let reservoirLimit = 2048

    init(_ header: MP3FrameHeader) {
        channels = header.channels
        sampleRate = header.sampleRate
        samplesPerFrame = header.samplesPerFrame
        lsf = header.isLSF
        bandIndex = header.bandIndex
        granules = header.granules
        overlap.initialize(repeating: 0, count: 2 * 576)
        values.initialize(repeating: 0, count: 2 * 576)
        xr.initialize(repeating: 0, count: 2 * 576)
        subbands.initialize(repeating: 0, count: MP3SynthesisFilter.inputCount)
        scratch.initialize(repeating: 0, count: 576)
        planar.initialize(repeating: 0, count: 2 * 576)
    }

    deinit {
        values.deallocate(); xr.deallocate(); overlap.deallocate(); subbands.deallocate(); scratch.deallocate(); planar.deallocate()
    }

    /// Decodes `frame` (header included) and appends its samples to `output`; false (nothing
    /// appended) if its side information is invalid.
    func decode(_ frame: UnsafeRawBufferPointer, header h: MP3FrameHeader, into output: inout [Float]) -> Bool {
        guard h.mainDataOffset <= frame.count else { return false }
        let ownData = UnsafeRawBufferPointer(rebasing: frame[h.mainDataOffset...])
        let previous = reservoir.count
        reservoir.append(contentsOf: ownData)                   // the frame's main data after the reservoir
        defer {
            if reservoir.count > Self.reservoirLimit { reservoir.removeFirst(reservoir.count - Self.reservoirLimit) }
        }
        let side = UnsafeRawBufferPointer(rebasing: frame[h.sideInfoOffset..<h.mainDataOffset])
        var sideReader = MP3BitReader(side.assumingMemoryBound(to: UInt8.self))
        guard sideInfo.read(&sideReader, header: h) else { return false }

        let begin = sideInfo.mainDataBegin, available = min(begin, previous)
        let base = (available - begin) * 8                      // ≤ 0 when the reservoir is short

        let start = output.count
        output.append(contentsOf: repeatElement(0, count: samplesPerFrame * channels))
        reservoir.withUnsafeBufferPointer { all in
            let data = UnsafeBufferPointer(rebasing: all[(previous - available)...])
            output.withUnsafeMutableBufferPointer { out in
                var consumed = 0
                for gr in 0..<granules {
                    // Granules whose data starts before the reservoir's first byte are silent.
                    let missing = (available * 8 + consumed) >> 3 < begin
                    for ch in 0..<channels {
                        let g = sideInfo.granule(gr, ch)
                        if missing {
                            (xr + 576 * ch).update(repeating: 0, count: 576)
                        } else {
                            decodeChannel(ch, granule: g, gr: gr, header: h, data: data, at: base + consumed)
                        }
                        consumed += g.part23Length
                    }
                    if channels == 2, h.mode == .jointStereo, !missing {
                        MP3Stereo.process(left: xr, right: xr + 576, header: h, right: sideInfo.granule(gr, 1),
                                          scalefactors: scalefactors[1])
                    }
                    for ch in 0..<channels {
                        let g = sideInfo.granule(gr, ch), lines = xr + 576 * ch
                        MP3Requantize.reorder(lines, granule: g, bandIndex: bandIndex, lsf: lsf, scratch: scratch)
                        MP3IMDCT.antialias(lines, granule: g, limit: Self.nonZeroEnd(lines))
                        MP3IMDCT.synthesize(lines, granule: g, limit: Self.nonZeroEnd(lines),
                                            overlap: overlap + 576 * ch, output: subbands)
                        let pcm = out.baseAddress! + start + gr * 576 * channels
                        filters[ch].filter(subbands, slots: 18, output: channels == 1 ? pcm : planar + 576 * ch)
                    }
                    if channels == 2 {
                        MP3SynthesisFilter.interleave(planar, planar + 576, count: 576,
                                                      into: out.baseAddress! + start + gr * 1152)
                    }
                }
            }
        }
        return true
    }

    /// Scale factors, Huffman decoding and requantization of one channel of granule `gr`, whose
    /// data starts at bit `bit` of `data`.
    private func decodeChannel(_ ch: Int, granule: MP3GranuleInfo, gr: Int, header h: MP3FrameHeader,
                               data: UnsafeBufferPointer<UInt8>, at bit: Int) {
        var g = granule
        var r = MP3BitReader(data, position: bit)
        if lsf {
            g.preflag = scalefactors[ch].readLSF(&r, granule: g, intensityRight: h.intensityStereo && ch == 1)
        } else {
            scalefactors[ch].readMPEG1(&r, granule: g, scfsi: sideInfo.scfsi[ch],
                                       previous: gr == 1 ? firstGranule[ch] : nil)
            if gr == 0 { firstGranule[ch] = scalefactors[ch] }
        }
        let count = MP3Huffman.decode(&r, end: bit + g.part23Length, granule: g, into: values + 576 * ch)
        MP3Requantize.requantize(values + 576 * ch, count: count, granule: g, scalefactors: scalefactors[ch],
                                 bandIndex: bandIndex, lsf: lsf, into: xr + 576 * ch)
    }

    /// One past the last non-zero line of `lines` (576).
    private static func nonZeroEnd(_ lines: UnsafePointer<Float>) -> Int {
        var n = 576
        while n > 0, lines[n - 1] == 0 { n -= 1 }
        return n
    }
}
