import ArgumentParser
import AudioIO
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
            extend_lease functions the worker falls back to conditional PATCHes on the jobs table. \
            Each analysis runs in a child process with --job-memory, a CPU-time limit and a deadline \
            (--job-timeout); it sees none of the worker's secrets.
            """)

    @OptionGroup var model: ModelOptions

    @Option(help: ArgumentHelp("Refuse files larger than this (100 MB, the bucket's file_size_limit); a larger Content-Length is refused before downloading.", valueName: "bytes"))
    var maxBytes = WorkerConfiguration.defaultMaxDownloadBytes

    @Option(help: ArgumentHelp("Refuse audio longer than this (4 hours by default).", valueName: "seconds"))
    var maxDuration: Double = AudioLimits().maxSeconds

    @Option(help: ArgumentHelp("Deadline of each analysis (default: 60 s + 0.1 s per second of audio the file declares, at most 1800 s).", valueName: "seconds"))
    var jobTimeout: Double?

    @Option(help: ArgumentHelp("Address-space limit of each analysis process (RLIMIT_AS).", valueName: "bytes"))
    var jobMemory = 2 << 30

    @Flag(help: "Decode formats without a native decoder (Ogg, MP4, WebM, AIFF) with ffmpeg, if on PATH. Off: ffmpeg is a large attack surface (README, Security).")
    var ffmpeg = false

    @Flag(help: "Download audio_file_path even when it is not inside its upload's user_id folder (legacy layouts).")
    var allowForeignPaths = false

    @Flag(help: "Allow an http:// SUPABASE_URL to a host that is not loopback (the key travels unencrypted).")
    var allowInsecureHTTP = false
    @OptionGroup var operations: OperationsOptions

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
        guard maxBytes > 0, maxDuration > 0 else { throw ValidationError("--max-bytes and --max-duration must be positive") }
        guard jobTimeout.map({ $0 > 0 && $0.isFinite }) ?? true else { throw ValidationError("--job-timeout must be positive") }
        guard jobMemory >= 64 << 20 else { throw ValidationError("--job-memory must be at least 64 MiB") }
    }

    func run() async throws {
        let dotEnv = try DotEnv.load(path: envFile ?? ".env", required: envFile != nil)
        let supabase = try SupabaseConfig.resolve(url: supabaseURL, environment: ProcessInfo.processInfo.environment, dotEnv: dotEnv,
                                                  allowInsecureHTTP: allowInsecureHTTP)
        let id = workerID ?? WorkerConfiguration.defaultWorkerID()
        let log = WorkerLog(format: logFormat, workerID: id, redacting: supabase.key)
        let store = SupabaseJobStore(client: SupabaseClient(config: supabase), bucket: bucket) { log(.warning, "fallback", $0) }
        let served = check ? nil : try operations.startMetrics(lease: lease, maxPollInterval: maxPollInterval, log: log) {
            try store.queueDepth()
        }
        defer { served?.1.cancel() }
        let instances = check ? 1 : concurrency
        var perJob = model
        perJob.threads = max(1, model.threads / instances)
        _ = try perJob.loadAnalyzer()          // the models load: a missing file stops the worker now, not each job
        let deadline = JobDeadline(fixed: jobTimeout)
        let analyzer = IsolatedJobAnalyzer(arguments: ["analyze-job"] + model.arguments(threads: perJob.threads) + [
            "--max-bytes", String(maxBytes), "--max-duration", String(maxDuration),
            "--address-space", String(jobMemory), "--cpu-seconds", String(deadline.cpuSeconds(threads: perJob.threads))]
            + (ffmpeg ? ["--ffmpeg"] : []), deadline: deadline)
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
        var configuration = WorkerConfiguration(
            workerID: id, concurrency: concurrency, lease: .seconds(lease), pollInterval: .seconds(pollInterval),
            maxPollInterval: .seconds(maxPollInterval), gracePeriod: .seconds(gracePeriod), drain: drain,
            maxAttempts: maxAttempts, maxDownloadBytes: maxBytes, requireOwnerFolder: !allowForeignPaths)
        configuration.requeueBackoff = operations.requeueBackoff
        configuration.observer = served?.0
        served?.0.markReady()                    // the weights are loaded and Supabase answered
        let worker = Worker(store: store, analyzer: analyzer, log: log, configuration: configuration)
        let signals = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)              // delivered to the dispatch source instead
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                served?.0.markReady(false)
                worker.shutdown.fire()
            }
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
