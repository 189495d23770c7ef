import Foundation
import Testing
@testable import Worker

/// The worker's own defences (issue #12): crafted paths refused before any request, the owner's
/// folder, worker faults (disk, analysis process) retried rather than blamed on the file, stale
/// downloads removed, log lines kept whole.
@Suite struct WorkerDefenceTests {
    typealias Harness = WorkerFlowTests.Harness
    static let owner = AudioPathTests.owner

    @Test func aCraftedPathFailsTheJobBeforeAnyRequest() async throws {
        let h = Harness()
        h.store.add("j1", path: "../../../../rest/v1/uploads", owner: Self.owner)
        try await h.worker.run()
        #expect(h.store.row("j1")?.status == "failed")
        #expect(h.store.row("j1")?.error == "Invalid audio_file_path: ../../../../rest/v1/uploads: it has a '.' or '..' segment")
        #expect(h.store.state.current.downloads.isEmpty)
    }

    @Test func anotherUsersObjectIsRefusedUnlessForeignPathsAreAllowed() async throws {
        let h = Harness()
        h.store.add("j1", path: "bob/secret.wav", owner: Self.owner)
        h.store.add("j2", path: "\(Self.owner)/mine.wav", owner: Self.owner)
        try await h.worker.run()
        #expect(h.store.row("j1")?.error == "Invalid audio_file_path: bob/secret.wav: it is not inside the uploader's folder '\(Self.owner)/'")
        #expect(h.store.row("j2")?.status == "completed")
        #expect(h.store.state.current.downloads == ["\(Self.owner)/mine.wav"])

        let legacy = Harness { $0.requireOwnerFolder = false }
        legacy.store.add("j1", path: "bob/secret.wav", owner: Self.owner)
        try await legacy.worker.run()
        #expect(legacy.store.row("j1")?.status == "completed")
    }

    @Test func aFullDiskIsTheWorkersFaultAndRetried() async throws {
        let h = Harness()
        h.store.add("j1", path: "user/a.wav")
        h.store.inject("download", TransportError(.disk, "cannot write the download: No space left on device"))
        try await h.worker.run()
        #expect(h.store.row("j1")?.status == "completed")
        #expect(h.lines.all.contains { $0.contains("No space left on device; retrying") })
    }

    @Test func anAnalysisThatCannotRunIsRequeuedNotFailed() async throws {
        let h = Harness(analyzer: StubAnalyzer { _ in throw JobAnalyzerFault("cannot start the analysis process: EAGAIN") })
        h.store.add("j1", attempts: 0, maxAttempts: 3)
        try await h.worker.run()
        let row = try #require(h.store.row("j1"))
        #expect(row.status == "failed" && row.job.attempts == 3)       // requeued twice, failed on the last attempt
        #expect(row.error == "Analysis could not run: cannot start the analysis process: EAGAIN")
        #expect(h.lines.all.filter { $0.contains("requeued") }.count == 2)
    }

    @Test func downloadsOfADeadWorkerAreRemovedAtStart() async throws {
        let h = Harness()
        let dead = Process()
        dead.executableURL = URL(fileURLWithPath: "/bin/true")
        try dead.run()
        dead.waitUntilExit()
        let stale = "\(h.directory)/mood-job-\(dead.processIdentifier)-A", alive = "\(h.directory)/mood-job-\(getppid())-B"
        let other = "\(h.directory)/mood-job-legacy"
        for path in [stale, alive, other] { #expect(FileManager.default.createFile(atPath: path, contents: Data("x".utf8))) }
        try await h.worker.run()
        #expect(Set(h.leftovers) == ["mood-job-\(getppid())-B", "mood-job-legacy"])
        #expect(h.lines.all.contains("Removed 1 download(s) left by a worker that died"))
    }

    @Test func textLogLinesEscapeControlCharactersOfPaths() async throws {
        let h = Harness()
        h.store.add("j1", path: "user/x\n✓ Job j9 completed successfully.wav")
        try await h.worker.run()
        #expect(h.lines.all.contains("✗ Job j1 failed: Invalid audio_file_path: user/x\\u{A}✓ Job j9 completed successfully.wav: it contains a control character or a backslash"))
        #expect(!h.lines.all.contains { $0.contains("\n") })
    }
}
