import Foundation

/// Runs blocking work (a libcurl call, an analysis) on a thread of its own and awaits its result,
/// so that it never holds one of the concurrency pool's few threads: heartbeats and other jobs go
/// on meanwhile. When the awaiting task is cancelled it resumes at once with `CancellationError`;
/// the thread runs to its end and its result is dropped.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    let handoff = Handoff<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            guard handoff.wait(with: continuation) else { return continuation.resume(throwing: CancellationError()) }
            let thread = Thread { handoff.resume(with: Result { try body() }) }
            thread.stackSize = 8 << 20          // as a main thread's: decoders and inference get the usual stack
            thread.start()
        }
    } onCancel: {
        handoff.resume(with: .failure(CancellationError()))
    }
}

/// The one resumption of `onThread`'s continuation: by the thread's result or by cancellation,
/// whichever comes first (cancellation may even come before the continuation exists).
private final class Handoff<T: Sendable>: Sendable {
    private enum State { case idle, waiting(CheckedContinuation<T, any Error>), done }
    private let state = Locked(State.idle)

    /// Stores the continuation; false when it is already too late (cancelled).
    func wait(with continuation: CheckedContinuation<T, any Error>) -> Bool {
        state.withLock { state in
            guard case .idle = state else { return false }
            state = .waiting(continuation)
            return true
        }
    }

    func resume(with result: Result<T, any Error>) {
        let continuation: CheckedContinuation<T, any Error>? = state.withLock { state in
            defer { state = .done }
            if case .waiting(let continuation) = state { return continuation }
            return nil
        }
        continuation?.resume(with: result)
    }
}
