import Foundation

/// A PostgREST error body: always exactly these four fields (SUPABASE-WIRE.md, "PostgREST responses").
public struct PostgRESTError: Sendable, Equatable, Codable {
    /// A Postgres SQLSTATE (`23505`) or a PostgREST code (`PGRST202`).
    public var code: String
    public var message: String
    public var details: String?
    public var hint: String?

    public init(code: String, message: String, details: String? = nil, hint: String? = nil) {
        self.code = code; self.message = message; self.details = details; self.hint = hint
    }
}

/// A Storage error body. Storage answers a missing object or bucket with HTTP 400 and the real
/// status as the string `statusCode` "404" (SUPABASE-WIRE.md, "Storage").
public struct StorageError: Sendable, Equatable, Codable {
    public var statusCode: String
    public var error: String?
    public var message: String?
    public var code: String?

    public init(statusCode: String, error: String? = nil, message: String? = nil, code: String? = nil) {
        self.statusCode = statusCode; self.error = error; self.message = message; self.code = code
    }
}

/// Why a Supabase call failed. Server-provided text is redacted of the key before it gets here.
public enum SupabaseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No usable reply (connection, timeout, size cap).
    case transport(TransportError)
    /// 401: the gateway or PostgREST refused the key.
    case unauthorized(message: String)
    /// A PostgREST error reply.
    case postgrest(status: Int, PostgRESTError)
    /// A Storage error reply about `object` (`bucket/path`).
    case storage(status: Int, StorageError, object: String)
    /// Any other non-2xx reply (a proxy's 502 page, a redirect); `body` is its start.
    case http(status: Int, body: String)
    /// A 2xx reply whose body is not what the call expects.
    case badReply(String)

    /// Whether the same call may succeed later: transport failures other than TLS and size
    /// caps, 5xx, 408 and 429.
    public var isTransient: Bool {
        switch self {
        case .transport(let error): error.isTransient
        case .postgrest(let status, _), .storage(let status, _, _), .http(let status, _):
            status >= 500 || status == 408 || status == 429
        case .unauthorized, .badReply: false
        }
    }

    /// A missing object or bucket: Storage's 400 with `statusCode` "404" (or a plain 404).
    public var isMissingObject: Bool {
        if case .storage(let status, let error, _) = self { return error.statusCode == "404" || status == 404 }
        return false
    }

    /// The key was refused (401).
    public var isUnauthorized: Bool {
        if case .unauthorized = self { return true }
        return false
    }

    /// PostgREST could not find the function (`PGRST202`), e.g. an optional RPC not installed.
    public var isMissingFunction: Bool {
        if case .postgrest(_, let error) = self { return error.code == "PGRST202" }
        return false
    }

    public var description: String {
        switch self {
        case .transport(let error): return error.description
        case .unauthorized(let message):
            return "Supabase refused the key (401 \(message)): check SUPABASE_SERVICE_ROLE_KEY is this project's service_role key"
        case .postgrest(let status, let error):
            var text = "\(error.message) (HTTP \(status), \(error.code))"
            if let details = error.details, !details.isEmpty { text += ": \(details)" }
            if let hint = error.hint, !hint.isEmpty { text += "; hint: \(hint)" }
            return text
        case .storage(_, let error, let object):
            return "\(error.message ?? error.error ?? "storage error \(error.statusCode)") (\(object))"
        case .http(let status, let body):
            return body.isEmpty ? "HTTP \(status)" : "HTTP \(status): \(body)"
        case .badReply(let reason):
            return "unexpected reply: \(reason)"
        }
    }
}
