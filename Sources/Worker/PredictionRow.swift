import Foundation

/// The `predictions` row for a job's analysis: `job_id`, `upload_id`, the whole result in `result`
/// (jsonb), and the result's headline values in their own columns, those the analysis gives
/// (`JobResult.columns`; supabase/README.md), the result's `model` object (engine and weight
/// versions) in `model_versions`. Encoded in one pass, keys sorted, as `JSONValue.data` writes.
struct PredictionRow: Encodable {
    /// Result keys that are also columns of `predictions` (supabase/migrations).
    static let headlineColumns = ["mood", "emotion", "energy_level", "confidence",
                                  "sound_classification", "yamnet_confidence", "emotion_confidence"]
    static let modelVersions = "model_versions"
    /// Every column an analysis may fill besides `result`.
    static let columns = headlineColumns + [modelVersions]

    let job: Job
    let analysis: JobResult

    /// The request body.
    static func body(job: Job, analysis: JobResult) throws -> Data {
        try JSONValue.encoded(PredictionRow(job: job, analysis: analysis))
    }

    private struct Key: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var row = encoder.container(keyedBy: Key.self)
        try row.encode(job.id.json, forKey: Key(stringValue: "job_id"))
        try row.encode(job.uploadID.json, forKey: Key(stringValue: "upload_id"))
        try row.encode(analysis.result, forKey: Key(stringValue: "result"))
        for column in Self.columns {
            if let value = analysis.columns[column] { try row.encode(value, forKey: Key(stringValue: column)) }
        }
    }
}
