/// Turns a job's audio file into its analysis result (`JobResult`). `MoodJobAnalyzer` is the
/// product's; tests use stubs. An error thrown is the file's fault (unreadable, not audio, over a
/// limit): the job fails at once, with the error's description as its message. Called from several
/// threads at once (one per job in flight).
public protocol JobAnalyzer: Sendable {
    func analyze(path: String) throws -> JobResult
}

/// A job's analysis as the worker stores it. `result` is encoded once, straight into the body of
/// the `predictions` upsert (its `result` column: no intermediate JSON value); `columns` holds the
/// headline values that also fill their own columns (`PredictionRow.columns`: mood, emotion, …,
/// `model_versions`), each encoded as it is in `result` (a nil optional as null), those it has.
public struct JobResult: Sendable {
    public var result: any Encodable & Sendable
    public var columns: [String: any Encodable & Sendable]

    public init(result: any Encodable & Sendable, columns: [String: any Encodable & Sendable]) {
        self.result = result
        self.columns = columns
    }

    /// A result that is already a JSON object: its headline keys are its columns, its `model`
    /// object the `model_versions` column.
    public init(object: JSONObject) {
        var columns: [String: any Encodable & Sendable] = [:]
        for column in PredictionRow.headlineColumns { if let value = object[column] { columns[column] = value } }
        if let models = object["model"] { columns[PredictionRow.modelVersions] = models }
        self.init(result: object, columns: columns)
    }
}
