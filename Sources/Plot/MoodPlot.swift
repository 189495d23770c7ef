import Foundation

/// What `mood analyze --plot` draws: the log-mel spectrogram (columns of mel bands, low band first,
/// `columnSeconds` apart), and the timeline of segments (dominant sound, arousal, valence).
public struct PlotData: Sendable {
    public var title: String
    public var columns: [[Float]]
    public var columnSeconds: Double
    public var duration: Double
    public var timeline: [Segment]

    /// One timeline segment: seconds, its dominant sound (if any), arousal and valence in [−1, 1].
    public struct Segment: Sendable {
        public var startS: Double, endS: Double
        public var dominantSound: String?
        public var arousal: Double, valence: Double

        public init(startS: Double, endS: Double, dominantSound: String?, arousal: Double, valence: Double) {
            (self.startS, self.endS, self.dominantSound, self.arousal, self.valence) = (startS, endS, dominantSound, arousal, valence)
        }
    }

    public init(title: String, columns: [[Float]], columnSeconds: Double, duration: Double, timeline: [Segment]) {
        (self.title, self.columns, self.columnSeconds, self.duration, self.timeline) = (title, columns, columnSeconds, duration, timeline)
    }
}

/// A self-contained SVG of a `PlotData`: the spectrogram as an embedded PNG (at most `maxColumns`
/// wide, columns averaged down), beneath it one band per segment naming its dominant sound, then
/// arousal (red) and valence (blue) from −1 to 1 over time, with a time axis.
public enum MoodPlot {
    static let width = 1000.0, margin = 50.0, maxColumns = 1000
    static let spectrogramHeight = 256.0, soundsHeight = 28.0, curvesHeight = 160.0

    public static func svg(_ data: PlotData) -> String {
        let plotWidth = width - 2 * margin
        let top = 40.0, soundsTop = top + spectrogramHeight + 10, curvesTop = soundsTop + soundsHeight + 16
        let height = curvesTop + curvesHeight + 40
        let duration = max(data.duration, 1e-9)
        func x(_ seconds: Double) -> Double { margin + plotWidth * min(max(seconds / duration, 0), 1) }
        var svg = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="11">
            <title>\(escape(data.title))</title>
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(margin)" y="24" font-size="15">\(escape(data.title))</text>

            """
        if let png = spectrogramPNG(data.columns) {
            svg += """
                <g id="spectrogram"><image x="\(margin)" y="\(top)" width="\(plotWidth)" height="\(spectrogramHeight)" preserveAspectRatio="none" href="data:image/png;base64,\(Data(png).base64EncodedString())"/>
                <text x="\(margin - 6)" y="\(top + 10)" text-anchor="end">mel</text></g>

                """
        }
        svg += "<g id=\"sounds\">\n"
        for (i, segment) in data.timeline.enumerated() {
            let x0 = x(segment.startS), x1 = x(segment.endS)
            svg += "<rect x=\"\(f(x0))\" y=\"\(soundsTop)\" width=\"\(f(max(x1 - x0, 0.5)))\" height=\"\(soundsHeight)\" fill=\"\(i % 2 == 0 ? "#eef2f7" : "#dde5ef")\"/>"
            // About 6 px a character at 11 px: the name is cut to its band.
            let room = max(0, Int((x1 - x0 - 6) / 6)), name = segment.dominantSound ?? "—"
            let label = name.count <= room ? name : room > 1 ? String(name.prefix(room - 1)) + "…" : ""
            svg += "<text x=\"\(f(x0 + 3))\" y=\"\(soundsTop + 18)\">\(escape(label))</text>\n"
        }
        svg += "</g>\n<g id=\"curves\">\n"
        func y(_ v: Double) -> Double { curvesTop + curvesHeight / 2 * (1 - min(max(v, -1), 1)) }
        svg += "<rect x=\"\(margin)\" y=\"\(curvesTop)\" width=\"\(plotWidth)\" height=\"\(curvesHeight)\" fill=\"none\" stroke=\"#999\"/>"
        svg += "<line x1=\"\(margin)\" y1=\"\(y(0))\" x2=\"\(margin + plotWidth)\" y2=\"\(y(0))\" stroke=\"#ccc\"/>\n"
        for (value, label) in [(1.0, "+1"), (0, "0"), (-1, "−1")] {
            svg += "<text x=\"\(margin - 6)\" y=\"\(f(y(value) + 4))\" text-anchor=\"end\">\(label)</text>\n"
        }
        for (name, color, value) in [("arousal", "#d62728", \PlotData.Segment.arousal), ("valence", "#1f77b4", \.valence)] {
            let points = data.timeline.map { "\(f(x(($0.startS + $0.endS) / 2))),\(f(y($0[keyPath: value])))" }
            svg += "<polyline id=\"\(name)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>\n"
        }
        svg += "<text x=\"\(margin + plotWidth - 120)\" y=\"\(curvesTop + 14)\" fill=\"#d62728\">arousal</text>"
        svg += "<text x=\"\(margin + plotWidth - 60)\" y=\"\(curvesTop + 14)\" fill=\"#1f77b4\">valence</text>\n</g>\n<g id=\"time-axis\">\n"
        let axis = curvesTop + curvesHeight
        for t in ticks(duration) {
            svg += "<line x1=\"\(f(x(t)))\" y1=\"\(axis)\" x2=\"\(f(x(t)))\" y2=\"\(axis + 5)\" stroke=\"#666\"/>"
            svg += "<text x=\"\(f(x(t)))\" y=\"\(axis + 18)\" text-anchor=\"middle\">\(f(t)) s</text>\n"
        }
        return svg + "</g>\n</svg>\n"
    }

    /// Tick times: about eight, at 1, 2 or 5 × a power of ten seconds.
    static func ticks(_ duration: Double) -> [Double] {
        let raw = duration / 8, power = pow(10, floor(log10(max(raw, 1e-3))))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? 10 * power
        return stride(from: 0, through: duration + 1e-9, by: step).map { $0 }
    }

    /// The columns averaged down to at most `maxColumns`, coloured over the 80 dB below the
    /// loudest value: YAMNet's log-mel is ln(mel magnitude + 0.001), so 80 dB is 80 / 20 · ln 10.
    static func spectrogramPNG(_ columns: [[Float]]) -> [UInt8]? {
        guard let bands = columns.first?.count, bands > 0, columns.allSatisfy({ $0.count == bands }) else { return nil }
        let width = min(columns.count, maxColumns)
        var pooled = [[Float]](repeating: [Float](repeating: 0, count: bands), count: width)
        var counts = [Float](repeating: 0, count: width)
        for (c, column) in columns.enumerated() {
            let target = c * width / columns.count
            counts[target] += 1
            for b in 0..<bands { pooled[target][b] += column[b] }
        }
        for target in 0..<width { for b in 0..<bands { pooled[target][b] /= counts[target] } }
        let top = pooled.joined().max()!, range = Float(80.0 / 20 * M_LN10)
        var pixels = [UInt8](repeating: 0, count: width * bands * 3)
        for row in 0..<bands {
            for col in 0..<width {
                let v = (pooled[col][bands - 1 - row] - (top - range)) / range      // low bands at the bottom
                let i = (row * width + col) * 3
                (pixels[i], pixels[i + 1], pixels[i + 2]) = color(Double(min(max(v, 0), 1)))
            }
        }
        return PNGWriter.rgb(width: width, height: bands, pixels: pixels)
    }

    /// A perceptually ordered dark-blue → teal → yellow ramp (five stops, linear between them).
    static func color(_ t: Double) -> (UInt8, UInt8, UInt8) {
        let stops: [(Double, Double, Double)] = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]
        let p = t * Double(stops.count - 1), i = min(Int(p), stops.count - 2), w = p - Double(i)
        func mix(_ a: Double, _ b: Double) -> UInt8 { UInt8((a + (b - a) * w).rounded()) }
        return (mix(stops[i].0, stops[i + 1].0), mix(stops[i].1, stops[i + 1].1), mix(stops[i].2, stops[i + 1].2))
    }

    static func f(_ v: Double) -> String { String(format: "%.1f", v) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
