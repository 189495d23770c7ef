import Foundation

/// The per-input deadline. A decoder cannot be interrupted, so a thread watches the clock: when
/// the running input passes `deadline` seconds it saves the input as `hang-INDEX.bin` and ends
/// the process with status 3.
final class Watchdog: @unchecked Sendable {
    let deadline: Double
    let workspace: Workspace
    private let lock = NSLock()
    private var running: (index: Int, description: String, started: UInt64)?

    init(deadline: Double, workspace: Workspace) {
        self.deadline = deadline
        self.workspace = workspace
        Thread.detachNewThread { [self] in watch() }
    }

    func begin(_ input: FuzzInput) {
        lock.withLock { running = (input.index, input.description, DispatchTime.now().uptimeNanoseconds) }
    }

    func end() { lock.withLock { running = nil } }

    private func watch() {
        while true {
            Thread.sleep(forTimeInterval: 0.05)
            guard let late = lock.withLock({ running }),
                  Double(DispatchTime.now().uptimeNanoseconds - late.started) * 1e-9 > deadline else { continue }
            let saved = workspace.save("hang", index: late.index, details: "ran past the deadline of \(deadline) s")
            let message = "fuzz: FAILED: \(late.description) ran past the deadline of \(deadline) s; saved \(saved)\n"
            FileHandle.standardError.write(Data(message.utf8))
            exit(3)
        }
    }
}
