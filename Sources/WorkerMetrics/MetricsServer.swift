import FlyingFox
import Foundation

/// The worker's HTTP listener (FlyingFox: non-blocking sockets on Swift concurrency):
///   GET /metrics  Prometheus text (version 0.0.4)
///   GET /healthz  200 while the claim loop is alive, 503 once stalled past `stallLimit`
///   GET /readyz   200 once the weights are loaded and Supabase answered, else 503
public final class MetricsServer: Sendable {
    public let metrics: WorkerMetrics
    private let server: HTTPServer

    /// Binds `host` (an IPv4 or IPv6 address) and `port` (0: any free port) when `run` starts.
    public init(metrics: WorkerMetrics, host: String, port: UInt16) throws {
        self.metrics = metrics
        server = host.contains(":") ? HTTPServer(address: try sockaddr_in6.inet6(ip6: host, port: port), timeout: 15, logger: .disabled)
                                    : HTTPServer(address: try sockaddr_in.inet(ip4: host, port: port), timeout: 15, logger: .disabled)
    }

    /// Serves until cancelled or stopped.
    public func run() async throws {
        await server.appendRoute("GET /metrics") { [metrics] _ in
            HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                         body: Data(metrics.exposition().utf8))
        }
        await server.appendRoute("GET /healthz") { [metrics] _ in
            Self.text(metrics.isAlive, ok: "alive\n", failing: "stalled: no claim loop activity for over \(metrics.stallLimit)\n")
        }
        await server.appendRoute("GET /readyz") { [metrics] _ in
            Self.text(metrics.isReady, ok: "ready\n", failing: "not ready\n")
        }
        try await server.run()
    }

    /// Waits (up to `timeout` seconds) until the socket listens; its port (the one chosen, for port 0).
    public func listeningPort(timeout: Double = 60) async throws -> Int? {
        try await server.waitUntilListening(timeout: timeout)
        switch await server.listeningAddress {
        case .ip4(_, let port)?, .ip6(_, let port)?: return Int(port)
        default: return nil
        }
    }

    public func stop() async { await server.stop() }

    private static func text(_ good: Bool, ok: String, failing: String) -> HTTPResponse {
        HTTPResponse(statusCode: good ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                     body: Data((good ? ok : failing).utf8))
    }
}
