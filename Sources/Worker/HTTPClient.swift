import Foundation

/// A blocking HTTP client over libcurl for any number of threads. Each call borrows an easy handle
/// from a pool and returns it after, so a client reuses its connections (keep-alive) across calls
/// and threads; the pool grows to the most calls in flight at once.
public final class HTTPClient: Sendable {
    public let limits: HTTPLimits
    private let idle = Locked<[CurlEasy]>([])

    public init(limits: HTTPLimits = HTTPLimits()) { self.limits = limits }

    /// Sends an API request; the reply body is capped at `limits.maxResponseBytes`.
    public func send(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse {
        let sink = ResponseSink(memoryLimit: limits.maxResponseBytes)
        let status = try withHandle { (easy) throws(TransportError) in
            try easy.perform(request, connectTimeout: limits.connectTimeout, timeout: limits.requestTimeout,
                             stall: nil, sink: sink)
        }
        return HTTPResponse(status: status, body: sink.body)
    }

    /// Downloads into `file` (written from its current offset): a 2xx body of at most `maxBytes`
    /// goes to the file, any other reply's body to the response (capped like `send`'s).
    public func download(_ request: HTTPRequest, to file: FileHandle, maxBytes: Int) throws(TransportError) -> HTTPResponse {
        let sink = ResponseSink(memoryLimit: limits.maxResponseBytes, file: (file, maxBytes))
        let status = try withHandle { (easy) throws(TransportError) in
            try easy.perform(request, connectTimeout: limits.connectTimeout, timeout: limits.downloadTimeout,
                             stall: (limits.minimumSpeed, limits.stallTimeout), sink: sink)
        }
        return HTTPResponse(status: status, body: sink.body)
    }

    private func withHandle<T>(_ body: (CurlEasy) throws(TransportError) -> T) throws(TransportError) -> T {
        let easy = idle.withLock { $0.popLast() } ?? CurlEasy()
        defer { idle.withLock { $0.append(easy) } }
        return try body(easy)
    }
}
