import Foundation

/// An HTTP request as `HTTPClient` sends it. Header names are sent as given (HTTP treats them
/// case-insensitively).
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: Data?

    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A reply: its status and body (at most `HTTPLimits.maxResponseBytes`; for a download, the body
/// of a non-2xx reply only, the 2xx body having gone to the file).
public struct HTTPResponse: Sendable {
    public var status: Int
    public var body: Data

    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// Timeouts and size caps of an `HTTPClient`.
public struct HTTPLimits: Sendable, Equatable {
    /// Time to establish a connection (TCP and TLS).
    public var connectTimeout: Duration
    /// Time for a whole API request, connection included.
    public var requestTimeout: Duration
    /// Time for a whole download; a download is also abandoned when it moves at under
    /// `minimumSpeed` bytes a second for `stallTimeout`.
    public var downloadTimeout: Duration
    public var minimumSpeed: Int
    public var stallTimeout: Duration
    /// The largest API reply body kept; a larger one fails the request (`.tooLarge`).
    public var maxResponseBytes: Int

    public init(connectTimeout: Duration = .seconds(10), requestTimeout: Duration = .seconds(30),
                downloadTimeout: Duration = .seconds(900), minimumSpeed: Int = 1024,
                stallTimeout: Duration = .seconds(30), maxResponseBytes: Int = 8 << 20) {
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.downloadTimeout = downloadTimeout
        self.minimumSpeed = minimumSpeed
        self.stallTimeout = stallTimeout
        self.maxResponseBytes = maxResponseBytes
    }
}

/// Why a request got no HTTP reply, or a reply that could not be taken.
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// No connection: DNS, refused, unreachable.
        case connect
        /// A timeout (`HTTPLimits`), connecting or transferring.
        case timeout
        /// The connection broke: reset, closed early, nothing received.
        case network
        /// TLS failed: a certificate that does not verify, or a handshake error.
        case tls
        /// The reply was over `limit` bytes.
        case tooLarge(limit: Int)
        /// The request itself is wrong (bad URL, unsupported scheme).
        case local
        /// The worker's own disk failed (ENOSPC, EIO writing the download): the worker's fault,
        /// not the file's, so the job is tried again.
        case disk
    }
    public let kind: Kind
    /// libcurl's description of what happened (it never holds request headers).
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// Whether trying again later may succeed.
    public var isTransient: Bool {
        switch kind {
        case .connect, .timeout, .network, .disk: true
        case .tls, .tooLarge, .local: false
        }
    }

    public var description: String {
        switch kind {
        case .tooLarge(let limit): "over the size limit of \(limit) bytes"
        default: message
        }
    }
}
