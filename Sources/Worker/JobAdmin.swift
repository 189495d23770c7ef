import Foundation

/// Queue administration with the service key, over PostgREST (`mood jobs`): the queue's numbers
/// (`job_queue_stats`), requeueing failed jobs, one job with its history and prediction.
public struct JobAdmin: Sendable {
    public let client: SupabaseClient

    public init(client: SupabaseClient) { self.client = client }

    /// Depth, counts by status, and the failures of the last `window` seconds grouped by error.
    public func stats(window: Int) throws -> JSONObject {
        let reply = try client.rpc("job_queue_stats", ["window_seconds": .integer(window)])
        guard case .object(let stats)? = try? JSONDecoder().decode(JSONValue.self, from: reply) else {
            throw SupabaseError.badReply("expected an object from job_queue_stats, got \(String(decoding: reply.prefix(200), as: UTF8.self))")
        }
        return stats
    }

    /// Queues the failed jobs again — those of `ids` if any are given, finished at or after
    /// `since` if given — with their attempts reset and their error history kept. Returns the
    /// jobs requeued (id, upload_id).
    public func retryFailed(ids: [RowID], since: Date?) throws -> [JSONValue] {
        var filters = [QueryItem.eq("status", "failed"), QueryItem("select", "id,upload_id")]
        if !ids.isEmpty {
            // Each value double-quoted, `"` and `\` escaped (SUPABASE-WIRE.md: reserved characters).
            let quoted = ids.map { "\"" + $0.description.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            filters.append(QueryItem("id", "in.(\(quoted.joined(separator: ",")))"))
        }
        if let since { filters.append(QueryItem("finished_at", "gte.\(since.iso8601)")) }
        let body: JSONValue = ["status": "queued", "attempts": 0, "error": nil, "locked_by": nil, "lease_expires_at": nil,
                               "not_before": .string(Date().iso8601)]
        return try decode([JSONValue].self, client.update("jobs", filters, body, prefer: ["return=representation"]))
    }

    /// The job's row (with its `errors` history) and its prediction's summary; nil when there is no such job.
    public func show(id: RowID) throws -> (job: JSONValue, prediction: JSONValue?)? {
        let jobs = try decode([JSONValue].self, client.select("jobs", [QueryItem("select", "*"), .eq("id", id)]))
        guard let job = jobs.first else { return nil }
        let predictions = try decode([JSONValue].self, client.select("predictions", [
            QueryItem("select", "mood,emotion,energy_level,confidence,sound_classification,model_versions,created_at"),
            .eq("job_id", id)]))
        return (job, predictions.first)
    }

    private func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        do { return try JSONDecoder().decode(type, from: data) }
        catch { throw SupabaseError.badReply("expected \(type), got \(String(decoding: data.prefix(200), as: UTF8.self))") }
    }
}
