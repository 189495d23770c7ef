import ArgumentParser

@main
struct Mood: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "mood engine: YAMNet sound classification and audio analysis, in pure Swift.",
        subcommands: [Analyze.self, Embed.self, Decode.self, LogMelSummary.self, Bench.self, WorkerCommand.self, Jobs.self, AnalyzeJobCommand.self])

    @Flag(help: "Print the version and the data files mood would use, with their checksums.")
    var version = false

    func run() async throws {
        guard version else { throw CleanExit.helpRequest(self) }
        print(VersionReport.text())
    }
}

/// A command-line failure with a message for the user (printed as "Error: …", exit code 1).
struct MoodError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
