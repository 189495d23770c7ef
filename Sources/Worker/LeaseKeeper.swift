/// A job's heartbeat: extends its lease every third of the lease while the job runs
/// (SUPABASE-WIRE.md, "Claiming jobs safely"), and remembers when the worker lost it. A failed
/// extension is logged and tried again at the next beat; the lease outlasts two misses.
final class LeaseKeeper: Sendable {
    private let lost = Locked(false)

    /// True once an extension found the job no longer held by this worker.
    var isLost: Bool { lost.current }

    /// Beats until cancelled, or until the lease is found lost.
    /// `beat` hears of each extension made.
    func keep(_ job: Job, store: any JobStore, worker: String, lease: Duration, log: WorkerLog,
              beat: @Sendable () -> Void = {}) async {
        while true {
            do {
                try await Task.sleep(for: lease / 3)
                guard try await onThread({ try store.extendLease(of: job, worker: worker, lease: lease) }) else {
                    lost.withLock { $0 = true }
                    return
                }
                beat()
            } catch is CancellationError {
                return
            } catch {
                log(.warning, "lease", "Job \(job.id): lease extension failed: \(error)", job: job.id)
            }
        }
    }
}
