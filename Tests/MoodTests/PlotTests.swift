import Analysis
import Emotion
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import mood
import Plot
import Testing
import TestSupport

/// `mood analyze --plot`: the analysis's log-mel frames pooled and drawn beside its timeline.
@Suite struct PlotTests {
    @Test func plotIsWellFormedSVGWithItsParts() throws {
        let c = try Clips()
        let path = try c.wav("music", Clips.progression(tonic: 57, major: false, times: 4))
        let pooler = SpectrogramPooler(bands: 64, frameSeconds: 0.010)
        let result = try MoodJobAnalyzerTests.analyzer().analyze(path: path, logMel: { pooler.add(rows: $0) })
        #expect(pooler.columns.count == Int(result.durationS / pooler.columnSeconds), "one column per 10 frames")
        let svg = MoodPlot.svg(PlotData(file: path, result: result, pooler: pooler))
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

    /// The plot's frames come from YAMNet's own front end (its frame hook) when YAMNet is loaded,
    /// from a `LogMelStream` of the analyzer's own without it: the same frames, bit for bit, and so
    /// the same columns.
    @Test func plotFramesAreTheSameWithAndWithoutYAMNet() throws {
        let c = try Clips()
        let path = try c.wav("music", Clips.progression(tonic: 57, major: false, times: 2))
        let withYAMNet = try MoodJobAnalyzerTests.analyzer()
        let alone = MoodAnalyzer(yamnet: nil, classes: nil, emotion: withYAMNet.emotion)
        var reused: [Float] = [], own: [Float] = []
        let pooled = SpectrogramPooler(bands: 64, frameSeconds: 0.010), ownPooled = SpectrogramPooler(bands: 64, frameSeconds: 0.010)
        _ = try withYAMNet.analyze(path: path, logMel: { reused += $0; pooled.add(rows: $0) })
        _ = try alone.analyze(path: path, logMel: { own += $0; ownPooled.add(rows: $0) })
        #expect(!reused.isEmpty && reused.count % 64 == 0)
        #expect(reused == own)
        #expect(pooled.columns == ownPooled.columns)
    }
}
