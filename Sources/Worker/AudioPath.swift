/// The rule an `uploads.audio_file_path` must pass before the worker requests it (issue #12): the
/// same rule as the schema's `audio_path_is_valid` (supabase/migrations/20261203000100), checked
/// again here because the service key bypasses row-level security and a row may predate the
/// constraint. 1–1024 UTF-8 bytes; no leading `/`, no empty, `.` or `..` segment, nor one that
/// percent-decodes to dots (`%2e`, `%2E.`); no control characters (C0, DEL, C1) and no backslash.
/// With an owner (the row's `user_id`), the first segment must be the owner's id and a file name
/// must follow it: Supabase's `storage.foldername(name)[1] = auth.uid()` convention.
public enum AudioPath {
    public static let maxBytes = 1024

    /// Throws a `JobFailure.permanent` reading `Invalid audio_file_path: <the path, escaped>: <why>`.
    static func validate(_ path: String, owner: String?) throws(JobFailure) {
        func refuse(_ reason: String) -> JobFailure {
            .permanent("Invalid audio_file_path: \(escaped(String(path.unicodeScalars.prefix(200)))): \(reason)")
        }
        guard !path.isEmpty else { throw refuse("it is empty") }
        guard path.utf8.count <= maxBytes else { throw refuse("longer than \(maxBytes) bytes") }
        guard !path.hasPrefix("/") else { throw refuse("it starts with '/'") }
        guard !path.unicodeScalars.contains(where: { isControl($0) || $0 == "\\" }) else {
            throw refuse("it contains a control character or a backslash")
        }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !segments.contains(where: \.isEmpty) else { throw refuse("it has an empty segment") }
        guard !segments.contains(where: isDotSegment) else { throw refuse("it has a '.' or '..' segment") }
        if let owner {
            guard segments.count >= 2, segments[0].lowercased() == owner.lowercased() else {
                throw refuse("it is not inside the uploader's folder '\(escaped(owner))/'")
            }
        }
    }

    /// A segment of dots only once `%2e` is decoded (`.`, `..`, `%2e%2E`, `.%2e`, …).
    static func isDotSegment(_ segment: String) -> Bool {
        var rest = Substring(segment.lowercased())
        guard !rest.isEmpty else { return false }
        while !rest.isEmpty {
            if rest.hasPrefix(".") { rest = rest.dropFirst() } else if rest.hasPrefix("%2e") { rest = rest.dropFirst(3) } else { return false }
        }
        return true
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"
    }

    /// `text` with each control character (and line or paragraph separator) written as `\u{XX}`,
    /// so a user-controlled name cannot forge or split a log line.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar) { out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars) } else { out.append(scalar) }
        }
        return String(out)
    }
}
