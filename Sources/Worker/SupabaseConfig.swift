import Foundation

/// Where the worker's Supabase project is and the key it uses. Built only through `init`, which
/// validates both, so a config in hand is usable.
public struct SupabaseConfig: Sendable {
    /// The project URL, `http(s)://host[:port][/path]`, without a trailing slash.
    public let url: String
    public let key: ServiceKey

    /// `http://` only for a loopback host (localhost, 127.0.0.0/8, ::1) unless `allowInsecureHTTP`:
    /// the key would cross the network in clear.
    public init(url: String, key: String, allowInsecureHTTP: Bool = false) throws(ConfigError) {
        let trimmed = url.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .missing("SUPABASE_URL") }
        guard let parts = URLComponents(string: trimmed), let scheme = parts.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = parts.host, !host.isEmpty,
              parts.query == nil, parts.fragment == nil, parts.user == nil, parts.password == nil else {
            throw .malformedURL(trimmed)
        }
        guard scheme == "https" || allowInsecureHTTP || Self.isLoopback(host) else { throw .insecureHTTP(trimmed) }
        self.url = trimmed.hasSuffix("/") ? String(trimmed.dropLast()) : trimmed
        self.key = try ServiceKey(key)
    }

    /// The config from, in order of precedence: `url` (a flag), the process environment, then the
    /// `.env` file's variables (`dotEnv`). Both values are required: SUPABASE_URL and
    /// SUPABASE_SERVICE_ROLE_KEY.
    public static func resolve(url: String? = nil, environment: [String: String], dotEnv: [String: String],
                               allowInsecureHTTP: Bool = false) throws(ConfigError) -> SupabaseConfig {
        func value(_ name: String) -> String? { (environment[name] ?? dotEnv[name]).flatMap { $0.isEmpty ? nil : $0 } }
        guard let url = url ?? value("SUPABASE_URL") else { throw .missing("SUPABASE_URL") }
        guard let key = value("SUPABASE_SERVICE_ROLE_KEY") else { throw .missing("SUPABASE_SERVICE_ROLE_KEY") }
        return try SupabaseConfig(url: url, key: key, allowInsecureHTTP: allowInsecureHTTP)
    }

    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}

/// The service-role key. It prints as `<redacted>` wherever it is interpolated; only the
/// request headers read `secret`.
public struct ServiceKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let secret: String

    /// Refuses an empty key, one with whitespace or control characters (a header would break), and
    /// a key that says it is not the service role: a JWT whose `role` claim is another role, or a
    /// new-style publishable key (`sb_publishable_…`). Such keys pass the gateway but RLS then hides
    /// every row (SUPABASE-WIRE.md, "What users … complain about").
    public init(_ secret: String) throws(ConfigError) {
        let secret = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.isEmpty else { throw .missing("SUPABASE_SERVICE_ROLE_KEY") }
        guard secret.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else { throw .malformedKey }
        self.secret = secret
        if secret.hasPrefix("sb_publishable_") { throw .notServiceRole("publishable") }
        if let role = jwtRole, role != "service_role" { throw .notServiceRole(role) }
    }

    /// New-style `sb_…` keys are not JWTs: they go in `apikey` only (SUPABASE-WIRE.md, "Routing and keys").
    var isJWT: Bool { !secret.hasPrefix("sb_") }

    /// The `role` claim of a JWT key (its payload read, its signature not checked: the server does).
    private var jwtRole: String? {
        let parts = secret.split(separator: ".", omittingEmptySubsequences: false)
        guard isJWT, parts.count == 3 else { return nil }
        var base64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let payload = Data(base64Encoded: base64),
              case .object(let claims)? = try? JSONDecoder().decode(JSONValue.self, from: payload),
              case .string(let role)? = claims["role"] else { return nil }
        return role
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }

    /// `text` with every occurrence of the key replaced by `<redacted>`: for text that came from
    /// elsewhere (a server's error body) before it reaches a log or an error.
    public func redact(_ text: String) -> String {
        text.replacingOccurrences(of: secret, with: "<redacted>")
    }
}

/// A configuration the worker cannot start with. Messages never contain the key.
public enum ConfigError: Error, Equatable, CustomStringConvertible {
    case missing(String)
    case malformedURL(String)
    case insecureHTTP(String)
    case malformedKey
    case notServiceRole(String)
    case envFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .missing(let name):
            "\(name) is not set: set it in the environment or in a .env file"
                + (name == "SUPABASE_URL" ? " (or pass --supabase-url)" : "")
        case .malformedURL(let url):
            "SUPABASE_URL '\(url)' is not a valid project URL: expected http(s)://host[:port], e.g. https://abcd.supabase.co"
        case .insecureHTTP(let url):
            "SUPABASE_URL '\(url)' is plain http to a host that is not loopback: the key would travel unencrypted; use https (or pass --allow-insecure-http)"
        case .malformedKey:
            "SUPABASE_SERVICE_ROLE_KEY is malformed: it contains whitespace or control characters"
        case .notServiceRole(let role):
            "SUPABASE_SERVICE_ROLE_KEY holds the \(role) key, not the service role key: the worker needs the service_role (secret) key, which bypasses row-level security"
        case .envFile(let path, let reason):
            "cannot read \(path): \(reason)"
        }
    }
}
