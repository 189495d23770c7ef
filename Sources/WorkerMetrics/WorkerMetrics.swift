import CoreMetrics
import Foundation
import Prometheus
import Worker

/// The worker's Prometheus metrics, kept through the swift-metrics API on a registry of their own
/// (ref: swift-server/swift-prometheus 2.x, `PrometheusMetricsFactory`), and the state its health
/// checks read. A `WorkerObserver`: hand it to `WorkerConfiguration.observer`.
///
///   mood_jobs_total{outcome}                   counter: completed, failed, requeued, lease_lost, unsettled
///   mood_job_duration_seconds                  histogram: claim to settled
///   mood_job_stage_duration_seconds{stage}     histogram: claim, upload, download, analyze, save, finish
///   mood_jobs_in_flight                        gauge
///   mood_last_claim_timestamp_seconds          gauge: Unix time of the last claim Supabase answered
///   mood_queue_depth, mood_queue_due, mood_queue_processing, mood_queue_oldest_age_seconds
///                                              gauges, sampled when scraped, at most every `sampleInterval`
public final class WorkerMetrics: WorkerObserver {
    public let registry = PrometheusCollectorRegistry()
    /// How long the claim loop may go without a sign of life before `/healthz` says 503.
    public let stallLimit: Duration
    /// The least time between two samples of the queue.
    public let sampleInterval: Duration

    private let factory: PrometheusMetricsFactory
    private let jobs: [JobEnd: CoreMetrics.Counter]
    private let duration: CoreMetrics.Timer
    private let inFlight: CoreMetrics.Gauge
    private let lastClaim: CoreMetrics.Gauge
    private let sampleQueue: @Sendable () throws -> QueueDepth?
    private let state = Locked<(alive: ContinuousClock.Instant, ready: Bool, inFlight: Int, sampled: ContinuousClock.Instant?)>(
        (.now, false, 0, nil))

    /// `sampleQueue` reads the queue's depth (nil: not available, e.g. without `job_queue_depth`).
    public init(stallLimit: Duration, sampleInterval: Duration = .seconds(5),
                sampleQueue: @escaping @Sendable () throws -> QueueDepth? = { nil }) {
        self.stallLimit = stallLimit
        self.sampleInterval = sampleInterval
        self.sampleQueue = sampleQueue
        var factory = PrometheusMetricsFactory(registry: registry)
        let jobBuckets: [Duration] = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800].map { .milliseconds(Int($0 * 1000)) }
        factory.durationHistogramBuckets = ["mood_job_duration_seconds": jobBuckets, "mood_job_stage_duration_seconds": jobBuckets]
        self.factory = factory
        jobs = Dictionary(uniqueKeysWithValues: JobEnd.allCases.map {
            ($0, CoreMetrics.Counter(label: "mood_jobs_total", dimensions: [("outcome", $0.rawValue)], factory: factory))
        })
        duration = CoreMetrics.Timer(label: "mood_job_duration_seconds", factory: factory)
        inFlight = CoreMetrics.Gauge(label: "mood_jobs_in_flight", factory: factory)
        lastClaim = CoreMetrics.Gauge(label: "mood_last_claim_timestamp_seconds", factory: factory)
        for counter in jobs.values { counter.increment(by: 0) }
        inFlight.record(0)
    }

    // MARK: WorkerObserver

    public func claimAnswered(job: Job?, after duration: Duration) {
        alive()
        lastClaim.record(Date().timeIntervalSince1970)
    }

    public func heartbeat() { alive() }

    public func jobStarted(_ job: Job) {
        inFlight.record(state.withLock { $0.inFlight += 1; return $0.inFlight })
    }

    public func jobEnded(_ job: Job, outcome: JobEnd, duration: Duration, stages: [(name: String, duration: Duration)]) {
        alive()
        inFlight.record(state.withLock { $0.inFlight -= 1; return $0.inFlight })
        jobs[outcome]?.increment()
        self.duration.recordNanoseconds(duration.nanoseconds)
        for stage in stages {
            CoreMetrics.Timer(label: "mood_job_stage_duration_seconds", dimensions: [("stage", stage.name)], factory: factory)
                .recordNanoseconds(stage.duration.nanoseconds)
        }
    }

    // MARK: Health

    /// The weights are loaded and Supabase answered: `/readyz` says 200 from now on.
    public func markReady(_ ready: Bool = true) { state.withLock { $0.ready = ready } }

    public var isReady: Bool { state.current.ready }

    /// Whether the claim loop showed a sign of life (a claim answered, a heartbeat, a job ended)
    /// within `stallLimit`.
    public var isAlive: Bool { ContinuousClock.now - state.current.alive <= stallLimit }

    private func alive() { state.withLock { $0.alive = .now } }

    // MARK: Exposition

    /// The Prometheus text exposition, the queue sampled first when the last sample is older
    /// than `sampleInterval` (a failed sample leaves the last values).
    public func exposition() -> String {
        let now = ContinuousClock.now
        let due = state.withLock { state -> Bool in
            guard state.sampled.map({ now - $0 >= sampleInterval }) ?? true else { return false }
            state.sampled = now
            return true
        }
        if due, let depth = try? sampleQueue() {      // the gauges appear with the first sample
            for (label, value) in [("mood_queue_depth", Double(depth.queued)), ("mood_queue_due", Double(depth.queuedDue)),
                                   ("mood_queue_processing", Double(depth.processing)),
                                   ("mood_queue_oldest_age_seconds", depth.oldestQueuedSeconds)] {
                CoreMetrics.Gauge(label: label, factory: factory).record(value)
            }
        }
        return registry.emitToString()
    }
}

private extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).overflow ? .max : seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
