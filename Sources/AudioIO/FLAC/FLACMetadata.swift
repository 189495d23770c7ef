/// The STREAMINFO metadata block. ref: RFC 9639 §8.2
struct FLACStreamInfo: Equatable {
    var minBlockSize: Int
    var maxBlockSize: Int
    var sampleRate: Int
    var channels: Int
    var bitsPerSample: Int
    /// Interchannel samples in the stream; 0 when unknown.
    var totalSamples: UInt64
    /// The MD5 of the unencoded audio; all zero when unknown.
    var md5: [UInt8]

    /// Metadata block type names. ref: RFC 9639 §8.1
    static func blockName(_ type: UInt8) -> String {
        switch type {
        case 0: "STREAMINFO"
        case 1: "PADDING"
        case 2: "APPLICATION"
        case 3: "SEEKTABLE"
        case 4: "VORBIS_COMMENT"
        case 5: "CUESHEET"
        case 6: "PICTURE"
        default: "type \(type)"
        }
    }

    /// Parses the ID3v2 tags, "fLaC" and the metadata blocks (their headers read, their bodies
    /// skipped but STREAMINFO's); returns STREAMINFO and the offset of the first frame.
    static func parse(_ r: some CheckedReader) throws(AudioError) -> (FLACStreamInfo, Int) {
        let path = r.path
        func malformed(_ reason: String) -> AudioError { .malformedFLAC(path: path, reason: reason) }
        var offset = 0
        while r.has(10, at: offset), let length = AudioFormat.id3v2Length(try r.bytes(offset, 10), at: 0),
              length <= r.count - offset { offset += length }
        guard r.has(4, at: offset), try r.bytes(offset, 4).elementsEqual("fLaC".utf8) else { throw .notFLAC(path: path) }
        offset += 4
        var info: FLACStreamInfo?
        var isLast = false
        while !isLast {
            guard r.has(4, at: offset) else {
                throw malformed(info == nil ? "the file ends before the STREAMINFO block" : "the file ends inside a metadata block header")
            }
            let head = try r.bytes(offset, 4)
            let type = head[0] & 0x7F, name = blockName(type)
            isLast = head[0] & 0x80 != 0
            let length = Int(head[1]) << 16 | Int(head[2]) << 8 | Int(head[3])
            let body = offset + 4
            guard r.has(length, at: body) else { throw malformed("the file ends inside the \(name) metadata block") }
            switch type {
            case 0 where info == nil:
                guard length >= 34 else { throw malformed("the STREAMINFO block is \(length) bytes; 34 are needed") }
                info = try FLACStreamInfo(r.bytes(body, 34), path: path)
            case 0:
                throw malformed("there is a second STREAMINFO block")
            case 127:
                throw malformed("metadata block type 127 is invalid")
            default:
                guard info != nil else { throw malformed("the first metadata block is \(name), not STREAMINFO") }
            }
            offset = body + length
        }
        guard let info else { throw malformed("there is no STREAMINFO block") }
        return (info, offset)
    }

    /// The 34-byte STREAMINFO body: u16 min and max block size, u24 min and max frame size,
    /// u20 sample rate, u3 channels - 1, u5 bits per sample - 1, u36 total samples, u128 MD5.
    init(_ b: UnsafeRawBufferPointer, path: String) throws(AudioError) {
        minBlockSize = Int(b[0]) << 8 | Int(b[1])
        maxBlockSize = Int(b[2]) << 8 | Int(b[3])
        let packed = (10..<18).reduce(UInt64(0)) { $0 << 8 | UInt64(b[$1]) }
        sampleRate = Int(packed >> 44)
        channels = Int(packed >> 41 & 7) + 1
        bitsPerSample = Int(packed >> 36 & 31) + 1
        totalSamples = packed & ((1 << 36) - 1)
        md5 = Array(b[18..<34])
        guard sampleRate > 0 else {
            throw .malformedFLAC(path: path, reason: "STREAMINFO gives a sample rate of 0 Hz (not audio)")
        }
        guard bitsPerSample >= 4 else {
            throw .malformedFLAC(path: path, reason: "STREAMINFO gives \(bitsPerSample) bits per sample; FLAC allows 4 to 32")
        }
    }
}
