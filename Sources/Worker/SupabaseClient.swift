import Foundation

/// One PostgREST query parameter, such as a filter `status=eq.queued` or `order=created_at.asc`.
public struct QueryItem: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) { self.name = name; self.value = value }

    /// `column=eq.value`. The value is taken verbatim after the operator (SUPABASE-WIRE.md,
    /// "PostgREST requests"), so it needs no quoting; percent-encoding happens when sent.
    public static func eq(_ column: String, _ value: some CustomStringConvertible) -> QueryItem {
        QueryItem(column, "eq.\(value)")
    }
}

/// The PostgREST and Storage calls the worker makes, over one `HTTPClient` (SUPABASE-WIRE.md).
/// Every call sends the key as `apikey` and, for a JWT key, as `Authorization: Bearer`; every 2xx
/// (206 included) is success; error replies become `SupabaseError`s, redacted of the key.
public final class SupabaseClient: Sendable {
    public let config: SupabaseConfig
    private let http: HTTPClient

    public init(config: SupabaseConfig, limits: HTTPLimits = HTTPLimits()) {
        self.config = config
        http = HTTPClient(limits: limits)
    }

    /// `GET /rest/v1/{table}?{query}`: the reply body (a JSON array).
    public func select(_ table: String, _ query: [QueryItem]) throws(SupabaseError) -> Data {
        try rest("GET", table, query)
    }

    /// `PATCH /rest/v1/{table}?{filters}` with `body`. A PATCH matching no row succeeds: `[]`
    /// under `return=representation`.
    public func update(_ table: String, _ query: [QueryItem], _ body: JSONValue, prefer: [String]) throws(SupabaseError) -> Data {
        try rest("PATCH", table, query, body: body.data, prefer: prefer)
    }

    /// `POST /rest/v1/{table}?{query}` with `body`: an insert, or an upsert with
    /// `Prefer: resolution=merge-duplicates` and `on_conflict`.
    public func insert(_ table: String, _ query: [QueryItem], _ body: JSONValue, prefer: [String]) throws(SupabaseError) -> Data {
        try rest("POST", table, query, body: body.data, prefer: prefer)
    }

    /// `insert` of a body already encoded as JSON.
    public func insert(_ table: String, _ query: [QueryItem], json body: Data, prefer: [String]) throws(SupabaseError) -> Data {
        try rest("POST", table, query, body: body, prefer: prefer)
    }

    /// `POST /rest/v1/rpc/{function}` with the named arguments. A missing function is a
    /// `.postgrest(404, PGRST202)` (`isMissingFunction`).
    public func rpc(_ function: String, _ arguments: JSONObject) throws(SupabaseError) -> Data {
        try rest("POST", "rpc/" + Self.encode(function), [], body: JSONValue.object(arguments).data, prefer: [])
    }

    /// `GET /storage/v1/object/{bucket}/{path}` (each segment percent-encoded) into `file`, at
    /// most `maxBytes`. A missing object or bucket throws a `.storage` error with `isMissingObject`.
    public func download(bucket: String, path: String, to file: FileHandle, maxBytes: Int) throws(SupabaseError) {
        let segments = ([bucket] + path.split(separator: "/").map(String.init)).map(Self.encode)
        let request = HTTPRequest(method: "GET", url: "\(config.url)/storage/v1/object/" + segments.joined(separator: "/"),
                                  headers: keyHeaders)
        let response: HTTPResponse
        do { response = try http.download(request, to: file, maxBytes: maxBytes) } catch { throw .transport(error) }
        guard response.isSuccess else { throw failure(response, object: "\(bucket)/\(path)") }
    }

    private func rest(_ method: String, _ path: String, _ query: [QueryItem], body: Data? = nil,
                      prefer: [String] = []) throws(SupabaseError) -> Data {
        var url = "\(config.url)/rest/v1/\(path)"
        if !query.isEmpty { url += "?" + query.map { Self.encode($0.name) + "=" + Self.encode($0.value) }.joined(separator: "&") }
        var headers = keyHeaders + [("Accept", "application/json")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        if !prefer.isEmpty { headers.append(("Prefer", prefer.joined(separator: ","))) }
        let response: HTTPResponse
        do {
            response = try http.send(HTTPRequest(method: method, url: url, headers: headers, body: body))
        } catch {
            throw .transport(error)
        }
        guard response.isSuccess else { throw failure(response) }
        return response.body
    }

    /// Both key headers (SUPABASE-WIRE.md, "Routing and keys").
    private var keyHeaders: [(name: String, value: String)] {
        let key = config.key
        return key.isJWT ? [("apikey", key.secret), ("Authorization", "Bearer \(key.secret)")] : [("apikey", key.secret)]
    }

    /// The error a non-2xx reply stands for, its text redacted of the key.
    private func failure(_ response: HTTPResponse, object: String? = nil) -> SupabaseError {
        let text = config.key.redact(String(decoding: response.body, as: UTF8.self))
        let body = Data(text.utf8), decoder = JSONDecoder()
        if response.status == 401 {
            let message: String? = switch try? decoder.decode(JSONValue.self, from: body) {
            case .object(let fields)?: if case .string(let message)? = fields["message"] { message } else { nil }
            default: nil
            }
            return .unauthorized(message: message ?? "Unauthorized")
        }
        if let object, let error = try? decoder.decode(StorageError.self, from: body) {
            return .storage(status: response.status, error, object: object)
        }
        if let error = try? decoder.decode(PostgRESTError.self, from: body) {
            return .postgrest(status: response.status, error)
        }
        return .http(status: response.status, body: String(text.prefix(200)))
    }

    /// Percent-encodes all but RFC 3986's unreserved characters: `+` becomes `%2B` (a literal `+`
    /// in a query decodes to a space: SUPABASE-WIRE.md, "PostgREST requests"), `/` in a segment `%2F`.
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved)!
    }

    private static let unreserved = CharacterSet(charactersIn:
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
