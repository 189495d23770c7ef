/// Turns a job's audio file into its analysis result (`JobResult`). `IsolatedJobAnalyzer` (a child
/// process per job) is the product's; tests use stubs. An error thrown is the file's fault
/// (unreadable, not audio, over a limit, a crash or a timeout of the analysis): the job fails at
/// once, with the error's description as its message — except a `JobAnalyzerFault`. Called from
/// several threads at once (one per job in flight).
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

/// An analysis that could not run for the worker's sake, not the file's (no process could be
/// started, a local disk error): the job is queued again while attempts remain.
public struct JobAnalyzerFault: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
