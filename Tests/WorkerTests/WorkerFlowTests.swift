import Foundation
import Testing
@testable import Worker

/// The job flow and the service around it, on an in-memory queue (`FakeStore`) with stub analysers.
@Suite struct WorkerFlowTests {
    /// A worker on `store` with fast retries and polls, its downloads in a fresh directory.
    struct Harness {
        let store: FakeStore
        let lines = LogLines()
        let directory = NSTemporaryDirectory() + "mood-worker-test-\(UUID().uuidString)"
        let worker: Worker

        init(store: FakeStore = FakeStore(), analyzer: any JobAnalyzer = StubAnalyzer(), format: WorkerLog.Format = .text,
             configure: (inout WorkerConfiguration) -> Void = { _ in }) {
            try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var configuration = WorkerConfiguration(workerID: "test-worker", lease: .seconds(30), pollInterval: .milliseconds(10),
                                                    maxPollInterval: .milliseconds(40), gracePeriod: .seconds(5), drain: true,
                                                    retry: RetryPolicy(tries: 3, baseDelay: .milliseconds(5), maxDelay: .milliseconds(20)),
                                                    temporaryDirectory: directory)
            configuration.requeueBackoff = RetryPolicy(baseDelay: .milliseconds(5), maxDelay: .milliseconds(20))
            configure(&configuration)
            self.store = store
            worker = Worker(store: store, analyzer: analyzer, log: lines.log(format), configuration: configuration)
        }

        /// Files left in the download directory.
        var leftovers: [String] { (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] }
    }

    @Test func completesAJob() async throws {
        let h = Harness()
        h.store.add("j1", audio: Data(count: 1234))
        try await h.worker.run()
        #expect(h.store.row("j1")?.status == "completed" && h.store.row("j1")?.error == nil)
        #expect(h.store.state.current.predictions["j1"] == ["sound_classification": "Speech", "yamnet_confidence": 0.5, "bytes": 1234])
        #expect(h.lines.all.contains("Processing job: j1") && h.lines.all.contains("✓ Job j1 completed successfully"))
        #expect(h.leftovers.isEmpty)
    }

    @Test func missingUploadFails() async throws {
        let h = Harness()
        h.store.add("j1", upload: false)
        try await h.worker.run()
        #expect(h.store.row("j1")?.status == "failed" && h.store.row("j1")?.error == "Upload not found: u-j1")
        #expect(h.lines.all.contains("✗ Job j1 failed: Upload not found: u-j1"))
    }

    @Test func missingObjectFails() async throws {
        let h = Harness()
        h.store.add("j1", path: "user/gone.wav", audio: nil)
        try await h.worker.run()
        #expect(h.store.row("j1")?.error == "Failed to download audio file: Object not found (audio_files/user/gone.wav)")
        #expect(h.store.row("j1")?.status == "failed" && h.leftovers.isEmpty)
    }

    @Test func oversizedDownloadFails() async throws {
        let h = Harness { $0.maxDownloadBytes = 100 }
        h.store.add("j1", audio: Data(count: 101))
        try await h.worker.run()
        #expect(h.store.row("j1")?.error == "Failed to download audio file: over the size limit of 100 bytes")
    }

    /// The analyser's error is the message, the temporary file's name replaced by the object's.
    @Test func badAudioFailsWithTheDecodersMessage() async throws {
        let analyzer = StubAnalyzer { path in
            throw UnreadableAudio(path: path)
        }
        let h = Harness(analyzer: analyzer)
        h.store.add("j1", path: "user/notes.txt")
        try await h.worker.run()
        let expected = "\(UnreadableAudio(path: "user/notes.txt"))"
        #expect(h.store.row("j1")?.error == expected)
        #expect(h.lines.all.contains("✗ Job j1 failed: \(expected)") && h.leftovers.isEmpty)
        #expect(h.store.state.current.predictions.isEmpty)
    }

    @Test func transientFailuresAreRetried() async throws {
        let h = Harness()
        h.store.add("j1")
        h.store.inject("download", SupabaseError.http(status: 503, body: ""), SupabaseError.transport(TransportError(.timeout, "timed out")))
        h.store.inject("save", SupabaseError.transport(TransportError(.network, "Connection reset by peer")))
        try await h.worker.run()
        #expect(h.store.row("j1")?.status == "completed" && h.store.row("j1")?.job.attempts == 1)
        #expect(h.lines.all.filter { $0.contains("retrying in") }.count == 3)
    }

    /// Past its retries a transient failure queues the job again; the next claim completes it.
    @Test func exhaustedRetriesRequeue() async throws {
        let h = Harness()
        h.store.add("j1")
        let unavailable = SupabaseError.http(status: 503, body: "")
        h.store.inject("download", unavailable, unavailable, unavailable)
        try await h.worker.run()
        #expect(h.lines.all.contains { $0.hasPrefix("Job j1 requeued (1 attempt(s) so far): after attempt 1 of 3, claimable again in ")
            && $0.hasSuffix(": Failed to download audio file: HTTP 503") })
        #expect(h.store.row("j1")?.status == "completed" && h.store.row("j1")?.job.attempts == 2)
        #expect(h.store.state.current.predictionWrites == 1)
    }

    @Test func lastAttemptFails() async throws {
        let h = Harness()
        h.store.add("j1", attempts: 2, maxAttempts: 3)
        h.store.inject("upload", SupabaseError.transport(TransportError(.connect, "Couldn't connect")),
                       SupabaseError.transport(TransportError(.connect, "Couldn't connect")),
                       SupabaseError.transport(TransportError(.connect, "Couldn't connect")))
        try await h.worker.run()
        #expect(h.store.row("j1")?.status == "failed")
        #expect(h.store.row("j1")?.error == "Failed to read upload u-j1: Couldn't connect")
    }

    /// A worker that lost its lease (reclaimed by another) writes no result.
    @Test func lostLeaseWritesNothing() async throws {
        let store = FakeStore()
        let h = Harness(store: store, analyzer: StubAnalyzer { _ in
            store.steal("j1")
            return ["sound_classification": "Speech"]
        })
        store.add("j1")
        try await h.worker.run()
        #expect(store.state.current.predictions.isEmpty)
        #expect(store.row("j1")?.status == "processing" && store.row("j1")?.lockedBy == "someone-else")
        #expect(h.lines.all.contains("Job j1: lease lost to another worker; no result written"))
    }

    /// The heartbeat extends the lease every third of it while the job runs: the analysis ends
    /// only once three beats have come.
    @Test(.timeLimit(.minutes(5))) func longJobsExtendTheirLease() async throws {
        let store = FakeStore()
        let h = Harness(store: store, analyzer: StubAnalyzer { _ in
            while store.state.current.leaseExtensions < 3 { Thread.sleep(forTimeInterval: 0.01) }
            return [:]
        }) { $0.lease = .milliseconds(150) }
        store.add("j1")
        try await h.worker.run()
        #expect(store.row("j1")?.status == "completed")
        #expect(store.state.current.leaseExtensions >= 4)        // 3 beats, and the check before saving
    }

    /// Shutdown: no more claims; the job in flight finishes; `run` returns.
    @Test func shutdownLetsTheJobInFlightFinish() async throws {
        let gate = Gate()
        let h = Harness(analyzer: StubAnalyzer { _ in gate.wait(); return [:] }) { $0.drain = false }
        h.store.add("j1")
        h.store.add("j2")
        let run = Task { try await h.worker.run() }
        while gate.arrivals == 0 { try await Task.sleep(for: .milliseconds(5)) }
        h.worker.shutdown.fire()
        gate.open()
        try await run.value
        #expect(h.store.row("j1")?.status == "completed")
        #expect(h.store.row("j2")?.status == "queued" && h.store.row("j2")?.job.attempts == 0)
    }

    /// Past the grace period the job in flight goes back to the queue, its temporary file removed.
    @Test func graceExpiryGivesTheJobBack() async throws {
        let gate = Gate()
        defer { gate.open() }
        let h = Harness(analyzer: StubAnalyzer { _ in gate.wait(); return [:] }) {
            $0.drain = false
            $0.gracePeriod = .milliseconds(100)
        }
        h.store.add("j1")
        let run = Task { try await h.worker.run() }
        while gate.arrivals == 0 { try await Task.sleep(for: .milliseconds(5)) }
        h.worker.shutdown.fire()
        try await run.value
        let row = h.store.row("j1")
        #expect(row?.status == "queued" && row?.lockedBy == nil && row?.job.attempts == 1)
        #expect(row?.error == "interrupted: the worker shut down before the job finished")
        #expect(h.store.state.current.predictions.isEmpty && h.leftovers.isEmpty && h.worker.abandonedJobs == 1)
    }

    /// A job claimed as the shutdown comes is given back unstarted, its attempt taken back.
    @Test func unstartedClaimIsReleased() async throws {
        let shutdown = Shutdown()
        let store = FakeStore { shutdown.fire() }
        store.add("j1")
        let lines = LogLines()
        let worker = Worker(store: store, analyzer: StubAnalyzer(), log: lines.log(),
                            configuration: WorkerConfiguration(workerID: "w"), shutdown: shutdown)
        try await worker.run()
        #expect(store.row("j1")?.status == "queued" && store.row("j1")?.job.attempts == 0 && store.row("j1")?.lockedBy == nil)
        #expect(lines.all.contains("Job j1 released: not started before shutdown"))
        #expect(!lines.all.contains("Processing job: j1"))
    }

    /// A refused key stops the worker with the error.
    @Test func unauthorizedIsFatal() async throws {
        let h = Harness { $0.drain = false }
        h.store.inject("claim", SupabaseError.unauthorized(message: "Invalid API key"))
        await #expect(throws: SupabaseError.unauthorized(message: "Invalid API key")) { try await h.worker.run() }
        #expect(h.worker.shutdown.isFired)
    }

    /// `concurrency` jobs run at once (the first three analyses wait for each other), never more,
    /// each exactly once.
    @Test(.timeLimit(.minutes(5))) func concurrentSlots() async throws {
        let running = Locked((now: 0, most: 0))
        let h = Harness(analyzer: StubAnalyzer { _ in
            running.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
            while running.current.most < 3 { Thread.sleep(forTimeInterval: 0.01) }
            running.withLock { $0.now -= 1 }
            return [:]
        }) { $0.concurrency = 3 }
        for i in 0..<7 { h.store.add(RowID("j\(i)"), path: "p\(i)") }
        try await h.worker.run()
        #expect(h.store.state.current.rows.allSatisfy { $0.status == "completed" && $0.job.attempts == 1 })
        #expect(h.store.state.current.predictionWrites == 7 && running.current.most == 3)
    }

    @Test func idleBackoffDoublesUpToItsLimit() {
        var backoff = IdleBackoff(initial: .milliseconds(500), limit: .seconds(3))
        #expect((0..<6).map { _ in backoff.next() } == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(3), .seconds(3), .seconds(3)])
        backoff.reset()
        #expect(backoff.next() == .milliseconds(500))
    }

    /// An idle worker's wait between polls (an hour here) ends at once on shutdown.
    @Test(.timeLimit(.minutes(5))) func shutdownEndsTheIdleWait() async throws {
        let claims = Locked(0)
        let h = Harness(store: FakeStore { claims.withLock { $0 += 1 } }) {
            $0.drain = false
            $0.pollInterval = .seconds(3600)
            $0.maxPollInterval = .seconds(3600)
        }
        let run = Task { try await h.worker.run() }
        while claims.current == 0 { try await Task.sleep(for: .milliseconds(5)) }
        h.worker.shutdown.fire()
        try await run.value
        #expect(claims.current == 1)
    }

    @Test func jsonLogHasStages() async throws {
        let h = Harness(format: .json)
        h.store.add("j1")
        try await h.worker.run()
        let events = h.lines.all.compactMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
        #expect(events.count == h.lines.all.count)
        let completed = try #require(events.first { if case .object(let o) = $0 { o["event"] == "completed" } else { false } })
        guard case .object(let fields) = completed, case .object(let stages)? = fields["stages_ms"] else { Issue.record("\(completed)"); return }
        #expect(fields["job_id"] == "j1" && fields["worker_id"] == "test-worker" && fields["message"] == "✓ Job j1 completed successfully")
        #expect(Set(stages.keys) == ["claim", "upload", "download", "analyze", "save", "finish"] && fields["total_ms"] != nil)
    }
}

/// A decoder-like error that names the file it was given.
struct UnreadableAudio: Error, CustomStringConvertible {
    let path: String
    var description: String { "cannot read \(path): not a WAV, FLAC or MP3 file" }
}
