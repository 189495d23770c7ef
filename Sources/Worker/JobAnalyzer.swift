/// Turns a job's audio file into its analysis result: the JSON object stored in
/// `predictions.result`, whose headline keys also fill their columns (`PredictionRow`).
/// `IsolatedJobAnalyzer` (a child process per job) is the product's; tests use stubs. An error
/// thrown is the file's fault (unreadable, not audio, over a limit, a crash or a timeout of the
/// analysis): the job fails at once, with the error's description as its message — except a
/// `JobAnalyzerFault`. Called from several threads at once (one per job in flight).
public protocol JobAnalyzer: Sendable {
    func analyze(path: String) throws -> JSONObject
}

/// An analysis that could not run for the worker's sake, not the file's (no process could be
/// started, a local disk error): the job is queued again while attempts remain.
public struct JobAnalyzerFault: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
