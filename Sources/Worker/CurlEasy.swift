import _CCurl
import Foundation

/// One libcurl easy handle. Between requests it keeps its connections, TLS sessions and DNS cache
/// (`curl_easy_reset` keeps them), so requests through one handle reuse a connection.
/// One request at a time: `HTTPClient` lends each handle to one caller.
final class CurlEasy {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))

    private static let initialized: CURLcode = ccurl_global_init()    // once per process, thread-safe

    init() {
        precondition(Self.initialized == CURLE_OK, "curl_global_init failed")
        guard let handle = curl_easy_init() else { fatalError("curl_easy_init failed: out of memory") }
        self.handle = handle
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Sends `request` and hands the reply's body to `sink`; returns the status. `timeout` bounds
    /// the whole exchange; `stall`, when given, abandons a transfer slower than its bytes a second
    /// for its duration. Redirects are not followed (a 3xx is returned as it is), TLS peers and host
    /// names are verified, only http and https are spoken.
    func perform(_ request: HTTPRequest, connectTimeout: Duration, timeout: Duration,
                 stall: (bytesPerSecond: Int, duration: Duration)?, sink: ResponseSink) throws(TransportError) -> Int {
        curl_easy_reset(handle)
        errorBuffer[0] = 0
        var headers: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headers) }
        // "Expect:" stops libcurl from waiting for 100-continue before sending larger bodies.
        for line in request.headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] {
            headers = curl_slist_append(headers, line)
        }
        sink.status = { [handle] in ccurl_response_code(handle) }
        let context = Unmanaged.passUnretained(sink).toOpaque()
        let body = request.body ?? Data()
        let code = body.withUnsafeBytes { bytes -> CURLcode in
            var code = CURLE_OK
            func set(_ option: CURLoption, _ value: Int) { if code == CURLE_OK { code = ccurl_setopt_long(handle, option, value) } }
            func set(_ option: CURLoption, string value: String) {
                if code == CURLE_OK { code = value.withCString { ccurl_setopt_pointer(handle, option, $0) } }   // libcurl copies strings
            }
            set(CURLOPT_URL, string: request.url)
            if code == CURLE_OK { code = ccurl_allow_http_only(handle) }
            set(CURLOPT_FOLLOWLOCATION, 0)
            set(CURLOPT_PATH_AS_IS, 1)                // send the path as given: no dot-segment merging (RFC 3986 §5.2.4)
            set(CURLOPT_SSL_VERIFYPEER, 1)
            set(CURLOPT_SSL_VERIFYHOST, 2)
            set(CURLOPT_NOSIGNAL, 1)                  // threads: no SIGALRM for DNS timeouts
            set(CURLOPT_TCP_KEEPALIVE, 1)             // keep idle pooled connections from being dropped
            set(CURLOPT_CONNECTTIMEOUT_MS, connectTimeout.milliseconds)
            set(CURLOPT_TIMEOUT_MS, timeout.milliseconds)
            if let limit = sink.fileLimit {          // a Content-Length over it ends the transfer before any byte
                if code == CURLE_OK { code = ccurl_setopt_offset(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(limit)) }
            }
            if let stall {
                set(CURLOPT_LOW_SPEED_LIMIT, stall.bytesPerSecond)
                set(CURLOPT_LOW_SPEED_TIME, max(1, stall.duration.milliseconds / 1000))
            }
            if request.method == "GET" {
                set(CURLOPT_HTTPGET, 1)
            } else {
                set(CURLOPT_CUSTOMREQUEST, string: request.method)
                if request.body != nil {     // POSTFIELDS must not be null; for an empty body no byte of it is read
                    if code == CURLE_OK { code = ccurl_setopt_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count)) }
                    if code == CURLE_OK { code = ccurl_setopt_pointer(handle, CURLOPT_POSTFIELDS, bytes.baseAddress ?? UnsafeRawPointer(errorBuffer)) }
                }
            }
            if code == CURLE_OK { code = ccurl_setopt_pointer(handle, CURLOPT_HTTPHEADER, headers) }
            if code == CURLE_OK { code = ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer) }
            if code == CURLE_OK { code = ccurl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, writeToSink) }
            if code == CURLE_OK { code = ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context) }
            guard code == CURLE_OK else { return code }
            return curl_easy_perform(handle)
        }
        if code == CURLE_OK { return ccurl_response_code(handle) }
        if let error = sink.failure { throw error }
        if code == CURLE_FILESIZE_EXCEEDED, let limit = sink.fileLimit { throw TransportError(.tooLarge(limit: limit), "") }
        let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        throw TransportError(Self.kind(code), detail)
    }

    /// ref: libcurl-errors(3).
    private static func kind(_ code: CURLcode) -> TransportError.Kind {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT: .connect
        case CURLE_OPERATION_TIMEDOUT: .timeout
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM: .tls
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_BAD_FUNCTION_ARGUMENT, CURLE_UNKNOWN_OPTION,
             CURLE_OUT_OF_MEMORY, CURLE_WRITE_ERROR: .local
        default: .network        // reset, closed early, nothing received, TLS handshake broken, …
        }
    }
}

/// Where a reply's body goes: memory up to a cap, or — for a 2xx download — a file up to a cap.
final class ResponseSink {
    private let memoryLimit: Int
    private let file: (handle: FileHandle, limit: Int)?
    private(set) var body = Data()
    private var fileBytes = 0
    private var toFile: Bool?
    /// The reply's status, once its headers have come (set by `CurlEasy`).
    fileprivate var status: () -> Int = { 0 }
    /// Why the sink stopped the transfer.
    fileprivate(set) var failure: TransportError?

    /// The most bytes a download may write, if this sink writes one.
    var fileLimit: Int? { file?.limit }

    init(memoryLimit: Int, file: (handle: FileHandle, limit: Int)? = nil) {
        self.memoryLimit = memoryLimit
        self.file = file
    }

    /// Takes a piece of the body; false stops the transfer.
    fileprivate func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if toFile == nil { toFile = file != nil && (200..<300).contains(status()) }
        if toFile == true, let file {
            fileBytes += bytes.count
            guard fileBytes <= file.limit else { failure = TransportError(.tooLarge(limit: file.limit), ""); return false }
            do {
                try file.handle.write(contentsOf: bytes)
            } catch {
                failure = TransportError(.disk, "cannot write the download: \(error.localizedDescription)")
                return false
            }
            return true
        }
        guard body.count + bytes.count <= memoryLimit else { failure = TransportError(.tooLarge(limit: memoryLimit), ""); return false }
        body.append(contentsOf: bytes)
        return true
    }
}

/// libcurl's write callback: hands each piece of the body to the `ResponseSink` in `context`.
private let writeToSink: ccurl_data_callback = { data, size, count, context in
    let sink = Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue()
    let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
    return sink.write(bytes) ? size * count : 0
}

extension Duration {
    /// Whole milliseconds, at least 1 (libcurl reads 0 as "no timeout").
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}
