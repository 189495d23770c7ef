import Foundation

/// Errors reading audio. Messages are meant for the person who supplied the file.
public enum AudioError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case notWAV(path: String)
    case malformed(path: String, reason: String)
    case unsupportedEncoding(path: String, format: Int, bits: Int)
    case unsupportedSampleRate(path: String, rate: Int, required: Int)

    public var description: String {
        switch self {
        case .unreadable(let p, let r): return "cannot read \(p): \(r)"
        case .notWAV(let p): return "\(p) is not a WAV file (no RIFF/WAVE header); only WAV input is supported for now"
        case .malformed(let p, let r): return "\(p) is a malformed WAV file: \(r)"
        case .unsupportedEncoding(let p, let f, let b):
            return "\(p): WAV encoding (format \(f), \(b)-bit) is not supported yet: use 16-bit PCM or 32-bit float"
        case .unsupportedSampleRate(let p, let r, let required):
            return "\(p): sample rate \(r) Hz is not supported yet: convert the file to \(required) Hz"
        }
    }
}

/// Decoded audio: samples mixed down to mono by averaging the channels (as YAMNet's reference
/// inference does), in [-1, 1] for PCM.
public struct DecodedAudio: Sendable {
    public var samples: [Float]
    public var sampleRate: Int
    public var channels: Int
}

/// A minimal RIFF/WAVE reader: PCM 16-bit and IEEE float 32-bit, plain or
/// WAVE_FORMAT_EXTENSIBLE, any channel count; unknown chunks are skipped, odd chunks padded.
public enum WAVReader {
    public static func read(path: String) throws(AudioError) -> DecodedAudio {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) }
        catch { throw .unreadable(path: path, reason: (error as NSError).localizedDescription) }
        do {
            return try data.withUnsafeBytes { raw in try decode(raw, path: path) }
        } catch let error as AudioError {
            throw error
        } catch {
            throw .malformed(path: path, reason: String(describing: error))
        }
    }

    static func decode(_ raw: UnsafeRawBufferPointer, path: String) throws(AudioError) -> DecodedAudio {
        func u16(_ o: Int) -> Int { Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt16.self))) }
        func u32(_ o: Int) -> Int { Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt32.self))) }
        guard raw.count >= 12, raw[0..<4].elementsEqual("RIFF".utf8), raw[8..<12].elementsEqual("WAVE".utf8) else {
            throw .notWAV(path: path)
        }
        var offset = 12
        var format: (code: Int, channels: Int, rate: Int, bits: Int)?
        while offset + 8 <= raw.count {
            let id = raw[offset..<(offset + 4)], size = u32(offset + 4)
            let body = offset + 8
            if id.elementsEqual("fmt ".utf8) {
                guard size >= 16, body + 16 <= raw.count else { throw .malformed(path: path, reason: "short fmt chunk") }
                var code = u16(body)
                if code == 0xFFFE {                 // WAVE_FORMAT_EXTENSIBLE: the subformat GUID's first 2 bytes
                    guard size >= 40, body + 26 <= raw.count else { throw .malformed(path: path, reason: "short extensible fmt chunk") }
                    code = u16(body + 24)
                }
                format = (code, u16(body + 2), u32(body + 4), u16(body + 14))
            } else if id.elementsEqual("data".utf8) {
                guard let f = format else { throw .malformed(path: path, reason: "data chunk before fmt chunk") }
                // Streaming writers leave 0 or 0xFFFFFFFF: then the data runs to the end of the file.
                let length = (size == 0 || size == 0xFFFF_FFFF || body + size > raw.count) ? raw.count - body : size
                return try samples(raw, from: body, bytes: length, format: f, path: path)
            }
            offset = body + size + (size & 1)
        }
        throw .malformed(path: path, reason: format == nil ? "no fmt chunk" : "no data chunk")
    }

    private static func samples(_ raw: UnsafeRawBufferPointer, from start: Int, bytes: Int,
                                format f: (code: Int, channels: Int, rate: Int, bits: Int),
                                path: String) throws(AudioError) -> DecodedAudio {
        guard f.channels > 0, f.rate > 0 else { throw .malformed(path: path, reason: "\(f.channels) channels at \(f.rate) Hz") }
        let isPCM16 = f.code == 1 && f.bits == 16, isFloat32 = f.code == 3 && f.bits == 32
        guard isPCM16 || isFloat32 else { throw .unsupportedEncoding(path: path, format: f.code, bits: f.bits) }
        let width = f.bits / 8
        let frames = bytes / (width * f.channels)
        var mono = [Float](repeating: 0, count: frames)
        for i in 0..<frames {
            var sum: Float = 0
            for c in 0..<f.channels {
                let o = start + (i * f.channels + c) * width
                sum += isPCM16
                    ? Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: Int16.self))) / 32768
                    : Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt32.self)))
            }
            mono[i] = f.channels == 1 ? sum : sum / Float(f.channels)
        }
        return DecodedAudio(samples: mono, sampleRate: f.rate, channels: f.channels)
    }
}
