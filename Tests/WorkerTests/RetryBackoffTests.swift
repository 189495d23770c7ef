import Foundation
import Testing
@testable import Worker

/// Transient failures given back with a backoff (`release_job`'s `not_before`), and what the
/// worker tells its observer (metrics, health).
@Suite struct RetryBackoffTests {
    typealias Harness = WorkerFlowTests.Harness

    /// Records the observer's calls.
    final class Recorder: WorkerObserver {
        let events = Locked<[String]>([])
        func claimAnswered(job: Job?, after duration: Duration) { events.withLock { $0.append("claim \(job?.id.description ?? "-")") } }
        func heartbeat() { events.withLock { $0.append("beat") } }
        func jobStarted(_ job: Job) { events.withLock { $0.append("start \(job.id)") } }
        func jobEnded(_ job: Job, outcome: JobEnd, duration: Duration, stages: [(name: String, duration: Duration)]) {
            events.withLock { $0.append("end \(job.id) \(outcome.rawValue) \(stages.map(\.name).joined(separator: ","))") }
        }
    }

    /// The delay grows with the attempt, stays within [½, 1] of base·2ⁿ⁻¹ and under the cap.
    @Test func requeueDelayIsExponentialWithJitter() {
        let backoff = RetryPolicy(baseDelay: .seconds(10), maxDelay: .seconds(600))
        for attempt in 1...12 {
            let delay = backoff.delay(after: attempt)
            let full = min(Duration.seconds(10) * (1 << (attempt - 1)), .seconds(600))
            #expect(delay >= full / 2 && delay <= full)
        }
    }

    /// The requeue carries the backoff; with `drain` the worker waits for it and completes the job.
    @Test(.timeLimit(.minutes(5))) func drainWaitsForTheBackoffThenCompletes() async throws {
        let h = Harness { $0.requeueBackoff = RetryPolicy(baseDelay: .milliseconds(300), maxDelay: .milliseconds(300)) }
        h.store.add("j1")
        let unavailable = SupabaseError.http(status: 503, body: "")
        h.store.inject("download", unavailable, unavailable, unavailable)
        let start = ContinuousClock.now
        try await h.worker.run()
        #expect(ContinuousClock.now - start >= .milliseconds(150))
        #expect(h.store.row("j1")?.status == "completed" && h.store.row("j1")?.job.attempts == 2)
    }

    /// At the last attempt a transient failure fails the job: it is never queued past max_attempts.
    @Test func lastAttemptIsNotRequeued() async throws {
        let h = Harness()
        h.store.add("j1", attempts: 2, maxAttempts: 3)
        let unavailable = SupabaseError.http(status: 503, body: "")
        h.store.inject("download", unavailable, unavailable, unavailable)
        try await h.worker.run()
        #expect(h.store.row("j1")?.status == "failed" && h.store.row("j1")?.job.attempts == 3)
    }

    @Test func observerHearsClaimsAndEnds() async throws {
        let recorder = Recorder()
        let h = Harness { $0.observer = recorder }
        h.store.add("j1")
        h.store.add("j2", upload: false)
        try await h.worker.run()
        let events = recorder.events.current
        #expect(events.filter { $0.hasPrefix("start") || $0.hasPrefix("end") } == [
            "start j1", "end j1 completed claim,upload,download,analyze,save,finish", "start j2", "end j2 failed claim"])
        #expect(events.first == "claim j1" && events.last == "claim -")
    }
}
