import Foundation

/// The queue's numbers a scaler or a metrics sampler needs (`job_queue_depth()`).
public struct QueueDepth: Sendable, Equatable, Decodable {
    /// Jobs queued, delayed retries included.
    public var queued: Int
    /// Queued jobs claimable now (past their `not_before`).
    public var queuedDue: Int
    public var processing: Int
    /// Age of the oldest queued job; 0 when none is queued.
    public var oldestQueuedSeconds: Double

    public init(queued: Int, queuedDue: Int, processing: Int, oldestQueuedSeconds: Double) {
        self.queued = queued; self.queuedDue = queuedDue; self.processing = processing; self.oldestQueuedSeconds = oldestQueuedSeconds
    }

    private enum CodingKeys: String, CodingKey {
        case queued, queuedDue = "queued_due", processing, oldestQueuedSeconds = "oldest_queued_seconds"
    }
}

extension SupabaseJobStore {
    /// The queue's depth by the `job_queue_depth` RPC; nil when the function is missing.
    public func queueDepth() throws -> QueueDepth? {
        do {
            return try JSONDecoder().decode(QueueDepth.self, from: client.rpc("job_queue_depth", [:]))
        } catch let error as SupabaseError where error.isMissingFunction {
            return nil
        } catch let error as SupabaseError {
            throw error
        } catch {
            throw SupabaseError.badReply("expected the queue's depth: \(error)")
        }
    }
}
