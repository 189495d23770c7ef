import ArgumentParser

@main
struct Mood: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "mood engine: YAMNet sound classification and audio mood analysis.",
        subcommands: [])
}
