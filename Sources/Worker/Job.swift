import Foundation

/// A row's primary key as its table has it: a uuid (text) or an integer, sent back the same way.
public struct RowID: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let description: String
    private let isInteger: Bool

    public init(_ text: String) { description = text; isInteger = false }
    public init(_ integer: Int) { description = String(integer); isInteger = true }
    public init(stringLiteral text: String) { self.init(text) }

    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer()
        if let integer = try? value.decode(Int.self) { self.init(integer) } else { self.init(try value.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }

    public var json: JSONValue { isInteger ? .integer(Int(description)!) : .string(description) }
}

/// A claimed job: the columns of `jobs` the worker reads.
public struct Job: Sendable, Equatable, Decodable {
    public var id: RowID
    public var uploadID: RowID
    /// Claims so far, this one included.
    public var attempts: Int
    /// The job's own limit on claims, where the table has the column.
    public var maxAttempts: Int?

    public init(id: RowID, uploadID: RowID, attempts: Int = 1, maxAttempts: Int? = nil) {
        self.id = id; self.uploadID = uploadID; self.attempts = attempts; self.maxAttempts = maxAttempts
    }

    private enum CodingKeys: String, CodingKey {
        case id, uploadID = "upload_id", attempts, maxAttempts = "max_attempts"
    }
}

/// The upload a job analyses: an object in the audio bucket.
public struct Upload: Sendable, Equatable, Decodable {
    public var id: RowID
    /// The object's path inside the bucket.
    public var audioFilePath: String
    /// The uploader (`user_id`), whose folder the path must be in; nil where the row has none.
    public var ownerID: String?

    public init(id: RowID, audioFilePath: String, ownerID: String? = nil) {
        self.id = id; self.audioFilePath = audioFilePath; self.ownerID = ownerID
    }

    private enum CodingKeys: String, CodingKey { case id, audioFilePath = "audio_file_path", ownerID = "user_id" }
}

/// How a worker gives a job up.
public enum JobOutcome: Sendable, Equatable {
    case completed
    /// Failed for good; `error` is stored in `jobs.error`.
    case failed(error: String)
    /// Given back after a transient failure (`release_job`): queued again, claimable after
    /// `retryIn`, while attempts remain, else failed; `error` kept in `jobs.error` and its
    /// history. The claim's attempt counts.
    case requeued(error: String, retryIn: Duration = .zero)
    /// Queued again without having been started (shutdown): the claim's attempt is taken back.
    case released
}

/// Where jobs come from and results go. Calls block; each throws `SupabaseError` (or
/// `TransportError`) on failure, whose `isTransient` says whether to try again.
/// `SupabaseJobStore` is the production one.
public protocol JobStore: Sendable {
    /// Claims the oldest claimable job for `worker`, holding it for `lease`; nil when there is none.
    func claim(worker: String, lease: Duration) throws -> Job?
    /// Pushes the job's lease to now + `lease`; false when `worker` no longer holds it.
    func extendLease(of job: Job, worker: String, lease: Duration) throws -> Bool
    /// The upload row, or nil when there is none.
    func upload(id: RowID) throws -> Upload?
    /// Writes the upload's audio into `file`, at most `maxBytes` of it.
    func download(_ upload: Upload, to file: FileHandle, maxBytes: Int) throws
    /// Writes the job's prediction; writing it again replaces it (idempotent).
    func savePrediction(for job: Job, result: JobResult) throws
    /// Ends `worker`'s hold on the job as `outcome`; false when `worker` no longer held it.
    func finish(_ job: Job, worker: String, as outcome: JobOutcome) throws -> Bool
    /// Checks the store can be reached with this configuration, claiming nothing.
    func checkReachable() throws
}
