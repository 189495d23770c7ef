import Foundation

/// The variables of a `.env` file: `NAME=value` lines, optionally prefixed by `export`; blank
/// lines and `#` comments are skipped; a value may be wrapped in single or double quotes (kept
/// verbatim inside), else it ends at ` #`. As docker compose and python-dotenv read them, minus
/// interpolation and multi-line values.
public enum DotEnv {
    public static func parse(_ text: String) -> [String: String] {
        var variables: [String: String] = [:]
        for raw in text.split(whereSeparator: \.isNewline) {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { continue }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { continue }
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if let quote = value.first, quote == "\"" || quote == "'", let end = value.dropFirst().firstIndex(of: quote) {
                value = String(value[value.index(after: value.startIndex)..<end])
            } else if let comment = value.range(of: " #") {
                value = value[..<comment.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            variables[name] = value
        }
        return variables
    }

    /// The variables of the file at `path`; an empty set when the file does not exist and
    /// `required` is false.
    public static func load(path: String, required: Bool) throws(ConfigError) -> [String: String] {
        guard FileManager.default.fileExists(atPath: path) else {
            if required { throw .envFile(path: path, reason: "no such file") }
            return [:]
        }
        do {
            return parse(try String(contentsOfFile: path, encoding: .utf8))
        } catch {
            throw .envFile(path: path, reason: error.localizedDescription)
        }
    }
}
