import AudioIO
import Foundation
import Testing
import TestSupport

@Suite struct AudioFormatTests {
    static let mp3Frame: [UInt8] = [0xFF, 0xFB, 0x90, 0x64]      // MPEG-1 layer III, 128 kbit/s, 44.1 kHz
    static let pcmWAV = WAVFile.simple(code: 1, bits: 16, payload: WAVFile.s16([16384]))

    /// An ID3v2.4 tag with a `size`-byte body (syncsafe size) and, if asked, a footer.
    static func id3(size: Int, footer: Bool = false) -> [UInt8] {
        let header: [UInt8] = Array("ID3".utf8) + [4, 0, footer ? 0x10 : 0]
            + [UInt8(size >> 21 & 0x7F), UInt8(size >> 14 & 0x7F), UInt8(size >> 7 & 0x7F), UInt8(size & 0x7F)]
        return header + [UInt8](repeating: 0, count: size) + (footer ? Array("3DI".utf8) + [UInt8](repeating: 0, count: 7) : [])
    }

    static let samples: [(AudioFormat, [UInt8])] = [
        (.wav, pcmWAV),
        (.wav, Array("RF64".utf8) + [0xFF, 0xFF, 0xFF, 0xFF] + Array("WAVE".utf8)),
        (.wav, Array("BW64".utf8) + [0xFF, 0xFF, 0xFF, 0xFF] + Array("WAVEds64".utf8)),
        (.flac, Array("fLaC".utf8) + [0, 0, 0, 34]),
        (.flac, id3(size: 200) + Array("fLaC".utf8)),
        (.mp3, mp3Frame + [0, 0]),
        (.mp3, [0xFF, 0xF3, 0x84, 0x00]),                              // MPEG-2 layer III, 22.05 kHz
        (.mp3, [0xFF, 0xE3, 0x18, 0xC4]),                              // MPEG-2.5 layer III
        (.mp3, id3(size: 300) + mp3Frame),
        (.mp3, id3(size: 20, footer: true) + id3(size: 5) + mp3Frame),
        (.ogg, Array("OggS".utf8) + [0, 2]),
        (.mp4, [0, 0, 0, 0x20] + Array("ftypM4A ".utf8)),
        (.mp4, [0, 0, 0, 0x18] + Array("ftypisom".utf8)),
        (.webm, [0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81]),
        (.aiff, Array("FORM".utf8) + [0, 0, 0, 4] + Array("AIFF".utf8)),
        (.aiff, Array("FORM".utf8) + [0, 0, 0, 4] + Array("AIFC".utf8)),
        (.unknown, []),
        (.unknown, Array("hello, this is text".utf8)),
        (.unknown, Array("RIFF".utf8) + [0, 0, 0, 0] + Array("AVI ".utf8)),
        (.unknown, Array("RIF".utf8)),
        (.unknown, [0xFF, 0xFD, 0x90, 0x64]),                          // layer II
        (.unknown, [0xFF, 0xF1, 0x50, 0x80]),                          // AAC ADTS (layer bits 00)
        (.unknown, [0xFF, 0xEB, 0x90, 0x64]),                          // reserved version 01
        (.unknown, [0xFF, 0xFB, 0xF0, 0x64]),                          // bitrate index 1111
        (.unknown, [0xFF, 0xFB, 0x9C, 0x64]),                          // reserved sampling frequency
        (.unknown, [0xFF, 0xFB, 0x90, 0x66]),                          // reserved emphasis
        (.unknown, [0xFF, 0xFB, 0x90]),                                // header cut short
        (.unknown, id3(size: 10) + Array("OggS".utf8)),
        (.unknown, Array("ID3".utf8) + [4, 0, 0, 0x80, 0, 0, 0]),       // size not syncsafe
    ]

    @Test func detectsFormatsFromTheirFirstBytes() {
        for (expected, bytes) in Self.samples {
            #expect(AudioFormat.detect(bytes) == expected, "\(bytes.prefix(12))")
            #expect(AudioFormat.detect(Data(bytes)) == expected)
        }
    }

    @Test func names() {
        #expect(AudioFormat.allCases.map(\.name) == ["WAV", "FLAC", "MP3", "Ogg", "MP4/M4A", "WebM", "AIFF", "unknown"])
    }

    func write(_ bytes: [UInt8], name: String = "clip.wav") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mood-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func remove(_ path: String) { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }

    @Test func decoderReadsWAVByContent() throws {
        let path = try write(Self.pcmWAV, name: "recording.mp3")
        defer { remove(path) }
        let audio = try AudioDecoder.decode(path: path)
        #expect(audio.samples == [0.5] && audio.sampleRate == 16000 && audio.channels == 1)
    }

    @Test func otherFormatsAreRefusedWithTheInstallHint() throws {
        // WAV, FLAC and MP3 have native decoders; the rest need ffmpeg, here switched off.
        let messages: [(AudioFormat, String)] = [(.ogg, "Ogg"), (.mp4, "MP4/M4A"),
                                                 (.webm, "WebM"), (.aiff, "AIFF"), (.unknown, "unknown")]
        for (format, name) in messages {
            let bytes = Self.samples.first { $0.0 == format && !$0.1.isEmpty }!.1
            do {
                _ = try AudioDecoder.decode(bytes, path: "x", ffmpeg: nil)
                Issue.record("\(format) decoded")
            } catch {
                #expect(error == .unsupportedFormat(path: "x", format: format))
                #expect(error.description == "unsupported format \(name): upload WAV, FLAC or MP3, or install ffmpeg")
            }
        }
    }

    /// MP3 bytes in a file named .wav go to the MP3 decoder (detection by content); this one
    /// holds a tag and a lone header but no decodable frame.
    @Test func mp3IsRecognisedByContent() throws {
        let mp3 = try write(Self.id3(size: 40) + Self.mp3Frame + [UInt8](repeating: 0, count: 100), name: "song.wav")
        defer { remove(mp3) }
        let error = #expect(throws: AudioError.self) { try AudioDecoder.decode(path: mp3, ffmpeg: nil) }
        guard case .malformedMP3(let path, _) = error else { Issue.record("wrong error \(String(describing: error))"); return }
        #expect(path == mp3)
    }

    /// `maxSamples` bounds the audio of every native format: the exact count decodes, one less is
    /// refused (FLAC stops decoding there; WAV and MP3 are checked once decoded).
    @Test func sampleLimit() throws {
        let vectors = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Vectors")
        let files = try [Self.pcmWAV] + ["flac/mono16k-l8.flac", "mp3/tiny-speech-8k.mp3"].map {
            try [UInt8](Data(contentsOf: vectors.appendingPathComponent($0)))
        }
        for bytes in files {
            let count = try AudioDecoder.decode(bytes, path: "x", ffmpeg: nil).samples.count
            #expect(try AudioDecoder.decode(bytes, path: "x", maxSamples: count, ffmpeg: nil).samples.count == count)
            #expect(throws: AudioError.decodedTooLarge(path: "x", limit: count - 1)) {
                try AudioDecoder.decode(bytes, path: "x", maxSamples: count - 1, ffmpeg: nil)
            }
        }
    }

    @Test func sizeLimitAndUnreadableFiles() throws {
        let path = try write(Self.pcmWAV)
        defer { remove(path) }
        let size = Self.pcmWAV.count
        #expect(throws: AudioError.tooLarge(path: path, limit: size - 1)) { try AudioDecoder.decode(path: path, maxBytes: size - 1) }
        #expect(AudioError.tooLarge(path: path, limit: 1000).description == "\(path) is too large: files over 1000 bytes are refused")
        #expect(try AudioDecoder.decode(path: path, maxBytes: size).frames == 1)
        #expect(throws: AudioError.tooLarge(path: path, limit: 0)) { try AudioDecoder.decode(path: path, maxBytes: 0) }

        let empty = try write([])
        defer { remove(empty) }
        #expect(throws: AudioError.unreadable(path: empty, reason: "the file is empty")) { try AudioDecoder.decode(path: empty) }
        let directory = (path as NSString).deletingLastPathComponent
        for bad in ["/nonexistent/clip.wav", directory] {
            do {
                _ = try AudioDecoder.decode(path: bad)
                Issue.record("\(bad) decoded")
            } catch {
                guard case .unreadable(let p, _) = error else { Issue.record("\(error)"); continue }
                #expect(p == bad && error.description.hasPrefix("cannot read \(bad): "))
            }
        }
    }
}
