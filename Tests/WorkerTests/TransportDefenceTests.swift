import Foundation
import Testing
@testable import Worker

/// What reaches the wire (issue #12): the object path exactly as built (no dot-segment merging),
/// no body beyond the download cap, no key over plain http to another host.
@Suite struct TransportDefenceTests {
    typealias Client = SupabaseClientTests

    /// libcurl would turn `a/../b` into `b` and `../../rest/v1/x` into `/rest/v1/x` without
    /// CURLOPT_PATH_AS_IS; `%` is sent as `%25`, so `%2e%2e` stays a name.
    @Test func thePathGoesOutAsBuilt() throws {
        let server = TestServer { _ in .respond(status: 200, body: Data("RIFF".utf8)) }
        defer { server.stop() }
        let file = try TemporaryFile(directory: NSTemporaryDirectory(), prefix: "test-")
        defer { file.remove() }
        for path in ["a/../b.wav", "../../../../rest/v1/uploads", "a/%2e%2e/b.wav"] {
            try Client.client(server).download(bucket: "audio_files", path: path, to: file.handle, maxBytes: 100)
        }
        #expect(server.requests.map(\.target) == ["/storage/v1/object/audio_files/a/../b.wav",
                                                  "/storage/v1/object/audio_files/../../../../rest/v1/uploads",
                                                  "/storage/v1/object/audio_files/a/%252e%252e/b.wav"])
    }

    /// A Content-Length over the cap ends the transfer before a byte is written.
    @Test func aDeclaredLengthOverTheCapIsRefusedBeforeDownloading() throws {
        let server = TestServer { _ in .respond(status: 200, body: Data(count: 1 << 20)) }
        defer { server.stop() }
        let file = try TemporaryFile(directory: NSTemporaryDirectory(), prefix: "test-")
        defer { file.remove() }
        #expect(throws: SupabaseError.transport(TransportError(.tooLarge(limit: 1000), ""))) {
            try Client.client(server).download(bucket: "audio_files", path: "u/a.wav", to: file.handle, maxBytes: 1000)
        }
        #expect(FileManager.default.contents(atPath: file.path)?.isEmpty == true)
    }

    @Test func plainHTTPOnlyToLoopback() throws {
        let key = Client.key
        for url in ["http://127.0.0.1:54321", "http://localhost:8000", "http://[::1]:54321", "http://127.8.9.10", "https://db.example.com"] {
            #expect(throws: Never.self) { try SupabaseConfig(url: url, key: key) }
        }
        for url in ["http://db.example.com", "http://10.0.0.5:8000", "http://127.0.0.1.example.com", "http://kong:8000"] {
            #expect(throws: ConfigError.insecureHTTP(url)) { try SupabaseConfig(url: url, key: key) }
            #expect(try SupabaseConfig(url: url, key: key, allowInsecureHTTP: true).url == url)
        }
    }

    @Test func diskErrorsAreTransientAndRequestErrorsAreNot() {
        #expect(TransportError(.disk, "No space left on device").isTransient)
        #expect(!TransportError(.local, "bad URL").isTransient)
    }
}
