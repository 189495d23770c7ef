import AudioIO
import Foundation

/// Test recordings written to a scratch directory: synthesized music and noise, and espeak-ng
/// speech (when espeak-ng is installed; CI installs it).
public final class Clips {
    public static let rate = 16000
    public let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mood-analysis-\(UUID().uuidString)")

    public init() throws { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Writes 16 kHz mono float samples as a WAV file.
    public func wav(_ name: String, _ samples: [Float]) throws -> String {
        let url = directory.appendingPathComponent(name + ".wav")
        try Data(WAVWriter.float32(samples: samples, sampleRate: Self.rate, channels: 1)).write(to: url)
        return url.path
    }

    public static let espeak = ["/usr/bin/espeak-ng", "/usr/local/bin/espeak-ng"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// espeak-ng speaking `text` with `arguments` (e.g. ["-s", "220"]), as a WAV file.
    public func speech(_ name: String, _ text: String, _ arguments: [String]) throws -> String {
        let path = directory.appendingPathComponent(name + ".wav").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.espeak!)
        process.arguments = arguments + ["-w", path, text]
        try process.run()
        process.waitUntilExit()
        precondition(process.terminationStatus == 0, "espeak-ng \(arguments) failed")
        return path
    }

    /// A chord progression I–IV–V–I in the key of `tonic` (MIDI note), major or minor, each chord
    /// `seconds` long, repeated `times`: harmonic tones (8 partials, 1/k amplitudes) with a 20 ms
    /// attack and an exponential decay, on a click every beat at `bpm`.
    public static func progression(tonic: Int, major: Bool, bpm: Double = 100, seconds: Double = 1.2, times: Int = 3) -> [Float] {
        let third = major ? 4 : 3
        let chords = [[0, third, 7], [5, 5 + third, 12], [7, 11, 14], [0, third, 7]].map { $0.map { $0 + tonic } }
        let chordSamples = Int(seconds * Double(rate))
        var out = [Float](repeating: 0, count: chordSamples * chords.count * times)
        for (c, chord) in (0..<times).flatMap({ _ in chords }).enumerated() {
            for note in chord {
                let f0 = 440 * pow(2, Double(note - 69) / 12)
                for i in 0..<chordSamples {
                    let t = Double(i) / Double(rate)
                    let envelope = min(1, t / 0.02) * exp(-t * 1.5)
                    var v = 0.0
                    for k in 1...8 where Double(k) * f0 < 7000 { v += sin(2 * .pi * Double(k) * f0 * t) / Double(k) }
                    out[c * chordSamples + i] += Float(0.06 * envelope * v)
                }
            }
        }
        let beat = Int(60 / bpm * Double(rate))
        for start in stride(from: 0, to: out.count, by: beat) {
            for i in 0..<min(160, out.count - start) { out[start + i] += Float(0.3 * exp(-Double(i) / 30) * (i % 2 == 0 ? 1 : -1)) }
        }
        return out
    }
}
