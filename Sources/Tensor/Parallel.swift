import Dispatch
import Synchronization

/// Runs `body(i)` for every i in 0..<count on up to `threads` threads (inline when threads ≤ 1).
///
/// Work is handed out dynamically: each thread takes the next index from a shared counter, so a
/// thread that the OS (or a busy virtual machine) pauses delays only its current item, not a
/// whole static share.
public func parallelFor(_ count: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
    parallelWorkers(count, threads: threads) { _, i in body(i) }
}

/// Runs `body` on contiguous blocks covering 0..<count: the whole range inline when threads ≤ 1,
/// else `perThread` blocks per thread (fewer when blocks would have under `minimum` items) handed
/// out dynamically (`parallelFor`), so that a kernel's per-call setup is paid per block, not per item.
func parallelBlocks(_ count: Int, threads: Int, perThread: Int = 4, minimum: Int = 1,
                    _ body: @Sendable (Range<Int>) -> Void) {
    guard threads > 1, count > 1 else { return body(0..<count) }
    let blocks = max(1, min(perThread * threads, count / max(1, minimum)))
    parallelFor(blocks, threads: threads) { block in body((block * count / blocks)..<((block + 1) * count / blocks)) }
}

/// As `parallelFor`, also passing the worker's number (0..<min(threads, count)), for bodies that
/// use one scratch buffer per worker.
public func parallelWorkers(_ count: Int, threads: Int, _ body: @Sendable (_ worker: Int, _ item: Int) -> Void) {
    let workers = min(max(threads, 1), count)
    if workers <= 1 {
        for i in 0..<count { body(0, i) }
        return
    }
    let next = WorkCounter()
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        while true {
            let i = next.take()
            if i >= count { break }
            body(worker, i)
        }
    }
}

private final class WorkCounter: Sendable {
    private let value = Atomic<Int>(0)
    func take() -> Int { value.wrappingAdd(1, ordering: .relaxed).oldValue }
}
