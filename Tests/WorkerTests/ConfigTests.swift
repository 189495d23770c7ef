import Foundation
import Testing
@testable import Worker

/// Configuration: where the URL and key come from, what is refused, and that the key never shows.
@Suite struct ConfigTests {
    static let serviceKey = SupabaseClientTests.key
    /// A JWT whose role claim is "anon".
    static let anonKey = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.c2lnbmF0dXJl"

    @Test func parsesDotEnv() {
        let text = """
            # Supabase
            SUPABASE_URL=https://abcd.supabase.co   # project
            export SUPABASE_SERVICE_ROLE_KEY="quoted # not a comment"
            EMPTY=
            SINGLE='x y'
            not a line
            """
        #expect(DotEnv.parse(text) == ["SUPABASE_URL": "https://abcd.supabase.co", "SUPABASE_SERVICE_ROLE_KEY": "quoted # not a comment",
                                       "EMPTY": "", "SINGLE": "x y"])
    }

    /// A flag beats the environment, which beats the .env file.
    @Test func precedence() throws {
        let dotEnv = ["SUPABASE_URL": "https://from-file:1", "SUPABASE_SERVICE_ROLE_KEY": "sb_secret_file"]
        let environment = ["SUPABASE_URL": "https://from-env:2"]
        #expect(try SupabaseConfig.resolve(environment: [:], dotEnv: dotEnv).url == "https://from-file:1")
        #expect(try SupabaseConfig.resolve(environment: environment, dotEnv: dotEnv).url == "https://from-env:2")
        #expect(try SupabaseConfig.resolve(url: "https://flag.example/", environment: environment, dotEnv: dotEnv).url == "https://flag.example")
        #expect(try SupabaseConfig.resolve(environment: environment, dotEnv: dotEnv).key.secret == "sb_secret_file")
    }

    @Test func refusesBadConfigurations() throws {
        #expect(throws: ConfigError.missing("SUPABASE_URL")) { try SupabaseConfig.resolve(environment: [:], dotEnv: [:]) }
        #expect(throws: ConfigError.missing("SUPABASE_SERVICE_ROLE_KEY")) {
            try SupabaseConfig.resolve(environment: ["SUPABASE_URL": "https://a.supabase.co", "SUPABASE_SERVICE_ROLE_KEY": ""], dotEnv: [:])
        }
        for url in ["abcd.supabase.co", "ftp://a.b", "https://", "https://a.b?x=1", "http://user:pw@a.b"] {
            #expect(throws: ConfigError.malformedURL(url)) { try SupabaseConfig(url: url, key: Self.serviceKey) }
        }
        #expect(throws: ConfigError.malformedKey) { try SupabaseConfig(url: "https://a.b", key: "abc def") }
        #expect(throws: ConfigError.notServiceRole("anon")) { try SupabaseConfig(url: "https://a.b", key: Self.anonKey) }
        #expect(throws: ConfigError.notServiceRole("publishable")) { try SupabaseConfig(url: "https://a.b", key: "sb_publishable_x") }
        #expect(throws: ConfigError.envFile(path: "/nonexistent/.env", reason: "no such file")) {
            try DotEnv.load(path: "/nonexistent/.env", required: true)
        }
        #expect(try DotEnv.load(path: "/nonexistent/.env", required: false).isEmpty)
        #expect("\(ConfigError.missing("SUPABASE_URL"))" == "SUPABASE_URL is not set: set it in the environment or in a .env file (or pass --supabase-url)")
    }

    /// The key prints as <redacted> wherever it is interpolated, and log lines are scrubbed of it.
    @Test func keyIsNeverPrinted() throws {
        let config = try SupabaseConfig(url: "https://a.supabase.co", key: Self.serviceKey)
        for text in ["\(config)", String(reflecting: config), "\(config.key)", String(reflecting: config.key)] {
            #expect(!text.contains(Self.serviceKey))
        }
        let lines = LogLines()
        let log = lines.log(.json, key: config.key)
        log(.error, "test", "server said: \(Self.serviceKey)")
        #expect(lines.all.count == 1 && !lines.all[0].contains(Self.serviceKey) && lines.all[0].contains("<redacted>"))
    }

    /// End to end: a server that echoes the key in every error, a worker that fails on it — no
    /// log line and no error carries the key.
    @Test func keyNeverReachesLogsOrErrors() async throws {
        let calls = Locked(0)
        let server = TestServer { request in
            let echo = "bad key \(request.headers["apikey"] ?? "")"
            return calls.withLock { $0 += 1; return $0 } == 1 ? .json(500, ["code": "XX000", "message": .string(echo), "details": .string(echo), "hint": nil])
                                                                : .json(401, ["message": .string(echo)])
        }
        defer { server.stop() }
        let config = try SupabaseConfig(url: server.url, key: Self.serviceKey)
        let store = SupabaseJobStore(client: SupabaseClient(config: config))
        let lines = LogLines()
        let worker = Worker(store: store, analyzer: StubAnalyzer(), log: lines.log(.text, key: config.key), configuration: WorkerConfiguration(
            workerID: "w", pollInterval: .milliseconds(5), retry: RetryPolicy(tries: 2, baseDelay: .milliseconds(1))))
        let thrown = await #expect(throws: SupabaseError.self) { try await worker.run() }     // a 500, retried: a 401
        let texts = lines.all + [thrown.map { "\($0)" } ?? "", (try? store.checkReachable()).map { "\($0)" } ?? ""]
        #expect(lines.all.contains { $0.contains("bad key <redacted>") })
        #expect(texts.allSatisfy { !$0.contains(Self.serviceKey) })
    }
}
