import ArgumentParser
import Foundation
import Worker

/// `mood jobs`: the queue administration an operator needs, with the service key over PostgREST.
struct Jobs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Queue administration: status, retry failed jobs, show a job (service key, over PostgREST).",
        subcommands: [Status.self, Retry.self, Show.self])

    /// The project and key, as `mood worker` reads them.
    struct Connection: ParsableArguments {
        @Option(name: .customLong("supabase-url"), help: "Supabase project URL (default: $SUPABASE_URL, else the .env file's).")
        var supabaseURL: String?

        @Option(help: ArgumentHelp("File of NAME=value lines read for the settings the environment lacks (default: .env, if present).", valueName: "path"))
        var envFile: String?

        @Flag(help: "Machine-readable JSON on stdout.")
        var json = false

        func admin() throws -> JobAdmin {
            let dotEnv = try DotEnv.load(path: envFile ?? ".env", required: envFile != nil)
            let config = try SupabaseConfig.resolve(url: supabaseURL, environment: ProcessInfo.processInfo.environment, dotEnv: dotEnv)
            return JobAdmin(client: SupabaseClient(config: config))
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Counts by status, the oldest queued job's age, and the failures of the last hour grouped by error.")

        @OptionGroup var connection: Connection

        @Option(help: ArgumentHelp("The failures' window.", valueName: "seconds"))
        var window = 3600

        func validate() throws {
            guard window >= 0 else { throw ValidationError("--window must not be negative") }
        }

        func run() throws {
            let stats = try connection.admin().stats(window: window)
            if connection.json { return print(JSONValue.object(stats).text) }
            let counts = stats["counts"]?.objectValue ?? [:]
            for status in ["queued", "processing", "completed", "failed"] {
                var line = status.padding(toLength: 11, withPad: " ", startingAt: 0) + (counts[status]?.text ?? "0")
                if status == "queued" {
                    line += " (\(stats["queued_due"]?.text ?? "0") due now; oldest \(Self.age(stats["oldest_queued_seconds"])))"
                }
                print(line)
            }
            let failures = stats["failures"]?.arrayValue ?? []
            print("failures in the last \(window) s: " + (failures.isEmpty ? "none" : ""))
            for failure in failures {
                let fields = failure.objectValue ?? [:]
                print("  " + (fields["count"]?.text ?? "?").padding(toLength: 6, withPad: " ", startingAt: 0) + (fields["error"]?.text ?? ""))
            }
        }

        static func age(_ value: JSONValue?) -> String {
            let seconds: Double = switch value {
            case .integer(let n)?: Double(n)
            case .number(let x)? where x.isFinite: x
            default: 0
            }
            return seconds < 120 ? String(format: "%.0f s", seconds) : seconds < 7200 ? String(format: "%.0f min", seconds / 60)
                : String(format: "%.1f h", seconds / 3600)
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue failed jobs again with their attempts reset (their error history is kept).")

        @OptionGroup var connection: Connection

        @Flag(help: "Retry failed jobs (required: the jobs retried are failed ones only).")
        var failed = false

        @Option(help: ArgumentHelp("Only jobs that failed at or after this time: ISO 8601 (2026-12-03T10:00:00Z) or an age (90s, 30m, 2h, 1d).", valueName: "time"))
        var since: String?

        @Option(name: .customLong("id"), help: "Only this job (repeatable).")
        var ids: [String] = []

        func validate() throws {
            guard failed else { throw ValidationError("say --failed: only failed jobs are retried") }
            if let since, Self.parse(since: since, now: Date()) == nil {
                throw ValidationError("--since must be an ISO 8601 time or an age such as 30m, 2h, 1d")
            }
            guard ids.allSatisfy({ !$0.isEmpty }) else { throw ValidationError("--id must not be empty") }
        }

        func run() throws {
            let jobs = try connection.admin().retryFailed(ids: ids.map { RowID($0) }, since: since.flatMap { Self.parse(since: $0, now: Date()) })
            if connection.json { return print(JSONValue.object(["requeued": .array(jobs)]).text) }
            print("requeued \(jobs.count) failed job(s)")
            for job in jobs { print("  " + (job.objectValue?["id"]?.text ?? "?")) }
        }

        /// An ISO 8601 time, or `now` minus an age `<n>s|m|h|d`.
        static func parse(since text: String, now: Date) -> Date? {
            if let date = try? Date(text, strategy: .iso8601) { return date }
            if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
            let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
            guard let unit = text.last.flatMap({ units[$0] }), let n = Double(text.dropLast()), n.isFinite, n >= 0 else { return nil }
            return now.addingTimeInterval(-n * unit)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One job: its row, every failure in its history, and its prediction.")

        @OptionGroup var connection: Connection

        @Argument(help: "The job's id.")
        var id: String

        func run() throws {
            guard let (job, prediction) = try connection.admin().show(id: RowID(id)) else {
                throw MoodError("no job \(id)")
            }
            if connection.json { return print(JSONValue.object(["job": job, "prediction": prediction ?? .null]).text) }
            let fields = job.objectValue ?? [:]
            for key in fields.keys.sorted() where key != "errors" { print("\(key): \(fields[key]?.text ?? "null")") }
            let errors = fields["errors"]?.arrayValue ?? []
            print("errors (\(errors.count)):")
            for error in errors {
                let e = error.objectValue ?? [:]
                print("  \(e["at"]?.text ?? "?")  attempt \(e["attempt"]?.text ?? "?")  \(e["worker"]?.text ?? "-")  \(e["status"]?.text ?? "?"): \(e["error"]?.text ?? "")")
            }
            print("prediction: " + (prediction.map(\.text) ?? "none"))
        }
    }
}

extension JSONValue {
    var objectValue: JSONObject? { if case .object(let o) = self { o } else { nil } }
    var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }

    /// A string as itself, anything else as JSON.
    var text: String {
        if case .string(let s) = self { return s }
        return String(decoding: data, as: UTF8.self)
    }
}
