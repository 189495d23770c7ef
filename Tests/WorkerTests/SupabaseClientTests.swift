import Foundation
import Testing
@testable import Worker

/// The client on the wire (SUPABASE-WIRE.md), against a loopback server.
@Suite struct SupabaseClientTests {
    static let key = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2lnbmF0dXJl"     // role service_role

    static func client(_ server: TestServer, key: String = key, limits: HTTPLimits = HTTPLimits()) throws -> SupabaseClient {
        SupabaseClient(config: try SupabaseConfig(url: server.url, key: key), limits: limits)
    }

    @Test func everyCallSendsBothKeyHeaders() throws {
        let server = TestServer { _ in .json(200, []) }
        defer { server.stop() }
        let client = try Self.client(server)
        _ = try client.select("jobs", [QueryItem("select", "id")])
        _ = try client.insert("predictions", [QueryItem("on_conflict", "job_id")], ["job_id": 1],
                              prefer: ["return=minimal", "resolution=merge-duplicates"])
        let (read, write) = (server.requests[0], server.requests[1])
        for request in [read, write] {
            #expect(request.headers["apikey"] == Self.key)
            #expect(request.headers["authorization"] == "Bearer \(Self.key)")
            #expect(request.headers["accept"] == "application/json")
        }
        #expect(read.method == "GET" && read.target == "/rest/v1/jobs?select=id" && read.headers["content-type"] == nil)
        #expect(write.method == "POST" && write.target == "/rest/v1/predictions?on_conflict=job_id")
        #expect(write.headers["content-type"] == "application/json")
        #expect(write.headers["prefer"] == "return=minimal,resolution=merge-duplicates")
        #expect(write.json == ["job_id": 1])
    }

    /// New-style secret keys are not JWTs: `apikey` only.
    @Test func secretKeyGoesInApikeyOnly() throws {
        let server = TestServer { _ in .json(200, []) }
        defer { server.stop() }
        _ = try Self.client(server, key: "sb_secret_abc123").select("jobs", [])
        #expect(server.requests[0].headers["apikey"] == "sb_secret_abc123")
        #expect(server.requests[0].headers["authorization"] == nil)
    }

    /// `+` in a query decodes to a space: it must go as %2B; path segments are encoded one by one.
    @Test func percentEncodingIncludesPlus() throws {
        let server = TestServer { _ in .json(200, []) }
        defer { server.stop() }
        let client = try Self.client(server)
        _ = try client.select("jobs", [QueryItem("lease_expires_at", "lt.2026-01-02T03:04:05+00:00"), .eq("locked_by", "a b&c=d")])
        #expect(server.requests[0].target == "/rest/v1/jobs?lease_expires_at=lt.2026-01-02T03%3A04%3A05%2B00%3A00&locked_by=eq.a%20b%26c%3Dd")
        #expect(server.requests[0].query["lease_expires_at"] == "lt.2026-01-02T03:04:05+00:00")
        let file = try TemporaryFile(directory: NSTemporaryDirectory(), prefix: "test-")
        defer { file.remove() }
        try client.download(bucket: "audio_files", path: "user 1/a+b é.wav", to: file.handle, maxBytes: 100)
        #expect(server.requests[1].target == "/storage/v1/object/audio_files/user%201/a%2Bb%20%C3%A9.wav")
    }

    /// Every 2xx is success, 206 included.
    @Test func partialContentIsSuccess() throws {
        let server = TestServer { _ in .json(206, [["id": 1]]) }
        defer { server.stop() }
        #expect(try Self.client(server).select("jobs", []) == JSONValue.array([["id": 1]]).data)
    }

    @Test func downloadWritesTheBodyToTheFile() throws {
        let audio = Data((0..<5000).map { UInt8($0 % 251) })
        let server = TestServer { _ in .respond(status: 200, body: audio, headers: ["Content-Type": "audio/wav"]) }
        defer { server.stop() }
        let file = try TemporaryFile(directory: NSTemporaryDirectory(), prefix: "test-")
        defer { file.remove() }
        try Self.client(server).download(bucket: "audio_files", path: "a.wav", to: file.handle, maxBytes: 5000)
        #expect(FileManager.default.contents(atPath: file.path) == audio)
        #expect(server.requests[0].headers["authorization"] == "Bearer \(Self.key)")
        // One byte over the cap: refused, for good.
        #expect(throws: SupabaseError.transport(TransportError(.tooLarge(limit: 4999), ""))) {
            try file.truncate()
            try Self.client(server).download(bucket: "audio_files", path: "a.wav", to: file.handle, maxBytes: 4999)
        }
    }

    /// Storage says "missing" with HTTP 400 and the string statusCode "404"; the body is not
    /// written to the file.
    @Test func missingObjectIs400With404InTheBody() throws {
        let server = TestServer { _ in
            .json(400, ["statusCode": "404", "error": "not_found", "message": "Object not found", "code": "NoSuchKey"])
        }
        defer { server.stop() }
        let file = try TemporaryFile(directory: NSTemporaryDirectory(), prefix: "test-")
        defer { file.remove() }
        let error = try #require(throws: SupabaseError.self) {
            try Self.client(server).download(bucket: "audio_files", path: "u/x.wav", to: file.handle, maxBytes: 1 << 20)
        }
        #expect(error.isMissingObject && !error.isTransient)
        #expect(error.description == "Object not found (audio_files/u/x.wav)")
        #expect(FileManager.default.contents(atPath: file.path)?.isEmpty == true)
    }

    @Test func postgrestErrorsAreParsed() throws {
        let server = TestServer { request in
            request.path.hasSuffix("predictions")
                ? .json(409, ["code": "23505", "message": "duplicate key value violates unique constraint \"predictions_job_id_key\"",
                              "details": "Key (job_id)=(7) already exists.", "hint": nil])
                : .json(503, ["code": "PGRST002", "message": "Could not query the database for the schema cache. Retrying.",
                              "details": nil, "hint": nil])
        }
        defer { server.stop() }
        let client = try Self.client(server)
        let conflict = try #require(throws: SupabaseError.self) { try client.insert("predictions", [], ["job_id": 7], prefer: []) }
        #expect(conflict == .postgrest(status: 409, PostgRESTError(code: "23505", message: "duplicate key value violates unique constraint \"predictions_job_id_key\"",
                                                                   details: "Key (job_id)=(7) already exists.")))
        #expect(!conflict.isTransient)
        #expect(conflict.description.contains("(HTTP 409, 23505): Key (job_id)=(7) already exists."))
        let unavailable = try #require(throws: SupabaseError.self) { try client.select("jobs", []) }
        #expect(unavailable.isTransient)
    }

    /// A 401 says what to fix, and the key never shows, even when the server echoes it.
    @Test func unauthorizedIsClearAndRedacted() throws {
        let server = TestServer { request in
            .json(401, ["message": .string("Invalid API key \(request.headers["apikey"] ?? "")"), "hint": "Double check your Supabase `anon` or `service_role` API key."])
        }
        defer { server.stop() }
        let error = try #require(throws: SupabaseError.self) { try Self.client(server).select("jobs", []) }
        #expect(error.isUnauthorized && !error.isTransient)
        #expect(error.description == "Supabase refused the key (401 Invalid API key <redacted>): check SUPABASE_SERVICE_ROLE_KEY is this project's service_role key")
        #expect(!"\(error)".contains(Self.key) && !String(reflecting: error).contains(Self.key))
    }

    @Test func repliesOverTheCapAreRefused() throws {
        let server = TestServer { _ in .respond(status: 200, body: Data(count: 10_000)) }
        defer { server.stop() }
        let error = try #require(throws: SupabaseError.self) {
            try Self.client(server, limits: HTTPLimits(maxResponseBytes: 4096)).select("jobs", [])
        }
        #expect(error == .transport(TransportError(.tooLarge(limit: 4096), "")) && !error.isTransient)
    }

    @Test func slowRepliesTimeOut() throws {
        let server = TestServer { _ in .delayed(.seconds(3), status: 200, body: Data("[]".utf8)) }
        defer { server.stop() }
        let start = ContinuousClock.now
        let error = try #require(throws: SupabaseError.self) {
            try Self.client(server, limits: HTTPLimits(requestTimeout: .milliseconds(300))).select("jobs", [])
        }
        guard case .transport(let transport) = error else { Issue.record("\(error)"); return }
        #expect(transport.kind == .timeout && error.isTransient)
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test func brokenConnectionsAreTransient() throws {
        let server = TestServer { _ in .reset }
        defer { server.stop() }
        let reset = try #require(throws: SupabaseError.self) { try Self.client(server).select("jobs", []) }
        #expect(reset.isTransient)
        let port = server.port
        server.stop()
        let refused = try #require(throws: SupabaseError.self) {
            try SupabaseClient(config: SupabaseConfig(url: "http://127.0.0.1:\(port)", key: Self.key)).select("jobs", [])
        }
        guard case .transport(let transport) = refused else { Issue.record("\(refused)"); return }
        #expect(transport.kind == .connect && refused.isTransient)
    }

    /// Keep-alive: calls after the first reuse its connection.
    @Test func connectionsAreReused() throws {
        let server = TestServer { _ in .json(200, []) }
        defer { server.stop() }
        let client = try Self.client(server)
        for _ in 0..<5 { _ = try client.select("jobs", []) }
        #expect(server.requests.count == 5 && server.connections == 1)
    }

    /// Redirects are not followed: the 3xx is the answer.
    @Test func redirectsAreNotFollowed() throws {
        let server = TestServer { _ in .respond(status: 302, body: Data(), headers: ["Location": "http://127.0.0.1:1/elsewhere"]) }
        defer { server.stop() }
        let error = try #require(throws: SupabaseError.self) { try Self.client(server).select("jobs", []) }
        #expect(error == .http(status: 302, body: "") && server.requests.count == 1)
    }
}
