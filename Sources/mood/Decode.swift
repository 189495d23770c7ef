import YAMNet
import AudioIO
import Analysis
import ArgumentParser
import DSP
import Foundation

/// `mood decode FILE --out OUT.wav [--native]`: what the engine hears, as a float32 WAV, streamed
/// chunk by chunk from the decoder to the output (memory bounded whatever the file's length).
struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write what the engine hears: 16 kHz mono float32 WAV, or with --native the decoded samples at the file's own rate and channel count.")

    @Argument(help: "Audio file (format detected from its content).")
    var file: String

    @Option(help: "Output WAV path; '-' for standard output. Not a regular file (a pipe, /dev/null): the header keeps streaming sizes.")
    var out: String

    @Flag(help: "Keep the file's own sample rate and channels (no down-mix, no resampling).")
    var native = false

    @Flag(help: "Also check a FLAC file's MD5 of the decoded audio (frame CRCs are always checked; like `flac -t`).")
    var verifyMD5 = false

    func run() throws {
        var opened: WAVFileWriter?
        do {
            if native {
                let stream = try AudioStream(path: file, verifyMD5: verifyMD5)
                let writer = try WAVFileWriter(path: out, sampleRate: stream.sampleRate, channels: stream.channels)
                opened = writer
                while let chunk = try stream.next() {
                    try chunk.samples.withUnsafeBufferPointer { (samples) throws(WAVFileWriter.Failure) in try writer.write(samples) }
                }
            } else {
                let rate = FrontendParams().sampleRate
                let writer = try WAVFileWriter(path: out, sampleRate: rate, channels: 1)
                opened = writer
                try streamWaveform(file, sampleRate: rate, verifyMD5: verifyMD5) { try writer.write($0.buffer) }
            }
            try opened?.finish()
        } catch {
            opened?.discard()                                   // no half-written output file is left
            if let failure = error as? WAVFileWriter.Failure { throw MoodError(failure.description) }
            throw error
        }
        guard let writer = opened else { return }
        let what = native ? "\(writer.frames) frames × \(writer.channels) channels" : "\(writer.frames) samples, mono"
        let report = "\(file): \(what) at \(writer.sampleRate) Hz → \(out)\n"
        FileHandle(fileDescriptor: out == "-" ? STDERR_FILENO : STDOUT_FILENO).write(Data(report.utf8))
    }
}
