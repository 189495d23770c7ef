/// The job-queue worker: one service with one `run()`, stopped by its `shutdown` trigger
/// (swift-service-lifecycle's shape). `concurrency` slots each claim a job, process it
/// (`JobRun`) and claim the next; while the queue is empty they poll, backing off from
/// `pollInterval` to `maxPollInterval`.
///
/// Shutdown (a signal, a test, or a fatal error): no more claims; a job claimed but not yet
/// started is given back with its attempt taken back; jobs in flight run on for up to
/// `gracePeriod`, then are given back (queued again) and `run()` returns — while the threads of
/// their last step still run, their results to be dropped (`abandonedJobs`). A 401 from Supabase
/// is fatal: the worker shuts down and `run()` throws it. With `drain`, it also waits for the jobs
/// it requeued with a backoff to become claimable again.
public final class Worker: Sendable {
    public let store: any JobStore
    public let analyzer: any JobAnalyzer
    public let configuration: WorkerConfiguration
    public let log: WorkerLog
    public let shutdown: Shutdown
    private let inFlight = Locked(0)
    private let abandoned = Locked(0)
    private let fatal = Locked<SupabaseError?>(nil)
    /// When the last job this worker requeued with a delay becomes claimable: `drain` waits for it.
    private let retryDue = Locked<ContinuousClock.Instant?>(nil)

    public init(store: any JobStore, analyzer: any JobAnalyzer, log: WorkerLog, configuration: WorkerConfiguration,
                shutdown: Shutdown = Shutdown()) {
        precondition(configuration.concurrency > 0 && configuration.maxAttempts > 0)
        self.store = store
        self.analyzer = analyzer
        self.configuration = configuration
        self.log = log
        self.shutdown = shutdown
    }

    /// Jobs given back at the end of the grace period. Their last step's thread (an analysis, a
    /// request) may still be running: a process should end at once, without exit-time teardown of
    /// the libraries under those threads (OpenBLAS frees its buffers at exit).
    public var abandonedJobs: Int { abandoned.current }

    /// Runs until shut down (or, with `drain`, until the queue is empty); throws only the fatal error.
    public func run() async throws {
        let c = configuration
        let stale = TemporaryFile.removeStale(in: c.temporaryDirectory, prefix: JobRun.temporaryPrefix)
        if stale > 0 { log(.warning, "cleanup", "Removed \(stale) download(s) left by a worker that died") }
        log(.info, "started", "Worker \(c.workerID) started: \(c.concurrency) job(s) at a time, lease \(c.lease.seconds), "
            + (c.drain ? "until the queue is empty" : "polling every \(c.pollInterval.seconds)"))
        enum Ended { case slot, grace }
        await withTaskGroup(of: Ended.self) { group in
            for _ in 0..<c.concurrency { group.addTask { await self.claimLoop(); return .slot } }
            group.addTask {
                await self.shutdown.wait()
                guard !Task.isCancelled else { return .grace }
                self.log(.info, "shutdown", "Shutting down: no new jobs; \(self.inFlight.current) in flight, grace period \(c.gracePeriod.seconds)")
                try? await Task.sleep(for: c.gracePeriod)
                return .grace
            }
            var slots = c.concurrency
            while let ended = await group.next() {
                switch ended {
                case .slot:
                    slots -= 1
                    if slots == 0 { group.cancelAll() }          // the grace timer
                case .grace where slots > 0:
                    abandoned.withLock { $0 = inFlight.current }
                    log(.warning, "grace", "Grace period over: giving back \(abandoned.current) job(s) in flight")
                    group.cancelAll()
                case .grace:
                    break
                }
            }
        }
        if let error = fatal.current { throw error }
        log(.info, "stopped", shutdown.isFired ? "Worker \(c.workerID) stopped" : "Queue empty: worker \(c.workerID) stopped")
    }

    /// One slot: claim, process, repeat.
    private func claimLoop() async {
        let c = configuration
        var idle = IdleBackoff(initial: c.pollInterval, limit: c.maxPollInterval)
        while !shutdown.isFired {
            let start = ContinuousClock.now
            let job: Job?
            do {
                job = try await c.retry.run { try await onThread { try self.store.claim(worker: c.workerID, lease: c.lease) } }
            } catch is CancellationError {
                return
            } catch let error as SupabaseError where error.isUnauthorized {
                return stop(fatal: error)
            } catch {
                let wait = idle.next()
                log(.error, "claim", "Claiming a job failed: \(error); trying again in \(wait.seconds)")
                await shutdown.sleep(for: wait)
                continue
            }
            c.observer?.claimAnswered(job: job, after: ContinuousClock.now - start)
            guard let job else {
                let due = retryDue.current.map { $0 - .now } ?? .zero
                if c.drain && inFlight.current == 0 && due <= .zero { return }
                await shutdown.sleep(for: due > .zero ? min(due, idle.next()) : idle.next())
                continue
            }
            idle.reset()
            guard !shutdown.isFired else {
                await JobRun(job: job, worker: self).giveBack(.released, reason: "not started before shutdown")
                return
            }
            inFlight.withLock { $0 += 1 }
            await JobRun(job: job, worker: self).run(claimed: ContinuousClock.now - start)
            inFlight.withLock { $0 -= 1 }
        }
    }

    /// A job was requeued, claimable again after `delay`: with `drain`, the worker waits for it.
    func retryScheduled(in delay: Duration) {
        let due = ContinuousClock.now + delay
        retryDue.withLock { $0 = max($0 ?? due, due) }
    }

    /// Stops the worker for an error no job can get past (the key refused).
    func stop(fatal error: SupabaseError) {
        let first = fatal.withLock { state -> Bool in
            guard state == nil else { return false }
            state = error
            return true
        }
        guard first else { return }
        log(.error, "fatal", "Stopping: \(error)")
        shutdown.fire()
    }
}
