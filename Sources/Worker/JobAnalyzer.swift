/// Turns a job's audio file into its analysis result: the JSON object stored in
/// `predictions.result`, whose headline keys also fill their columns (`PredictionRow`).
/// `MoodJobAnalyzer` is the product's; tests use stubs. An error thrown is the file's fault
/// (unreadable, not audio, over a limit): the job fails at once, with the error's description as
/// its message. Called from several threads at once (one per job in flight).
public protocol JobAnalyzer: Sendable {
    func analyze(path: String) throws -> JSONObject
}
