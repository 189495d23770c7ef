import Foundation
import Testing
@testable import Worker

/// The job queue's calls (SUPABASE-WIRE.md, "Claiming jobs safely"), against a loopback server.
@Suite struct SupabaseJobStoreTests {
    static func store(_ server: TestServer, notices: LogLines = LogLines()) throws -> SupabaseJobStore {
        SupabaseJobStore(client: try SupabaseClientTests.client(server)) { notices.append($0) }
    }

    static let missingFunction: TestServer.Reply = .json(404, [
        "code": "PGRST202", "message": "Could not find the function public.claim_job(lease_seconds, worker_id) in the schema cache",
        "details": "Searched for the function public.claim_job with parameters lease_seconds, worker_id", "hint": nil])

    static let job: JSONValue = ["id": "j1", "upload_id": "u1", "status": "processing", "attempts": 1, "max_attempts": 3, "locked_by": "w1"]

    @Test func claimsThroughTheRPC() throws {
        let server = TestServer { _ in .json(200, [Self.job]) }
        defer { server.stop() }
        let job = try Self.store(server).claim(worker: "w1", lease: .seconds(300))
        #expect(job == Job(id: "j1", uploadID: "u1", attempts: 1, maxAttempts: 3))
        let request = server.requests[0]
        #expect(request.method == "POST" && request.target == "/rest/v1/rpc/claim_job")
        #expect(request.json == ["worker_id": "w1", "lease_seconds": 300])
    }

    @Test func emptyQueueClaimsNothing() throws {
        let server = TestServer { _ in .json(200, []) }
        defer { server.stop() }
        #expect(try Self.store(server).claim(worker: "w1", lease: .seconds(300)) == nil)
    }

    /// Without claim_job (404 PGRST202): the oldest queued jobs, each claimed by a PATCH
    /// conditional on it still being queued; an empty reply is a race lost. The RPC is not asked again.
    @Test func fallsBackToConditionalPatch() throws {
        let server = TestServer { request in
            switch (request.method, request.path) {
            case ("POST", "/rest/v1/rpc/claim_job"): return Self.missingFunction
            case ("GET", "/rest/v1/jobs"): return .json(200, [["id": 41, "upload_id": 7, "status": "queued", "attempts": 0],
                                                               ["id": 42, "upload_id": 8, "status": "queued", "attempts": 2]])
            case ("PATCH", "/rest/v1/jobs") where request.query["id"] == "eq.41": return .json(200, [])      // another worker won it
            case ("PATCH", "/rest/v1/jobs"): return .json(200, [["id": 42, "upload_id": 8, "status": "processing", "attempts": 3]])
            default: return .json(500, [:])
            }
        }
        defer { server.stop() }
        let notices = LogLines()
        let store = try Self.store(server, notices: notices)
        let job = try store.claim(worker: "w1", lease: .seconds(60))
        #expect(job == Job(id: RowID(42), uploadID: RowID(8), attempts: 3))
        let list = server.requests[1]
        #expect(list.query == ["select": "*", "status": "eq.queued", "order": "created_at.asc,id.asc", "limit": "8"])
        let lost = server.requests[2], won = server.requests[3]
        #expect(lost.query == ["id": "eq.41", "status": "eq.queued", "attempts": "eq.0"])
        #expect(won.query == ["id": "eq.42", "status": "eq.queued", "attempts": "eq.2"])
        #expect(won.headers["prefer"] == "return=representation")
        guard case .object(let body)? = won.json else { Issue.record("no body"); return }
        #expect(body["status"] == "processing" && body["locked_by"] == "w1" && body["attempts"] == 3)
        #expect(body["lease_expires_at"] != nil && body["started_at"] != nil)
        _ = try store.claim(worker: "w1", lease: .seconds(60))
        #expect(server.requests.filter { $0.path == "/rest/v1/rpc/claim_job" }.count == 1)
        #expect(notices.all == ["RPC claim_job not found (PGRST202): using the conditional-PATCH fallback"])
    }

    @Test func extendsTheLeaseByRPCOrPatch() throws {
        let held = Locked(true)
        let server = TestServer { request in
            request.path == "/rest/v1/rpc/extend_lease" ? .json(200, .bool(held.current)) : .json(200, held.current ? [Self.job] : [])
        }
        defer { server.stop() }
        let job = Job(id: "j1", uploadID: "u1")
        let store = try Self.store(server)
        #expect(try store.extendLease(of: job, worker: "w1", lease: .seconds(90)))
        #expect(server.requests[0].json == ["job_id": "j1", "worker_id": "w1", "lease_seconds": 90])
        held.withLock { $0 = false }
        #expect(try !store.extendLease(of: job, worker: "w1", lease: .seconds(90)))

        let fallback = TestServer { request in request.method == "POST" ? Self.missingFunction : .json(200, [Self.job]) }
        defer { fallback.stop() }
        #expect(try Self.store(fallback).extendLease(of: job, worker: "w1", lease: .seconds(90)))
        #expect(fallback.requests[1].method == "PATCH")
        #expect(fallback.requests[1].query == ["id": "eq.j1", "status": "eq.processing", "locked_by": "eq.w1"])
    }

    @Test func readsTheUpload() throws {
        let server = TestServer { request in
            request.query["id"] == "eq.u1" ? .json(200, [["id": "u1", "audio_file_path": "user/a.wav"]]) : .json(200, [])
        }
        defer { server.stop() }
        let store = try Self.store(server)
        #expect(try store.upload(id: "u1") == Upload(id: "u1", audioFilePath: "user/a.wav"))
        #expect(try store.upload(id: "u2") == nil)
        #expect(server.requests[0].query == ["select": "*", "id": "eq.u1"])
    }

    /// An upsert on job_id, the headline values in their columns, integer ids as numbers.
    @Test func savesThePredictionIdempotently() throws {
        let server = TestServer { _ in .respond(status: 201, body: Data()) }
        defer { server.stop() }
        let result: JSONObject = ["sound_classification": "Speech", "yamnet_confidence": 0.75, "top_sounds": [], "model": ["yamnet": "crc32:1"]]
        try Self.store(server).savePrediction(for: Job(id: RowID(7), uploadID: RowID(9)), result: JobResult(object: result))
        let request = server.requests[0]
        #expect(request.method == "POST" && request.path == "/rest/v1/predictions" && request.query == ["on_conflict": "job_id"])
        #expect(request.headers["prefer"] == "return=minimal,resolution=merge-duplicates")
        #expect(request.json == ["job_id": 7, "upload_id": 9, "result": .object(result), "sound_classification": "Speech",
                                 "yamnet_confidence": 0.75, "model_versions": ["yamnet": "crc32:1"]])
    }

    /// Finishing is conditional on holding the lease; an empty reply is read back, in case an
    /// earlier try went through with its reply lost.
    @Test(arguments: [(JobOutcome.completed, "completed"), (.failed(error: "boom"), "failed")])
    func finishesOnlyWhileHoldingTheLease(outcome: JobOutcome, status: String) throws {
        let current = Locked<JSONValue>(["status": "processing", "locked_by": "w2"])
        let server = TestServer { request in
            request.method == "PATCH" ? .json(200, []) : .json(200, [current.current])
        }
        defer { server.stop() }
        let store = try Self.store(server), job = Job(id: "j1", uploadID: "u1")
        #expect(try !store.finish(job, worker: "w1", as: outcome))
        let patch = server.requests[0]
        #expect(patch.query == ["id": "eq.j1", "status": "eq.processing", "locked_by": "eq.w1"])
        #expect(patch.headers["prefer"] == "return=representation")
        guard case .object(let body)? = patch.json else { Issue.record("no body"); return }
        #expect(body["status"] == .string(status) && body["lease_expires_at"] == .null && body["finished_at"] != nil)
        #expect(body["error"] == (outcome == .completed ? .null : "boom"))
        current.withLock { $0 = ["status": .string(status), "locked_by": "w1"] }
        #expect(try store.finish(job, worker: "w1", as: outcome))
    }

    /// A requeue goes through release_job with its backoff (rounded up to whole seconds); a
    /// release (not started) by PATCH, its attempt taken back.
    @Test func requeuesThroughReleaseJobAndReleases() throws {
        let server = TestServer { _ in .json(200, [Self.job]) }
        defer { server.stop() }
        let store = try Self.store(server), job = Job(id: "j1", uploadID: "u1", attempts: 2)
        #expect(try store.finish(job, worker: "w1", as: .requeued(error: "HTTP 503", retryIn: .milliseconds(12_300))))
        #expect(try store.finish(job, worker: "w1", as: .released))
        #expect(server.requests[0].target == "/rest/v1/rpc/release_job")
        #expect(server.requests[0].json == ["job_id": "j1", "worker_id": "w1", "error": "HTTP 503", "retry_in_seconds": 13])
        #expect(server.requests[1].json == ["status": "queued", "locked_by": nil, "lease_expires_at": nil, "attempts": 1])
    }

    /// release_job's [] is a lost lease.
    @Test func releaseJobEmptyReplyIsALostLease() throws {
        let server = TestServer { _ in .json(200, []) }
        defer { server.stop() }
        #expect(try !Self.store(server).finish(Job(id: "j1", uploadID: "u1"), worker: "w1", as: .requeued(error: "x")))
    }

    /// Without release_job: a PATCH with not_before; at the job's last attempt, failed instead.
    @Test func requeueFallsBackToPatch() throws {
        let server = TestServer { request in
            request.path == "/rest/v1/rpc/release_job" ? Self.missingFunction : .json(200, [Self.job])
        }
        defer { server.stop() }
        let store = try Self.store(server)
        #expect(try store.finish(Job(id: "j1", uploadID: "u1", attempts: 1, maxAttempts: 3), worker: "w1",
                                 as: .requeued(error: "HTTP 503", retryIn: .seconds(30))))
        guard case .object(let body)? = server.requests[1].json else { Issue.record("no body"); return }
        #expect(body["status"] == "queued" && body["error"] == "HTTP 503" && body["not_before"] != nil)
        #expect(try store.finish(Job(id: "j1", uploadID: "u1", attempts: 3, maxAttempts: 3), worker: "w1",
                                 as: .requeued(error: "HTTP 503", retryIn: .seconds(30))))
        guard case .object(let last)? = server.requests[2].json else { Issue.record("no body"); return }
        #expect(last["status"] == "failed")
        #expect(server.requests.filter { $0.path == "/rest/v1/rpc/release_job" }.count == 1)
    }
}
