import ArgumentParser
import Foundation
import Worker
import WorkerMetrics

/// `mood worker`'s day-2 options: the metrics and health listener, and the retry backoff.
struct OperationsOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Serve /metrics (Prometheus), /healthz and /readyz on this port (default: $MOOD_METRICS_PORT, else off).", valueName: "port"))
    var metricsPort: Int?

    @Option(help: ArgumentHelp("Address the metrics listener binds: 0.0.0.0 or :: for all (default: $MOOD_METRICS_HOST, else 127.0.0.1).", valueName: "address"))
    var metricsHost: String?

    @Option(help: ArgumentHelp("/healthz says 503 once the claim loop showed no sign of life (a claim answered, a lease extended, a job ended) for this long. Default: the larger of --lease and twice --max-poll-interval, plus 60.", valueName: "seconds"))
    var stallTimeout: Double?

    @Option(help: ArgumentHelp("A job given back after a transient failure waits this long before it is claimed again, doubling per attempt (with jitter), up to --retry-max-delay.", valueName: "seconds"))
    var retryDelay: Double = 10

    @Option(help: ArgumentHelp("Longest wait before a requeued job is claimed again.", valueName: "seconds"))
    var retryMaxDelay: Double = 600

    private var environment: [String: String] { ProcessInfo.processInfo.environment }
    private var port: Int? { metricsPort ?? environment["MOOD_METRICS_PORT"].flatMap { Int($0) } }
    private var host: String { metricsHost ?? environment["MOOD_METRICS_HOST"] ?? "127.0.0.1" }

    func validate() throws {
        if let text = environment["MOOD_METRICS_PORT"], metricsPort == nil, Int(text) == nil {
            throw ValidationError("$MOOD_METRICS_PORT must be a port number")
        }
        if let port, !(0...65535).contains(port) { throw ValidationError("--metrics-port must be 0...65535") }
        if let stallTimeout, !(stallTimeout > 0 && stallTimeout <= 1e9) { throw ValidationError("--stall-timeout must be positive") }
        guard retryDelay >= 0, retryMaxDelay >= retryDelay, retryMaxDelay <= 1e7 else {
            throw ValidationError("--retry-delay must not be negative nor above --retry-max-delay (at most 10⁷ s)")
        }
    }

    var requeueBackoff: RetryPolicy { RetryPolicy(baseDelay: .seconds(retryDelay), maxDelay: .seconds(retryMaxDelay)) }

    /// Starts the listener when `--metrics-port` is given: its metrics, not ready yet, and the
    /// task serving them. `depth` samples the queue.
    func startMetrics(lease: Int, maxPollInterval: Double, log: WorkerLog,
                      depth: @escaping @Sendable () throws -> QueueDepth?) throws -> (WorkerMetrics, Task<Void, Never>)? {
        guard let port else { return nil }
        let stall = stallTimeout ?? max(Double(lease), 2 * maxPollInterval) + 60
        let metrics = WorkerMetrics(stallLimit: .seconds(stall), sampleQueue: depth)
        let server: MetricsServer
        do { server = try MetricsServer(metrics: metrics, host: host, port: UInt16(port)) }
        catch { throw MoodError("--metrics-host \(host) is not an IP address: \(error)") }
        let task = Task {
            do { try await server.run() } catch is CancellationError {} catch {
                log(.error, "metrics", "Metrics listener on \(host):\(port) failed: \(error)")
            }
        }
        log(.info, "metrics", "Serving /metrics, /healthz and /readyz on \(host):\(port)")
        return (metrics, task)
    }
}
