/// What a worker tells of its work as it goes, for metrics and health checks (`WorkerMetrics`
/// in the `mood` binary). Calls come from the worker's tasks and threads; they must not block.
public protocol WorkerObserver: Sendable {
    /// A claim request was answered (`job` nil: the queue had nothing claimable): the claim loop is alive.
    func claimAnswered(job: Job?, after duration: Duration)
    /// A job's lease was extended while it runs: its slot is alive though it claims nothing.
    func heartbeat()
    /// A job claimed by this worker started.
    func jobStarted(_ job: Job)
    /// A started job ended as `outcome` after `duration`, with the durations of its stages
    /// (claim, upload, download, analyze, save, finish: those it reached).
    func jobEnded(_ job: Job, outcome: JobEnd, duration: Duration, stages: [(name: String, duration: Duration)])
}

/// How a started job ended, for the worker's counts.
public enum JobEnd: String, Sendable, CaseIterable {
    case completed, failed, requeued
    /// Another worker holds it now (its lease expired and was taken).
    case leaseLost = "lease_lost"
    /// Not settled: its outcome could not be written, or the key was refused.
    case unsettled
}
