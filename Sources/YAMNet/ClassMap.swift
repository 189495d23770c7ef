import Foundation

/// YAMNet's class map (`yamnet_class_map.csv`: index, mid, display_name), the official
/// AudioSet ontology names in score order.
public struct ClassMap: Sendable {
    public let displayNames: [String]
    public let mids: [String]

    public init(path: String) throws {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) }
        catch { throw ClassMapError("cannot read class map \(path): \((error as NSError).localizedDescription). Run Scripts/fetch-weights or pass --class-map") }
        var names: [String] = [], mids: [String] = []
        for (number, line) in text.split(whereSeparator: \.isNewline).enumerated().dropFirst() {
            let fields = Self.csvFields(String(line))
            guard fields.count == 3, Int(fields[0]) == names.count else {
                throw ClassMapError("class map \(path) line \(number + 1) is not 'index,mid,display_name' in order")
            }
            mids.append(fields[1]); names.append(fields[2])
        }
        displayNames = names
        self.mids = mids
    }

    /// Splits one CSV line; fields may be double-quoted with "" escapes (RFC 4180).
    static func csvFields(_ line: String) -> [String] {
        var fields: [String] = [], field = "", quoted = false
        var chars = line.makeIterator()
        while let ch = chars.next() {
            if quoted {
                if ch == "\"" {
                    if let next = chars.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; if next == "," { fields.append(field); field = "" } else { field.append(next) } }
                    } else { quoted = false }
                } else { field.append(ch) }
            } else if ch == "\"" { quoted = true }
            else if ch == "," { fields.append(field); field = "" }
            else { field.append(ch) }
        }
        fields.append(field)
        return fields
    }
}

public struct ClassMapError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
