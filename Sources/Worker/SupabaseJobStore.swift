import Foundation

/// The job queue on Supabase (SUPABASE-WIRE.md, "Claiming jobs safely"): tables `jobs`,
/// `uploads` and `predictions`, the `audio_files` bucket, and — when installed — the RPCs
/// `claim_job(worker_id, lease_seconds)`, `extend_lease(job_id, worker_id, lease_seconds)` and
/// `release_job(job_id, worker_id, error, retry_in_seconds)`.
/// Without them (404 `PGRST202`, remembered) it claims by conditional PATCH and extends a lease
/// by PATCH, so a schema of just the three tables works; reclaiming the jobs of dead workers then
/// needs `claim_job`.
public final class SupabaseJobStore: JobStore {
    public let client: SupabaseClient
    public let bucket: String
    /// Tells of a fallback taken (once each), for the log.
    private let notice: @Sendable (String) -> Void
    private let missingRPCs = Locked<Set<String>>([])
    /// Queued jobs looked at per fallback claim: losing a race moves on to the next.
    private static let fallbackCandidates = 8

    public init(client: SupabaseClient, bucket: String = "audio_files", notice: @escaping @Sendable (String) -> Void = { _ in }) {
        self.client = client
        self.bucket = bucket
        self.notice = notice
    }

    public func claim(worker: String, lease: Duration) throws -> Job? {
        let reply = try callRPC("claim_job", ["worker_id": .string(worker), "lease_seconds": .integer(lease.wholeSeconds)])
        if let reply { return try Self.decode([Job].self, reply).first }
        // Fallback: the oldest queued jobs, each claimed only if still queued with the attempts
        // read (an empty reply: another worker won it).
        let candidates = try Self.decode([Job].self, client.select("jobs", [
            QueryItem("select", "*"), .eq("status", "queued"), QueryItem("order", "created_at.asc,id.asc"),
            QueryItem("limit", String(Self.fallbackCandidates))]))
        for job in candidates {
            let now = Date()
            let claimed = try Self.decode([Job].self, client.update(
                "jobs", [.eq("id", job.id), .eq("status", "queued"), .eq("attempts", job.attempts)],
                ["status": "processing", "locked_by": .string(worker), "attempts": .integer(job.attempts + 1),
                 "started_at": .string(now.iso8601), "lease_expires_at": .string((now + lease).iso8601)],
                prefer: ["return=representation"]))
            if let job = claimed.first { return job }
        }
        return nil
    }

    public func extendLease(of job: Job, worker: String, lease: Duration) throws -> Bool {
        let arguments: JSONObject = ["job_id": job.id.json, "worker_id": .string(worker), "lease_seconds": .integer(lease.wholeSeconds)]
        if let reply = try callRPC("extend_lease", arguments) { return try Self.decode(Bool.self, reply) }
        let rows = try Self.decode([JSONValue].self, client.update(
            "jobs", Self.held(job, by: worker), ["lease_expires_at": .string((Date() + lease).iso8601)],
            prefer: ["return=representation"]))
        return !rows.isEmpty
    }

    /// `select=*`: `user_id` where the table has it (a schema without it still works).
    public func upload(id: RowID) throws -> Upload? {
        try Self.decode([Upload].self, client.select("uploads", [QueryItem("select", "*"), .eq("id", id)])).first
    }

    public func download(_ upload: Upload, to file: FileHandle, maxBytes: Int) throws {
        try client.download(bucket: bucket, path: upload.audioFilePath, to: file, maxBytes: maxBytes)
    }

    /// An upsert on `job_id` (SUPABASE-WIRE.md: `on_conflict` + `resolution=merge-duplicates`).
    public func savePrediction(for job: Job, result: JobResult) throws {
        _ = try client.insert("predictions", [QueryItem("on_conflict", "job_id")], json: PredictionRow.body(job: job, analysis: result),
                              prefer: ["return=minimal", "resolution=merge-duplicates"])
    }

    /// A PATCH conditional on `status=eq.processing&locked_by=eq.<worker>`. An empty reply means
    /// the lease was lost — or that an earlier try of this very PATCH went through and its reply
    /// was lost: for `completed` and `failed` the row is read back to tell which. `requeued` goes
    /// through `release_job` (backoff in `not_before`, failed at the last attempt, the error in
    /// the history), or without it the same by PATCH.
    public func finish(_ job: Job, worker: String, as outcome: JobOutcome) throws -> Bool {
        let now = Date.now
        if case .requeued(let error, let retryIn) = outcome,
           let reply = try callRPC("release_job", ["job_id": job.id.json, "worker_id": .string(worker), "error": .string(error),
                                                   "retry_in_seconds": .integer(retryIn.roundedSeconds)]) {
            return try !Self.decode([JSONValue].self, reply).isEmpty
        }
        let (status, body): (String, JSONObject) = switch outcome {
        case .completed:
            ("completed", ["status": "completed", "error": nil, "finished_at": .string(now.iso8601), "lease_expires_at": nil])
        case .failed(let error):
            ("failed", ["status": "failed", "error": .string(error), "finished_at": .string(now.iso8601), "lease_expires_at": nil])
        case .requeued(let error, _) where job.maxAttempts.map({ job.attempts >= $0 }) ?? false:
            ("queued", ["status": "failed", "error": .string(error), "finished_at": .string(now.iso8601), "lease_expires_at": nil])
        case .requeued(let error, let retryIn) where retryIn > .zero:
            ("queued", ["status": "queued", "error": .string(error), "locked_by": nil, "lease_expires_at": nil,
                        "not_before": .string((now + retryIn).iso8601)])
        case .requeued(let error, _):
            ("queued", ["status": "queued", "error": .string(error), "locked_by": nil, "lease_expires_at": nil])
        case .released:
            ("queued", ["status": "queued", "locked_by": nil, "lease_expires_at": nil, "attempts": .integer(max(0, job.attempts - 1))])
        }
        let rows = try Self.decode([JSONValue].self, client.update("jobs", Self.held(job, by: worker), .object(body),
                                                                   prefer: ["return=representation"]))
        guard rows.isEmpty, status != "queued" else { return !rows.isEmpty }
        let current = try Self.decode([JSONValue].self, client.select("jobs", [QueryItem("select", "status,locked_by"), .eq("id", job.id)]))
        return current.first == .object(["status": .string(status), "locked_by": .string(worker)])
    }

    public func checkReachable() throws {
        _ = try client.select("jobs", [QueryItem("select", "id"), QueryItem("limit", "1")])
    }

    /// The RPC's reply, or nil when the function is missing (then and from then on).
    private func callRPC(_ function: String, _ arguments: JSONObject) throws(SupabaseError) -> Data? {
        guard !missingRPCs.current.contains(function) else { return nil }
        do {
            return try client.rpc(function, arguments)
        } catch {
            guard error.isMissingFunction else { throw error }
            if missingRPCs.withLock({ $0.insert(function).inserted }) {
                notice("RPC \(function) not found (PGRST202): using the conditional-PATCH fallback")
            }
            return nil
        }
    }

    /// The filters of a job `worker` holds.
    private static func held(_ job: Job, by worker: String) -> [QueryItem] {
        [.eq("id", job.id), .eq("status", "processing"), .eq("locked_by", worker)]
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws(SupabaseError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw .badReply("expected \(type), got \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
    }

}

extension Date {
    /// ISO 8601 in UTC with milliseconds (`2026-01-02T03:04:05.678Z`), as PostgREST takes timestamptz.
    var iso8601: String { Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(self) }
}

extension Duration {
    /// Whole seconds, at least 1.
    var wholeSeconds: Int { max(1, Int(components.seconds)) }

    /// Seconds rounded up, at least 0.
    var roundedSeconds: Int { max(0, Int(components.seconds) + (components.attoseconds > 0 ? 1 : 0)) }
}

private func + (date: Date, duration: Duration) -> Date {
    date.addingTimeInterval(Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18)
}
