/// Why a frame's body did not decode, before it is matched against the frame's CRC-16.
enum FLACFrameError: Error {
    case overrun
    case malformed(String)
}

/// Decodes one frame at a time from `raw`, a window of the file that starts at file offset `base`
/// (offsets below are within the window; messages give them in the file), keeping one buffer per
/// channel between frames.
struct FLACFrameDecoder {
    var raw = UnsafeRawBufferPointer(start: nil, count: 0)
    var base = 0
    /// Whether `raw` runs to the end of the file (else a frame may continue past it).
    var reachesEnd = true
    let path: String
    let info: FLACStreamInfo
    /// One block of each channel in turn (subframe samples, then the reconstructed channels),
    /// then room for 32 LPC coefficients.
    var work: [Int64] = []
    /// One frame's samples in the MD5 byte layout.
    var md5Bytes: [UInt8] = []

    init(path: String, info: FLACStreamInfo) {
        self.path = path
        self.info = info
    }

    func malformed(_ reason: String) -> AudioError { .malformedFLAC(path: path, reason: reason) }

    /// "frame 3 (at byte 1234)": frames are counted from 0, as fixed-block-size frame numbers are.
    func describe(frame: Int, at offset: Int) -> String { "frame \(frame) (at byte \(base + offset))" }

    func hasSync(at offset: Int) -> Bool {
        raw.count - offset >= 2 && raw[offset] == 0xFF && raw[offset + 1] & 0xFE == 0xF8
    }

    /// Decodes the subframes and checks the CRC-16; returns the offset after the frame.
    mutating func decodeBody(_ header: FLACFrameHeader, at offset: Int, frame: Int) throws(AudioError) -> Int {
        let n = header.blockSize, assignment = header.assignment
        if work.count < assignment.channels * n + 32 { work = [Int64](repeating: 0, count: assignment.channels * n + 32) }
        var reader = BitReader(raw, byteOffset: offset + header.length)
        do throws(FLACFrameError) {
            try work.withUnsafeMutableBufferPointer { buffer throws(FLACFrameError) in
                let base = buffer.baseAddress!, coefficients = base + assignment.channels * n
                for channel in 0..<assignment.channels {
                    try FLACSubframe.decode(&reader, into: base + channel * n, count: n,
                                            bits: header.bitsPerSample + (assignment.isSide(channel) ? 1 : 0),
                                            coefficients: coefficients)
                }
            }
        } catch {
            throw diagnose(error, frame: frame, at: offset, bodyStart: offset + header.length)
        }
        reader.alignToByte()
        let crcAt = reader.byteOffset
        guard raw.count - crcAt >= 2 else {
            throw diagnose(.overrun, frame: frame, at: offset, bodyStart: offset + header.length)
        }
        let stored = Int(raw[crcAt]) << 8 | Int(raw[crcAt + 1])
        guard FLACCRC.crc16(UnsafeRawBufferPointer(rebasing: raw[offset..<crcAt])) == stored else {
            throw .checksumMismatch(path: path, frame: frame, offset: base + offset, checksum: "frame CRC-16")
        }
        work.withUnsafeMutableBufferPointer { FLACSubframe.reconstruct(assignment, $0.baseAddress!, count: n) }
        return crcAt + 2
    }

    /// Writes the block's samples interleaved into `samples[begin...]`, checks they fit the bit
    /// depth and feeds them to the MD5 in its byte layout (interleaved little-endian samples of
    /// `(bits + 7) / 8` bytes, RFC 9639 §8.2), packed in the same pass as the conversion.
    mutating func emit<Sample: FLACSample>(_ n: Int, into samples: inout [Sample], at begin: Int, scale: Float,
                                           md5: inout MD5?, frame: Int, offset: Int) throws(AudioError) {
        let channels = info.channels, bits = info.bitsPerSample
        let width = (bits + 7) / 8, count = md5 == nil ? 0 : n * channels * width
        if md5Bytes.count < count { md5Bytes = [UInt8](repeating: 0, count: count) }
        var lowest = Int64.max, highest = Int64.min
        work.withUnsafeBufferPointer { work in
            samples.withUnsafeMutableBufferPointer { out in
                md5Bytes.withUnsafeMutableBytes { bytes in
                    for c in 0..<channels {
                        let channel = work.baseAddress! + c * n, o = out.baseAddress! + begin + c
                        let packed = count == 0 ? nil : bytes.baseAddress! + c * width, step = channels * width
                        // One pass per channel: range, conversion and (by width) the MD5 bytes.
                        @inline(__always) func pass(_ pack: (UnsafeMutableRawPointer, Int64) -> Void) {
                            for i in 0..<n {
                                let v = channel[i]
                                lowest = min(lowest, v)
                                highest = max(highest, v)
                                o[i * channels] = Sample(flac: v, scale: scale)
                                if let packed { pack(packed + i * step, v) }
                            }
                        }
                        switch width {
                        case 2: pass { $0.storeBytes(of: UInt16(truncatingIfNeeded: $1).littleEndian, as: UInt16.self) }
                        case 1: pass { $0.storeBytes(of: UInt8(truncatingIfNeeded: $1), as: UInt8.self) }
                        case 4: pass { $0.storeBytes(of: UInt32(truncatingIfNeeded: $1).littleEndian, as: UInt32.self) }
                        default:
                            pass { p, v in
                                for k in 0..<width { p.storeBytes(of: UInt8(truncatingIfNeeded: v >> Int64(8 * k)), toByteOffset: k, as: UInt8.self) }
                            }
                        }
                    }
                }
            }
        }
        guard lowest >= -(Int64(1) << (bits - 1)), highest < Int64(1) << (bits - 1) else {
            throw malformed("\(describe(frame: frame, at: offset)) decodes to samples outside the \(bits)-bit range")
        }
        guard count > 0 else { return }
        md5Bytes.withUnsafeBytes { md5?.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }

    /// The error for a frame whose subframes did not decode. If some possible end of the frame
    /// (a later valid frame header, or the end of the file) makes its CRC-16 match, the frame is
    /// intact and the decoding error stands. Otherwise the frame is damaged: a cut file when
    /// decoding ran out of bytes and no frame follows, else a CRC mismatch.
    func diagnose(_ error: FLACFrameError, frame: Int, at offset: Int, bodyStart: Int) -> AudioError {
        let name = describe(frame: frame, at: offset)
        // For a frame ending at `end`, the CRC-16 covers raw[offset..<end - 2].
        var crc = FLACCRC.crc16(UnsafeRawBufferPointer(rebasing: raw[offset..<bodyStart]))
        var end = bodyStart + 2, laterHeader = false
        while end <= raw.count {
            if (end == raw.count && reachesEnd) || (hasSync(at: end) && validHeaderCRC(at: end)) {
                if crc == Int(raw[end - 2]) << 8 | Int(raw[end - 1]) {
                    switch error {
                    case .overrun: return malformed("the file ends inside \(name)")
                    case .malformed(let reason): return malformed("\(name): \(reason)")
                    }
                }
                laterHeader = laterHeader || end < raw.count
            }
            crc = FLACCRC.crc16(UnsafeRawBufferPointer(rebasing: raw[(end - 2)..<(end - 1)]), crc: crc)
            end += 1
        }
        if case .overrun = error, !laterHeader { return malformed("the file ends inside \(name)") }
        return .checksumMismatch(path: path, frame: frame, offset: base + offset, checksum: "frame CRC-16")
    }
}
