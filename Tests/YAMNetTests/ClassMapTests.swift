import Foundation
import Testing
import YAMNet

@Suite struct ClassMapTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Weights/yamnet_class_map.csv").path

    @Test func officialClassMapParses() throws {
        let map = try ClassMap(path: Self.path)
        #expect(map.displayNames.count == 521 && map.mids.count == 521)
        #expect(map.displayNames[0] == "Speech" && map.mids[0] == "/m/09x0r")
        #expect(map.displayNames[1] == "Child speech, kid speaking")     // quoted, with a comma
        #expect(map.displayNames[494] == "Silence")
    }

    @Test func malformedClassMapIsAnError() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("classes-\(UUID().uuidString).csv").path
        try "index,mid,display_name\n0,/m/x,A\n2,/m/y,B\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: ClassMapError.self) { try ClassMap(path: path) }
        #expect(throws: ClassMapError.self) { try ClassMap(path: "/nonexistent/classes.csv") }
    }
}
