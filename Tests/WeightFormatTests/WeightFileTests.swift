import Foundation
import Testing
import TestSupport
import WeightFormat

@Suite struct WeightFileTests {
    let records = [
        WeightRecord(name: "a/kernel", shape: [2, 3], values: [1, 2, 3, 4, 5, 6]),
        WeightRecord(name: "b/bias", shape: [5], values: [-1, 0.5, 0, 7, 1e-3]),
        WeightRecord(name: "scalar", shape: [], values: [42]),
    ]

    func write(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("w-\(UUID().uuidString).bin").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func kind(_ bytes: [UInt8], model: String = "test") throws -> WeightFileError.Kind? {
        let path = try write(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do { _ = try WeightFile.read(path: path, model: model, hint: "rerun the exporter"); return nil }
        catch { #expect(error.description.contains(path) && error.description.contains("rerun the exporter")); return error.kind }
    }

    @Test func roundTripAndAlignment() throws {
        let bytes = WeightFile.encode(model: "test", records: records)
        let path = try write(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (read, checksum) = try WeightFile.read(path: path, model: "test", hint: "")
        #expect(read == records)
        #expect(checksum == bytes.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0.dropLast(4))) })
        #expect(Array(bytes[0..<8]) == Array("MOODWGT\0".utf8))
        // every payload offset is 64-byte aligned (records follow the model name)
        let firstOffset = bytes.withUnsafeBytes { raw in
            Int(raw.loadUnaligned(fromByteOffset: 32 + 2 + 4 + 2 + 8 + 1 + 1 + 8, as: UInt64.self))
        }
        #expect(firstOffset % 64 == 0)
    }

    @Test func corruptionsGiveTypedErrors() throws {
        let good = WeightFile.encode(model: "test", records: records)
        var flipped = good; flipped[flipped.count - 20] ^= 0x40
        guard case .checksumMismatch = try kind(flipped) else { Issue.record("flipped byte"); return }
        guard case .truncated = try kind(Array(good.dropLast(9))) else { Issue.record("truncation"); return }
        var magic = good; magic[0] = UInt8(ascii: "X")
        #expect(try kind(magic) == .badMagic)
        var version = good; version[8] = 2
        #expect(try kind(version) == .unsupportedVersion(2))
        #expect(try kind(good, model: "yamnet") == .wrongModel(expected: "yamnet", found: "test"))
        #expect(try kind([]) == .truncated(expected: 36, actual: 0))
        #expect(try kind(Array("short".utf8)) == .truncated(expected: 36, actual: 5))
    }

    @Test func crc32KnownVector() {
        let digest = Array("123456789".utf8).withUnsafeBytes { CRC32.checksum($0) }
        #expect(digest == 0xCBF4_3926)
    }
}
