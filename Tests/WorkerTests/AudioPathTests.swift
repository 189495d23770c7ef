import Foundation
import Testing
@testable import Worker

/// `AudioPath`: the rule an upload's object name passes before the worker requests it (issue #12).
@Suite struct AudioPathTests {
    static let owner = "0a11ce00-0000-4000-8000-000000000001"

    static let refused: [(path: String, reason: String)] = [
        ("", "it is empty"),
        ("/etc/passwd", "it starts with '/'"),
        ("\(owner)//x.wav", "it has an empty segment"),
        ("\(owner)/x.wav/", "it has an empty segment"),
        ("\(owner)/./x.wav", "it has a '.' or '..' segment"),
        ("\(owner)/../bob/x.wav", "it has a '.' or '..' segment"),
        ("../../../../rest/v1/uploads", "it has a '.' or '..' segment"),
        ("\(owner)/%2e%2e/x.wav", "it has a '.' or '..' segment"),
        ("\(owner)/%2E./x.wav", "it has a '.' or '..' segment"),
        ("\(owner)/.%2e/x.wav", "it has a '.' or '..' segment"),
        ("\(owner)/x\u{0}.wav", "it contains a control character or a backslash"),
        ("\(owner)/x\n.wav", "it contains a control character or a backslash"),
        ("\(owner)/x\u{1B}[2J.wav", "it contains a control character or a backslash"),
        ("\(owner)/x\u{85}.wav", "it contains a control character or a backslash"),
        ("\(owner)\\..\\x.wav", "it contains a control character or a backslash"),
        ("\(owner)/" + String(repeating: "x", count: 1020), "longer than 1024 bytes"),
        ("bob/x.wav", "it is not inside the uploader's folder '\(owner)/'"),
        ("x.wav", "it is not inside the uploader's folder '\(owner)/'"),
        (owner, "it is not inside the uploader's folder '\(owner)/'"),
    ]

    @Test(arguments: refused.indices)
    func refusesWithTheReason(_ index: Int) {
        let (path, reason) = Self.refused[index]
        #expect {
            try AudioPath.validate(path, owner: Self.owner)
        } throws: { error in
            guard case JobFailure.permanent(let message) = error else { return false }
            return message.hasPrefix("Invalid audio_file_path: ") && message.hasSuffix(": " + reason) && !message.contains("\n")
        }
    }

    @Test(arguments: ["\(owner)/take 1+2.wav", "\(owner)/..hidden.wav", "\(owner)/a/b/c.flac", "\(owner)/%41.wav",
                      "\(owner)/é.wav", "\(owner.uppercased())/x.wav", "\(owner)/" + String(repeating: "x", count: 900)])
    func acceptsWellFormedPathsInTheOwnersFolder(_ path: String) throws {
        try AudioPath.validate(path, owner: Self.owner)
    }

    /// Without an owner (no user_id, or --allow-foreign-paths) any well-formed name passes.
    @Test func withoutAnOwnerOnlyTheShapeCounts() throws {
        try AudioPath.validate("bob/x.wav", owner: nil)
        try AudioPath.validate("x.wav", owner: nil)
        #expect(throws: JobFailure.self) { try AudioPath.validate("a/../b.wav", owner: nil) }
    }

    @Test func escapesControlCharactersForLogs() {
        #expect(AudioPath.escaped("a\nb\u{1B}c\u{7F}\u{2028}é") == "a\\u{A}b\\u{1B}c\\u{7F}\\u{2028}é")
        #expect(AudioPath.escaped("plain/name.wav") == "plain/name.wav")
    }
}
