import Foundation

/// Why a job stopped short.
enum JobFailure: Error {
    /// The job cannot succeed (bad audio, no upload, no object, over a limit): fail it now.
    case permanent(String)
    /// A step failed transiently past its retries: queue the job again while attempts remain.
    case transient(String)
    /// Another worker holds the job now: write nothing (more). `predictionWritten` when it was
    /// lost between the prediction's upsert and the finish (the next holder's upsert replaces it).
    case leaseLost(predictionWritten: Bool)
    /// The key was refused: nothing can be written; the worker stops.
    case unauthorized(SupabaseError)
}

extension JobFailure: CustomStringConvertible {
    var description: String {
        switch self {
        case .permanent(let message), .transient(let message): message
        case .leaseLost: "lease lost to another worker"
        case .unauthorized(let error): error.description
        }
    }
}

/// One claimed job, the product's flow (the original worker guide): read the upload, download
/// its audio to a temporary file, analyse it, upsert the prediction, finish the job — each step
/// retried on transient failures, the lease kept by a heartbeat and checked before anything is
/// written. The operators' three lines (`JobLog`) mark its start and its end.
struct JobRun {
    let job: Job
    let worker: Worker
    private var store: any JobStore { worker.store }
    private var configuration: WorkerConfiguration { worker.configuration }
    private var log: WorkerLog { worker.log }

    /// Downloads are `<temporaryDirectory>/mood-job-<pid>-<uuid>`.
    static let temporaryPrefix = "mood-job-"

    init(job: Job, worker: Worker) {
        self.job = job
        self.worker = worker
    }

    /// Runs the job to its outcome; `claimed` is how long claiming it took.
    func run(claimed: Duration) async {
        let started = ContinuousClock.now
        configuration.observer?.jobStarted(job)
        var stages: [(name: String, duration: Duration)] = [("claim", claimed)]
        let end = await outcome(stages: &stages)
        configuration.observer?.jobEnded(job, outcome: end, duration: ContinuousClock.now - started + claimed, stages: stages)
    }

    private func outcome(stages: inout [(name: String, duration: Duration)]) async -> JobEnd {
        log(.info, "processing", JobLog.processing(job.id.description), job: job.id)
        let lease = LeaseKeeper()
        let heartbeat = Task { [job, store, configuration, log] in
            await lease.keep(job, store: store, worker: configuration.workerID, lease: configuration.lease, log: log,
                             beat: { configuration.observer?.heartbeat() })
        }
        defer { heartbeat.cancel() }
        do {
            try await process(lease: lease, stages: &stages)
            log(.info, "completed", JobLog.completed(job.id.description), job: job.id, stages: stages)
            return .completed
        } catch JobFailure.permanent(let message) {
            return await fail(message, stages: stages) ? .failed : .unsettled
        } catch JobFailure.transient(let message) {
            let limit = job.maxAttempts ?? configuration.maxAttempts
            guard job.attempts < limit else { return await fail(message, stages: stages) ? .failed : .unsettled }
            let wait = configuration.requeueBackoff.delay(after: job.attempts)
            let given = await giveBack(.requeued(error: message, retryIn: wait),
                                       reason: "after attempt \(job.attempts) of \(limit), claimable again in \(wait.seconds): \(message)")
            // From the reply on: the store's not_before (whole seconds, set before it) has passed by then.
            if given { worker.retryScheduled(in: .seconds(wait.roundedSeconds)) }
            return given ? .requeued : .unsettled
        } catch JobFailure.leaseLost(let written) {
            log(.warning, "lease-lost", "Job \(job.id): lease lost to another worker; "
                + (written ? "its prediction was written, its status is theirs" : "no result written"), job: job.id)
            return .leaseLost
        } catch JobFailure.unauthorized(let error) {
            worker.stop(fatal: error)
            return .unsettled
        } catch {      // cancelled: the grace period is over
            let given = await giveBack(.requeued(error: "interrupted: the worker shut down before the job finished"),
                                       reason: "the shutdown grace period is over")
            return given ? .requeued : .unsettled
        }
    }

    private func process(lease: LeaseKeeper, stages: inout [(name: String, duration: Duration)]) async throws {
        let clock = ContinuousClock()
        var start = clock.now
        func lap(_ name: String) {
            stages.append((name, clock.now - start))
            start = clock.now
        }
        let (job, store, maxBytes) = (job, store, configuration.maxDownloadBytes)
        guard let upload = try await step("Failed to read upload \(job.uploadID)", { try store.upload(id: job.uploadID) }) else {
            throw JobFailure.permanent("Upload not found: \(job.uploadID)")
        }
        let owner = configuration.requireOwnerFolder ? upload.ownerID : nil
        try AudioPath.validate(upload.audioFilePath, owner: owner)      // before any request for it
        lap("upload")
        let file: TemporaryFile
        do { file = try TemporaryFile(directory: configuration.temporaryDirectory, prefix: Self.temporaryPrefix) }
        catch { throw JobFailure.transient("Failed to download audio file: \(error)") }
        defer { file.remove() }
        try await step("Failed to download audio file") {
            do { try file.truncate() } catch { throw TransportError(.disk, "cannot empty the download file: \(error.localizedDescription)") }
            try store.download(upload, to: file.handle, maxBytes: maxBytes)
        }
        lap("download")
        guard !lease.isLost else { throw JobFailure.leaseLost(predictionWritten: false) }
        let result: JobResult
        do {
            result = try await onThread { [analyzer = worker.analyzer] in try analyzer.analyze(path: file.path) }
        } catch is CancellationError {
            throw CancellationError()
        } catch let fault as JobAnalyzerFault {
            throw JobFailure.transient("Analysis could not run: \(fault)")
        } catch {
            // The error names the temporary file: name the upload's object instead.
            throw JobFailure.permanent("\(error)".replacingOccurrences(of: file.path, with: upload.audioFilePath))
        }
        lap("analyze")
        let workerID = configuration.workerID, leaseTime = configuration.lease
        guard !lease.isLost, try await step("Failed to check the lease", { try store.extendLease(of: job, worker: workerID, lease: leaseTime) }) else {
            throw JobFailure.leaseLost(predictionWritten: false)
        }
        try await step("Failed to save the prediction") { try store.savePrediction(for: job, result: result) }
        lap("save")
        guard try await step("Failed to complete the job", { try store.finish(job, worker: workerID, as: .completed) }) else {
            throw JobFailure.leaseLost(predictionWritten: true)
        }
        lap("finish")
    }

    /// Fails the job with `message` in `jobs.error`, and says so in the operators' words; false
    /// when that could not be written.
    private func fail(_ message: String, stages: [(name: String, duration: Duration)]) async -> Bool {
        let settled = await settle(.failed(error: message))
        log(.error, "failed", JobLog.failed(job.id.description, error: message), job: job.id, stages: stages)
        return settled
    }

    /// Queues the job again (`.requeued` or `.released`); false when that could not be written.
    @discardableResult
    func giveBack(_ outcome: JobOutcome, reason: String) async -> Bool {
        let (verb, attempts) = outcome == .released ? ("released", "") : ("requeued", " (\(job.attempts) attempt(s) so far)")
        guard await settle(outcome) else { return false }
        log(.warning, verb, "Job \(job.id) \(verb)\(attempts): \(reason)", job: job.id)
        return true
    }

    /// Writes the job's outcome, even when the job's task is cancelled; false (logged) when it
    /// could not be written or the lease was lost.
    @discardableResult
    private func settle(_ outcome: JobOutcome) async -> Bool {
        let (job, store, workerID) = (job, store, configuration.workerID)
        let written = await Task {                 // a new task: not cancelled with this one
            try await step("Failed to update the job") { try store.finish(job, worker: workerID, as: outcome) }
        }.result
        switch written {
        case .success(true): return true
        case .success(false): log(.warning, "lease-lost", "Job \(job.id): lease lost to another worker; its status is theirs", job: job.id)
        case .failure(JobFailure.unauthorized(let error)): worker.stop(fatal: error)
        case .failure(let error): log(.error, "finish", "Job \(job.id): could not record its outcome (\(error)); it will be reclaimed when its lease expires", job: job.id)
        }
        return false
    }

    /// A blocking store call, on its own thread, retried on transient failures; failures become
    /// `JobFailure`s whose message starts with `failure`.
    private func step<T: Sendable>(_ failure: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        do {
            return try await configuration.retry.run(retrying: { error, wait in
                log(.warning, "retry", "Job \(job.id): \(failure): \(error); retrying in \(wait.seconds)", job: job.id)
            }) {
                try await onThread(body)
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as SupabaseError where error.isUnauthorized {
            throw JobFailure.unauthorized(error)
        } catch {
            throw isTransient(error) ? JobFailure.transient("\(failure): \(error)") : JobFailure.permanent("\(failure): \(error)")
        }
    }
}
