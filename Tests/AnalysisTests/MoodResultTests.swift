@testable import Analysis
import DSP
import Emotion
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Tensor
import Testing
import TestSupport
import YAMNet

/// `MoodAnalyzer`'s results validate against Schemas/mood-result.schema.json on every test clip,
/// with YAMNet (seeded test weights) and without it; the plot is well-formed SVG with its parts.
@Suite struct MoodResultTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var schema: JSONSchema { try! JSONSchema(path: repo.appendingPathComponent("Schemas/mood-result.schema.json").path) }
    static let emotion = try! EmotionModel(path: repo.appendingPathComponent("Weights/emotion.bin").path)

    /// YAMNet with the golden tests' seeded weights (random but fixed: its classes mean nothing,
    /// the plumbing is what is tested).
    static func seeded() -> (YAMNet, ClassMap) {
        (try! YAMNet(weights: YAMNetWeights(path: SeededWeights.goldenFile)),
         try! ClassMap(path: repo.appendingPathComponent("Weights/yamnet_class_map.csv").path))
    }

    static func analyzers() -> [(String, MoodAnalyzer)] {
        let (yamnet, classes) = seeded()
        return [("with YAMNet", MoodAnalyzer(yamnet: yamnet, classes: classes, emotion: emotion)),
         ("without YAMNet", MoodAnalyzer(yamnet: nil, classes: nil, emotion: emotion))]
    }

    /// The clips: the samples, synthesized music, silence, a 0.4 s blip, clipped noise, and
    /// espeak-ng speech when installed.
    static func clips(_ c: Clips) throws -> [String] {
        var lcg: UInt32 = 7
        let noise = (0..<48000).map { _ -> Float in lcg = lcg &* 1_664_525 &+ 1_013_904_223; return Float(Int32(bitPattern: lcg)) / 0x1p30 }
        var paths = [repo.appendingPathComponent("Samples/speech.wav").path, repo.appendingPathComponent("Samples/tone.wav").path,
                     try c.wav("music", Clips.progression(tonic: 60, major: true)),
                     try c.wav("silence", [Float](repeating: 0, count: 48000)),
                     try c.wav("blip", (0..<6400).map { Float(0.3 * sin(Double($0) * 0.2)) }),
                     try c.wav("clipped", noise.map { min(max($0, -1), 1) })]
        if Clips.espeak != nil { paths.append(try c.speech("espeak", "Mood engine reads the room, one patch at a time.", [])) }
        return paths
    }

    @Test func resultsValidateAgainstTheSchema() throws {
        let c = try Clips(), schema = Self.schema
        for path in try Self.clips(c) {
            for (label, analyzer) in Self.analyzers() {
                let result = try analyzer.analyze(path: path).result
                let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result))
                let errors = schema.errors(json)
                #expect(errors.isEmpty, "\((path as NSString).lastPathComponent) \(label): \(errors)")
                let object = json as! [String: Any]
                for key in ["mood", "emotion", "energy_level", "confidence", "sound_classification", "yamnet_confidence", "emotion_confidence"] {
                    #expect(object.keys.contains(key), "\(key) missing")         // present, even when null
                }
                if analyzer.yamnet == nil {
                    #expect(object["sound_classification"] is NSNull && result.topSounds.isEmpty)
                    #expect(result.warnings.contains { $0.hasPrefix("YAMNet weights are not loaded") })
                } else {
                    #expect(result.topSounds.count == 5 && result.soundClassification == result.topSounds[0].label)
                }
                #expect(result.timeline.count == max(1, Int((result.durationS / 5).rounded(.up))), "\(result.timeline.count) segments")
            }
        }
    }

    /// The schema check itself: a wrong enum, a missing key, an out-of-range number and an extra
    /// key are each caught.
    @Test func theValidatorCatchesViolations() throws {
        let c = try Clips()
        let result = try MoodAnalyzer(yamnet: nil, classes: nil, emotion: Self.emotion).analyze(path: try c.wav("tone", Clips.progression(tonic: 62, major: false, times: 1))).result
        let good = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as! [String: Any]
        #expect(Self.schema.errors(good).isEmpty)
        for (key, value) in [("mood", "ecstatic" as Any), ("confidence", 1.5), ("extra", 1), ("timeline", [["start_s": 0]])] {
            var bad = good
            bad[key] = value
            #expect(!Self.schema.errors(bad).isEmpty, "\(key)")
        }
        var missing = good
        missing["emotion"] = nil
        #expect(Self.schema.errors(missing) == ["$: missing emotion"])
    }

    @Test func plotIsWellFormedSVGWithItsParts() throws {
        let c = try Clips()
        let path = try c.wav("music", Clips.progression(tonic: 57, major: false, times: 4))
        let (result, data) = try Self.analyzers()[0].1.analyze(path: path, plot: true)
        let svg = MoodPlot.svg(try #require(data))
        let parser = XMLParser(data: Data(svg.utf8))
        final class Collector: NSObject, XMLParserDelegate {
            var elements: [(String, [String: String])] = []
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                        attributes: [String: String] = [:]) { elements.append((name, attributes)) }
        }
        let collector = Collector()
        parser.delegate = collector
        #expect(parser.parse(), "\(String(describing: parser.parserError))")
        let elements = collector.elements
        #expect(elements.first?.0 == "svg")
        #expect(elements.contains { $0.0 == "image" && $0.1["href"]?.hasPrefix("data:image/png;base64,iVBORw0KGgo") == true })
        for id in ["spectrogram", "sounds", "curves", "time-axis"] { #expect(elements.contains { $0.0 == "g" && $0.1["id"] == id }, "\(id)") }
        let arousal = try #require(elements.first { $0.1["id"] == "arousal" }?.1["points"])
        #expect(arousal.split(separator: " ").count == result.timeline.count)
        #expect(elements.filter { $0.0 == "rect" }.count == result.timeline.count + 2)      // background, bands, curve frame
    }

    /// The embedded PNG decodes by the format's rules: signature, IHDR, a zlib stream whose stored
    /// blocks hold the rows and whose Adler-32 matches, and chunk CRCs.
    @Test func pngIsValid() throws {
        let pixels = (0..<(70_000 * 3)).map { UInt8(truncatingIfNeeded: $0 &* 31) }      // over one stored block
        let png = PNGWriter.rgb(width: 1000, height: 70, pixels: pixels)
        #expect(Array(png[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var offset = 8, chunks: [String] = [], idat: [UInt8] = []
        while offset < png.count {
            let length = png[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: png[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let body = Array(png[(offset + 4)..<(offset + 8 + length)])
            let crc = png[(offset + 8 + length)..<(offset + 12 + length)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            #expect(body.withUnsafeBytes { CRC32.checksum($0) } == crc, "\(type) CRC")
            if type == "IDAT" { idat += body.dropFirst(4) }
            chunks.append(type)
            offset += 12 + length
        }
        #expect(chunks == ["IHDR", "IDAT", "IEND"])
        var raw: [UInt8] = [], i = 2
        while true {                                                   // stored blocks: BFINAL, LEN, NLEN, data
            let final = idat[i] & 1, length = Int(idat[i + 1]) | Int(idat[i + 2]) << 8
            #expect(Int(idat[i + 3]) | Int(idat[i + 4]) << 8 == ~length & 0xFFFF)
            raw += idat[(i + 5)..<(i + 5 + length)]
            i += 5 + length
            if final == 1 { break }
        }
        #expect(raw.count == 70 * (1 + 3000) && PNGWriter.adler32(raw) == idat[i..<(i + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        #expect(Array(raw[1..<3001]) == Array(pixels[0..<3000]))
    }
}
