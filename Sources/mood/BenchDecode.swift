import AudioIO
import ArgumentParser
import DSP
import Foundation

extension Bench {
    /// `mood bench decode FILE…`: native decoding throughput against ffmpeg's decode of the same
    /// file, side by side in interleaved rounds. Ours: `AudioStream` to the end (what `analyze`
    /// reads: the file's own rate and channels, float32). ffmpeg: one process, one thread,
    /// `-f f32le` to /dev/null, timed from launch to exit (its start-up, a few ms, is included:
    /// use inputs of minutes).
    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "decode", abstract: "Native decode throughput vs ffmpeg on the same files (× real time).")

        @Argument(help: "Audio files (WAV, FLAC, MP3).") var files: [String]
        @Option(help: "Interleaved rounds (the median of each side is reported).") var rounds: Int = 5

        func run() throws {
            guard let ffmpeg = FFmpegDecoder.locate()?.executable else {
                throw MoodError("ffmpeg is not on PATH: it is the reference this benchmark compares with")
            }
            for file in files {
                let format = try AudioFormat.detect(path: file)
                var seconds = 0.0
                var ours: [Double] = [], theirs: [Double] = []
                for _ in 0..<rounds {
                    ours.append(try time {
                        let stream = try AudioStream(path: file, limits: AudioLimits(maxBytes: .max, maxSeconds: .infinity), ffmpeg: nil)
                        while try stream.next() != nil {}
                        seconds = Double(stream.framesRead) / Double(stream.sampleRate)
                    })
                    theirs.append(try time { try runFFmpeg(ffmpeg, file) })
                }
                let a = middle(ours), b = middle(theirs)
                print(String(format: "%@ (%@, %.0f s): native %.3f s = %.0f× real time; ffmpeg %.3f s = %.0f× real time; ffmpeg/native %.2f",
                             (file as NSString).lastPathComponent, "\(format)", seconds, a, seconds / a, b, seconds / b, b / a))
            }
        }

        private func time(_ body: () throws -> Void) throws -> Double {
            let clock = ContinuousClock(), start = clock.now
            try body()
            let elapsed = clock.now - start
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }

        private func middle(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

        private func runFFmpeg(_ executable: String, _ file: String) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["-nostdin", "-v", "error", "-threads", "1", "-i", file, "-f", "f32le", "-y", "/dev/null"]
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw MoodError("ffmpeg failed on \(file)") }
        }
    }
}
