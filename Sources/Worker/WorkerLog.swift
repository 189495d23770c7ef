import Foundation

/// The worker's log: one line per event. `text` gives the operators' lines verbatim (`JobLog`) and
/// plain sentences for the rest; `json` gives one object per line:
/// `{"time", "level", "event", "worker_id", "job_id"?, "message", "stages_ms"?, "total_ms"?}`, where
/// `message` is the text line and `stages_ms` a finished job's time per stage (claim, upload,
/// download, analyze, save, finish) in milliseconds. Every line is redacted of the key.
public final class WorkerLog: Sendable {
    public enum Format: String, Sendable, CaseIterable { case text, json }
    public enum Level: String, Sendable { case info, warning, error }

    public let format: Format
    public let workerID: String
    private let key: ServiceKey?
    private let write: @Sendable (String) -> Void

    /// - Parameter write: takes each line, without its newline (default: standard output).
    public init(format: Format, workerID: String, redacting key: ServiceKey? = nil,
                write: @escaping @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) }) {
        self.format = format
        self.workerID = workerID
        self.key = key
        self.write = write
    }

    public func callAsFunction(_ level: Level, _ event: String, _ message: String, job: RowID? = nil,
                               stages: [(name: String, duration: Duration)] = []) {
        let line: String
        switch format {
        case .text:
            line = AudioPath.escaped(message)          // one event, one line, whatever a path holds
        case .json:
            var fields: JSONObject = ["time": .string(Date().iso8601), "level": .string(level.rawValue),
                                      "event": .string(event), "worker_id": .string(workerID), "message": .string(message)]
            if let job { fields["job_id"] = .string(job.description) }
            if !stages.isEmpty {
                fields["stages_ms"] = .object(Dictionary(stages.map { ($0.name, milliseconds($0.duration)) }, uniquingKeysWith: { $1 }))
                fields["total_ms"] = milliseconds(stages.reduce(.zero) { $0 + $1.duration })
            }
            line = String(decoding: JSONValue.object(fields).data, as: UTF8.self)
        }
        write(key?.redact(line) ?? line)
    }
}

/// Milliseconds, to the microsecond.
private func milliseconds(_ duration: Duration) -> JSONValue {
    let ms = Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) * 1e-15
    return .number((ms * 1000).rounded() / 1000)
}

extension Duration {
    /// Seconds to two places, for messages: "300 s", "0.74 s".
    var seconds: String {
        let value = Double(components.seconds) + Double(components.attoseconds) * 1e-18
        return String(format: "%g s", (value * 100).rounded() / 100)
    }
}
