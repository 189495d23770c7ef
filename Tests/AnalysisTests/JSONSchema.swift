import Foundation

/// A validator for the subset of JSON Schema (draft 2020-12) that Schemas/*.json use: type (one or
/// a list of null, number, integer, string, array, object; no booleans), enum, required, properties, additionalProperties: false, items,
/// maxItems, minimum, maximum, pattern, oneOf, and local $ref ("#/$defs/name"). Other keywords are
/// refused, so a schema cannot silently ask for more than is checked.
struct JSONSchema {
    let root: [String: Any]

    init(path: String) throws {
        root = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

    static let known: Set<String> = ["$schema", "$id", "title", "description", "type", "enum", "required", "properties",
                                     "additionalProperties", "items", "maxItems", "minimum", "maximum", "pattern",
                                     "oneOf", "$ref", "$defs"]

    /// Every violation of the schema by `value` (decoded by JSONSerialization), as "path: reason".
    func errors(_ value: Any) -> [String] { check(value, root, "$") }

    private func check(_ value: Any, _ schema: [String: Any], _ path: String) -> [String] {
        if let unknown = schema.keys.first(where: { !Self.known.contains($0) }) { return ["\(path): unsupported keyword \(unknown)"] }
        if let ref = schema["$ref"] as? String {
            let name = ref.replacingOccurrences(of: "#/$defs/", with: "")
            guard let target = (root["$defs"] as? [String: Any])?[name] as? [String: Any] else { return ["\(path): bad $ref \(ref)"] }
            return check(value, target, path)
        }
        var errors: [String] = []
        if let types = schema["type"].map({ $0 as? [String] ?? [$0 as! String] }), !types.contains(where: { Self.matches(value, $0) }) {
            return ["\(path): \(Self.describe(value)) is not \(types.joined(separator: " or "))"]
        }
        if let options = schema["enum"] as? [Any], !options.contains(where: { Self.equal($0, value) }) {
            errors.append("\(path): \(Self.describe(value)) is not one of \(options)")
        }
        if let oneOf = schema["oneOf"] as? [[String: Any]] {
            let passing = oneOf.filter { check(value, $0, path).isEmpty }.count
            if passing != 1 { errors.append("\(path): matches \(passing) of the oneOf schemas, not exactly one") }
        }
        if let number = value as? NSNumber {
            if let minimum = schema["minimum"] as? Double, number.doubleValue < minimum { errors.append("\(path): \(number) < \(minimum)") }
            if let maximum = schema["maximum"] as? Double, number.doubleValue > maximum { errors.append("\(path): \(number) > \(maximum)") }
        }
        if let string = value as? String, let pattern = schema["pattern"] as? String,
           string.range(of: pattern, options: .regularExpression) == nil {
            errors.append("\(path): \"\(string)\" does not match \(pattern)")
        }
        if let object = value as? [String: Any] {
            for key in schema["required"] as? [String] ?? [] where object[key] == nil { errors.append("\(path): missing \(key)") }
            let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
            for (key, child) in object {
                if let sub = properties[key] {
                    errors += check(child, sub, "\(path).\(key)")
                } else if schema["additionalProperties"] as? Bool == false {
                    errors.append("\(path): unexpected key \(key)")
                }
            }
        }
        if let array = value as? [Any] {
            if let maxItems = schema["maxItems"] as? Int, array.count > maxItems { errors.append("\(path): \(array.count) items > \(maxItems)") }
            if let items = schema["items"] as? [String: Any] {
                for (i, item) in array.enumerated() { errors += check(item, items, "\(path)[\(i)]") }
            }
        }
        return errors
    }

    private static func matches(_ value: Any, _ type: String) -> Bool {
        switch type {
        case "null": return value is NSNull
        case "number": return value is NSNumber
        case "integer": return (value as? NSNumber).map { $0.doubleValue.rounded() == $0.doubleValue } ?? false
        case "string": return value is String
        case "array": return value is [Any]
        case "object": return value is [String: Any]
        default: return false
        }
    }

    private static func equal(_ a: Any, _ b: Any) -> Bool {
        if a is NSNull || b is NSNull { return a is NSNull && b is NSNull }
        if let a = a as? String, let b = b as? String { return a == b }
        if let a = a as? NSNumber, let b = b as? NSNumber { return a == b }
        return false
    }

    private static func describe(_ value: Any) -> String { value is NSNull ? "null" : "\(value)" }
}
