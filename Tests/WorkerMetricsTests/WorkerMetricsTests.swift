import Foundation
import Testing
import Worker
@testable import WorkerMetrics

/// The metrics a worker's events produce, and the listener's three routes over real HTTP.
@Suite struct WorkerMetricsTests {
    static let job = Job(id: "j1", uploadID: "u1")

    /// The value of the sample `name` (with its labels) in `text`, if present.
    static func sample(_ text: String, _ name: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1))
        }
        return nil
    }

    @Test func eventsBecomeCountsAndHistograms() {
        let metrics = WorkerMetrics(stallLimit: .seconds(60))
        metrics.claimAnswered(job: Self.job, after: .milliseconds(20))
        metrics.jobStarted(Self.job)
        metrics.jobStarted(Self.job)
        metrics.jobEnded(Self.job, outcome: .completed, duration: .seconds(3),
                         stages: [("claim", .milliseconds(20)), ("download", .milliseconds(300)), ("analyze", .seconds(2))])
        let text = metrics.exposition()
        #expect(Self.sample(text, #"mood_jobs_total{outcome="completed"}"#) == 1)
        #expect(Self.sample(text, #"mood_jobs_total{outcome="failed"}"#) == 0)
        #expect(Self.sample(text, #"mood_jobs_total{outcome="lease_lost"}"#) == 0)
        #expect(Self.sample(text, "mood_jobs_in_flight") == 1)
        #expect(Self.sample(text, "mood_job_duration_seconds_count") == 1)
        #expect(Self.sample(text, "mood_job_duration_seconds_sum") == 3)
        #expect(Self.sample(text, #"mood_job_duration_seconds_bucket{le="2.5"}"#) == 0)
        #expect(Self.sample(text, #"mood_job_duration_seconds_bucket{le="5.0"}"#) == 1)
        #expect(Self.sample(text, #"mood_job_stage_duration_seconds_count{stage="analyze"}"#) == 1)
        #expect(Self.sample(text, "mood_queue_depth") == nil)        // never sampled: not shown as 0
        let last = Self.sample(text, "mood_last_claim_timestamp_seconds") ?? 0
        #expect(abs(last - Date().timeIntervalSince1970) < 60)
    }

    /// The queue is sampled when scraped, at most once per interval; a failed sample keeps the last.
    @Test func queueIsSampledAtMostEveryInterval() {
        let calls = Locked(0)
        let metrics = WorkerMetrics(stallLimit: .seconds(60), sampleInterval: .seconds(3600)) {
            calls.withLock { $0 += 1 }
            return QueueDepth(queued: 7, queuedDue: 5, processing: 2, oldestQueuedSeconds: 12.5)
        }
        let text = metrics.exposition()
        _ = metrics.exposition()
        #expect(calls.current == 1)
        #expect(Self.sample(text, "mood_queue_depth") == 7 && Self.sample(text, "mood_queue_due") == 5)
        #expect(Self.sample(text, "mood_queue_processing") == 2 && Self.sample(text, "mood_queue_oldest_age_seconds") == 12.5)
    }

    /// A listener on a free port for `metrics`, and a GET on it. The GET (blocking libcurl) runs on
    /// a thread of its own, so that it never holds one of the few threads the listener's tasks need.
    static func serve(_ metrics: WorkerMetrics) async throws
        -> (get: @Sendable (String) async throws -> (Int, String), task: Task<Void, any Error>) {
        let server = try MetricsServer(metrics: metrics, host: "127.0.0.1", port: 0)
        let task = Task { try await server.run() }
        let port = try #require(try await server.listeningPort())
        let client = HTTPClient()
        return ({ path in
            try await withCheckedThrowingContinuation { continuation in
                Thread {
                    continuation.resume(with: Result {
                        let reply = try client.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)\(path)"))
                        return (reply.status, String(decoding: reply.body, as: UTF8.self))
                    })
                }.start()
            }
        }, task)
    }

    /// Alive, ready and metrics. The stall limit is far longer than the test, so no answer depends
    /// on how fast a loaded machine runs it.
    @Test func healthAndReadiness() async throws {
        let metrics = WorkerMetrics(stallLimit: .seconds(3600))
        let (get, task) = try await Self.serve(metrics)
        defer { task.cancel() }
        metrics.heartbeat()
        #expect(try await get("/healthz").0 == 200)
        #expect(try await get("/readyz").0 == 503)
        metrics.markReady()
        #expect(try await get("/readyz").0 == 200)
        metrics.jobEnded(Self.job, outcome: .failed, duration: .seconds(1), stages: [])
        let (code, text) = try await get("/metrics")
        #expect(code == 200 && Self.sample(text, #"mood_jobs_total{outcome="failed"}"#) == 1)
        #expect(try await get("/nothing").0 == 404)
    }

    /// Past the stall limit /healthz says 503: with a limit of zero every moment after the last
    /// sign of life is past it, and a heartbeat does not change that for the next request.
    @Test func healthzSaysStalledPastTheLimit() async throws {
        let metrics = WorkerMetrics(stallLimit: .zero)
        let (get, task) = try await Self.serve(metrics)
        defer { task.cancel() }
        metrics.heartbeat()
        let (status, body) = try await get("/healthz")
        #expect(status == 503 && body.hasPrefix("stalled"))
    }
}
