/// How a step that failed transiently is tried again: up to `tries` times in all, waiting
/// `baseDelay`·2ⁿ⁻¹ (at most `maxDelay`) after the n-th failure, each wait scaled by a random
/// factor in [½, 1] so that workers that failed together do not retry together.
public struct RetryPolicy: Sendable, Equatable {
    public var tries: Int
    public var baseDelay: Duration
    public var maxDelay: Duration

    public init(tries: Int = 4, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(20)) {
        precondition(tries >= 1)
        self.tries = tries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The wait after the `failure`-th failure (1-based).
    public func delay(after failure: Int) -> Duration {
        let exponential = baseDelay * (1 << min(failure - 1, 30))
        return min(exponential, maxDelay) * Double.random(in: 0.5...1)
    }

    /// `body`'s result, calling it again after each transient failure (`isTransient`) while tries
    /// remain; `retrying` hears of each retry before its wait. Other errors, the last transient
    /// one, and cancellation of the wait are thrown.
    public func run<T>(retrying: (any Error, Duration) -> Void = { _, _ in }, _ body: () async throws -> T) async throws -> T {
        var failures = 0
        while true {
            do {
                return try await body()
            } catch {
                failures += 1
                guard isTransient(error), failures < tries else { throw error }
                let wait = delay(after: failures)
                retrying(error, wait)
                try await Task.sleep(for: wait)
            }
        }
    }
}

/// Whether `error` may go away if the same call is made again later (SupabaseError.isTransient).
func isTransient(_ error: any Error) -> Bool {
    switch error {
    case let error as SupabaseError: error.isTransient
    case let error as TransportError: error.isTransient
    default: false
    }
}

/// The waits between claims while the queue is empty: `initial`, doubling up to `limit`; back to
/// `initial` once a job comes.
struct IdleBackoff {
    let initial: Duration
    let limit: Duration
    private var current: Duration

    init(initial: Duration, limit: Duration) {
        self.initial = initial
        self.limit = limit
        current = initial
    }

    /// The next wait.
    mutating func next() -> Duration {
        defer { current = min(current * 2, limit) }
        return current
    }

    mutating func reset() { current = initial }
}
