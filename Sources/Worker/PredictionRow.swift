/// The `predictions` row for a job's analysis result: `job_id`, `upload_id`, the whole result in
/// `result` (jsonb), and the result's headline values copied into their own columns, those the
/// result has: the analysers' keys are the columns' names (supabase/README.md). The result's
/// `model` object (engine and weight versions) goes to `model_versions`.
enum PredictionRow {
    /// Result keys that are also columns of `predictions` (supabase/migrations).
    static let headlineColumns = ["mood", "emotion", "energy_level", "confidence",
                                  "sound_classification", "yamnet_confidence", "emotion_confidence"]

    static func make(job: Job, result: JSONObject) -> JSONValue {
        var row: JSONObject = ["job_id": job.id.json, "upload_id": job.uploadID.json, "result": .object(result)]
        for column in headlineColumns { if let value = result[column] { row[column] = value } }
        if let models = result["model"] { row["model_versions"] = models }
        return .object(row)
    }
}
