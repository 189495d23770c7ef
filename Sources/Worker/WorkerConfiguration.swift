import Foundation

/// How a `Worker` runs. Durations are wall-clock.
public struct WorkerConfiguration: Sendable {
    /// Written to `jobs.locked_by`; unique per worker process.
    public var workerID: String
    /// Jobs in flight at once.
    public var concurrency: Int
    /// How long a claim holds a job; extended every third of it while the job runs.
    public var lease: Duration
    /// The wait between claims while the queue is empty, doubling up to `maxPollInterval`.
    public var pollInterval: Duration
    public var maxPollInterval: Duration
    /// After a shutdown, how long jobs in flight may take before they are given back.
    public var gracePeriod: Duration
    /// Exit once the queue is empty and nothing is in flight (`--once`/`--drain`).
    public var drain: Bool
    /// The claims a job may have, where its row has no `max_attempts`.
    public var maxAttempts: Int
    /// Retries of each step that fails transiently.
    public var retry: RetryPolicy
    /// The largest audio file downloaded (the analyzer's input limit; `mood worker` passes `--max-bytes`).
    /// A larger `Content-Length` is refused before the body is read.
    public var maxDownloadBytes: Int
    /// Refuse an upload whose `audio_file_path` is not in its `user_id`'s folder (`AudioPath`);
    /// false for legacy layouts (`mood worker --allow-foreign-paths`).
    public var requireOwnerFolder: Bool
    /// Where downloads go while they are analysed (removed after).
    public var temporaryDirectory: String
    /// How long a job given back after a transient failure waits before it can be claimed again
    /// (`release_job`'s `not_before`): `delay(after: attempts)`, exponential with jitter. Its
    /// `tries` is unused: the job's `max_attempts` bounds the attempts.
    public var requeueBackoff = RetryPolicy(baseDelay: .seconds(10), maxDelay: .seconds(600))
    /// Hears of claims, heartbeats and job ends (metrics, health).
    public var observer: (any WorkerObserver)?

    public init(workerID: String = WorkerConfiguration.defaultWorkerID(), concurrency: Int = 1, lease: Duration = .seconds(300),
                pollInterval: Duration = .seconds(2), maxPollInterval: Duration = .seconds(30), gracePeriod: Duration = .seconds(20),
                drain: Bool = false, maxAttempts: Int = 3, retry: RetryPolicy = RetryPolicy(),
                maxDownloadBytes: Int = WorkerConfiguration.defaultMaxDownloadBytes, requireOwnerFolder: Bool = true,
                temporaryDirectory: String = NSTemporaryDirectory()) {
        self.workerID = workerID
        self.concurrency = concurrency
        self.lease = lease
        self.pollInterval = pollInterval
        self.maxPollInterval = maxPollInterval
        self.gracePeriod = gracePeriod
        self.drain = drain
        self.maxAttempts = maxAttempts
        self.retry = retry
        self.maxDownloadBytes = maxDownloadBytes
        self.requireOwnerFolder = requireOwnerFolder
        self.temporaryDirectory = temporaryDirectory
    }

    /// 100 MB: the `audio_files` bucket's `file_size_limit` (supabase/migrations/20261203000110).
    public static let defaultMaxDownloadBytes = 100_000_000

    /// `hostname-pid`.
    public static func defaultWorkerID() -> String {
        var name = [UInt8](repeating: 0, count: 256)
        let host = gethostname(&name, name.count - 1) == 0 ? String(decoding: name.prefix { $0 != 0 }, as: UTF8.self) : "worker"
        return "\(host)-\(getpid())"
    }
}
