import ArgumentParser
import Foundation
import Worker

/// `mood worker`: analyses the jobs queued in Supabase until stopped (SIGTERM/SIGINT), or until the
/// queue is empty (`--once`/`--drain`).
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Process analysis jobs from Supabase: claim, download, analyse (mood, emotion, sounds), store the prediction.",
        discussion: """
            Reads SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY from the environment, else from the .env \
            file (--env-file); --supabase-url overrides the URL. The key is never printed. On SIGTERM or \
            SIGINT the worker stops claiming, lets jobs in flight finish within --grace-period, gives back \
            the others and exits 0. The schema is supabase/migrations; without its claim_job and \
            extend_lease functions the worker falls back to conditional PATCHes on the jobs table.
            """)

    @OptionGroup var model: ModelOptions
    @OptionGroup var limits: InputLimitOptions

    @Option(name: .customLong("supabase-url"), help: "Supabase project URL (default: $SUPABASE_URL, else the .env file's).")
    var supabaseURL: String?

    @Option(help: ArgumentHelp("File of NAME=value lines read for the settings the environment lacks (default: .env, if present).", valueName: "path"))
    var envFile: String?

    @Option(help: "Storage bucket the uploads' audio_file_path names objects in.")
    var bucket = "audio_files"

    @Option(help: "Jobs in flight at once; --threads is divided between them.")
    var concurrency = 1

    @Option(help: ArgumentHelp("Seconds between claims while the queue is empty, doubling up to --max-poll-interval.", valueName: "seconds"))
    var pollInterval: Double = 2

    @Option(help: ArgumentHelp("Longest wait between claims while idle.", valueName: "seconds"))
    var maxPollInterval: Double = 30

    @Option(help: ArgumentHelp("How long a claim holds a job; extended every third of it while the job runs.", valueName: "seconds"))
    var lease = 300

    @Option(help: ArgumentHelp("After SIGTERM/SIGINT, how long jobs in flight may run on before they are queued again.", valueName: "seconds"))
    var gracePeriod: Double = 20

    @Option(help: "Claims a job may have when its row has no max_attempts column.")
    var maxAttempts = 3

    @Flag(name: [.customLong("once"), .customLong("drain")], help: "Process jobs until the queue is empty, then exit.")
    var drain = false

    @Flag(help: "Check the configuration, the weights and that Supabase answers with the key, claim nothing, and exit (for a HEALTHCHECK).")
    var check = false

    @Option(help: "text: the operators' log lines; json: one JSON object per line, with job ids and per-stage durations.")
    var logFormat: WorkerLog.Format = .text

    @Option(name: .customLong("worker-id"), help: "This worker's name in jobs.locked_by (default: hostname-pid).")
    var workerID: String?

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard pollInterval > 0, maxPollInterval >= pollInterval else {
            throw ValidationError("--poll-interval must be positive and at most --max-poll-interval")
        }
        guard lease >= 3 else { throw ValidationError("--lease must be at least 3 seconds") }
        guard gracePeriod >= 0 else { throw ValidationError("--grace-period must not be negative") }
        guard maxAttempts >= 1 else { throw ValidationError("--max-attempts must be at least 1") }
        guard workerID.map({ !$0.isEmpty }) ?? true else { throw ValidationError("--worker-id must not be empty") }
    }

    func run() async throws {
        let dotEnv = try DotEnv.load(path: envFile ?? ".env", required: envFile != nil)
        let supabase = try SupabaseConfig.resolve(url: supabaseURL, environment: ProcessInfo.processInfo.environment, dotEnv: dotEnv)
        let id = workerID ?? WorkerConfiguration.defaultWorkerID()
        let log = WorkerLog(format: logFormat, workerID: id, redacting: supabase.key)
        let instances = check ? 1 : concurrency
        let analyzer = MoodJobAnalyzer(analyzers: try model.loadAnalyzers(slots: instances), limits: limits.limits)
        let store = SupabaseJobStore(client: SupabaseClient(config: supabase), bucket: bucket) { log(.warning, "fallback", $0) }
        do {
            // A 5xx or a dropped connection at start is retried like any call (RetryPolicy); a
            // wrong key (401) or a missing table is not.
            try await RetryPolicy().run(retrying: { error, wait in
                log(.warning, "start", "Supabase at \(supabase.url): \(error); retrying in \(wait)")
            }) { try store.checkReachable() }
        } catch {
            throw MoodError("Supabase at \(supabase.url) cannot be used: \(error)")
        }
        if check {
            log(.info, "check", "ok: Supabase at \(supabase.url) answers with the key; the models are loaded")
            return
        }
        let worker = Worker(store: store, analyzer: analyzer, log: log, configuration: WorkerConfiguration(
            workerID: id, concurrency: concurrency, lease: .seconds(lease), pollInterval: .seconds(pollInterval),
            maxPollInterval: .seconds(maxPollInterval), gracePeriod: .seconds(gracePeriod), drain: drain,
            maxAttempts: maxAttempts, maxDownloadBytes: limits.maxBytes))
        let signals = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)              // delivered to the dispatch source instead
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { worker.shutdown.fire() }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        try await worker.run()
        // Threads of jobs given back may still be inside OpenBLAS or OpenSSL: exit(3)'s library
        // teardown would free memory under them. Logs are written unbuffered; nothing is lost.
        if worker.abandonedJobs > 0 { _exit(0) }
    }
}

extension WorkerLog.Format: ExpressibleByArgument {}
