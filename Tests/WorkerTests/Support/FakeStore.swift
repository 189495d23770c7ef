import Foundation
@testable import Worker

/// An in-memory job queue with the semantics of supabase/migrations (claim, lease, conditional
/// finish), faults injectable per operation, for the worker's flow tests.
final class FakeStore: JobStore {
    struct Row: Sendable {
        var job: Job
        var status = "queued"
        var lockedBy: String?
        var error: String?
        var notBefore = ContinuousClock.now
    }
    struct State {
        var rows: [Row] = []
        var uploads: [RowID: Upload] = [:]
        var objects: [String: Data] = [:]
        var predictions: [RowID: JSONObject] = [:]
        var predictionWrites = 0
        /// The objects requested, in order.
        var downloads: [String] = []
        var leaseExtensions = 0
        /// Errors the next calls of an operation throw, in order ("claim", "upload", "download", …).
        var faults: [String: [any Error]] = [:]
    }
    let state = Locked(State())
    /// Called at the start of every claim (before it takes a job).
    let onClaim: @Sendable () -> Void

    init(onClaim: @escaping @Sendable () -> Void = {}) { self.onClaim = onClaim }

    /// Adds a queued job whose upload is `path`, holding `audio` unless nil (no object), and
    /// without an upload row if `upload` is false.
    func add(_ id: RowID, path: String = "user/clip.wav", owner: String? = nil, audio: Data? = Data("RIFF".utf8), upload: Bool = true,
             attempts: Int = 0, maxAttempts: Int? = nil) {
        state.withLock { state in
            let uploadID = RowID("u-\(id)")
            state.rows.append(Row(job: Job(id: id, uploadID: uploadID, attempts: attempts, maxAttempts: maxAttempts)))
            if upload { state.uploads[uploadID] = Upload(id: uploadID, audioFilePath: path, ownerID: owner) }
            if let audio { state.objects[path] = audio }
        }
    }

    func inject(_ operation: String, _ errors: any Error...) { state.withLock { $0.faults[operation, default: []] += errors } }

    func row(_ id: RowID) -> Row? { state.current.rows.first { $0.job.id == id } }

    /// Another worker takes the job over (its lease expired and it was reclaimed).
    func steal(_ id: RowID) { update(id) { $0.lockedBy = "someone-else"; $0.job.attempts += 1 } }

    private func fault(_ operation: String) throws {
        if let error = state.withLock({ $0.faults[operation]?.isEmpty == false ? $0.faults[operation]!.removeFirst() : nil }) {
            throw error
        }
    }

    private func update(_ id: RowID, _ body: (inout Row) -> Void) {
        state.withLock { state in
            if let i = state.rows.firstIndex(where: { $0.job.id == id }) { body(&state.rows[i]) }
        }
    }

    private func holds(_ job: Job, _ worker: String) -> Bool {
        row(job.id).map { $0.status == "processing" && $0.lockedBy == worker } ?? false
    }

    func claim(worker: String, lease: Duration) throws -> Job? {
        onClaim()
        try fault("claim")
        return state.withLock { state in
            guard let i = state.rows.firstIndex(where: { $0.status == "queued" && $0.notBefore <= .now }) else { return nil }
            state.rows[i].status = "processing"
            state.rows[i].lockedBy = worker
            state.rows[i].job.attempts += 1
            return state.rows[i].job
        }
    }

    func extendLease(of job: Job, worker: String, lease: Duration) throws -> Bool {
        try fault("extendLease")
        state.withLock { $0.leaseExtensions += 1 }
        return holds(job, worker)
    }

    func upload(id: RowID) throws -> Upload? {
        try fault("upload")
        return state.current.uploads[id]
    }

    func download(_ upload: Upload, to file: FileHandle, maxBytes: Int) throws {
        try fault("download")
        state.withLock { $0.downloads.append(upload.audioFilePath) }
        guard let data = state.current.objects[upload.audioFilePath] else {
            throw SupabaseError.storage(status: 400, StorageError(statusCode: "404", error: "not_found", message: "Object not found", code: "NoSuchKey"),
                                        object: "audio_files/\(upload.audioFilePath)")
        }
        guard data.count <= maxBytes else { throw SupabaseError.transport(TransportError(.tooLarge(limit: maxBytes), "")) }
        try file.write(contentsOf: data)
    }

    func savePrediction(for job: Job, result: JobResult) throws {
        try fault("save")
        guard case .object(let object) = try JSONDecoder().decode(JSONValue.self, from: JSONValue.encoded(result.result)) else {
            throw SupabaseError.badReply("the result is not a JSON object")
        }
        state.withLock {
            $0.predictions[job.id] = object
            $0.predictionWrites += 1
        }
    }

    func finish(_ job: Job, worker: String, as outcome: JobOutcome) throws -> Bool {
        try fault("finish")
        guard holds(job, worker) else { return false }
        update(job.id) { row in
            switch outcome {
            case .completed: row.status = "completed"; row.error = nil
            case .failed(let error): row.status = "failed"; row.error = error
            case .requeued(let error, let retryIn):
                row.status = "queued"; row.error = error; row.lockedBy = nil
                row.notBefore = .now + retryIn
            case .released: row.status = "queued"; row.lockedBy = nil; row.job.attempts -= 1
            }
        }
        return true
    }

    func checkReachable() throws { try fault("check") }
}

/// An analyser that runs `body` (default: a fixed result naming the file's size).
struct StubAnalyzer: JobAnalyzer {
    var body: @Sendable (String) throws -> JSONObject = { path in
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? -1
        return ["sound_classification": "Speech", "yamnet_confidence": 0.5, "bytes": .integer(size)]
    }

    func analyze(path: String) throws -> JobResult { JobResult(object: try body(path)) }
}

/// A gate threads wait at until a test opens it.
final class Gate: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let waiting = Locked(0)

    func wait() {
        waiting.withLock { $0 += 1 }
        semaphore.wait()
        semaphore.signal()        // let the next waiter through too
    }

    func open() { semaphore.signal() }

    /// Threads that have reached the gate.
    var arrivals: Int { waiting.current }
}

/// Log lines captured in order.
final class LogLines: Sendable {
    private let lines = Locked<[String]>([])
    var all: [String] { lines.current }
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    func log(_ format: WorkerLog.Format = .text, key: ServiceKey? = nil) -> WorkerLog {
        WorkerLog(format: format, workerID: "test-worker", redacting: key) { [self] in append($0) }
    }
}
