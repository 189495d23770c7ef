import Foundation

/// Counts over a run, printed at its end.
struct Summary {
    var inputs = 0
    var families: [String: Int] = [:], detected: [String: Int] = [:], mutations: [String: Int] = [:]
    var decode: [String: Int] = [:], stream: [String: Int] = [:], analysis: [String: Int] = [:]
    var failed = 0
    var slowest = (seconds: 0.0, input: "")
    var largestInput = 0
    /// FNV-1a-64 over every input's bytes: the same run seed must give the same digest.
    var corpusDigest: UInt64 = Harness.digestStart

    mutating func add(_ input: FuzzInput, format: String, _ run: Harness.Run, seconds: Double) {
        inputs += 1
        families[input.seed.family.rawValue, default: 0] += 1
        detected[format, default: 0] += 1
        for m in input.mutations { mutations[String(m.prefix { $0 != " " }), default: 0] += 1 }
        decode[run.decode.label, default: 0] += 1
        stream[run.stream.label, default: 0] += 1
        analysis[run.analysis, default: 0] += 1
        if !run.problems.isEmpty { failed += 1 }
        if seconds > slowest.seconds { slowest = (seconds, input.description) }
        largestInput = max(largestInput, input.bytes.count)
        corpusDigest = input.bytes.reduce(corpusDigest) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }

    static func counts(_ counts: [String: Int]) -> String {
        counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    func report(seconds: Double) -> String {
        """
        fuzz: \(inputs) inputs in \(String(format: "%.1f", seconds)) s, \(failed) failed; corpus digest \(hex(corpusDigest))
          seed families: \(Self.counts(families))
          detected formats: \(Self.counts(detected))
          mutations: \(Self.counts(mutations))
          AudioDecoder.decode: \(Self.counts(decode))
          AudioStream: \(Self.counts(stream))
          MoodAnalyzer.analyze: \(Self.counts(analysis))
          slowest input: \(String(format: "%.3f", slowest.seconds)) s, \(slowest.input.prefix(300))
          largest input: \(largestInput) bytes
        """
    }
}
